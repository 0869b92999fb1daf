//! The rules AWS would otherwise enforce minutes into an apply, and warnings for what is legal
//! but unwise. They run on a structurally valid spec; every finding carries the line and column
//! of the value it is about, looked up by key path in the positioned tree.
//!
//! One file a section of the spec: `stack` (name, region, tags), `network`, `database` (and
//! `aurora` for a database with an `aurora-*` engine), `proxy`, `redis`, `alarms`; what several
//! sections share is in `shapes` (how ids, ARNs, versions and classes are written) and `windows`
//! (backup, snapshot and maintenance windows).

mod alarms;
pub mod aurora;
pub mod database;
mod network;
mod proxy;
pub mod redis;
mod shapes;
mod stack;
mod storage;
mod windows;

use super::diag::Diagnostic;
use super::raw::Stack;
use super::tree::{KeyPath, Node};

pub use alarms::{AURORA_METRICS, RDS_INSTANCE_METRICS, RDS_PROXY_METRICS, REDIS_METRICS};
pub use stack::MAX_STACK_TAGS;

/// Checks a structurally valid stack. `root` is the positioned tree it was decoded from.
pub fn check(stack: &Stack, root: &Node) -> Vec<Diagnostic> {
    let mut r = Rules {
        stack,
        root,
        out: Vec::new(),
    };
    r.stack_level();
    r.network();
    r.database(&stack.database);
    if let Some(p) = &stack.proxy {
        r.proxy(p);
    }
    if let Some(redis) = &stack.redis {
        r.redis(redis);
    }
    r.alarms();
    // Warnings come last, in this order: diagnostics at one position keep the order they were
    // found in.
    r.database_warnings(&stack.database);
    if let Some(redis) = &stack.redis {
        r.redis_warnings(redis);
    }
    r.replica_lag_warnings();
    r.out
}

/// A diagnostic just recorded, to add what is allowed and a hint to.
struct Finding<'d>(&'d mut Diagnostic);

impl Finding<'_> {
    fn allowed(self, allowed: impl Into<String>) -> Self {
        self.0.allowed = Some(allowed.into());
        self
    }
    fn hint(self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }
    /// The hint that names the nearest known name, when there is one.
    fn did_you_mean(self, near: Option<&str>) -> Self {
        match near {
            Some(n) => self.hint(format!("did you mean `{n}`?")),
            None => self,
        }
    }
}

/// The checker: the stack, the positioned tree its values are located in, and what it found.
struct Rules<'a> {
    stack: &'a Stack,
    root: &'a Node,
    out: Vec<Diagnostic>,
}

impl Rules<'_> {
    /// An error pointing at the value at `path`.
    fn error(&mut self, path: &str, message: impl Into<String>) -> Finding<'_> {
        let kp = KeyPath::parse(path);
        let pos = self.root.locate_value(&kp);
        self.push(Diagnostic::error(pos, &kp, message))
    }

    /// A warning pointing at the key at `path`.
    fn warning(&mut self, path: &str, message: impl Into<String>) -> Finding<'_> {
        let kp = KeyPath::parse(path);
        let pos = self.root.locate(&kp);
        self.push(Diagnostic::warning(pos, &kp, message))
    }

    /// An error pointing at the key (not the value) of `kp`, for a problem with the key itself.
    fn key_error(&mut self, kp: KeyPath, message: impl Into<String>) -> Finding<'_> {
        let pos = self.root.locate(&kp);
        self.push(Diagnostic::error(pos, &kp, message))
    }

    /// An error for a key that `parent` (a mapping) lacks, pointing at the mapping as the
    /// structural check does for a missing required key.
    fn missing(&mut self, parent: &str, key: &str, message: impl Into<String>) -> Finding<'_> {
        let pos = self.root.locate_value(&KeyPath::parse(parent));
        let kp = KeyPath::parse(&format!("{parent}.{key}"));
        self.push(Diagnostic::error(pos, &kp, message))
    }

    /// The first of `paths` written in the file (a rule between two keys points at the one the
    /// user wrote), or the first when none is.
    fn written<'p>(&self, paths: &[&'p str]) -> &'p str {
        paths
            .iter()
            .find(|p| {
                let kp = KeyPath::parse(p);
                let parent = KeyPath(kp.0[..kp.0.len().saturating_sub(1)].to_vec());
                kp.0.is_empty() || self.root.locate(&kp) != self.root.locate(&parent)
            })
            .copied()
            .unwrap_or(paths[0])
    }

    fn push(&mut self, d: Diagnostic) -> Finding<'_> {
        let index = self.out.len();
        self.out.push(d);
        Finding(&mut self.out[index])
    }
}

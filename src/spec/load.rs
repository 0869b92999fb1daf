//! Loading a spec file: the one place that parses YAML.
//!
//! serde_yaml is archived upstream; it is used only here, so a maintained fork can replace it in
//! one place. The positioned tree ([`super::tree`]) comes from the same text.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::convert::stack_spec;
use super::diag::{Diagnostic, Severity};
use super::raw::Stack;
use super::stack::StackSpec;
use super::tree::{self, KeyPath, Node, Pos, Scalar, Value};
use super::{rules, schema, structure};

/// The outcome of loading a spec: the stack when it is valid, and every diagnostic found.
#[derive(Debug)]
pub struct Loaded {
    /// The file name as given, used in messages.
    pub file: String,
    pub source: String,
    /// The validated stack, present only when there is no error (warnings allowed).
    pub stack: Option<StackSpec>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Every diagnostic rendered for a terminal, followed by a count. The source lines shown
    /// are found in one pass over the file, whatever the number of diagnostics.
    pub fn render(&self) -> String {
        let wanted: HashSet<usize> = self.diagnostics.iter().map(|d| d.line).collect();
        let lines: HashMap<usize, &str> = self
            .source
            .lines()
            .enumerate()
            .filter(|(i, _)| wanted.contains(&(i + 1)))
            .map(|(i, l)| (i + 1, l))
            .collect();
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render_with_line(&self.file, lines.get(&d.line).copied()));
            out.push('\n');
        }
        out
    }
}

/// The top-level section a key path is in: `database` for `database.storage.iops`, `alarms`
/// for `alarms[3].metric`.
fn section(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// The tree as JSON for a lenient decode, without the entries at the `bad` key paths (unknown
/// keys, values of the wrong type): optional ones fall back to their defaults, required ones
/// make the decode fail.
fn to_json(node: &Node, bad: &HashSet<String>, path: &KeyPath) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .filter_map(|e| {
                    let p = path.key(&e.key);
                    let shown = p.to_string();
                    (!bad.contains(&shown)).then(|| (e.key.clone(), to_json(&e.value, bad, &p)))
                })
                .collect(),
        ),
        Value::Seq(items) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| to_json(n, bad, &path.index(i)))
                .collect(),
        ),
        Value::Scalar(Scalar::Null) => J::Null,
        Value::Scalar(Scalar::Bool(b)) => J::Bool(*b),
        Value::Scalar(Scalar::Int(i)) => J::from(*i),
        Value::Scalar(Scalar::Float(f)) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::Scalar(Scalar::Str(t)) => J::String(t.clone()),
    }
}

/// Why a spec file could not be read at all. The OS error is said once: in the message, not
/// again as its source.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {file}: {cause}")]
pub struct ReadError {
    pub file: String,
    pub cause: std::io::Error,
}

/// The most diagnostics reported for one file; the rest are counted in a last one.
pub const MAX_DIAGNOSTICS: usize = 200;

/// Reads and checks a spec file. A file that is not UTF-8 is a diagnostic at the first bad
/// byte's line and column.
pub fn load_file(path: &Path) -> Result<Loaded, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|cause| ReadError {
        file: file.clone(),
        cause,
    })?;
    match String::from_utf8(bytes) {
        Ok(source) => Ok(load_str(&file, &source)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let line = valid.matches('\n').count() + 1;
            let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
            let column = valid[line_start..].chars().count() + 1;
            let diagnostic = Diagnostic::error(
                Pos { line, column },
                &KeyPath::root(),
                format!(
                    "the file is not valid UTF-8: byte {at} (0x{:02x}) at line {line}, column {column}",
                    bytes.get(at).copied().unwrap_or(0)
                ),
            )
            .hint("save the file as UTF-8");
            Ok(Loaded {
                file,
                source: valid,
                stack: None,
                diagnostics: vec![diagnostic],
            })
        }
    }
}

/// The validated spec of a file the rules passed; a choice they let through unmade is an
/// error at its key path.
fn validated(loaded: &mut Loaded, stack: Stack, root: &Node) {
    match stack_spec(stack) {
        Ok(spec) => loaded.stack = Some(spec),
        Err(m) => loaded.diagnostics.push(
            Diagnostic::error(
                root.locate(&KeyPath::parse(&m.path)),
                &KeyPath::parse(&m.path),
                format!("`{}` needs {}", m.path, m.what),
            )
            .hint("see `stackctl schema` for the file format"),
        ),
    }
}

/// Checks spec text: YAML syntax and duplicate keys, structure against the schema, then the
/// rules. Structural errors stop before the rules, which need a well-typed stack.
pub fn load_str(file: &str, source: &str) -> Loaded {
    // A byte order mark is not content: editors on Windows add one.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut loaded = Loaded {
        file: file.to_owned(),
        source: source.to_owned(),
        stack: None,
        diagnostics: Vec::new(),
    };
    // Each source of diagnostics keeps the file's first MAX_DIAGNOSTICS and counts the rest:
    // together they hold the file's first MAX_DIAGNOSTICS.
    let (root, tree_errors, mut omitted) = match tree::parse_bounded(source, MAX_DIAGNOSTICS) {
        Ok(parsed) => parsed,
        Err(e) => {
            let mut d = Diagnostic::error(e.pos, &e.path, e.message);
            if let Some(h) = e.hint {
                d = d.hint(h);
            }
            loaded.diagnostics.push(d);
            return loaded;
        }
    };
    for e in tree_errors {
        let mut d = Diagnostic::error(e.pos, &e.path, e.message);
        if let Some(h) = e.hint {
            d = d.hint(h);
        }
        loaded.diagnostics.push(d);
    }
    loaded.diagnostics.extend({
        let (found, more) =
            structure::check_bounded(&root, &schema::spec_schema(), MAX_DIAGNOSTICS);
        omitted += more;
        found
    });
    if loaded.has_errors() {
        // Still check the rules of the sections the structural errors leave whole, so that a
        // file's problems show at once.
        let tainted: HashSet<String> = loaded
            .errors()
            .map(|d| section(&d.path).to_owned())
            .collect();
        let bad: HashSet<String> = loaded.errors().map(|d| d.path.clone()).collect();
        if let Ok(stack) = serde_json::from_value::<Stack>(to_json(&root, &bad, &KeyPath::root())) {
            let clean = rules::check(&stack, &root).into_iter().filter(|d| {
                !tainted.contains(section(&d.path)) && !tainted.contains("(top level)")
            });
            loaded.diagnostics.extend(clean.collect::<Vec<_>>());
        }
    } else {
        match serde_yaml::from_str::<Stack>(source) {
            Ok(stack) => {
                loaded.diagnostics.extend(rules::check(&stack, &root));
                if !loaded.has_errors() {
                    validated(&mut loaded, stack, &root);
                }
            }
            Err(e) => {
                // The structural check should have caught this; report serde's own words.
                let pos = e
                    .location()
                    .map(|l| Pos {
                        line: l.line(),
                        column: l.column(),
                    })
                    .unwrap_or(Pos { line: 1, column: 1 });
                loaded.diagnostics.push(
                    Diagnostic::error(pos, &KeyPath::root(), e.to_string())
                        .hint("see `stackctl schema` for the file format"),
                );
            }
        }
    }
    loaded
        .diagnostics
        .sort_by_key(|d| (d.line, d.column, d.severity));
    if loaded.diagnostics.len() > MAX_DIAGNOSTICS || omitted > 0 {
        let more = loaded.diagnostics.len().saturating_sub(MAX_DIAGNOSTICS) + omitted;
        loaded.diagnostics.truncate(MAX_DIAGNOSTICS);
        let last = loaded
            .diagnostics
            .last()
            .map_or(Pos { line: 1, column: 1 }, |d| Pos {
                line: d.line,
                column: d.column,
            });
        loaded.diagnostics.push(
            Diagnostic::error(
                last,
                &KeyPath::root(),
                format!("{more} more problems in the file are not shown"),
            )
            .hint(format!(
                "the first {MAX_DIAGNOSTICS} are shown: fix them and validate again"
            )),
        );
    }
    // What the file holds is echoed back bounded and without terminal control characters.
    for d in &mut loaded.diagnostics {
        d.make_printable();
    }
    if loaded.has_errors() {
        loaded.stack = None;
    }
    loaded
}

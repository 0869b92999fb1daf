//! Loading a spec file: the one place that parses YAML.
//!
//! serde_yaml is archived upstream; it is used only here, so a maintained fork can replace it in
//! one place. The positioned tree ([`super::tree`]) comes from the same text.

use std::path::Path;

use super::diag::{Diagnostic, Severity};
use super::raw::Stack;
use super::tree::{self, KeyPath, Node, Pos, Scalar, Value};
use super::{rules, schema, structure};

/// The outcome of loading a spec: the stack when it is valid, and every diagnostic found.
#[derive(Debug)]
pub struct Loaded {
    /// The file name as given, used in messages.
    pub file: String,
    pub source: String,
    /// The stack, present only when there is no error (warnings allowed).
    pub stack: Option<Stack>,
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

    /// Every diagnostic rendered for a terminal, followed by a count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(&self.file, &self.source));
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
fn to_json(node: &Node, bad: &[String], path: &KeyPath) -> serde_json::Value {
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

/// Why a spec file could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {file}: {source}")]
pub struct ReadError {
    pub file: String,
    #[source]
    pub source: std::io::Error,
}

/// Reads and checks a spec file.
pub fn load_file(path: &Path) -> Result<Loaded, ReadError> {
    let file = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|source| ReadError {
        file: file.clone(),
        source,
    })?;
    Ok(load_str(&file, &source))
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
    let (root, tree_errors) = match tree::parse(source) {
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
    loaded
        .diagnostics
        .extend(structure::check(&root, &schema::spec_schema()));
    if loaded.has_errors() {
        // Still check the rules of the sections the structural errors leave whole, so that a
        // file's problems show at once.
        let tainted: Vec<String> = loaded
            .errors()
            .map(|d| section(&d.path).to_owned())
            .collect();
        let bad: Vec<String> = loaded.errors().map(|d| d.path.clone()).collect();
        if let Ok(stack) = serde_json::from_value::<Stack>(to_json(&root, &bad, &KeyPath::root())) {
            let clean = rules::check(&stack, &root).into_iter().filter(|d| {
                !tainted
                    .iter()
                    .any(|t| t == section(&d.path) || t == "(top level)")
            });
            loaded.diagnostics.extend(clean.collect::<Vec<_>>());
        }
    } else {
        match serde_yaml::from_str::<Stack>(source) {
            Ok(stack) => {
                loaded.diagnostics.extend(rules::check(&stack, &root));
                loaded.stack = Some(stack);
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
    if loaded.has_errors() {
        loaded.stack = None;
    }
    loaded
}

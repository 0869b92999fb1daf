//! Loading a spec file: the one place that parses YAML.
//!
//! serde_yaml is archived upstream; it is used only here, so a maintained fork can replace it in
//! one place. The positioned tree ([`super::tree`]) comes from the same text.

use std::path::Path;

use super::diag::{Diagnostic, Severity};
use super::raw::Stack;
use super::tree::{self, KeyPath, Pos};
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
    if !loaded.has_errors() {
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

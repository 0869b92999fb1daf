//! Diagnostics about a spec file: where (file, line, column, key path), what is wrong, what is
//! allowed, and a hint. Rendered as text for people or JSON for tools.

use std::fmt::Write as _;

use serde::Serialize;

use super::tree::{KeyPath, Pos};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    /// Key path, e.g. `database.storage.iops`.
    pub path: String,
    pub message: String,
    /// What is allowed here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(pos: Pos, path: &KeyPath, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            line: pos.line,
            column: pos.column,
            path: path.to_string(),
            message: message.into(),
            allowed: None,
            hint: None,
        }
    }

    pub fn warning(pos: Pos, path: &KeyPath, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pos, path, message)
        }
    }

    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the diagnostic like a compiler does: `FILE:LINE:COL: error: PATH: MESSAGE`, the
    /// source line with a caret under the column, then `allowed:` and `hint:` lines.
    pub fn render(&self, file: &str, source: &str) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{file}:{}:{}: {level}: {}: {}\n",
            self.line, self.column, self.path, self.message
        );
        if let Some(text) = source.lines().nth(self.line.saturating_sub(1)) {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = text
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {text}");
            let _ = writeln!(out, "{pad} | {caret_pad}^");
        }
        if let Some(a) = &self.allowed {
            let _ = writeln!(out, "  allowed: {a}");
        }
        if let Some(h) = &self.hint {
            let _ = writeln!(out, "  hint: {h}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_snippet_allowed_and_hint() {
        let src = "database:\n  storage:\n    iops: 3000\n";
        let d = Diagnostic::error(
            Pos {
                line: 3,
                column: 11,
            },
            &KeyPath::parse("database.storage.iops"),
            "too low",
        )
        .allowed("12000 to 64000")
        .hint("omit it");
        let text = d.render("s.yaml", src);
        assert_eq!(
            text,
            "s.yaml:3:11: error: database.storage.iops: too low\n  |\n3 |     iops: 3000\n  |           ^\n  allowed: 12000 to 64000\n  hint: omit it\n"
        );
    }
}

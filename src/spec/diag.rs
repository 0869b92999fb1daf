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

    /// Bounds the message, path, allowed and hint (they may quote the file) to
    /// [`MAX_TEXT`] characters each and escapes control characters in them.
    pub fn make_printable(&mut self) {
        self.path = printable(&self.path, MAX_TEXT);
        self.message = printable(&self.message, MAX_TEXT);
        if let Some(a) = &self.allowed {
            self.allowed = Some(printable(a, MAX_TEXT));
        }
        if let Some(h) = &self.hint {
            self.hint = Some(printable(h, MAX_TEXT));
        }
    }

    /// Renders the diagnostic like a compiler does: `FILE:LINE:COL: error: PATH: MESSAGE`, the
    /// source line with a caret under the column, then `allowed:` and `hint:` lines.
    pub fn render(&self, file: &str, source: &str) -> String {
        self.render_with_line(file, source.lines().nth(self.line.saturating_sub(1)))
    }

    /// [`Diagnostic::render`] given the diagnostic's source line. A long line is shown as a
    /// window of [`MAX_SNIPPET`] characters around the column; control characters are escaped.
    pub fn render_with_line(&self, file: &str, line: Option<&str>) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {level}: {}: {}\n",
            printable(file, MAX_TEXT),
            self.line,
            self.column,
            printable(&self.path, MAX_TEXT),
            printable(&self.message, MAX_TEXT)
        );
        if let Some(text) = line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let col = self.column.saturating_sub(1);
            let skip = col.saturating_sub(MAX_SNIPPET / 2);
            let mut before = String::from(if skip > 0 { "…" } else { "" });
            let mut shown = before.clone();
            for (i, c) in text.chars().enumerate().skip(skip) {
                if i - skip == MAX_SNIPPET {
                    shown.push('…');
                    break;
                }
                let mut one = String::new();
                push_printable(&mut one, c);
                if i < col {
                    before.push_str(&one);
                }
                shown.push_str(&one);
            }
            let caret_pad: String = before
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {shown}");
            let _ = writeln!(out, "{pad} | {caret_pad}^");
        }
        if let Some(a) = &self.allowed {
            let _ = writeln!(out, "  allowed: {}", printable(a, MAX_TEXT));
        }
        if let Some(h) = &self.hint {
            let _ = writeln!(out, "  hint: {}", printable(h, MAX_TEXT));
        }
        out
    }
}

/// The most characters of a message, path, hint or file name shown.
pub const MAX_TEXT: usize = 300;

/// The most characters of a source line shown.
pub const MAX_SNIPPET: usize = 120;

/// Appends `c`, escaped (`\u{1b}`) when it is a control character (a tab is kept) or a
/// bidirectional override, which would let a file rewrite the terminal or the text around it.
fn push_printable(out: &mut String, c: char) {
    let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if (c.is_control() && c != '\t') || bidi {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// `text` with control characters escaped, cut after `max` characters with `…`.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column_with_the_caret_under_it() {
        let line = format!("{}\u{1b}Y{}", "a".repeat(1000), "b".repeat(1000));
        let d = Diagnostic::error(
            Pos {
                line: 1,
                column: 1002,
            },
            &KeyPath::parse("stack"),
            "x".repeat(1000),
        );
        let text = d.render("s.yaml", &line);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].chars().count() < MAX_TEXT + 50, "{}", lines[0]);
        assert!(lines[0].ends_with('…'));
        let shown = lines[2].trim_start_matches("1 | ");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() <= MAX_SNIPPET + 2 + 6, "{shown}");
        assert!(!text.contains('\u{1b}'), "{text}");
        // The caret stands under the `Y` after the escaped control character.
        let caret = lines[3].trim_start_matches("  | ").chars().count() - 1;
        let shown_chars: Vec<char> = shown.chars().collect();
        assert_eq!(shown_chars[caret], 'Y', "{text}");
    }

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

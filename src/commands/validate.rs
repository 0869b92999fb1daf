//! `stackctl validate FILE`: every problem in the file at once; never calls AWS.

use std::path::Path;

use crate::cli::Format;
use crate::exit::Outcome;
use crate::spec::{self, Severity};

pub fn run(file: &Path, format: Format, deny_warnings: bool) -> anyhow::Result<Outcome> {
    let loaded = spec::load_file(file)?;
    let errors = loaded.errors().count();
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    match format {
        Format::Json => {
            let report = serde_json::json!({
                "file": loaded.file,
                "valid": !failed,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": loaded.diagnostics,
            });
            crate::outln!("{}", serde_json::to_string_pretty(&report)?);
        }
        Format::Text => {
            crate::err!("{}", loaded.render());
            let summary = format!(
                "{}: {} error{}, {} warning{}",
                loaded.file,
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" }
            );
            if failed {
                crate::errln!("{summary}: not valid");
            } else {
                crate::errln!("{summary}: valid");
            }
        }
    }
    Ok(if failed {
        Outcome::Invalid
    } else {
        Outcome::Success
    })
}

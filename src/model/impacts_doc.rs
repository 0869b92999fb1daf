//! `docs/impacts.md`: the impact table as the attribute rows say it, each row with its source.
//! Pure: the rows in, the Markdown out. `tests/impacts_doc.rs` fails when the file differs.

use std::fmt::Write;

use super::durations::{Typical, typical};
use super::types::{AttrSpec, Compare, Impact, Kind, Source, spec_of};

/// How to write `docs/impacts.md` again after a row changed.
pub const REGENERATE: &str = "STACKCTL_BLESS=1 cargo test --test impacts_doc";

/// The whole of `docs/impacts.md`.
pub fn render_impacts_markdown() -> String {
    let mut out = String::new();
    out.push_str("# What each change costs, and AWS's word for it\n\n");
    let _ = writeln!(
        out,
        "Generated from the attribute rows in `src/model/` (`model::impacts_doc`); do not edit. \
         After changing a row, run `{REGENERATE}`.\n"
    );
    out.push_str(
        "One section per kind, one line per attribute: what a change of it costs, whether AWS \
         holds it for the maintenance window when the spec says `apply_changes: \
         in_maintenance_window` (otherwise it is applied at once), whether it needs a reboot and \
         who performs it, and the source: the AWS documentation page and its sentence, or what \
         AWS does not document. `docs/impact-sources.md` has the research behind the sources and \
         where they disagree with a row.\n\n",
    );
    out.push_str(
        "A restart or move that AWS performs as part of the change is in the impact (brief \
         outage, Multi-AZ failover); the reboot column is a reboot that stackctl performs or \
         leaves outstanding.\n",
    );
    for kind in Kind::ALL {
        let spec = spec_of(kind);
        let _ = write!(
            out,
            "\n## {} ({})\n\n| attribute | impact | held for the maintenance window | reboot | typical length | source |\n|---|---|---|---|---|---|\n",
            spec.name, spec.label
        );
        for a in spec.attrs {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                a.name,
                cell(&impact(a)),
                deferral(a),
                reboot(a),
                length(kind, a),
                cell(&sources(a))
            );
        }
    }
    out.push_str(&membership());
    out.push_str(&lengths());
    out
}

/// What adding or removing an Aurora cluster's instance costs: not attribute rows, said on the
/// plan's create or delete of the `db_cluster_instance`.
fn membership() -> String {
    let mut out = String::from(
        "\n## Adding and removing an Aurora cluster's instances\n\nNot attribute rows: the plan creates or deletes a `db_cluster_instance`, and says on that change what it costs. The first of `database.instances` is the writer AWS makes when it creates the cluster; the others are readers.\n\n| case | what the plan says | source |\n|---|---|---|\n",
    );
    for m in super::db_cluster::MEMBERSHIP {
        let sources: Vec<String> = m.sources.iter().map(source).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cell(m.case),
            cell(m.words),
            cell(&sources.join("<br>"))
        );
    }
    out
}

/// How long the row's interruption typically lasts, where it interrupts anything.
fn length(kind: Kind, a: &AttrSpec) -> String {
    if matches!(a.compare, Compare::Never | Compare::AtCreate) || a.refusal.is_some() {
        return "n/a".to_owned();
    }
    if a.by_change.is_some() || a.cases.is_some() {
        return "by change (see impact)".to_owned();
    }
    let mut parts: Vec<String> = typical(kind, a.impact).iter().map(Typical::words).collect();
    if a.failover_when_multi_az
        && let Some(t) = typical(kind, Impact::Failover)
    {
        parts.push(format!("Multi-AZ: {}", t.words()));
    }
    if parts.is_empty() {
        "no interruption".to_owned()
    } else {
        parts.join("; ")
    }
}

/// The lengths the table gives, each with AWS's word for it.
fn lengths() -> String {
    let mut out = String::from(
        "\n## Typical lengths\n\nHow long an interruption lasts, where AWS gives a figure; the plan adds them up per resource (`Downtime:`).\n\n| kind | impact | typical length | source |\n|---|---|---|---|\n",
    );
    for kind in [Kind::DbInstance, Kind::ReplicationGroup] {
        for impact in [Impact::Failover, Impact::BriefOutage, Impact::Reboot] {
            if let Some(t) = typical(kind, impact) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    spec_of(kind).name,
                    impact.label(),
                    t.words(),
                    cell(&source(t.source()))
                );
            }
        }
    }
    out
}

/// What a change costs, in words.
fn impact(a: &AttrSpec) -> String {
    match a.compare {
        Compare::Never => return "never a change: a setting of stackctl's own".to_owned(),
        Compare::AtCreate => return "set at create, never compared".to_owned(),
        _ => {}
    }
    if let Some(reason) = a.refusal {
        return format!("refused by stackctl: {reason}");
    }
    // A row whose cost depends on the change says its cases instead of one label.
    if let Some(cases) = a.cases {
        return format!("by change: {cases}");
    }
    if a.by_change.is_some() || a.reboot_when_static {
        return format!("by change (default {})", a.impact.label());
    }
    let mut s = a.impact.label().to_owned();
    if a.failover_when_multi_az {
        let _ = write!(s, "; {} when Multi-AZ is on", Impact::Failover.label());
    }
    if a.compare == Compare::State {
        s.push_str(" (AWS's state: planned when AWS reports it unsettled)");
    }
    s
}

fn deferral(a: &AttrSpec) -> &'static str {
    if matches!(a.compare, Compare::Never | Compare::AtCreate) || a.refusal.is_some() {
        "n/a"
    } else if a.by_change.is_some() {
        "by change (see impact)"
    } else if a.deferrable {
        "yes"
    } else {
        "no"
    }
}

fn reboot(a: &AttrSpec) -> &'static str {
    if a.impact == Impact::Reboot && a.refusal.is_none() {
        "yes: stackctl reboots with `apply_changes: immediately`, else it is outstanding"
    } else if a.reboot_when_static {
        "static parameters: each instance using the group; stackctl reboots with `apply_changes: immediately`, else it is outstanding"
    } else {
        "no"
    }
}

fn sources(a: &AttrSpec) -> String {
    if a.sources.is_empty() {
        return "**no source**".to_owned();
    }
    a.sources
        .iter()
        .map(source)
        .collect::<Vec<_>>()
        .join("<br>")
}

fn source(s: &Source) -> String {
    match s {
        Source::Documented { url, quote } => {
            let page = url
                .rsplit('/')
                .next()
                .unwrap_or(url)
                .trim_end_matches(".html");
            format!("[{page}]({url}): \"{quote}\"")
        }
        Source::NotDocumented(why) => format!("not documented: {why}"),
    }
}

/// Text fit for a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_section_and_every_row_a_line() {
        let md = render_impacts_markdown();
        for kind in Kind::ALL {
            let spec = spec_of(kind);
            let section = md
                .split(&format!("\n## {} (", spec.name))
                .nth(1)
                .unwrap_or_else(|| panic!("no section for {}", spec.name));
            let section = section.split("\n## ").next().unwrap_or("");
            for a in spec.attrs {
                assert!(
                    section.contains(&format!("| `{}` |", a.name)),
                    "{}.{} has no line",
                    spec.name,
                    a.name
                );
            }
        }
    }

    #[test]
    fn a_reboot_row_says_who_reboots() {
        let md = render_impacts_markdown();
        let line = md
            .lines()
            .find(|l| l.starts_with("| `parameter_group` | needs a reboot"))
            .expect("the DB instance's parameter group line");
        assert!(line.contains("stackctl reboots with `apply_changes: immediately`"));
        assert!(line.contains("| no |"), "not held for the window: {line}");
    }
}

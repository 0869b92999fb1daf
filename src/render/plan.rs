//! The human rendering of a plan: a terraform-like diff, destructive changes in their own loud
//! section, then a summary counted by action and by impact. Secrets show as "(sensitive)".

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::style::Style;
use super::view;
use crate::model::{Impact, spec_of};
use crate::plan::{Action, Change, Plan};

/// A value as it reads in a diff.
pub fn value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".to_owned(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) if a.is_empty() => "[]".to_owned(),
        Value::Object(m) if m.is_empty() => "{}".to_owned(),
        other => other.to_string(),
    }
}

fn symbol(action: Action, style: &Style) -> String {
    match action {
        Action::Create => style.green("+"),
        Action::Update => style.yellow("~"),
        Action::Replace => style.red("-/+"),
        Action::Delete => style.red("-"),
    }
}

fn is_destructive(c: &Change) -> bool {
    matches!(c.action, Action::Replace | Action::Delete)
}

/// How much of each resource a plan shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// What the spec says and what changes: attributes at their defaults are counted, not
    /// listed.
    #[default]
    Compact,
    /// Every attribute, each default with its reason.
    Verbose,
}

impl Detail {
    /// `--verbose` or not.
    pub fn of(verbose: bool) -> Self {
        if verbose {
            Detail::Verbose
        } else {
            Detail::Compact
        }
    }
}

fn change_block(plan: &Plan, c: &Change, detail: Detail, style: &Style, out: &mut String) {
    let label = spec_of(c.address.kind).label;
    let cost = match c.action {
        Action::Create => String::new(),
        _ => format!("  ({})", c.impact.label()),
    };
    let _ = writeln!(
        out,
        "  {} {} {}{}",
        symbol(c.action, style),
        style.bold(&c.address.to_string()),
        style.dim(&format!("[{label}, {}]", c.action.verb())),
        cost
    );
    if let Some(n) = &c.note {
        let _ = writeln!(out, "      {}", style.yellow(&format!("# {n}")));
    }
    let mut defaults = 0;
    for a in &c.attributes {
        let why = view::default_reason(plan, c, &a.name);
        let shown = view::shown(c.address.kind, &a.name, &a.new);
        let line = match c.action {
            Action::Create => match (why, detail) {
                (Some(_), Detail::Compact) => {
                    defaults += 1;
                    continue;
                }
                (Some(why), Detail::Verbose) => {
                    format!(
                        "      {}: {shown}   {}",
                        a.name,
                        style.dim(&format!("# {why}"))
                    )
                }
                (None, _) => format!("      {}: {shown}", a.name),
            },
            _ => {
                let old = view::shown(c.address.kind, &a.name, &a.old);
                let mut l = format!("      {}: {old} → {shown}", a.name);
                if a.forces_replacement {
                    l.push_str(&format!(
                        "   {}",
                        style.red(&format!("# forces {}", a.impact.label()))
                    ));
                } else {
                    l.push_str(&format!("   # {}", a.impact.label()));
                }
                if let Some(n) = &a.note {
                    l.push_str(&format!("; {n}"));
                }
                if let (Some(why), Detail::Verbose) = (why, detail) {
                    l.push_str(&format!("; the default: {why}"));
                }
                l
            }
        };
        let _ = writeln!(out, "{line}");
    }
    if defaults > 0 {
        let _ = writeln!(
            out,
            "      {}",
            style.dim(&format!(
                "… {defaults} more at their defaults (--verbose shows them)"
            ))
        );
    }
}

/// The plan for a person, compact: what the spec says and what changes.
pub fn render(plan: &Plan, style: &Style) -> String {
    render_detailed(plan, style, Detail::Compact)
}

/// The plan for a person, as detailed as asked.
pub fn render_detailed(plan: &Plan, style: &Style, detail: Detail) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            nothing_to_apply(plan, "No changes", "matches its spec")
        );
        if !plan.notes.is_empty() {
            out.push('\n');
            out.push_str(&notes(plan, style));
        }
        return out;
    }
    let _ = writeln!(
        out,
        "stackctl will make these changes to stack {} in {}:\n",
        style.bold(&plan.stack),
        plan.region
    );
    for c in plan.changes.iter().filter(|c| !is_destructive(c)) {
        change_block(plan, c, detail, style, &mut out);
        out.push('\n');
    }
    let destructive: Vec<&Change> = plan.changes.iter().filter(|c| is_destructive(c)).collect();
    if !destructive.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.red(
                "!! DESTRUCTIVE: these resources will be deleted (and recreated where replaced):"
            )
        );
        for c in &destructive {
            change_block(plan, c, detail, style, &mut out);
            if c.impact.loses_data() {
                let _ = writeln!(
                    out,
                    "      {}",
                    style.red("!! holds data: what is stored in it is lost")
                );
            }
            out.push('\n');
        }
    }
    if !plan.notes.is_empty() {
        out.push_str(&notes(plan, style));
        out.push('\n');
    }
    out.push_str(&summary(plan));
    out
}

/// What AWS has that differs from the spec without being a change, one line each (nothing
/// when there is none).
/// The first line of a plan (or drift) with nothing to apply: it matches its spec, or AWS holds
/// changes for the maintenance window (the notes say which).
pub fn nothing_to_apply(plan: &Plan, none: &str, matches: &str) -> String {
    if plan.holds_for_the_window() {
        format!(
            "Nothing to apply: stack {} in {} waits for changes AWS holds for the maintenance window (below).",
            plan.stack, plan.region
        )
    } else {
        format!("{none}: stack {} in {} {matches}.", plan.stack, plan.region)
    }
}

pub fn notes(plan: &Plan, style: &Style) -> String {
    let mut out = String::new();
    if plan.notes.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        style.yellow("Note: AWS differs from the spec here, and nothing is planned for it:")
    );
    for n in &plan.notes {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            style.bold(&n.address.to_string()),
            n.attribute,
            n.text
        );
    }
    out
}

/// `Plan: 3 to create, 1 to update, 0 to replace, 1 to delete.` and the impact counts.
pub fn summary(plan: &Plan) -> String {
    let count = |a: Action| plan.changes.iter().filter(|c| c.action == a).count();
    let mut impacts: BTreeMap<Impact, usize> = BTreeMap::new();
    for c in &plan.changes {
        if c.action != Action::Create {
            *impacts.entry(c.impact).or_default() += 1;
        }
    }
    let mut out = format!(
        "Plan: {} to create, {} to update, {} to replace, {} to delete.\n",
        count(Action::Create),
        count(Action::Update),
        count(Action::Replace),
        count(Action::Delete)
    );
    if !impacts.is_empty() {
        let parts: Vec<String> = impacts
            .iter()
            .rev()
            .map(|(i, n)| format!("{n} {}", i.label()))
            .collect();
        let _ = writeln!(out, "Impact: {}.", parts.join(", "));
    }
    for (address, when, n, total) in view::downtime(plan) {
        let times = if n == 1 {
            "once".to_owned()
        } else {
            format!("{n} times")
        };
        let at = match when {
            view::When::Now => "",
            view::When::Window => " in its next maintenance window",
        };
        let _ = writeln!(
            out,
            "Downtime: {address} is interrupted {times}{at}; {}.",
            total.words()
        );
    }
    let outstanding = plan.changes.iter().filter(|c| c.outstanding()).count();
    if outstanding > 0 {
        let _ = writeln!(
            out,
            "Outstanding: {outstanding} (shown, and left undone by apply; the notes say why)."
        );
    }
    out
}

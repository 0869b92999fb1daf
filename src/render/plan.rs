//! The human rendering of a plan: a terraform-like diff, destructive changes in their own loud
//! section, then a summary counted by action and by impact. Secrets show as "(sensitive)".

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::style::Style;
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

fn change_block(c: &Change, style: &Style, out: &mut String) {
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
    for a in &c.attributes {
        let line = match c.action {
            Action::Create => format!("      {}: {}", a.name, value(&a.new)),
            _ => {
                let mut l = format!("      {}: {} → {}", a.name, value(&a.old), value(&a.new));
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
                l
            }
        };
        let _ = writeln!(out, "{line}");
    }
}

/// The plan for a person.
pub fn render(plan: &Plan, style: &Style) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "No changes: stack {} in {} matches its spec.",
            plan.stack, plan.region
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
        change_block(c, style, &mut out);
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
            change_block(c, style, &mut out);
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
    let outstanding = plan.changes.iter().filter(|c| c.outstanding()).count();
    if outstanding > 0 {
        let _ = writeln!(
            out,
            "Outstanding: {outstanding} (shown, and left undone by apply; the notes say why)."
        );
    }
    out
}

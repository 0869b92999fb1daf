//! A plan as Markdown, for a pull-request comment: the counts and costs first, then one table
//! row per resource a reviewer must look at (what is destroyed first), each changed attribute
//! with its old and new value and cost, what apply leaves undone, and the plan's notes.

use std::fmt::Write as _;

use super::plan::summary;
use super::view::shown;
use crate::model::spec_of;
use crate::plan::{Action, Change, Plan};

/// The Markdown of a plan.
pub fn markdown(plan: &Plan) -> String {
    let mut out = format!("## Plan for stack `{}` ({})\n\n", plan.stack, plan.region);
    if plan.is_empty() {
        out.push_str(if plan.holds_for_the_window() {
            "Nothing to apply: the stack waits for changes AWS holds for the maintenance window (below).\n"
        } else {
            "No changes: the stack matches its spec.\n"
        });
        out.push_str(&notes(plan));
        return out;
    }
    for line in summary(plan).lines() {
        let _ = writeln!(out, "**{line}**  ");
    }
    out.push_str("\n| | resource | change | cost | attribute | now | after |\n|---|---|---|---|---|---|---|\n");
    let mut changes: Vec<&Change> = plan.changes.iter().collect();
    // What destroys comes first: a reviewer reads it before anything else.
    changes.sort_by_key(|c| !matches!(c.action, Action::Replace | Action::Delete));
    for c in changes {
        rows(c, &mut out);
    }
    let undone: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.outstanding())
        .map(|c| format!("`{}`", c.address))
        .collect();
    if !undone.is_empty() {
        let _ = writeln!(
            out,
            "\nLeft undone by apply (outstanding; the table's notes say why): {}.",
            undone.join(", ")
        );
    }
    out.push_str(&notes(plan));
    out
}

fn mark(c: &Change) -> &'static str {
    match c.action {
        Action::Create => "➕",
        Action::Update if c.outstanding() => "⏸",
        Action::Update => "✏️",
        Action::Replace if c.impact.loses_data() => "🔥",
        Action::Replace => "♻️",
        Action::Delete => "🗑",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A resource's rows: one for a create or a delete, one per attribute otherwise.
fn rows(c: &Change, out: &mut String) {
    let what = format!("`{}` ({})", c.address, spec_of(c.address.kind).label);
    let mut cost = if c.action == Action::Create {
        String::new()
    } else {
        c.impact.label().to_owned()
    };
    if let Some(n) = &c.note {
        if !cost.is_empty() {
            cost.push_str(": ");
        }
        cost.push_str(&cell(n));
    }
    if matches!(c.action, Action::Create | Action::Delete) || c.attributes.is_empty() {
        let _ = writeln!(
            out,
            "| {} | {what} | {} | {cost} | | | |",
            mark(c),
            c.action.verb()
        );
        return;
    }
    for a in &c.attributes {
        let mut cost = a.impact.label().to_owned();
        if let Some(n) = &a.note {
            cost.push_str(": ");
            cost.push_str(n);
        }
        let _ = writeln!(
            out,
            "| {} | {what} | {} | {} | `{}` | `{}` | `{}` |",
            mark(c),
            c.action.verb(),
            cell(&cost),
            a.name,
            cell(&shown(c.address.kind, &a.name, &a.old)),
            cell(&shown(c.address.kind, &a.name, &a.new)),
        );
    }
}

/// The plan's notes as a list (nothing when there is none); drift's Markdown shows them too.
pub(super) fn notes(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.notes.is_empty() {
        return out;
    }
    out.push_str("\nAWS differs from the spec here, and nothing is planned for it:\n\n");
    for n in &plan.notes {
        let _ = writeln!(
            out,
            "- `{}` `{}`: {}",
            n.address,
            n.attribute,
            cell(&n.text)
        );
    }
    out
}

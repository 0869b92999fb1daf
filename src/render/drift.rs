//! Drift reports for the nightly job: each drifted attribute with its live and desired value and
//! who wins on the next apply.

use std::fmt::Write as _;

use serde_json::json;

use super::plan::value;
use super::style::Style;
use crate::plan::{Action, Change, Plan};

/// What the next apply does about a change; an outstanding one it leaves undone.
fn winner(c: &Change) -> &'static str {
    if c.outstanding() {
        return "apply leaves it undone (outstanding; see the plan's note)";
    }
    match c.action {
        Action::Create => "apply creates it",
        Action::Delete => "apply deletes it",
        Action::Update | Action::Replace => "the spec: apply sets the desired value",
    }
}

/// What creating or deleting it costs, where the plan says so.
fn costing(c: &Change) -> String {
    c.note
        .as_ref()
        .map(|n| format!(": {n}"))
        .unwrap_or_default()
}

pub fn text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            super::plan::nothing_to_apply(plan, "No drift", "matches its spec")
        );
        if !plan.notes.is_empty() {
            out.push('\n');
            out.push_str(&super::plan::notes(plan, &Style::plain()));
        }
        return out;
    }
    let _ = writeln!(out, "Drift in stack {} ({}):", plan.stack, plan.region);
    for c in &plan.changes {
        match c.action {
            Action::Create => {
                let _ = writeln!(
                    out,
                    "  {}: missing in AWS ({}){}",
                    c.address,
                    winner(c),
                    costing(c)
                );
            }
            Action::Delete => {
                let _ = writeln!(
                    out,
                    "  {}: in AWS but not in the spec ({}){}",
                    c.address,
                    winner(c),
                    costing(c)
                );
            }
            _ => {
                for a in &c.attributes {
                    // What the change costs, or why apply leaves it undone.
                    let why = a
                        .note
                        .as_ref()
                        .map(|n| format!("; {n}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {}.{}: live {}, desired {} (winner: {}; {}){why}",
                        c.address,
                        a.name,
                        value(&a.old),
                        value(&a.new),
                        winner(c),
                        a.impact.label()
                    );
                }
            }
        }
    }
    out.push_str(&super::plan::notes(plan, &Style::plain()));
    out
}

pub fn markdown(plan: &Plan) -> String {
    let mut out = format!("## Drift in stack `{}` ({})\n\n", plan.stack, plan.region);
    if plan.is_empty() {
        out.push_str(if plan.holds_for_the_window() {
            "No drift to apply: the stack waits for changes AWS holds for the maintenance window (below).\n"
        } else {
            "No drift: live state matches the spec.\n"
        });
        out.push_str(&super::plan_markdown::notes(plan));
        return out;
    }
    out.push_str("| resource | attribute | live | desired | next apply | impact |\n|---|---|---|---|---|---|\n");
    for c in &plan.changes {
        match c.action {
            Action::Create | Action::Delete => {
                let live = if c.action == Action::Create {
                    "missing"
                } else {
                    "present"
                };
                let desired = if c.action == Action::Create {
                    "present"
                } else {
                    "absent"
                };
                let _ = writeln!(
                    out,
                    "| `{}` | | {live} | {desired} | {} | {} |",
                    c.address,
                    winner(c),
                    c.impact.label()
                );
            }
            _ => {
                for a in &c.attributes {
                    let _ = writeln!(
                        out,
                        "| `{}` | `{}` | `{}` | `{}` | {} | {} |",
                        c.address,
                        a.name,
                        value(&a.old).replace('|', "\\|"),
                        value(&a.new).replace('|', "\\|"),
                        winner(c),
                        a.impact.label()
                    );
                }
            }
        }
    }
    out.push_str(&super::plan_markdown::notes(plan));
    out
}

pub fn json(plan: &Plan) -> serde_json::Value {
    let items: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .map(|c| {
            let mut item = json!({
                "address": c.address.to_string(),
                "action": c.action,
                "impact": c.impact,
                "next_apply": winner(c),
                "attributes": c.attributes.iter().map(|a| {
                    let mut attr = json!({
                        "name": a.name, "live": a.old, "desired": a.new, "impact": a.impact,
                    });
                    // What it costs, or why apply leaves it undone.
                    if let Some(n) = &a.note {
                        attr["note"] = json!(n);
                    }
                    attr
                }).collect::<Vec<_>>(),
            });
            if let Some(n) = &c.note {
                item["note"] = json!(n);
            }
            item
        })
        .collect();
    let mut report = json!({
        "format_version": 1,
        "stack": plan.stack,
        "region": plan.region,
        "drifted": !plan.is_empty(),
        "changes": items,
    });
    if !plan.notes.is_empty() {
        report["notes"] = json!(plan.notes);
    }
    report
}

//! What the plan changes, resource by resource: the action, each attribute's old and new value
//! and what changing it costs. Shown to people (render) and kept in the plan file (format).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Address, Impact};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update in place",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// One attribute's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrChange {
    pub name: String,
    pub old: Value,
    pub new: Value,
    pub impact: Impact,
    pub forces_replacement: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Shown, and left undone by apply (its note says why and what to do): a reboot stackctl
    /// does not perform with `apply_changes: in_maintenance_window`, because AWS does not
    /// schedule it either.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outstanding: bool,
    /// For a change AWS holds for the maintenance window: what it costs when AWS makes it
    /// there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_window: Option<Impact>,
}

/// One resource's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    pub impact: Impact,
    /// Holds data (an instance, a replica, a replication group).
    pub stateful: bool,
    pub attributes: Vec<AttrChange>,
    /// For a replacement: the resource it deletes when AWS holds the identifier as another
    /// kind (a promoted replica observed as a `db_instance` where the spec wants a replica).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Address>,
    /// What creating or deleting it costs beyond its action, in words, when the model says so
    /// (an Aurora reader added or removed, a writer deleted: `model::db_cluster::MEMBERSHIP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Change {
    /// Every attribute of it is left undone by apply: it is shown, and no step makes it.
    pub fn outstanding(&self) -> bool {
        !self.attributes.is_empty() && self.attributes.iter().all(|a| a.outstanding)
    }

    /// The address the deleting half of this change deletes.
    pub fn deletes(&self) -> &Address {
        self.replaces.as_ref().unwrap_or(&self.address)
    }
}

/// What AWS has that differs from the spec and is not a change: AWS's value is one the
/// attribute's comparison accepts (storage autoscaling grew it, AWS upgraded the engine by
/// itself), or the spec went where AWS never follows (storage never shrinks, an engine never
/// goes down), and the two cannot be told apart from AWS's state. The plan says so rather than
/// nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub address: Address,
    pub attribute: String,
    /// AWS's value.
    pub aws: Value,
    /// The spec's value.
    pub spec: Value,
    /// Why nothing is planned, and what to write in the spec instead.
    pub text: String,
    /// The value AWS holds for the maintenance window, when it holds one: work AWS will do by
    /// itself, so the plan never says the stack simply matches its spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Value>,
}

/// Adds `attr` to what the plan does to `address`: to its update, which becomes `action` (an
/// update, or a replacement that AWS's cascade forces), or as a change of its own. A resource
/// the plan already creates, replaces or deletes is left as it is. The change costs at least
/// what `attr` costs.
pub fn amend(
    changes: &mut Vec<Change>,
    address: &Address,
    stateful: bool,
    action: Action,
    attr: AttrChange,
) {
    match changes.iter_mut().find(|c| &c.address == address) {
        Some(c) if c.action == Action::Update => {
            c.action = action;
            c.impact = c.impact.max(attr.impact);
            if !c.attributes.iter().any(|a| a.name == attr.name) {
                c.attributes.push(attr);
            }
        }
        Some(_) => {}
        None => changes.push(Change {
            address: address.clone(),
            action,
            impact: attr.impact,
            stateful,
            attributes: vec![attr],
            replaces: None,
            note: None,
        }),
    }
}

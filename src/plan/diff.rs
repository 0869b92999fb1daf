//! The diff: desired × observed → changes, each attribute with its cost, and the steps that
//! make them, ordered by dependencies. Pure and synchronous.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::change::{Action, AttrChange, Change, Note, amend};
use super::format::{FORMAT_VERSION, Plan, Step, StepOp};
use super::observed::{Observed, ObservedResource};
use super::order;
use crate::model::proxy::attr::{self as proxy_attr, proxy::AUTH_SECRET};
use crate::model::{Address, AttrSpec, Compare, Cost, Impact, Kind, Resource, spec_of, version};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{address}: AWS already has {found} of that name, not owned by stack `{stack}` (it lacks the tag stackctl:stack={stack}); stackctl never touches what it does not own: rename yours, or tag that one if it is this stack's"
    )]
    NotOwned {
        address: Address,
        found: Address,
        stack: String,
    },
    #[error("{address}: {reason}")]
    Impossible { address: Address, reason: String },
    #[error("the resources depend on each other in a cycle through {address}")]
    Cycle { address: Address },
}

const SENSITIVE: &str = "(sensitive)";

/// Whether the engine version AWS runs (`have`) satisfies the one requested (`want`).
///
/// A requested version is satisfied by any patch level of it, whatever `auto` says: AWS reports
/// the version it runs in full, so ElastiCache answers `7.1.0` for a requested `7.1`, and RDS
/// `16.4` for a requested `16` (Terraform keeps `engine_version_actual` for the same reason).
/// With `auto` (auto minor version upgrade), a newer version of the same length and major is
/// what AWS did by itself: `16.6` for a requested `16.4`. An older one is always a change.
fn version_satisfies(want: &str, have: &str, auto: bool) -> bool {
    let (wp, hp) = (version::parts(want), version::parts(have));
    if want == have || hp.len() > wp.len() && hp[..wp.len()] == wp[..] {
        return true;
    }
    let major = version::major_len(wp.len());
    auto && wp.len() == hp.len()
        && wp[..major.min(wp.len())] == hp[..major.min(hp.len())]
        && hp >= wp
}

/// Whether AWS's value satisfies the desired one, by the attribute's comparison rule.
fn satisfied(spec: &AttrSpec, want: &Value, have: &Value, desired: &Resource) -> bool {
    if matches!(spec.compare, Compare::Never | Compare::AtCreate)
        || (want.is_null() && spec.null_is_unmanaged)
    {
        return true;
    }
    if want == have {
        return true;
    }
    match spec.compare {
        Compare::Exact | Compare::State | Compare::Never | Compare::AtCreate => false,
        Compare::PasswordSource => {
            let source = |v: &Value| {
                v.as_str()
                    .map(|s| s.split(':').next().unwrap_or(s).to_owned())
            };
            source(want).is_some() && source(want) == source(have)
        }
        Compare::IgnoreCase => match (want.as_str(), have.as_str()) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        },
        Compare::Unordered => {
            let set = |v: &Value| -> BTreeSet<String> {
                v.as_array()
                    .map(|a| a.iter().map(|x| x.to_string()).collect())
                    .unwrap_or_default()
            };
            set(want) == set(have)
        }
        Compare::MinorUpgradable => {
            let auto = version::auto_minor_upgrades(desired);
            match (want.as_str(), have.as_str()) {
                (Some(w), Some(h)) => version_satisfies(w, h, auto),
                _ => false,
            }
        }
        Compare::GrowsUpToMax => {
            let max = desired.int("max_allocated_gib").unwrap_or(0);
            match (want.as_i64(), have.as_i64()) {
                (Some(w), Some(h)) => max > 0 && h > w && h <= max,
                _ => false,
            }
        }
        Compare::Number => match (want.as_f64(), have.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            _ => false,
        },
        Compare::KmsKey => match (want.as_str(), have.as_str()) {
            (Some(w), Some(h)) => h.ends_with(&format!("/{w}")) || h.ends_with(&format!(":{w}")),
            _ => false,
        },
    }
}

/// What a change costs now: a brief outage of a row that fails over on a Multi-AZ instance is
/// a failover there.
fn now(spec: &AttrSpec, impact: Impact, desired: &Resource) -> Impact {
    if spec.failover_when_multi_az && impact == Impact::BriefOutage && desired.bool("multi_az") {
        Impact::Failover
    } else {
        impact
    }
}

/// What a change of `desired` that costs `cost` costs as planned: held for the maintenance
/// window where AWS can hold it and the resource asks for that.
fn impact_of(spec: &AttrSpec, cost: Cost, desired: &Resource) -> Impact {
    let impact = now(spec, cost.impact, desired);
    if cost.deferrable
        && impact < Impact::Replace
        && desired.str("apply_changes") == Some("in_maintenance_window")
    {
        Impact::PendingMaintenance
    } else {
        impact
    }
}

fn shown(spec: &AttrSpec, v: &Value) -> Value {
    if spec.sensitive && !v.is_null() {
        Value::String(SENSITIVE.into())
    } else {
        v.clone()
    }
}

/// Why AWS's value, which the comparison accepts, differs from the spec's: storage autoscaling
/// grew it, or AWS upgraded the engine by itself, or the spec was lowered where AWS never
/// follows (nothing in AWS's state tells which). Said in the plan rather than nothing.
fn accepted_note(spec: &AttrSpec, want: &Value, have: &Value) -> Option<String> {
    let name = spec.name;
    match spec.compare {
        // "You can only increase the allocated storage. You can't reduce the allocated storage"
        // (RDS User Guide, Settings for DB instances, Allocated storage).
        Compare::GrowsUpToMax => {
            let (w, h) = (want.as_i64()?, have.as_i64()?);
            (h > w).then(|| {
                format!(
                    "{h} GiB in AWS, {w} GiB in the spec: storage autoscaling grew it, or the spec was lowered; RDS storage never shrinks (set `{name}` to {h} to say what AWS has)"
                )
            })
        }
        Compare::MinorUpgradable => {
            let (w, h) = (want.as_str()?, have.as_str()?);
            version::earlier(w, h).then(|| {
                format!(
                    "AWS runs {h}, the spec asks for {w}: an automatic minor version upgrade, or the spec was lowered; AWS never downgrades an engine (set `{name}` to \"{h}\" to say what AWS runs)"
                )
            })
        }
        _ => None,
    }
}

fn diff_resource(
    desired: &Resource,
    observed: &ObservedResource,
    notes: &mut Vec<Note>,
) -> Result<Vec<AttrChange>, PlanError> {
    let kind = spec_of(desired.address.kind);
    let mut out = Vec::new();
    let mut refused = None;
    for spec in kind.attrs {
        let want = desired.get(spec.name);
        let have = observed.resource.get(spec.name);
        let held = observed.pending.get(spec.name);
        if satisfied(spec, want, have, desired) {
            // What AWS holds that would undo the spec; a held value equal to it is no news.
            let held = held.filter(|p| !satisfied(spec, want, p, desired));
            let text = match held {
                Some(p) => Some(format!(
                    "AWS holds a change to {} for the maintenance window that the spec does not ask for; AWS applies it then, and the next plan puts the spec's value back",
                    shown(spec, p)
                )),
                None => accepted_note(spec, want, have),
            };
            if let Some(text) = text {
                notes.push(Note {
                    address: desired.address.clone(),
                    attribute: spec.name.to_owned(),
                    aws: shown(spec, have),
                    spec: shown(spec, want),
                    text,
                    held: held.map(|p| shown(spec, p)),
                });
            }
            continue;
        }
        if let Some(p) = held.filter(|p| satisfied(spec, want, p, desired)) {
            notes.push(Note {
                address: desired.address.clone(),
                attribute: spec.name.to_owned(),
                aws: shown(spec, have),
                spec: shown(spec, want),
                text: "held by AWS for the maintenance window, as the spec asks: AWS applies it then, and it is not asked for again".to_owned(),
                held: Some(shown(spec, p)),
            });
            continue;
        }
        if let Some(reason) = spec.refusal {
            return Err(PlanError::Impossible {
                address: desired.address.clone(),
                reason: format!(
                    "{} cannot change from {have} to {want}: {reason}",
                    spec.name
                ),
            });
        }
        if spec.compare == Compare::GrowsUpToMax
            && let (Some(w), Some(h)) = (want.as_i64(), have.as_i64())
            && h > w
        {
            return Err(PlanError::Impossible {
                address: desired.address.clone(),
                reason: format!(
                    "{} is {h} GiB in AWS; RDS storage can grow but never shrink to {w} GiB (raise `allocated_gib` to {h}, or `max_allocated_gib` to at least {h} if autoscaling grew it)",
                    spec.name
                ),
            });
        }
        // A change AWS refuses stops the plan, unless the resource is replaced: then it is
        // created anew with the desired value (an engine switch with a "lower" version number).
        let cost = spec.cost(have, want, desired).unwrap_or_else(|reason| {
            refused.get_or_insert(PlanError::Impossible {
                address: desired.address.clone(),
                reason: format!(
                    "{} cannot change from {have} to {want}: {reason}",
                    spec.name
                ),
            });
            Cost::new(spec.impact, spec.deferrable)
        });
        let impact = impact_of(spec, cost, desired);
        let in_window =
            (impact == Impact::PendingMaintenance).then(|| now(spec, cost.impact, desired));
        let held = in_window.map(|then| {
            format!(
                "AWS applies it in the maintenance window; then: {}",
                then.label()
            )
        });
        let note = match (held, cost.note) {
            (Some(h), Some(n)) => Some(format!("{h}; {n}")),
            (h, n) => h.or(n.map(str::to_owned)),
        };
        out.push(AttrChange {
            name: spec.name.to_owned(),
            old: shown(spec, have),
            new: shown(spec, want),
            impact,
            forces_replacement: impact.forces_replacement(),
            outstanding: false,
            note,
            in_window,
        });
    }
    match refused {
        Some(e) if !out.iter().any(|a| a.forces_replacement) => Err(e),
        _ => Ok(out),
    }
}

fn created_attrs(desired: &Resource) -> Vec<AttrChange> {
    let kind = spec_of(desired.address.kind);
    kind.attrs
        .iter()
        .filter(|spec| !matches!(spec.compare, Compare::Never | Compare::State))
        .filter_map(|spec| {
            let v = desired.get(spec.name);
            (!v.is_null()).then(|| AttrChange {
                name: spec.name.to_owned(),
                old: Value::Null,
                new: shown(spec, v),
                impact: Impact::Online,
                forces_replacement: false,
                outstanding: false,
                in_window: None,
                note: None,
            })
        })
        .collect()
}

/// Creation rank of a kind: deletions of resources no longer in the spec run in reverse.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::SecurityGroup
        | Kind::DbSubnetGroup
        | Kind::CacheSubnetGroup
        | Kind::DbParameterGroup
        | Kind::CacheParameterGroup
        | Kind::DbClusterParameterGroup
        | Kind::Secret => 0,
        Kind::DbInstance | Kind::DbCluster | Kind::ReplicationGroup => 1,
        Kind::DbReplica | Kind::DbClusterInstance | Kind::Proxy => 2,
        Kind::ProxyTargetGroup | Kind::ProxyEndpoint => 3,
        Kind::ProxyTarget => 4,
        Kind::Alarm => 5,
    }
}

/// Plans the changes that make `observed` match `desired`.
pub fn plan(
    stack: &str,
    region: &str,
    desired: &[Resource],
    observed: &Observed,
) -> Result<Plan, PlanError> {
    let fingerprint = observed.fingerprint();
    let observed = &super::rename::rekeyed(stack, desired, observed)?;
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut held: BTreeSet<&Address> = desired.iter().map(|r| &r.address).collect();
    for d in desired {
        let kind = spec_of(d.address.kind);
        match observed.holder_of(&d.address) {
            None => changes.push(Change {
                address: d.address.clone(),
                action: Action::Create,
                impact: Impact::Online,
                stateful: kind.stateful,
                attributes: created_attrs(d),
                replaces: None,
                note: None,
            }),
            Some(o) if !o.owned => {
                return Err(PlanError::NotOwned {
                    address: d.address.clone(),
                    found: o.resource.address.clone(),
                    stack: stack.to_owned(),
                });
            }
            Some(o) if o.resource.address != d.address => {
                held.insert(&o.resource.address);
                changes.push(kind_changed(d, o));
            }
            Some(o) => {
                let attrs = diff_resource(d, o, &mut notes)?;
                if attrs.is_empty() {
                    continue;
                }
                let impact = attrs
                    .iter()
                    .map(|a| a.impact)
                    .max()
                    .unwrap_or(Impact::Online);
                changes.push(Change {
                    address: d.address.clone(),
                    action: if impact.forces_replacement() {
                        Action::Replace
                    } else {
                        Action::Update
                    },
                    impact,
                    stateful: kind.stateful,
                    attributes: attrs,
                    replaces: None,
                    note: None,
                });
            }
        }
    }
    super::subnet_move::refused_moves(&changes, desired, observed)?;
    cascade(&mut changes, desired, observed);
    super::reboots::static_parameters(&mut changes, desired, observed);
    super::reboots::held_for_the_window(&mut changes, desired);
    for (addr, o) in &observed.resources {
        if o.owned && !held.contains(addr) {
            let kind = spec_of(addr.kind);
            changes.push(Change {
                address: addr.clone(),
                action: Action::Delete,
                impact: if kind.loses_data {
                    Impact::DeleteDataLoss
                } else {
                    Impact::Delete
                },
                stateful: kind.stateful,
                attributes: Vec::new(),
                replaces: None,
                note: None,
            });
        }
    }
    super::group_in_use::refused_deletes(&changes, desired, observed)?;
    super::members::writer(&mut changes, desired, observed);
    super::members::costs(&mut changes, desired, observed);
    show_unprotect(&mut changes, observed);
    let steps = steps(&changes, desired, observed)?;
    let used: BTreeSet<&Address> = steps.iter().map(|s| &s.address).collect();
    Ok(Plan {
        format_version: FORMAT_VERSION,
        stackctl_version: env!("CARGO_PKG_VERSION").to_owned(),
        stack: stack.to_owned(),
        region: region.to_owned(),
        observed_fingerprint: fingerprint,
        desired: desired
            .iter()
            .filter(|r| used.contains(&r.address))
            .cloned()
            .collect(),
        changes,
        notes,
        steps,
        spec: None,
    })
}

/// AWS holds the identifier as another kind the stack owns (a replica that AWS promoted when
/// its source was deleted): delete that one, then create what the spec wants. What the
/// standalone instance wrote since it was promoted is lost.
fn kind_changed(d: &Resource, o: &ObservedResource) -> Change {
    let was = o.resource.address.kind;
    Change {
        address: d.address.clone(),
        action: Action::Replace,
        impact: Impact::ReplaceDataLoss,
        stateful: spec_of(d.address.kind).stateful || spec_of(was).stateful,
        attributes: vec![AttrChange {
            name: "kind".into(),
            old: Value::String(was.as_str().into()),
            new: Value::String(d.address.kind.as_str().into()),
            impact: Impact::ReplaceDataLoss,
            forces_replacement: true,
            outstanding: false,
            in_window: None,
            note: Some(format!(
                "AWS holds this identifier as a {}: it is deleted, then the {} is created",
                spec_of(was).label,
                spec_of(d.address.kind).label
            )),
        }],
        replaces: Some(o.resource.address.clone()),
        note: None,
    }
}

/// What AWS does by itself when a DB instance is deleted, made part of the plan: deleting a
/// source promotes its read replicas to standalone instances, and a proxy target of it loses
/// its instance. So when an instance is replaced, the replicas and proxy targets that name it
/// (observed, and still wanted) are replaced with it, and their deletes run before its delete.
/// AWS deletes an Aurora cluster only once it has no instances: a replaced cluster's instances
/// are replaced with it the same way.
fn cascade(changes: &mut Vec<Change>, desired: &[Resource], observed: &Observed) {
    let replaced: BTreeSet<String> = changes
        .iter()
        .filter(|c| {
            c.action == Action::Replace
                && matches!(c.deletes().kind, Kind::DbInstance | Kind::DbCluster)
        })
        .map(|c| c.deletes().name.clone())
        .collect();
    proxy_parts_follow(changes, desired, observed);
    for d in desired {
        proxy_follows_new_secret(changes, d, observed, &replaced);
        let Some(source) = observed.get(&d.address).and_then(names_instance) else {
            continue;
        };
        if !replaced.contains(source) {
            continue;
        }
        let cluster = observed.get(&d.address).is_some_and(in_cluster);
        let attr = cascaded(d.address.kind, source, cluster);
        let stateful = spec_of(d.address.kind).stateful;
        amend(changes, &d.address, stateful, Action::Replace, attr);
    }
}

/// What AWS deletes with a proxy, made part of the plan: "When you delete a proxy, RDS Proxy
/// automatically deletes all the associated endpoints" (RDS User Guide, Deleting a proxy
/// endpoint), and its targets and default target group go with it. So when a proxy is replaced
/// under its own name, its endpoints and target are replaced with it, and its target group's
/// settings are set again on the new proxy's default group, which starts from AWS's defaults.
fn proxy_parts_follow(changes: &mut Vec<Change>, desired: &[Resource], observed: &Observed) {
    let proxies: BTreeSet<String> = changes
        .iter()
        .filter(|c| c.action == Action::Replace && c.address.kind == Kind::Proxy)
        .map(|c| c.address.name.clone())
        .collect();
    for d in desired {
        let Some(o) = observed.get(&d.address) else {
            continue;
        };
        let Some(proxy) = parents_of(o)
            .into_iter()
            .find(|p| p.kind == Kind::Proxy && proxies.contains(&p.name))
        else {
            continue;
        };
        let proxy = proxy.name;
        let note = format!(
            "the proxy {proxy} is replaced: AWS deletes this with it, so it is made again on the new proxy"
        );
        let mut attrs: Vec<AttrChange> = changes
            .iter()
            .position(|c| c.address == d.address)
            .map(|i| changes.remove(i).attributes)
            .unwrap_or_default();
        let made_again: Vec<AttrChange> = spec_of(d.address.kind)
            .attrs
            .iter()
            .filter(|a| match d.address.kind {
                Kind::ProxyTargetGroup => true,
                Kind::ProxyTarget => {
                    [
                        proxy_attr::target::DB_INSTANCE,
                        proxy_attr::target::DB_CLUSTER,
                    ]
                    .contains(&a.name)
                        && !d.get(a.name).is_null()
                }
                _ => a.name == proxy_attr::endpoint::PROXY,
            })
            .map(|a| AttrChange {
                name: a.name.into(),
                old: shown(a, o.resource.get(a.name)),
                new: shown(a, d.get(a.name)),
                impact: a.impact,
                forces_replacement: a.impact.forces_replacement(),
                outstanding: false,
                in_window: None,
                note: Some(note.clone()),
            })
            .filter(|a| !attrs.iter().any(|x| x.name == a.name))
            .collect();
        attrs.extend(made_again);
        changes.push(Change {
            address: d.address.clone(),
            action: Action::Replace,
            impact: Impact::Replace,
            stateful: false,
            attributes: attrs,
            replaces: None,
            note: None,
        });
    }
}

/// A proxy on the secret RDS manages for an instance that is replaced: the new instance gets a
/// new secret (the old one goes with the old instance), so the proxy's `auth_secret`, which
/// reads the same before and after, is planned as a change to the new secret.
fn proxy_follows_new_secret(
    changes: &mut Vec<Change>,
    d: &Resource,
    observed: &Observed,
    replaced: &BTreeSet<String>,
) {
    if d.address.kind != Kind::Proxy {
        return;
    }
    let Some(value) = observed
        .get(&d.address)
        .and_then(|o| o.resource.str(AUTH_SECRET))
    else {
        return;
    };
    let Some((db, true)) = crate::model::secret::parse_master_auth_secret(value) else {
        return;
    };
    if !replaced.contains(db) || d.str(AUTH_SECRET) != Some(value) {
        return;
    }
    let attr = AttrChange {
        name: AUTH_SECRET.into(),
        old: Value::String(value.to_owned()),
        new: Value::String(value.to_owned()),
        impact: Impact::Online,
        forces_replacement: false,
        outstanding: false,
        in_window: None,
        note: Some(format!(
            "{db} is replaced: the new instance's master secret is a new secret RDS manages, so the proxy moves to it"
        )),
    };
    let stateful = spec_of(d.address.kind).stateful;
    amend(changes, &d.address, stateful, Action::Update, attr);
}

/// The attribute change that says why a dependent of a replaced instance is replaced.
fn cascaded(kind: Kind, source: &str, cluster: bool) -> AttrChange {
    let (name, what) = if kind == Kind::DbReplica {
        ("source", "promote this replica to a standalone instance")
    } else if kind == Kind::ProxyTarget && cluster {
        (
            proxy_attr::target::DB_CLUSTER,
            "leave this target without its cluster",
        )
    } else if kind == Kind::DbClusterInstance {
        (
            "cluster",
            "be refused while this instance is in it (AWS deletes a cluster only without instances)",
        )
    } else {
        (
            proxy_attr::target::DB_INSTANCE,
            "leave this target without its instance",
        )
    };
    AttrChange {
        name: name.into(),
        old: Value::String(source.to_owned()),
        new: Value::String(source.to_owned()),
        impact: Impact::Replace,
        forces_replacement: true,
        outstanding: false,
        in_window: None,
        note: Some(format!(
            "{source} is replaced: deleting it would {what}, so this is replaced with it"
        )),
    }
}

/// Whether what `names_instance` names is an Aurora cluster: an instance's cluster, or the
/// cluster a proxy target registers.
fn in_cluster(o: &ObservedResource) -> bool {
    o.resource.address.kind == Kind::DbClusterInstance
        || !o.resource.get(proxy_attr::target::DB_CLUSTER).is_null()
}

/// The DB instance a replica (its source) or a proxy target (its instance) names, or the
/// Aurora cluster an instance of it names.
fn names_instance(o: &ObservedResource) -> Option<&str> {
    match o.resource.address.kind {
        Kind::DbReplica => o.resource.str("source"),
        Kind::DbClusterInstance => o.resource.str("cluster"),
        Kind::ProxyTarget => o
            .resource
            .str(proxy_attr::target::DB_INSTANCE)
            .or(o.resource.str(proxy_attr::target::DB_CLUSTER)),
        _ => None,
    }
}

/// A delete of what AWS protects from deletion is preceded by its own step that switches the
/// protection off, so that the plan shows it and a rollback switches it on again.
fn unprotect_before_delete(steps: &mut Vec<Step>, observed: &Observed) {
    for i in 0..steps.len() {
        let Some(o) = observed.get(&steps[i].address) else {
            continue;
        };
        if steps[i].op != StepOp::Delete || !o.resource.bool(PROTECTION) {
            continue;
        }
        let id = steps.len();
        let depends_on = std::mem::replace(&mut steps[i].depends_on, vec![id]);
        steps.push(Step {
            id,
            address: steps[i].address.clone(),
            op: StepOp::Update,
            attributes: vec![PROTECTION.to_owned()],
            reboot: false,
            depends_on,
            impact: steps[i].impact,
            resource: Some(o.resource.clone().set(PROTECTION, false)),
            calls: Vec::new(),
            undo: None,
            wait: None,
        });
    }
}

const PROTECTION: &str = "deletion_protection";

/// A delete or replacement of what AWS protects from deletion says so: the protection is
/// switched off first, by a step of its own.
fn show_unprotect(changes: &mut [Change], observed: &Observed) {
    for c in changes {
        let protected = observed
            .get(c.deletes())
            .is_some_and(|o| o.resource.bool(PROTECTION));
        if !protected || !matches!(c.action, Action::Delete | Action::Replace) {
            continue;
        }
        c.attributes.push(AttrChange {
            name: PROTECTION.to_owned(),
            old: Value::Bool(true),
            new: Value::Bool(false),
            impact: c.impact,
            forces_replacement: false,
            outstanding: false,
            in_window: None,
            note: Some("switched off by its own step, right before the delete".into()),
        });
    }
}

/// What AWS does to the parts of a deleted resource, ordered: it promotes the replicas of a
/// deleted source, and deletes a proxy's target group, targets and endpoints with the proxy.
/// So the delete of a replica, proxy target, target group or endpoint runs before the delete
/// of the instance or proxy it belongs to. One that left the spec then waits for nothing
/// else, so that its parent's replacement can follow it.
fn before_their_parent(steps: &mut [Step], first_delete: usize, observed: &Observed) {
    let deletes: BTreeMap<Address, usize> = steps
        .iter()
        .filter(|s| s.op == StepOp::Delete)
        .map(|s| (s.address.clone(), s.id))
        .collect();
    for i in 0..steps.len() {
        if steps[i].op != StepOp::Delete {
            continue;
        }
        let Some(o) = observed.get(&steps[i].address) else {
            continue;
        };
        for parent in parents_of(o) {
            let Some(&parent) = deletes.get(&parent) else {
                continue;
            };
            if i >= first_delete && parent < first_delete {
                steps[i].depends_on.clear();
            }
            steps[parent].depends_on.push(i);
        }
    }
}

/// The instance and the proxy whose deletion takes a resource with it (or promotes it).
fn parents_of(o: &ObservedResource) -> Vec<Address> {
    let a = &o.resource.address;
    let parent = if in_cluster(o) {
        Kind::DbCluster
    } else {
        Kind::DbInstance
    };
    let instance = names_instance(o).map(|db| Address::new(parent, db));
    let proxy = match a.kind {
        Kind::ProxyTargetGroup => Some(a.name.as_str()),
        Kind::ProxyTarget => a.name.split_once('/').map(|(p, _)| p),
        Kind::ProxyEndpoint => o.resource.str("proxy"),
        _ => None,
    }
    .map(|p| Address::new(Kind::Proxy, p));
    instance.into_iter().chain(proxy).collect()
}

/// The execution graph: creates and updates in dependency order, a replacement's delete before
/// its create, and deletions of what left the spec last, in reverse creation order.
fn steps(
    changes: &[Change],
    desired: &[Resource],
    observed: &Observed,
) -> Result<Vec<Step>, PlanError> {
    let mut steps: Vec<Step> = Vec::new();
    let mut forward: BTreeMap<&Address, usize> = BTreeMap::new();
    for c in changes {
        let id = steps.len();
        match c.action {
            Action::Update if c.outstanding() => continue,
            Action::Create | Action::Update => {
                let performed = || c.attributes.iter().filter(|a| !a.outstanding);
                let attrs: Vec<String> = if c.action == Action::Update {
                    performed().map(|a| a.name.clone()).collect()
                } else {
                    Vec::new()
                };
                let reboot =
                    c.action == Action::Update && performed().any(|a| a.impact == Impact::Reboot);
                steps.push(Step {
                    id,
                    address: c.address.clone(),
                    op: if c.action == Action::Create {
                        StepOp::Create
                    } else {
                        StepOp::Update
                    },
                    attributes: attrs,
                    reboot,
                    depends_on: Vec::new(),
                    impact: c.impact,
                    resource: None,
                    calls: Vec::new(),
                    undo: None,
                    wait: None,
                });
                forward.insert(&c.address, id);
                // The spec's first Aurora instance, created in a cluster that keeps another
                // writer, is failed over to once it exists (`plan::members`).
                if c.action == Action::Create
                    && c.attributes
                        .iter()
                        .any(|a| a.name == crate::model::db_cluster::attr::WRITER && !a.outstanding)
                {
                    steps.push(Step {
                        id: id + 1,
                        address: c.address.clone(),
                        op: StepOp::Update,
                        attributes: vec![crate::model::db_cluster::attr::WRITER.to_owned()],
                        reboot: false,
                        depends_on: vec![id],
                        impact: Impact::BriefOutage,
                        resource: None,
                        calls: Vec::new(),
                        undo: None,
                        wait: None,
                    });
                }
            }
            Action::Replace => {
                steps.push(Step {
                    id,
                    address: c.deletes().clone(),
                    op: StepOp::Delete,
                    attributes: Vec::new(),
                    reboot: false,
                    depends_on: Vec::new(),
                    impact: c.impact,
                    resource: None,
                    calls: Vec::new(),
                    undo: None,
                    wait: None,
                });
                steps.push(Step {
                    id: id + 1,
                    address: c.address.clone(),
                    op: StepOp::Create,
                    attributes: Vec::new(),
                    reboot: false,
                    depends_on: vec![id],
                    impact: c.impact,
                    resource: None,
                    calls: Vec::new(),
                    undo: None,
                    wait: None,
                });
                forward.insert(&c.address, id + 1);
            }
            Action::Delete => {}
        }
    }
    // Dependencies between forward steps, from the desired resources.
    for r in desired {
        let Some(&id) = forward.get(&r.address) else {
            continue;
        };
        for dep in &r.depends_on {
            if let Some(&d) = forward.get(dep)
                && !steps[id].depends_on.contains(&d)
            {
                steps[id].depends_on.push(d);
            }
        }
    }
    // Deletions of what left the spec: after every forward step, dependents first.
    let forward_ids: Vec<usize> = steps.iter().map(|s| s.id).collect();
    let first_delete = steps.len();
    for c in changes.iter().filter(|c| c.action == Action::Delete) {
        let id = steps.len();
        steps.push(Step {
            id,
            address: c.address.clone(),
            op: StepOp::Delete,
            attributes: Vec::new(),
            reboot: false,
            depends_on: forward_ids.clone(),
            impact: c.impact,
            resource: None,
            calls: Vec::new(),
            undo: None,
            wait: None,
        });
    }
    for i in first_delete..steps.len() {
        let mine = rank(steps[i].address.kind);
        let later: Vec<usize> = (first_delete..steps.len())
            .filter(|&j| rank(steps[j].address.kind) > mine)
            .collect();
        steps[i].depends_on.extend(later);
    }
    before_their_parent(&mut steps, first_delete, observed);
    super::rename::targets_before_renames(&mut steps, observed);
    unprotect_before_delete(&mut steps, observed);
    super::undo::fix(&mut steps, observed);
    super::waits::fix(&mut steps);
    for s in &mut steps {
        s.depends_on.sort_unstable();
        s.depends_on.dedup();
    }
    let deps: Vec<Vec<usize>> = steps.iter().map(|s| s.depends_on.clone()).collect();
    order::levels(&deps).map_err(|i| PlanError::Cycle {
        address: steps[i].address.clone(),
    })?;
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::version_satisfies;

    #[test]
    fn a_requested_version_is_satisfied_by_any_patch_level_of_it() {
        for auto in [true, false] {
            for (want, have) in [
                ("7.1", "7.1"),
                ("7.1", "7.1.0"),
                ("7.1", "7.1.6"),
                ("16", "16.4"),
                ("16.4", "16.4"),
                ("8.0", "8.0.39"),
            ] {
                assert!(version_satisfies(want, have, auto), "{want} by {have}");
            }
            for (want, have) in [
                ("7.1", "7.0.7"),
                ("7.1", "7.10.0"),
                ("7.1", "7"),
                ("16.4", "16.3"),
                ("16.4", "17.0"),
                ("16", "17.1"),
                ("8.0.39", "8.0.36"),
            ] {
                assert!(!version_satisfies(want, have, auto), "{want} by {have}");
            }
        }
        // A newer minor is what AWS did by itself only with auto minor version upgrade.
        assert!(version_satisfies("16.4", "16.6", true));
        assert!(!version_satisfies("16.4", "16.6", false));
        assert!(version_satisfies("8.0.36", "8.0.39", true));
    }
}

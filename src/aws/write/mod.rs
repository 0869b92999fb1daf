//! Executing one step of a plan against AWS: create, update or delete one resource, then wait
//! until AWS says it is usable (or gone). Steps make no choices: the plan decided what to change.

mod cloudwatch;
mod elasticache;
mod obeyed;
pub mod owner;
mod rds;

pub(crate) use cloudwatch::cloudwatch_tags;
pub(crate) use elasticache::{cache_tag_list, cache_tags};
pub(crate) use rds::{rds_tag_list, rds_tags};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Mutex;

use super::client::Clients;
use super::error::{AwsError, found};
use super::kinds::AwsKind;
use super::kinds::alarm::Alarms;
use super::kinds::cache_parameter_group::CacheParameterGroups;
use super::kinds::cache_subnet_group::CacheSubnetGroups;
use super::kinds::db_cluster::DbClusters;
use super::kinds::db_cluster::instance::DbClusterInstances;
use super::kinds::db_cluster_parameter_group::DbClusterParameterGroups;
use super::kinds::db_instance::DbInstances;
use super::kinds::db_parameter_group::DbParameterGroups;
use super::kinds::db_subnet_group::DbSubnetGroups;
use super::kinds::proxy::Proxies;
use super::kinds::proxy::endpoint::ProxyEndpoints;
use super::kinds::proxy::target::ProxyTargets;
use super::kinds::proxy::target_group::ProxyTargetGroups;
use super::kinds::replication_group::ReplicationGroups;
use super::kinds::secret::Secrets;
use super::kinds::security_group::SecurityGroups;
use crate::model::{Address, Kind, Resource};
use crate::plan::{ObservedResource, Step, StepOp, Wait};

/// A secret value: its Debug and Display never show it.
pub struct Sensitive(pub(crate) String);

impl Sensitive {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

/// AWS identifiers known so far: from the read, then from each create.
#[derive(Debug, Default)]
pub struct Ids(Mutex<BTreeMap<Address, BTreeMap<String, String>>>);

impl Ids {
    pub fn seed(&self, a: &Address, ids: &BTreeMap<String, String>) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(a.clone()).or_default().extend(ids.clone());
        }
    }
    pub fn set(&self, a: &Address, key: &str, value: impl Into<String>) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(a.clone())
                .or_default()
                .insert(key.to_owned(), value.into());
        }
    }
    pub fn forget(&self, a: &Address, keys: &[&str]) {
        if let Ok(mut m) = self.0.lock()
            && let Some(ids) = m.get_mut(a)
        {
            ids.retain(|k, _| !keys.contains(&k.as_str()));
        }
    }
    /// The identifiers of `a` among `keys`.
    pub fn only(&self, a: &Address, keys: &[&str]) -> BTreeMap<String, String> {
        let Ok(m) = self.0.lock() else {
            return BTreeMap::new();
        };
        m.get(a)
            .map(|ids| {
                ids.iter()
                    .filter(|(k, _)| keys.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn get(&self, a: &Address, key: &str) -> Option<String> {
        self.0.lock().ok()?.get(a)?.get(key).cloned()
    }
}

/// What an update step's calls carried to AWS, by call: an attribute of the step that no call
/// carried was never sent, and the step fails instead of reporting it updated; so does one that
/// a call the plan did not list carried.
#[derive(Debug, Default)]
pub struct Sent(Mutex<BTreeSet<(String, String)>>);

impl Sent {
    /// The attributes among `attrs` that no call carried.
    pub fn missing(&self, attrs: &[String]) -> Vec<String> {
        let Ok(sent) = self.0.lock() else {
            return attrs.to_vec();
        };
        attrs
            .iter()
            .filter(|a| !sent.iter().any(|(_, s)| s == *a))
            .cloned()
            .collect()
    }

    /// Each call and attribute it carried, `op attr`.
    pub fn carried(&self) -> BTreeSet<(String, String)> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// What a step runs with: what it makes and what AWS has, the identifiers known so far.
#[derive(Clone)]
pub struct StepInput<'a> {
    pub stack: &'a str,
    pub desired: Option<&'a Resource>,
    pub observed: Option<&'a ObservedResource>,
    pub ids: &'a Ids,
    /// Take a final snapshot before deleting an instance or a replication group.
    pub final_snapshot: bool,
    /// The running apply's id: every create marks what it creates with it.
    pub apply_id: &'a str,
    /// Set when the step undoes a create: it deletes only what those applies created.
    pub undo: Option<owner::UndoOf>,
    /// What the plan says the step waits for, and how long at most.
    pub wait: Option<Wait>,
}

impl StepInput<'_> {
    /// How long the step may wait for AWS, as the plan says: a kind AWS takes time over always
    /// has a wait in a plan of this format.
    pub fn wait_limit(&self) -> Result<std::time::Duration, AwsError> {
        self.wait
            .map(|w| std::time::Duration::from_secs(w.limit_seconds))
            .ok_or_else(|| {
                AwsError::other(
                    "apply",
                    "the plan gives this step no wait; plan again with this version of stackctl",
                )
            })
    }
}

/// What one step needs: its input, the clients, and a record of what its calls carried.
pub struct StepContext<'a> {
    pub clients: &'a Clients,
    pub input: StepInput<'a>,
    /// What this step's calls carried.
    pub sent: Sent,
}

impl<'a> std::ops::Deref for StepContext<'a> {
    type Target = StepInput<'a>;
    fn deref(&self) -> &StepInput<'a> {
        &self.input
    }
}

impl StepContext<'_> {
    /// Records that the call `op`, which sets `names` whole, carried those of them that `step`
    /// changes.
    pub(crate) fn sent_among(&self, op: &'static str, step: Option<&Step>, names: &[&'static str]) {
        let Some(step) = step.filter(|s| s.op == StepOp::Update) else {
            return;
        };
        let mut carry = Carry::new(step);
        carry.take(names);
        self.sent(op, &carry.carried);
    }

    /// Records that the call `op` (made, and answered) carried `attrs` of this step's resource.
    pub(crate) fn sent(&self, op: &'static str, attrs: &[&str]) {
        if attrs.is_empty() {
            return;
        }
        if let Ok(mut s) = self.sent.0.lock() {
            s.extend(attrs.iter().map(|a| (op.to_owned(), (*a).to_owned())));
        }
        let address = self.desired.map(|r| r.address.to_string());
        self.clients
            .recorder
            .sent(op, address.unwrap_or_default(), attrs);
    }

    pub(crate) fn want(&self) -> Result<&Resource, AwsError> {
        self.desired.ok_or_else(|| {
            AwsError::other(
                "plan",
                "a create or update step without its desired resource",
            )
        })
    }

    pub(crate) fn sg_ids(&self, r: &Resource, attr: &str) -> Result<Option<Vec<String>>, AwsError> {
        if r.get(attr).is_null() {
            return Ok(None);
        }
        r.strings(attr)
            .iter()
            .map(|n| self.sg_id(n))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub(crate) fn sg_id(&self, name: &str) -> Result<String, AwsError> {
        if name.starts_with("sg-") {
            return Ok(name.to_owned());
        }
        self.ids
            .get(&Address::new(Kind::SecurityGroup, name), "id")
            .ok_or_else(|| AwsError::other("ec2", format!("security group {name} has no id yet")))
    }

    /// The tags a create sets: the desired ones and this apply's mark.
    pub(crate) fn create_tags(&self, r: &Resource) -> BTreeMap<String, String> {
        let mut tags = tags_of(r);
        tags.insert(
            crate::model::desired::APPLY_TAG.to_owned(),
            self.apply_id.to_owned(),
        );
        tags
    }

    /// Records a create call's result: the identifier AWS returned (`id_of`; a security
    /// group's id, else the ARN). When AWS says the resource already exists, it is this apply's
    /// if it carries this stack's tag and this apply's mark (the first response was lost and the
    /// SDK retried): its identifier is recorded the same way. Anything else of that name is an
    /// error.
    pub(crate) async fn created<T>(
        &self,
        a: &Address,
        r: Result<T, AwsError>,
        id_of: impl FnOnce(&T) -> Option<&str>,
    ) -> Result<(), AwsError> {
        let key = if a.kind == Kind::SecurityGroup {
            "id"
        } else {
            "arn"
        };
        let e = match r {
            Ok(v) => {
                if let Some(id) = id_of(&v) {
                    self.ids.set(a, key, id);
                }
                return Ok(());
            }
            Err(e) if already_exists(&e) => e,
            Err(e) => return Err(e),
        };
        match Box::pin(owner::holder(self, a)).await? {
            Some(h) if h.owned_by(self.stack) && h.created_by() == Some(self.apply_id) => {
                self.ids.set(a, key, h.id);
                Ok(())
            }
            _ => Err(e),
        }
    }

    pub(crate) fn arn(&self, a: &Address) -> Result<String, AwsError> {
        self.ids
            .get(a, "arn")
            .ok_or_else(|| AwsError::other("tags", format!("{a} has no ARN")))
    }
}

/// AWS's way of saying a create's name is taken, service by service.
fn already_exists(e: &AwsError) -> bool {
    ["AlreadyExists", "Duplicate", "ResourceExists"]
        .iter()
        .any(|c| e.code.contains(c))
}

/// The attributes of an update step among `names`, for one call: `take` says whether the call
/// has anything to carry, and `carried` lists what it carried.
struct Carry<'s> {
    step: &'s Step,
    carried: Vec<&'static str>,
}

impl<'s> Carry<'s> {
    fn new(step: &'s Step) -> Self {
        Carry {
            step,
            carried: Vec::new(),
        }
    }

    fn changed(&self, name: &str) -> bool {
        self.step.attributes.iter().any(|x| x == name)
    }

    /// Whether any of `names` changed; those that did are carried by the call.
    fn take(&mut self, names: &[&'static str]) -> bool {
        let hit: Vec<&'static str> = names.iter().copied().filter(|n| self.changed(n)).collect();
        self.carried.extend(&hit);
        !hit.is_empty()
    }
}

fn tags_of(r: &Resource) -> BTreeMap<String, String> {
    r.get("tags")
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one step. A delete first checks, right before its call, that what holds the
/// identifier is this stack's (and for an undo, that this apply created it): otherwise it
/// refuses (`NotOwned`, `NotThisApply`). Deleting what is already gone succeeds.
pub async fn run(step: &Step, cx: &StepContext<'_>) -> Result<(), AwsError> {
    if step.op == StepOp::Delete {
        let Some(h) = Box::pin(owner::holder(cx, &step.address)).await? else {
            return Ok(());
        };
        if let Some(why) = owner::refusal(&step.address, &h, cx.stack, cx.undo.as_ref()) {
            let code = if h.owned_by(cx.stack) {
                "NotThisApply"
            } else {
                "NotOwned"
            };
            return Err(AwsError {
                operation: "stackctl:delete",
                code: code.to_owned(),
                message: why,
            });
        }
    }
    let (done, made) = crate::aws::client::ops_of(Box::pin(dispatch(step, cx))).await;
    done?;
    obeyed::only_listed(step, &made)?;
    if step.op == StepOp::Create
        && let Some(r) = cx.desired
    {
        let attrs: Vec<&str> = r.attrs.keys().map(String::as_str).collect();
        cx.sent("create", &attrs);
    }
    nothing_unsent(step, cx)
}

/// An update step succeeds only if its calls carried every attribute it was to change: one
/// that no call carried would be reported "updated" and come back on the next plan. Where the
/// plan lists the step's calls, each attribute must have been carried by the call the plan
/// names for it, and by no other.
fn nothing_unsent(step: &Step, cx: &StepContext<'_>) -> Result<(), AwsError> {
    if step.op != StepOp::Update {
        return Ok(());
    }
    let missing = cx.sent.missing(&step.attributes);
    if !missing.is_empty() {
        return Err(AwsError {
            operation: "stackctl:update",
            code: "NotSent".to_owned(),
            message: format!(
                "{}: no call carried {} to AWS; this is a defect in stackctl, and the step is not reported as updated",
                step.address,
                missing.join(", ")
            ),
        });
    }
    let unplanned = unplanned(step, &cx.sent.carried());
    if unplanned.is_empty() {
        return Ok(());
    }
    Err(AwsError {
        operation: "stackctl:update",
        code: "NotAsPlanned".to_owned(),
        message: format!(
            "{}: {} differ from the plan's calls ({}); this is a defect in stackctl, and the step is not reported as updated",
            step.address,
            unplanned.join(", "),
            planned(step).join(", ")
        ),
    })
}

/// The plan's calls of `step` that carry attributes, `op attr`.
fn planned(step: &Step) -> Vec<String> {
    step.calls
        .iter()
        .flat_map(|c| c.carries.iter().map(move |a| format!("{} {a}", c.op)))
        .collect()
}

/// What the step's calls carried that the plan did not list, and what the plan listed that no
/// call carried; nothing where the plan lists no call that carries attributes.
fn unplanned(step: &Step, carried: &BTreeSet<(String, String)>) -> Vec<String> {
    let planned: BTreeSet<(String, String)> = step
        .calls
        .iter()
        .flat_map(|c| c.carries.iter().map(|a| (c.op.clone(), a.clone())))
        .collect();
    if planned.is_empty() {
        return Vec::new();
    }
    let extra = carried
        .difference(&planned)
        .map(|(op, a)| format!("{op} carried {a}"));
    let absent = planned
        .difference(carried)
        .map(|(op, a)| format!("{op} did not carry {a}"));
    extra.chain(absent).collect()
}

async fn dispatch(step: &Step, cx: &StepContext<'_>) -> Result<(), AwsError> {
    let a = &step.address;
    match (a.kind, step.op) {
        (Kind::SecurityGroup, StepOp::Create) => SecurityGroups::create(cx).await,
        (Kind::SecurityGroup, StepOp::Update) => SecurityGroups::modify(cx, step).await,
        (Kind::SecurityGroup, StepOp::Delete) => SecurityGroups::delete(cx, a).await,
        (Kind::DbSubnetGroup, StepOp::Create) => DbSubnetGroups::create(cx).await,
        (Kind::DbSubnetGroup, StepOp::Update) => DbSubnetGroups::modify(cx, step).await,
        (Kind::DbSubnetGroup, StepOp::Delete) => DbSubnetGroups::delete(cx, a).await,
        (Kind::CacheSubnetGroup, StepOp::Create) => CacheSubnetGroups::create(cx).await,
        (Kind::CacheSubnetGroup, StepOp::Update) => CacheSubnetGroups::modify(cx, step).await,
        (Kind::CacheSubnetGroup, StepOp::Delete) => CacheSubnetGroups::delete(cx, a).await,
        (Kind::DbParameterGroup, StepOp::Create) => DbParameterGroups::create(cx).await,
        (Kind::DbParameterGroup, StepOp::Update) => DbParameterGroups::modify(cx, step).await,
        (Kind::DbParameterGroup, StepOp::Delete) => DbParameterGroups::delete(cx, a).await,
        (Kind::CacheParameterGroup, StepOp::Create) => CacheParameterGroups::create(cx).await,
        (Kind::CacheParameterGroup, StepOp::Update) => CacheParameterGroups::modify(cx, step).await,
        (Kind::CacheParameterGroup, StepOp::Delete) => CacheParameterGroups::delete(cx, a).await,
        (Kind::Secret, StepOp::Create) => Secrets::create(cx).await,
        (Kind::Secret, StepOp::Update) => Secrets::modify(cx, step).await,
        (Kind::Secret, StepOp::Delete) => Secrets::delete(cx, a).await,
        (Kind::DbInstance | Kind::DbReplica, StepOp::Create) => DbInstances::create(cx).await,
        (Kind::DbInstance | Kind::DbReplica, StepOp::Update) => DbInstances::modify(cx, step).await,
        (Kind::DbInstance | Kind::DbReplica, StepOp::Delete) => DbInstances::delete(cx, a).await,
        (Kind::Proxy, StepOp::Create) => Proxies::create(cx).await,
        (Kind::Proxy, StepOp::Update) => Proxies::modify(cx, step).await,
        (Kind::Proxy, StepOp::Delete) => Proxies::delete(cx, a).await,
        (Kind::ProxyTargetGroup, StepOp::Create) => ProxyTargetGroups::create(cx).await,
        (Kind::ProxyTargetGroup, StepOp::Update) => ProxyTargetGroups::modify(cx, step).await,
        (Kind::ProxyTargetGroup, StepOp::Delete) => ProxyTargetGroups::delete(cx, a).await,
        (Kind::ProxyTarget, StepOp::Create) => ProxyTargets::create(cx).await,
        (Kind::ProxyTarget, StepOp::Update) => ProxyTargets::modify(cx, step).await,
        (Kind::ProxyTarget, StepOp::Delete) => ProxyTargets::delete(cx, a).await,
        (Kind::ProxyEndpoint, StepOp::Create) => ProxyEndpoints::create(cx).await,
        (Kind::ProxyEndpoint, StepOp::Update) => ProxyEndpoints::modify(cx, step).await,
        (Kind::ProxyEndpoint, StepOp::Delete) => ProxyEndpoints::delete(cx, a).await,
        (Kind::ReplicationGroup, StepOp::Create) => ReplicationGroups::create(cx).await,
        (Kind::ReplicationGroup, StepOp::Update) => ReplicationGroups::modify(cx, step).await,
        (Kind::ReplicationGroup, StepOp::Delete) => ReplicationGroups::delete(cx, a).await,
        (Kind::Alarm, StepOp::Create) => Alarms::create(cx).await,
        (Kind::Alarm, StepOp::Update) => Alarms::modify(cx, step).await,
        (Kind::Alarm, StepOp::Delete) => Alarms::delete(cx, a).await,
        (Kind::DbClusterParameterGroup, StepOp::Create) => {
            DbClusterParameterGroups::create(cx).await
        }
        (Kind::DbClusterParameterGroup, StepOp::Update) => {
            DbClusterParameterGroups::modify(cx, step).await
        }
        (Kind::DbClusterParameterGroup, StepOp::Delete) => {
            DbClusterParameterGroups::delete(cx, a).await
        }
        (Kind::DbCluster, StepOp::Create) => DbClusters::create(cx).await,
        (Kind::DbCluster, StepOp::Update) => DbClusters::modify(cx, step).await,
        (Kind::DbCluster, StepOp::Delete) => DbClusters::delete(cx, a).await,
        (Kind::DbClusterInstance, StepOp::Create) => DbClusterInstances::create(cx).await,
        (Kind::DbClusterInstance, StepOp::Update) => DbClusterInstances::modify(cx, step).await,
        (Kind::DbClusterInstance, StepOp::Delete) => DbClusterInstances::delete(cx, a).await,
    }
}

/// Brings a resource's tags to the desired set: `add` gets the tags to set, `remove` the keys
/// to drop; each is called only when it has something to do.
pub(crate) async fn sync_tags<A, R>(
    cx: &StepContext<'_>,
    add: impl FnOnce(BTreeMap<String, String>) -> A,
    remove: impl FnOnce(Vec<String>) -> R,
) -> Result<(), AwsError>
where
    A: std::future::Future<Output = Result<(), AwsError>>,
    R: std::future::Future<Output = Result<(), AwsError>>,
{
    let Some((to_add, to_remove)) = tag_diff(cx) else {
        return Ok(());
    };
    let any = !to_add.is_empty() || !to_remove.is_empty();
    if !to_add.is_empty() {
        add(to_add).await?;
    }
    if !to_remove.is_empty() {
        remove(to_remove).await?;
    }
    if any {
        cx.sent("tagging", &["tags"]);
    }
    Ok(())
}

fn tag_diff(cx: &StepContext<'_>) -> Option<(BTreeMap<String, String>, Vec<String>)> {
    let want = tags_of(cx.desired?);
    let have = cx
        .observed
        .map(|o| tags_of(&o.resource))
        .unwrap_or_default();
    let add: BTreeMap<String, String> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    Some((add, remove))
}

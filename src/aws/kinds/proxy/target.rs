//! The AWS side of a proxy target: the database a proxy's default target group sends
//! connections to. A target names its kind of database by the attribute it sets (an RDS
//! instance, `db_instance`, or an Aurora cluster, `db_cluster`); [`TARGET_KINDS`] says, for each kind, the type AWS reports such
//! a target with and the field of `RegisterDBProxyTargets` and `DeregisterDBProxyTargets` that
//! names it. A target is registered on create and deregistered on delete; the model replaces
//! it rather than change it.

use aws_sdk_rds::operation::deregister_db_proxy_targets::builders::DeregisterDBProxyTargetsFluentBuilder as Deregister;
use aws_sdk_rds::operation::register_db_proxy_targets::builders::RegisterDBProxyTargetsFluentBuilder as Register;
use aws_sdk_rds::types::{DbProxyTarget, TargetType};
use futures::future::try_join_all;

use super::super::AwsKind;
use super::super::calls::Planned;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::observed;
use crate::aws::write::StepContext;
use crate::model::proxy::attr::target::*;
use crate::model::{Address, Kind, Resource};
use crate::plan::{Call, ObservedResource, Step, StepOp};

/// The target group every target is registered in.
const DEFAULT: &str = "default";

/// One kind of database a target can name: its attribute row, the type AWS describes such a
/// target with, and how the register and deregister calls name it.
pub(super) struct TargetKind {
    pub attr: &'static str,
    pub aws_type: TargetType,
    pub register: fn(Register, &str) -> Register,
    pub deregister: fn(Deregister, &str) -> Deregister,
}

/// Every kind of database a target names: the target's rows.
pub(super) static TARGET_KINDS: &[TargetKind] = &[
    TargetKind {
        attr: DB_INSTANCE,
        aws_type: TargetType::RdsInstance,
        register: |b, id| b.db_instance_identifiers(id),
        deregister: |b, id| b.db_instance_identifiers(id),
    },
    // An Aurora cluster: AWS describes it as a `TRACKED_CLUSTER` target, and each of its
    // instances as an `RDS_INSTANCE` target with its `TrackedClusterId` (not targets of their
    // own: `observe` leaves them out).
    TargetKind {
        attr: DB_CLUSTER,
        aws_type: TargetType::TrackedCluster,
        register: |b, id| b.db_cluster_identifiers(id),
        deregister: |b, id| b.db_cluster_identifiers(id),
    },
];

/// The kind of database `r` names, and its identifier.
fn named(r: &Resource) -> Option<(&'static TargetKind, &str)> {
    TARGET_KINDS
        .iter()
        .find_map(|k| Some((k, r.str(k.attr).filter(|id| !id.is_empty())?)))
}

/// A target as AWS describes it, with the proxy it was described under (AWS's answer does not
/// name the proxy).
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    pub proxy: String,
    pub target: DbProxyTarget,
}

/// The targets of the stack's proxies.
pub(crate) struct ProxyTargets;

impl AwsKind for ProxyTargets {
    type Answer = Registered;

    /// The targets of each of these proxies, one call a proxy, all at once.
    async fn describe(c: &Clients, proxies: Vec<String>) -> Result<Vec<Registered>, AwsError> {
        let calls = proxies.into_iter().map(|proxy| async move {
            let r = c
                .call(
                    "rds:DescribeDBProxyTargets",
                    c.rds
                        .describe_db_proxy_targets()
                        .db_proxy_name(&proxy)
                        .send(),
                )
                .await;
            let targets = found(r)?.map(|r| r.targets().to_vec()).unwrap_or_default();
            Ok::<_, AwsError>(targets.into_iter().map(move |target| Registered {
                proxy: proxy.clone(),
                target,
            }))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    /// Registers the database the target names in its proxy's default target group.
    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let (kind, id) = named(r).ok_or_else(|| no_database(&r.address))?;
        let c = cx.clients;
        let b = c
            .rds
            .register_db_proxy_targets()
            .db_proxy_name(proxy_of(&r.address))
            .target_group_name(DEFAULT);
        c.call("rds:RegisterDBProxyTargets", (kind.register)(b, id).send())
            .await?;
        Ok(())
    }

    /// The model replaces a target rather than change it (another database is another
    /// target); an update registers it again, as a create does.
    async fn modify(cx: &StepContext<'_>, _: &Step) -> Result<(), AwsError> {
        Self::create(cx).await
    }

    /// Deregisters the database the target names (as AWS reported it, else as the plan wants
    /// it, else the instance its name ends with).
    /// Registered on create and on an update, deregistered on delete; the calls carry no
    /// attribute (the model replaces a target that names another database).
    fn calls(p: &Planned<'_>) -> Vec<Call> {
        match p.step.op {
            StepOp::Delete => vec![Call::new("rds:DeregisterDBProxyTargets", &[])],
            _ => vec![Call::new("rds:RegisterDBProxyTargets", &[])],
        }
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let (_, from_name) = a.name.split_once('/').unwrap_or((&a.name, ""));
        let (kind, id) = cx
            .observed
            .and_then(|o| named(&o.resource))
            .or_else(|| cx.desired.and_then(named))
            .or_else(|| Some((TARGET_KINDS.first()?, from_name)))
            .ok_or_else(|| no_database(a))?;
        let c = cx.clients;
        let b = c
            .rds
            .deregister_db_proxy_targets()
            .db_proxy_name(proxy_of(a))
            .target_group_name(DEFAULT);
        let r = c
            .call(
                "rds:DeregisterDBProxyTargets",
                (kind.deregister)(b, id).send(),
            )
            .await;
        found(r).map(|_| ())
    }
}

/// The proxy of a target, the first part of its name (`<proxy>/<database>`).
fn proxy_of(a: &Address) -> &str {
    a.name.split_once('/').map_or(a.name.as_str(), |(p, _)| p)
}

fn no_database(a: &Address) -> AwsError {
    AwsError::other("plan", format!("{a} names no database to register"))
}

/// The target, named `<proxy>/<database>`, with the row of the kind of database it names;
/// owned when its proxy is. `None` for a kind of target the model has no row for.
pub(in crate::aws) fn observe(t: &Registered, proxy_owned: bool) -> Option<ObservedResource> {
    let id = t.target.rds_resource_id()?;
    // An instance of a tracked cluster is the cluster's, registered with it.
    if t.target.r#type() == Some(&TargetType::RdsInstance)
        && t.target.tracked_cluster_id().is_some_and(|c| !c.is_empty())
    {
        return None;
    }
    // A target whose type AWS leaves out is a DB instance, the only kind before clusters.
    let kind = TARGET_KINDS
        .iter()
        .find(|k| t.target.r#type().is_none_or(|ty| *ty == k.aws_type))?;
    let health = t.target.target_health().and_then(|h| h.state());
    Some(observed(
        Resource::new(Kind::ProxyTarget, format!("{}/{id}", t.proxy)).set(kind.attr, id),
        proxy_owned,
        health.map(|s| s.as_str().to_owned()).unwrap_or_default(),
    ))
}

//! The AWS side of the RDS primary and its read replicas: described in batches and observed
//! row by row (with the changes AWS holds for the window), created from every row that sets a
//! field on create, modified with the rows a step changes, deleted, and waited for.

mod rows;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_rds::types::{DbInstance, Filter};
use futures::future::try_join_all;
use serde_json::Value;

use super::AwsKind;
use super::Req;
use super::calls::Planned;
use super::secret::secret_value;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{
    Context, OwnedArns, arn_name, nz, observed, owned_by, tag_map, with_endpoint,
};
use crate::aws::watch::{Until, Watched};
use crate::aws::write::{StepContext, rds_tags};
use crate::model::db_instance::SUBNET_GROUP_VPC;
use crate::model::db_instance::attr::{
    APPLY_CHANGES, IDENTIFIER, MASTER_PASSWORD, RENAMED_FROM, SECURITY_GROUPS, TAGS,
};
use crate::model::secret::master_secret_name;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};
use rows::{OnModify, Seen, row_of, source};

pub(crate) use rows::managed_master_secret;

/// The DB instance kinds: a primary (`db_instance`) and its read replicas (`db_replica`).
pub(crate) struct DbInstances;

impl AwsKind for DbInstances {
    type Answer = DbInstance;

    /// 100 identifiers to a call, all calls at once.
    async fn describe(c: &Clients, ids: Vec<String>) -> Result<Vec<DbInstance>, AwsError> {
        let calls = ids.chunks(100).map(|chunk| {
            let filter = Filter::builder()
                .name("db-instance-id")
                .set_values(Some(chunk.to_vec()))
                .build();
            async move {
                let resp = c
                    .call(
                        "rds:DescribeDBInstances",
                        c.rds.describe_db_instances().filters(filter).send(),
                    )
                    .await?;
                Ok::<_, AwsError>(resp.db_instances().to_vec())
            }
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let replica = a.kind == Kind::DbReplica;
        let password = if replica || r.str(MASTER_PASSWORD) == Some("rds_managed") {
            None
        } else {
            Some(password(cx, r).await?)
        };
        let q = Req::of(cx, r, SECURITY_GROUPS, password)?;
        let rows = || spec_of(a.kind).attrs.iter().filter_map(|s| row_of(s.name));
        let out = if replica {
            let mut b = c.rds.create_db_instance_read_replica();
            for set in rows().filter_map(|row| row.replica) {
                b = set(b, &q);
            }
            let b = b.db_instance_identifier(&a.name);
            let out = c.call("rds:CreateDBInstanceReadReplica", b.send()).await;
            cx.created(a, out, |o| o.db_instance()?.db_instance_arn())
                .await
        } else {
            let mut b = c.rds.create_db_instance();
            for set in rows().filter_map(|row| row.create) {
                b = set(b, &q);
            }
            let b = b.db_instance_identifier(&a.name);
            let out = c.call("rds:CreateDBInstance", b.send()).await;
            cx.created(a, out, |o| o.db_instance()?.db_instance_arn())
                .await
        };
        out?;
        crate::aws::wait::available(cx, a, Watched::DbInstance).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changes = |attr: &str| step.attributes.iter().any(|x| x == attr);
        let immediately = r.str(APPLY_CHANGES) != Some("in_maintenance_window");
        let password = if changes(MASTER_PASSWORD) && r.str(MASTER_PASSWORD) != Some("rds_managed")
        {
            Some(password(cx, r).await?)
        } else {
            None
        };
        let q = Req::of(cx, r, SECURITY_GROUPS, password)?;
        let (now, renamed) = names(r, changes(IDENTIFIER), immediately);
        let mut b = c
            .rds
            .modify_db_instance()
            .db_instance_identifier(&now)
            .apply_immediately(immediately);
        let mut carried: Vec<&str> = Vec::new();
        for row in step.attributes.iter().filter_map(|n| row_of(n)) {
            if let OnModify::Field(set) = row.modify {
                b = set(b, &q);
                carried.push(row.attr);
            }
        }
        if !carried.is_empty() {
            let out = c.call("rds:ModifyDBInstance", b.send()).await?;
            cx.sent("rds:ModifyDBInstance", &carried);
            master_secret_moved(cx, a, out.db_instance(), changes(MASTER_PASSWORD));
        }
        // The ARN is kept under the step's address (the new one once renamed).
        let (step_address, renaming) = (a, renamed.is_some());
        if changes(TAGS) && !renaming {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        let a = &match renamed {
            Some(new) => renamed_to(cx, a, &now, new).await?,
            None => Address::new(a.kind, &now),
        };
        if changes(TAGS) && renaming {
            rds_tags(cx, &cx.arn(step_address)?).await?;
        }
        crate::aws::wait::until_settled(cx.clients, a, cx.wait_limit()?).await?;
        // A reboot the plan asks for: its own row (parameters waiting for one), or a change
        // that needs one and was applied now.
        let settles: Vec<&str> = step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .filter(|row| matches!(row.modify, OnModify::Reboot))
            .map(|row| row.attr)
            .collect();
        if step.reboot && (immediately || !settles.is_empty()) {
            c.call(
                "rds:RebootDBInstance",
                c.rds
                    .reboot_db_instance()
                    .db_instance_identifier(&a.name)
                    .send(),
            )
            .await?;
            cx.sent("rds:RebootDBInstance", &settles);
            crate::aws::wait::available(cx, a, Watched::DbInstance).await?;
        }
        Ok(())
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            let create = if p.step.address.kind == Kind::DbReplica {
                "rds:CreateDBInstanceReadReplica"
            } else {
                "rds:CreateDBInstance"
            };
            return p.one(create, "rds:DeleteDBInstance");
        }
        let rows = || p.step.attributes.iter().filter_map(|n| row_of(n));
        let by = |f: fn(&OnModify) -> bool| -> Vec<String> {
            rows()
                .filter(|r| f(&r.modify))
                .map(|r| r.attr.to_owned())
                .collect()
        };
        let fields = by(|m| matches!(m, OnModify::Field(_)));
        let settles = by(|m| matches!(m, OnModify::Reboot));
        let immediately = p.wanted(APPLY_CHANGES).as_str() != Some("in_maintenance_window");
        let reboot = (p.step.reboot && (immediately || !settles.is_empty())).then(|| Call {
            op: "rds:RebootDBInstance".to_owned(),
            carries: settles,
        });
        [
            p.carrying("rds:ModifyDBInstance", fields),
            p.tagging(),
            reboot,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        if delete_call(cx, a).await?.is_none() {
            return Ok(());
        }
        c.watch
            .until(
                c,
                Watched::DbInstance,
                &a.name,
                Until::Gone,
                cx.wait_limit()?,
            )
            .await?;
        Ok(())
    }
}

/// The name a modify calls the instance by, and the name a rename gives it now (`None` when
/// the step renames nothing, or the rename waits for the maintenance window). A rename's step
/// makes the instance named by its address from the one it is `renamed_from`; the undo of one
/// gives the instance of that address its old identifier back.
fn names(r: &Resource, renames: bool, immediately: bool) -> (String, Option<String>) {
    let here = r.address.name.clone();
    let to = r.str(IDENTIFIER).unwrap_or(&here).to_owned();
    if !renames || to != here {
        let renamed = (renames && immediately).then_some(to);
        return (here, renamed);
    }
    let from = r.str(RENAMED_FROM).unwrap_or(&here).to_owned();
    (from, immediately.then_some(to))
}

/// Waits out a rename: the old name leaves AWS's answers, then the new one is available;
/// records the new ARN (the ARN carries the name).
async fn renamed_to(
    cx: &StepContext<'_>,
    a: &Address,
    old: &str,
    new: String,
) -> Result<Address, AwsError> {
    let c = cx.clients;
    c.watch
        .until(c, Watched::DbInstance, old, Until::Gone, cx.wait_limit()?)
        .await?;
    let renamed = Address::new(a.kind, &new);
    crate::aws::wait::available(cx, &renamed, Watched::DbInstance).await?;
    if let Some(arn) = cx.ids.get(&renamed, "arn") {
        cx.ids.set(a, "arn", &arn);
    }
    Ok(renamed)
}

/// The generated master password, from its secret, right before the call that sets it.
async fn password(
    cx: &StepContext<'_>,
    r: &Resource,
) -> Result<crate::aws::write::Sensitive, AwsError> {
    let from = match r
        .str(MASTER_PASSWORD)
        .and_then(|v| v.strip_prefix("secret_arn:"))
    {
        // The team's secret, by ARN: read, never changed.
        Some(arn) => arn.to_owned(),
        None => master_secret_name(cx.stack, &r.address.name),
    };
    secret_value(cx, &from, "password").await
}

/// A proxy on the master secret is repointed after a modify: to the secret RDS manages now,
/// or (leaving RDS's management) to the generated one.
fn master_secret_moved(
    cx: &StepContext<'_>,
    a: &Address,
    answer: Option<&DbInstance>,
    password_changed: bool,
) {
    match answer.and_then(|i| i.master_user_secret()) {
        Some(m) => {
            if let Some(arn) = m.secret_arn() {
                cx.ids.set(a, "master_user_secret_arn", arn);
            }
        }
        None if password_changed => cx.ids.forget(a, &["master_user_secret_arn"]),
        None => {}
    }
}

/// `DeleteDBInstance`, with a final snapshot of a primary when asked; `None` when it was
/// already gone. The plan switches deletion protection off by a step of its own before a
/// delete. Only an undo, which deletes what its own apply just created, switches it off here.
async fn delete_call(cx: &StepContext<'_>, a: &Address) -> Result<Option<()>, AwsError> {
    let c = cx.clients;
    let mut protected = false;
    let snapshot = cx.final_snapshot && a.kind == Kind::DbInstance;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    loop {
        if protected {
            c.call(
                "rds:ModifyDBInstance",
                c.rds
                    .modify_db_instance()
                    .db_instance_identifier(&a.name)
                    .deletion_protection(false)
                    .apply_immediately(true)
                    .send(),
            )
            .await?;
        }
        let r = c
            .call(
                "rds:DeleteDBInstance",
                c.rds
                    .delete_db_instance()
                    .db_instance_identifier(&a.name)
                    .skip_final_snapshot(!snapshot)
                    .set_final_db_snapshot_identifier(
                        snapshot.then(|| format!("{}-final-{stamp}", a.name)),
                    )
                    .delete_automated_backups(!snapshot)
                    .send(),
            )
            .await;
        match r {
            Err(e)
                if cx.undo.is_some() && !protected && e.message.contains("DeletionProtection") =>
            {
                protected = true
            }
            other => return Ok(found(other)?.map(|_| ())),
        }
    }
}

/// The identifiers of the DB instances the stack owns that `described` (the spec's) leaves
/// out: they left the spec.
pub(in crate::aws) fn left_spec(owned: &OwnedArns, described: &[DbInstance]) -> Vec<String> {
    let known: BTreeSet<&str> = described
        .iter()
        .filter_map(|i| i.db_instance_identifier())
        .collect();
    owned
        .keys()
        .filter(|arn| arn.contains(":rds:") && arn.contains(":db:"))
        .map(|arn| arn_name(arn).to_owned())
        .filter(|id| !known.contains(id.as_str()))
        .collect()
}

/// A DB instance: a replica when it has a source, else a primary, with every row of its
/// kind's table that AWS reports; with its pending changes and the ids the executor needs.
pub(in crate::aws) fn observe(cx: &Context, inst: &DbInstance) -> ObservedResource {
    let kind = if source(inst).is_some() {
        Kind::DbReplica
    } else {
        Kind::DbInstance
    };
    let id = inst.db_instance_identifier().unwrap_or_default();
    let seen = Seen { inst, cx };
    let mut resource = Resource::new(kind, id);
    for spec in spec_of(kind).attrs {
        if let Some(read) = row_of(spec.name).and_then(|r| r.read) {
            resource = resource.set(spec.name, read(&seen));
        }
    }
    let tags = tag_map(inst.tag_list().iter().map(|t| (t.key(), t.value())));
    let status = inst.db_instance_status().unwrap_or_default();
    let mut o = observed(resource, owned_by(&tags, cx.stack), status);
    o.pending = pending(inst);
    if let Some(vpc) = inst.db_subnet_group().and_then(|g| nz(g.vpc_id())) {
        o.facts.insert(SUBNET_GROUP_VPC.into(), vpc.into());
    }
    let ids = [
        ("arn", inst.db_instance_arn()),
        (
            "master_user_secret_arn",
            inst.master_user_secret().and_then(|m| m.secret_arn()),
        ),
        ("resource_id", inst.dbi_resource_id()),
    ];
    for (key, v) in ids {
        if let Some(v) = v {
            o.ids.insert(key.into(), v.to_owned());
        }
    }
    let endpoint = inst.endpoint();
    with_endpoint(
        endpoint.and_then(|e| e.address()),
        endpoint.and_then(|e| e.port()),
        o,
    )
}

/// The changes AWS holds for the maintenance window, in the model's names.
fn pending(inst: &DbInstance) -> BTreeMap<String, Value> {
    let Some(p) = inst.pending_modified_values() else {
        return BTreeMap::new();
    };
    rows::ROWS
        .iter()
        .filter_map(|row| Some((row.attr.to_owned(), (row.held?)(p)?)))
        .collect()
}

#[cfg(test)]
mod tests;

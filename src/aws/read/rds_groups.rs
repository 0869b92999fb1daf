//! The stack's DB parameter group with the parameters the user set and their apply types (the
//! DB subnet group's AWS side is `aws::kinds::db_subnet_group`).

use std::collections::BTreeMap;

use aws_sdk_rds::types::DbParameterGroup;
use serde_json::json;

use super::{Context, observed, with_arn};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::{Page, all_pages};
use crate::model::parameter_group::APPLY_TYPES;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

/// The stack's DB parameter group: the group, the parameters the user set, and whether AWS
/// applies each of those (and of the others whose type was looked up) only at a reboot.
pub(super) struct DbParams {
    pub group: DbParameterGroup,
    pub values: BTreeMap<String, String>,
    /// `static` or `dynamic` (AWS's `ApplyType`), by parameter name.
    pub apply_types: BTreeMap<String, String>,
}

/// One parameter of `DescribeDBParameters`: name, value, apply type.
type Described = (String, Option<String>, Option<String>);

/// One page of `DescribeDBParameters` of a group: the user's parameters (`Source=user`), or
/// all of them.
async fn parameters_page(
    c: &Clients,
    name: &str,
    source: Option<&str>,
    marker: Option<String>,
) -> Result<Page<Described>, AwsError> {
    let r = c
        .call(
            "rds:DescribeDBParameters",
            c.rds
                .describe_db_parameters()
                .db_parameter_group_name(name)
                .set_source(source.map(str::to_owned))
                .set_marker(marker)
                .send(),
        )
        .await;
    Ok(found(r)?.map(|r| {
        let items = r
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_name()?.to_owned(),
                    p.parameter_value().map(str::to_owned),
                    p.apply_type().map(str::to_owned),
                ))
            })
            .collect();
        (items, r.marker().map(str::to_owned))
    }))
}

pub(super) async fn describe_db_parameter_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<DbParams>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let group = async {
        let r = c
            .call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_parameter_groups().first().cloned()))
    };
    let name = &name;
    let params = all_pages(|marker| parameters_page(c, name, Some("user"), marker));
    let (g, p) = tokio::try_join!(group, params)?;
    Ok(g.map(|group| {
        let mut out = DbParams {
            group,
            values: BTreeMap::new(),
            apply_types: BTreeMap::new(),
        };
        out.add(p);
        out
    }))
}

impl DbParams {
    fn add(&mut self, described: Vec<Described>) {
        for (name, value, apply_type) in described {
            if let Some(t) = apply_type {
                self.apply_types.insert(name.clone(), t);
            }
            if let Some(v) = value {
                self.values.insert(name, v);
            }
        }
    }

    /// Looks up the apply type of the parameters among `wanted` the user has not set yet
    /// (a second round, only when the spec sets a parameter the group does not have): every
    /// parameter of the group, page after page.
    pub(super) async fn look_up_types(
        &mut self,
        c: &Clients,
        wanted: &[String],
    ) -> Result<(), AwsError> {
        if wanted.iter().all(|w| self.apply_types.contains_key(w)) {
            return Ok(());
        }
        let name = self
            .group
            .db_parameter_group_name()
            .unwrap_or_default()
            .to_owned();
        let all = all_pages(|marker| parameters_page(c, &name, None, marker)).await?;
        for (pname, _value, apply_type) in all {
            if let Some(t) = apply_type.filter(|_| wanted.contains(&pname)) {
                self.apply_types.entry(pname).or_insert(t);
            }
        }
        Ok(())
    }
}

pub(super) fn observe_db_parameter_group(cx: &Context, p: &DbParams) -> ObservedResource {
    let g = &p.group;
    let arn = g.db_parameter_group_arn();
    let mut o = with_arn(
        arn,
        observed(
            Resource::new(
                Kind::DbParameterGroup,
                g.db_parameter_group_name().unwrap_or_default(),
            )
            .set("family", g.db_parameter_group_family().unwrap_or_default())
            .set("description", g.description().unwrap_or_default())
            .set("parameters", json!(p.values))
            .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            "available",
        ),
    );
    o.facts.insert(APPLY_TYPES.to_owned(), json!(p.apply_types));
    o
}

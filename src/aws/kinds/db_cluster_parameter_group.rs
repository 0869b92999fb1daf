//! The stack's DB cluster parameter group (Aurora): the calls of RDS's DB cluster parameter
//! group; the rest is `rds_parameter_group`'s, shared with the DB instance's group.

use aws_sdk_rds::types::{Parameter, Tag};

use super::parameter_group::{Described, Ops, PER_CALL};
use super::rds_parameter_group::{RdsGroup, RdsParameterGroups, RdsParams, described};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::Page;
use crate::model::Kind;

/// RDS's DB cluster parameter group (an Aurora cluster's).
pub(crate) struct Cluster;

pub(crate) type DbClusterParams = RdsParams<Cluster>;
pub(crate) type DbClusterParameterGroups = RdsParameterGroups<Cluster>;

impl RdsGroup for Cluster {
    const KIND: Kind = Kind::DbClusterParameterGroup;
    const ARN_PART: &'static str = ":cluster-pg:";
    /// A reset takes 20 parameters a call, as a set does.
    const OPS: Ops = Ops {
        create: "rds:CreateDBClusterParameterGroup",
        set: "rds:ModifyDBClusterParameterGroup",
        reset: "rds:ResetDBClusterParameterGroup",
        delete: "rds:DeleteDBClusterParameterGroup",
        reset_per_call: PER_CALL,
    };

    async fn page(
        c: &Clients,
        name: &str,
        source: Option<&str>,
        marker: Option<String>,
    ) -> Result<Page<Described>, AwsError> {
        let b = c.rds.describe_db_cluster_parameters();
        let b = b.db_cluster_parameter_group_name(name);
        let b = b.set_source(source.map(str::to_owned)).set_marker(marker);
        let r = c.call("rds:DescribeDBClusterParameters", b.send()).await;
        Ok(found(r)?.map(|r| (described(r.parameters()), r.marker().map(str::to_owned))))
    }

    async fn create(
        c: &Clients,
        name: &str,
        family: &str,
        description: &str,
        tags: Vec<Tag>,
    ) -> Result<Option<String>, AwsError> {
        let b = c.rds.create_db_cluster_parameter_group();
        let b = b.db_cluster_parameter_group_name(name);
        let b = b.db_parameter_group_family(family).description(description);
        let out = c
            .call(Self::OPS.create, b.set_tags(Some(tags)).send())
            .await?;
        let group = out.db_cluster_parameter_group();
        Ok(group
            .and_then(|g| g.db_cluster_parameter_group_arn())
            .map(str::to_owned))
    }

    async fn send(
        c: &Clients,
        name: &str,
        params: Vec<Parameter>,
        reset: bool,
    ) -> Result<(), AwsError> {
        if reset {
            let b = c.rds.reset_db_cluster_parameter_group();
            let b = b
                .db_cluster_parameter_group_name(name)
                .set_parameters(Some(params));
            c.call(Self::OPS.reset, b.send()).await.map(|_| ())
        } else {
            let b = c.rds.modify_db_cluster_parameter_group();
            let b = b
                .db_cluster_parameter_group_name(name)
                .set_parameters(Some(params));
            c.call(Self::OPS.set, b.send()).await.map(|_| ())
        }
    }

    async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
        let b = c.rds.delete_db_cluster_parameter_group();
        let b = b.db_cluster_parameter_group_name(name);
        found(c.call(Self::OPS.delete, b.send()).await).map(|_| ())
    }
}

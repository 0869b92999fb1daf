"""Aurora DB clusters: what MiniStack 1.5.33 already does as AWS does (unmarked), and the
cluster patches (rds_cluster_patches.py)."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, uid


def create_cluster(rds, ident=None, **kw):
    params = dict(DBClusterIdentifier=ident or uid("cl"), Engine="aurora-postgresql",
                  EngineVersion="16.8", MasterUsername="stackctl", MasterUserPassword="password123",
                  ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 16})
    params.update(kw)
    for key in ("ServerlessV2ScalingConfiguration", "MasterUserPassword"):
        if params.get(key) is None:
            params.pop(key)
    return rds.create_db_cluster(**params)["DBCluster"]


def add_instance(rds, cluster, ident=None, klass="db.serverless", **kw):
    return rds.create_db_instance(DBInstanceIdentifier=ident or uid("in"), DBClusterIdentifier=cluster,
                                  Engine="aurora-postgresql", DBInstanceClass=klass, **kw)["DBInstance"]


def describe_cluster(rds, ident):
    return rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]


# ---------------------------------------------------------------- faithful already

def test_cluster_settings_round_trip(rds):
    ident = uid("cl")
    create_cluster(rds, ident, StorageEncrypted=True, DeletionProtection=True,
                   KmsKeyId="arn:aws:kms:us-east-1:000000000000:key/k1",
                   EnableIAMDatabaseAuthentication=True, EnableCloudwatchLogsExports=["postgresql"],
                   PreferredBackupWindow="03:00-04:00", PreferredMaintenanceWindow="sun:05:00-sun:06:00",
                   BackupRetentionPeriod=7, ManageMasterUserPassword=True, MasterUserPassword=None)
    c = describe_cluster(rds, ident)
    assert c["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 16.0}
    assert (c["StorageEncrypted"], c["DeletionProtection"], c["IAMDatabaseAuthenticationEnabled"]) == (True, True, True)
    assert c["KmsKeyId"].endswith("key/k1")
    assert c["BackupRetentionPeriod"] == 7
    assert c["MasterUserSecret"]["SecretArn"].startswith("arn:aws:secretsmanager:")


def test_members_know_the_writer_and_promotion_tiers(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w", PromotionTier=0)
    add_instance(rds, ident, f"{ident}-r", PromotionTier=2)
    members = {m["DBInstanceIdentifier"]: m for m in describe_cluster(rds, ident)["DBClusterMembers"]}
    assert members[f"{ident}-w"]["IsClusterWriter"] is True
    assert members[f"{ident}-r"]["IsClusterWriter"] is False
    assert members[f"{ident}-r"]["PromotionTier"] == 2


def test_delete_refused_with_members_or_protection(rds):
    ident = uid("cl")
    create_cluster(rds, ident, DeletionProtection=True)
    with pytest.raises(ClientError) as e:
        rds.delete_db_cluster(DBClusterIdentifier=ident, SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidParameterCombination"
    rds.modify_db_cluster(DBClusterIdentifier=ident, DeletionProtection=False, ApplyImmediately=True)
    add_instance(rds, ident)
    with pytest.raises(ClientError) as e:
        rds.delete_db_cluster(DBClusterIdentifier=ident, SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidDBClusterStateFault"


@pytest.mark.patch("tagging-get-resources")
def test_cluster_tags_reach_the_tagging_api(rds, tagging):
    ident = uid("cl")
    arn = create_cluster(rds, ident, Tags=[{"Key": "stackctl:stack", "Value": ident}])["DBClusterArn"]
    found = tagging.get_resources(TagFilters=[{"Key": "stackctl:stack", "Values": [ident]}],
                                  ResourceTypeFilters=["rds:cluster"])["ResourceTagMappingList"]
    assert [r["ResourceARN"] for r in found] == [arn]


# ---------------------------------------------------------------- rds-serverless-v2-capacity

@pytest.mark.patch("rds-serverless-v2-capacity")
@pytest.mark.parametrize("low,high", [(0.7, 4), (1, 4.2), (8, 4), (1, 300), (0.5, 0.5)])
def test_capacity_range_rules_on_create(rds, low, high):
    with pytest.raises(ClientError) as e:
        create_cluster(rds, ServerlessV2ScalingConfiguration={"MinCapacity": low, "MaxCapacity": high})
    assert error_code(e) in ("InvalidParameterValue", "InvalidParameterCombination")


@pytest.mark.patch("rds-serverless-v2-capacity")
def test_zero_minimum_only_on_versions_with_automatic_pause(rds):
    with pytest.raises(ClientError) as e:
        create_cluster(rds, EngineVersion="13.9", ServerlessV2ScalingConfiguration={"MinCapacity": 0, "MaxCapacity": 4})
    assert error_code(e) == "InvalidParameterValue"
    ok = create_cluster(rds, EngineVersion="16.8", ServerlessV2ScalingConfiguration={"MinCapacity": 0, "MaxCapacity": 4})
    assert ok["ServerlessV2ScalingConfiguration"]["MinCapacity"] == 0


@pytest.mark.patch("rds-serverless-v2-capacity")
def test_capacity_range_rules_on_modify(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    with pytest.raises(ClientError) as e:  # the new minimum against the stored maximum (16)
        rds.modify_db_cluster(DBClusterIdentifier=ident, ServerlessV2ScalingConfiguration={"MinCapacity": 32},
                              ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"
    rds.modify_db_cluster(DBClusterIdentifier=ident, ApplyImmediately=True,
                          ServerlessV2ScalingConfiguration={"MinCapacity": 2, "MaxCapacity": 64})
    assert describe_cluster(rds, ident)["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 2.0, "MaxCapacity": 64.0}


# ---------------------------------------------------------------- rds-serverless-instance-needs-capacity

@pytest.mark.patch("rds-serverless-instance-needs-capacity")
def test_serverless_instance_needs_a_capacity_range(rds):
    ident = uid("cl")
    create_cluster(rds, ident, ServerlessV2ScalingConfiguration=None)
    with pytest.raises(ClientError) as e:
        add_instance(rds, ident)
    assert error_code(e) == "InvalidParameterCombination"
    provisioned = add_instance(rds, ident, klass="db.r6g.large")
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=provisioned["DBInstanceIdentifier"],
                               DBInstanceClass="db.serverless", ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"


@pytest.mark.patch("rds-serverless-instance-needs-capacity")
def test_instance_in_a_missing_cluster_refused(rds):
    with pytest.raises(ClientError) as e:
        add_instance(rds, uid("missing"))
    assert error_code(e) == "DBClusterNotFoundFault"


# ---------------------------------------------------------------- rds-cluster-parameter-group-family

@pytest.mark.patch("rds-cluster-parameter-group-family")
def test_cluster_parameter_group_of_another_family_refused(rds):
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="cpg-mysql", Description="d",
                                          DBParameterGroupFamily="aurora-mysql8.0")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="cpg-pg16", Description="d",
                                          DBParameterGroupFamily="aurora-postgresql16")
    with pytest.raises(ClientError) as e:
        create_cluster(rds, DBClusterParameterGroupName="cpg-mysql")
    assert error_code(e) == "InvalidParameterCombination"
    ident = uid("cl")
    assert create_cluster(rds, ident, DBClusterParameterGroupName="cpg-pg16")["DBClusterParameterGroup"] == "cpg-pg16"
    with pytest.raises(ClientError) as e:
        rds.modify_db_cluster(DBClusterIdentifier=ident, DBClusterParameterGroupName="cpg-mysql", ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"


# ---------------------------------------------------------------- rds-cluster-endpoints

@pytest.mark.patch("rds-cluster-endpoints")
def test_writer_and_reader_endpoints_stay_distinct_names(rds):
    ident = uid("cl")
    created = create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w")
    add_instance(rds, ident, f"{ident}-r")
    c = describe_cluster(rds, ident)
    assert c["Endpoint"] == created["Endpoint"]
    assert c["Endpoint"].startswith(f"{ident}.cluster-")
    assert c["ReaderEndpoint"].startswith(f"{ident}.cluster-ro-")


# ---------------------------------------------------------------- rds-cluster-log-exports

def exported(cluster):
    return sorted(cluster.get("EnabledCloudwatchLogsExports") or [])


@pytest.mark.patch("rds-cluster-log-exports")
def test_create_sets_the_cluster_s_exported_logs(rds):
    ident = uid("cl")
    created = create_cluster(rds, ident, EnableCloudwatchLogsExports=["postgresql", "instance"])
    assert exported(created) == ["instance", "postgresql"]
    assert exported(describe_cluster(rds, ident)) == ["instance", "postgresql"]


def test_a_cluster_without_exports_shows_none(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    assert exported(describe_cluster(rds, ident)) == []


@pytest.mark.patch("rds-cluster-log-exports")
def test_modify_cluster_enables_and_disables_log_types(rds):
    ident = uid("cl")
    create_cluster(rds, ident, EnableCloudwatchLogsExports=["postgresql"])
    modified = rds.modify_db_cluster(
        DBClusterIdentifier=ident, ApplyImmediately=True,
        CloudwatchLogsExportConfiguration={"EnableLogTypes": ["instance"], "DisableLogTypes": ["postgresql"]},
    )["DBCluster"]
    assert exported(modified) == ["instance"]
    assert exported(describe_cluster(rds, ident)) == ["instance"]


# ---------------------------------------------------------------- rds-promotion-tier

@pytest.mark.patch("rds-promotion-tier")
def test_modify_changes_an_instance_s_promotion_tier(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w", PromotionTier=0)
    add_instance(rds, ident, f"{ident}-r", PromotionTier=1)
    modified = rds.modify_db_instance(DBInstanceIdentifier=f"{ident}-r", PromotionTier=5,
                                      ApplyImmediately=True)["DBInstance"]
    assert modified["PromotionTier"] == 5
    described = rds.describe_db_instances(DBInstanceIdentifier=f"{ident}-r")["DBInstances"][0]
    assert described["PromotionTier"] == 5
    members = {m["DBInstanceIdentifier"]: m for m in describe_cluster(rds, ident)["DBClusterMembers"]}
    assert members[f"{ident}-r"]["PromotionTier"] == 5


# ---------------------------------------------------------------- rds-cluster-managed-master-password

@pytest.mark.patch("rds-cluster-managed-master-password")
def test_turning_management_off_takes_the_new_password_and_deletes_the_secret(rds, sm):
    ident = uid("cl")
    created = create_cluster(rds, ident, ManageMasterUserPassword=True, MasterUserPassword=None)
    arn = created["MasterUserSecret"]["SecretArn"]
    modified = rds.modify_db_cluster(DBClusterIdentifier=ident, ManageMasterUserPassword=False,
                                     MasterUserPassword="another-password1", ApplyImmediately=True)["DBCluster"]
    assert "MasterUserSecret" not in modified
    assert "MasterUserSecret" not in describe_cluster(rds, ident)
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId=arn)
    assert error_code(e) == "ResourceNotFoundException"


@pytest.mark.patch("rds-cluster-managed-master-password")
def test_turning_management_on_makes_a_secret(rds, sm):
    ident = uid("cl")
    create_cluster(rds, ident)
    modified = rds.modify_db_cluster(DBClusterIdentifier=ident, ManageMasterUserPassword=True,
                                     ApplyImmediately=True)["DBCluster"]
    arn = modified["MasterUserSecret"]["SecretArn"]
    assert describe_cluster(rds, ident)["MasterUserSecret"]["SecretArn"] == arn
    assert sm.describe_secret(SecretId=arn)["ARN"] == arn


def test_a_password_for_a_managed_cluster_is_refused(rds):
    ident = uid("cl")
    create_cluster(rds, ident, ManageMasterUserPassword=True, MasterUserPassword=None)
    with pytest.raises(ClientError) as e:
        rds.modify_db_cluster(DBClusterIdentifier=ident, MasterUserPassword="another-password1",
                              ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"


# ---------------------------------------------------------------- rds-cluster-port

@pytest.mark.patch("rds-cluster-port")
def test_a_new_cluster_port_is_its_instances_and_stays(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w")
    rds.modify_db_cluster(DBClusterIdentifier=ident, Port=5433, ApplyImmediately=True)
    # Deleting any DB instance makes MiniStack look at every cluster's members again.
    other = uid("cl")
    create_cluster(rds, other)
    add_instance(rds, other, f"{other}-w")
    rds.delete_db_instance(DBInstanceIdentifier=f"{other}-w", SkipFinalSnapshot=True)
    assert describe_cluster(rds, ident)["Port"] == 5433
    member = rds.describe_db_instances(DBInstanceIdentifier=f"{ident}-w")["DBInstances"][0]
    assert member["Endpoint"]["Port"] == 5433


# ---------------------------------------------------------------- rds-cluster-parameter-apply-status

def member_status(rds, cluster, ident):
    members = describe_cluster(rds, cluster)["DBClusterMembers"]
    return {m["DBInstanceIdentifier"]: m["DBClusterParameterGroupStatus"] for m in members}[ident]


@pytest.mark.patch("rds-cluster-parameter-apply-status")
def test_a_pending_reboot_parameter_waits_for_each_member_s_reboot(rds):
    group, ident = uid("cpg"), uid("cl")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=group, Description="d",
                                          DBParameterGroupFamily="aurora-postgresql16")
    create_cluster(rds, ident, DBClusterParameterGroupName=group)
    add_instance(rds, ident, f"{ident}-w")
    add_instance(rds, ident, f"{ident}-r")
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[{"ParameterName": "shared_buffers", "ParameterValue": "32768",
                     "ApplyMethod": "pending-reboot"}])
    assert member_status(rds, ident, f"{ident}-w") == "pending-reboot"
    assert member_status(rds, ident, f"{ident}-r") == "pending-reboot"
    rds.reboot_db_instance(DBInstanceIdentifier=f"{ident}-w")
    assert member_status(rds, ident, f"{ident}-w") == "in-sync"
    assert member_status(rds, ident, f"{ident}-r") == "pending-reboot"


def test_an_immediate_parameter_leaves_the_members_in_sync(rds):
    group, ident = uid("cpg"), uid("cl")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=group, Description="d",
                                          DBParameterGroupFamily="aurora-postgresql16")
    create_cluster(rds, ident, DBClusterParameterGroupName=group)
    add_instance(rds, ident, f"{ident}-w")
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[{"ParameterName": "log_min_duration_statement", "ParameterValue": "500",
                     "ApplyMethod": "immediate"}])
    assert member_status(rds, ident, f"{ident}-w") == "in-sync"


# ---------------------------------------------------------------- rds-cluster-writer-deleted-failover

@pytest.mark.patch("rds-cluster-writer-deleted-failover")
def test_deleting_the_writer_promotes_the_reader_first_in_promotion_order(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w", PromotionTier=0)
    add_instance(rds, ident, f"{ident}-r2", PromotionTier=2)
    add_instance(rds, ident, f"{ident}-r1", PromotionTier=1)
    rds.delete_db_instance(DBInstanceIdentifier=f"{ident}-w", SkipFinalSnapshot=True)
    members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"]
               for m in describe_cluster(rds, ident)["DBClusterMembers"]}
    assert members == {f"{ident}-r1": True, f"{ident}-r2": False}


def test_deleting_a_reader_leaves_the_writer(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    add_instance(rds, ident, f"{ident}-w", PromotionTier=1)
    add_instance(rds, ident, f"{ident}-r", PromotionTier=0)
    rds.delete_db_instance(DBInstanceIdentifier=f"{ident}-r", SkipFinalSnapshot=True)
    members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"]
               for m in describe_cluster(rds, ident)["DBClusterMembers"]}
    assert members == {f"{ident}-w": True}


# ---------------------------------------------------------------- rds-cluster-engine-version-held

@pytest.mark.patch("rds-cluster-engine-version-held")
def test_an_engine_upgrade_without_apply_immediately_waits_in_pending_values(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    rds.modify_db_cluster(DBClusterIdentifier=ident, EngineVersion="16.9", ApplyImmediately=False)
    c = describe_cluster(rds, ident)
    assert c["EngineVersion"] == "16.8"
    assert c.get("PendingModifiedValues", {}).get("EngineVersion") == "16.9"
    # ApplyImmediately applies the request's changes and the pending ones.
    rds.modify_db_cluster(DBClusterIdentifier=ident, BackupRetentionPeriod=3, ApplyImmediately=True)
    c = describe_cluster(rds, ident)
    assert (c["EngineVersion"], c["BackupRetentionPeriod"]) == ("16.9", 3)
    assert not c.get("PendingModifiedValues", {}).get("EngineVersion")


def test_an_engine_upgrade_applied_immediately_is_made_at_once(rds):
    ident = uid("cl")
    create_cluster(rds, ident)
    rds.modify_db_cluster(DBClusterIdentifier=ident, EngineVersion="16.9", ApplyImmediately=True)
    c = describe_cluster(rds, ident)
    assert c["EngineVersion"] == "16.9"
    assert not c.get("PendingModifiedValues", {}).get("EngineVersion")


# ---------------------------------------------------------------- rds-parameter-group-in-use

@pytest.mark.patch("rds-parameter-group-in-use")
def test_a_parameter_group_in_use_is_not_deleted(rds):
    cluster_group, db_group, ident = uid("cpg"), uid("pg"), uid("cl")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=cluster_group,
                                          DBParameterGroupFamily="aurora-postgresql16", Description="d")
    rds.create_db_parameter_group(DBParameterGroupName=db_group, DBParameterGroupFamily="postgres16",
                                  Description="d")
    create_cluster(rds, ident, DBClusterParameterGroupName=cluster_group)
    rds.create_db_instance(DBInstanceIdentifier=f"{ident}-db", Engine="postgres", EngineVersion="16.4",
                           DBInstanceClass="db.t4g.micro", AllocatedStorage=20, MasterUsername="u",
                           MasterUserPassword="password123", DBParameterGroupName=db_group)
    with pytest.raises(ClientError) as e:
        rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName=cluster_group)
    assert error_code(e) == "InvalidDBParameterGroupState"
    with pytest.raises(ClientError) as e:
        rds.delete_db_parameter_group(DBParameterGroupName=db_group)
    assert error_code(e) == "InvalidDBParameterGroupState"
    rds.delete_db_instance(DBInstanceIdentifier=f"{ident}-db", SkipFinalSnapshot=True)
    rds.delete_db_parameter_group(DBParameterGroupName=db_group)
    rds.delete_db_cluster(DBClusterIdentifier=ident, SkipFinalSnapshot=True)
    rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName=cluster_group)

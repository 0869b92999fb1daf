import pytest
from botocore.exceptions import ClientError

from conftest import error_code, uid

NAMING = "elasticache-member-naming"
COUNT = "elasticache-replica-count"
MODIFY = "elasticache-modify-members"
FAILOVER = "elasticache-failover-validation"
PORT = "elasticache-port"
KMS = "elasticache-kms-key-id"


def make_group(ec, network, clusters=2, **kw):
    subnet_group = uid("csg")
    ec.create_cache_subnet_group(CacheSubnetGroupName=subnet_group, CacheSubnetGroupDescription="d",
                                 SubnetIds=network["subnets"])
    rg_id = uid("rg")
    params = dict(ReplicationGroupId=rg_id, ReplicationGroupDescription="test", Engine="redis",
                  EngineVersion="7.1", CacheNodeType="cache.t4g.small", NumCacheClusters=clusters,
                  CacheSubnetGroupName=subnet_group, SecurityGroupIds=[network["sg"]],
                  PreferredMaintenanceWindow="mon:01:00-mon:02:00")
    params.update(kw)
    if clusters is None:  # cluster mode: NumNodeGroups / ReplicasPerNodeGroup instead
        del params["NumCacheClusters"]
    rg = ec.create_replication_group(**params)["ReplicationGroup"]
    return rg_id, subnet_group, rg


def group(ec, rg_id):
    return ec.describe_replication_groups(ReplicationGroupId=rg_id)["ReplicationGroups"][0]


def members(ec, rg_id):
    return {c["CacheClusterId"]: c for c in ec.describe_cache_clusters()["CacheClusters"]
            if c.get("ReplicationGroupId") == rg_id}


@pytest.mark.patch(NAMING)
def test_cluster_mode_disabled_members_named_like_aws(ec, network):
    rg_id, _, rg = make_group(ec, network, clusters=3)
    expected = [f"{rg_id}-001", f"{rg_id}-002", f"{rg_id}-003"]
    assert rg["MemberClusters"] == expected
    assert [m["CacheClusterId"] for m in rg["NodeGroups"][0]["NodeGroupMembers"]] == expected
    assert sorted(members(ec, rg_id)) == expected
    arn = members(ec, rg_id)[f"{rg_id}-001"]["ARN"]
    assert arn.endswith(f":cluster:{rg_id}-001")


def test_members_described_with_group_settings(ec, network):
    rg_id, subnet_group, _ = make_group(ec, network, clusters=2)
    for cluster in members(ec, rg_id).values():
        assert cluster["EngineVersion"] == "7.1"
        assert cluster["CacheNodeType"] == "cache.t4g.small"
        assert cluster["PreferredMaintenanceWindow"] == "mon:01:00-mon:02:00"
        assert cluster["CacheSubnetGroupName"] == subnet_group
        assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == [network["sg"]]


@pytest.mark.patch(COUNT, NAMING)
def test_increase_replica_count_adds_a_described_member(ec, network):
    rg_id, subnet_group, _ = make_group(ec, network, clusters=2)
    rg = ec.increase_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=2,
                                   ApplyImmediately=True)["ReplicationGroup"]
    assert rg["MemberClusters"] == [f"{rg_id}-001", f"{rg_id}-002", f"{rg_id}-003"]
    assert len(group(ec, rg_id)["NodeGroups"][0]["NodeGroupMembers"]) == 3
    added = members(ec, rg_id)[f"{rg_id}-003"]
    assert (added["EngineVersion"], added["CacheNodeType"], added["CacheSubnetGroupName"]) == \
        ("7.1", "cache.t4g.small", subnet_group)
    assert added["PreferredMaintenanceWindow"] == "mon:01:00-mon:02:00"


@pytest.mark.patch(COUNT)
def test_decrease_replica_count_removes_members(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=3)
    rg = ec.decrease_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=1,
                                   ApplyImmediately=True)["ReplicationGroup"]
    assert len(rg["MemberClusters"]) == 2
    assert len(members(ec, rg_id)) == 2
    assert len(group(ec, rg_id)["NodeGroups"][0]["NodeGroupMembers"]) == 2


@pytest.mark.patch(COUNT, NAMING)
def test_decrease_replica_count_removes_the_named_replica(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=3)
    ec.decrease_replica_count(ReplicationGroupId=rg_id, ReplicasToRemove=[f"{rg_id}-002"], ApplyImmediately=True)
    assert sorted(members(ec, rg_id)) == [f"{rg_id}-001", f"{rg_id}-003"]


@pytest.mark.patch(COUNT)
def test_decrease_below_multi_az_minimum_rejected(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, AutomaticFailoverEnabled=True, MultiAZEnabled=True)
    with pytest.raises(ClientError) as e:
        ec.decrease_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=0, ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterValue"


@pytest.mark.patch(MODIFY)
def test_modify_replication_group_reaches_members(ec, network, ec2):
    rg_id, _, _ = make_group(ec, network, clusters=2)
    pg = uid("cpg")
    ec.create_cache_parameter_group(CacheParameterGroupName=pg, CacheParameterGroupFamily="redis7", Description="d")
    new_sg = ec2.create_security_group(GroupName=uid("sg"), Description="d", VpcId=network["vpc"])["GroupId"]
    ec.modify_replication_group(ReplicationGroupId=rg_id, ApplyImmediately=True,
                                PreferredMaintenanceWindow="fri:07:00-fri:08:00", CacheNodeType="cache.t4g.medium",
                                EngineVersion="7.2", SnapshotWindow="02:00-03:00", SnapshotRetentionLimit=5,
                                CacheParameterGroupName=pg, SecurityGroupIds=[new_sg], AutoMinorVersionUpgrade=False)
    rg = group(ec, rg_id)
    assert rg["CacheNodeType"] == "cache.t4g.medium"
    assert rg["AutoMinorVersionUpgrade"] is False
    for cluster in members(ec, rg_id).values():
        assert cluster["PreferredMaintenanceWindow"] == "fri:07:00-fri:08:00"
        assert cluster["CacheNodeType"] == "cache.t4g.medium"
        assert cluster["EngineVersion"] == "7.2"
        assert cluster["SnapshotWindow"] == "02:00-03:00"
        assert cluster["SnapshotRetentionLimit"] == 5
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == pg
        assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == [new_sg]


def test_auth_token_rotation_reaches_members(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, TransitEncryptionEnabled=True)
    ec.modify_replication_group(ReplicationGroupId=rg_id, AuthToken="a-long-enough-auth-token-1",
                                AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)
    assert group(ec, rg_id)["AuthTokenEnabled"] is True
    assert all(c["AuthTokenEnabled"] for c in members(ec, rg_id).values())


@pytest.mark.patch(FAILOVER)
def test_automatic_failover_with_one_cluster_rejected(ec, network):
    with pytest.raises(ClientError) as e:
        make_group(ec, network, clusters=1, AutomaticFailoverEnabled=True)
    assert error_code(e) == "InvalidParameterCombination"


@pytest.mark.patch(FAILOVER)
def test_multi_az_without_automatic_failover_rejected(ec, network):
    with pytest.raises(ClientError) as e:
        make_group(ec, network, clusters=2, MultiAZEnabled=True, AutomaticFailoverEnabled=False)
    assert error_code(e) == "InvalidParameterCombination"


@pytest.mark.patch(FAILOVER)
def test_modify_failover_rules(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=1)
    with pytest.raises(ClientError) as e:
        ec.modify_replication_group(ReplicationGroupId=rg_id, AutomaticFailoverEnabled=True, ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"
    rg2, _, _ = make_group(ec, network, clusters=2)
    with pytest.raises(ClientError) as e:
        ec.modify_replication_group(ReplicationGroupId=rg2, MultiAZEnabled=True, ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"
    ec.modify_replication_group(ReplicationGroupId=rg2, AutomaticFailoverEnabled=True, MultiAZEnabled=True,
                                ApplyImmediately=True)
    rg = group(ec, rg2)
    assert (rg["AutomaticFailover"], rg["MultiAZ"]) == ("enabled", "enabled")


def test_valid_failover_group_accepted(ec, network):
    rg_id, _, rg = make_group(ec, network, clusters=2, AutomaticFailoverEnabled=True, MultiAZEnabled=True)
    assert (rg["AutomaticFailover"], rg["MultiAZ"]) == ("enabled", "enabled")


def group_ports(rg):
    """Port of every endpoint in a ReplicationGroup, named by where it is."""
    ports = {}
    for ng in rg["NodeGroups"]:
        ports[f"{ng['NodeGroupId']} primary"] = ng["PrimaryEndpoint"]["Port"]
        ports[f"{ng['NodeGroupId']} reader"] = ng["ReaderEndpoint"]["Port"]
        for m in ng["NodeGroupMembers"]:
            ports[f"{m['CacheClusterId']} read"] = m["ReadEndpoint"]["Port"]
    if "ConfigurationEndpoint" in rg:
        ports["configuration"] = rg["ConfigurationEndpoint"]["Port"]
    return ports


def node_ports(ec, rg_id):
    clusters = ec.describe_cache_clusters(ShowCacheNodeInfo=True)["CacheClusters"]
    return {f"{c['CacheClusterId']} {n['CacheNodeId']}": n["Endpoint"]["Port"]
            for c in clusters if c.get("ReplicationGroupId") == rg_id for n in c["CacheNodes"]}


@pytest.mark.patch(PORT)
def test_port_on_every_endpoint(ec, network):
    rg_id, _, created = make_group(ec, network, clusters=2, Port=6380)
    rg = group(ec, rg_id)
    assert len(group_ports(rg)) == 4  # primary, reader, two members
    assert set(group_ports(created).values()) == {6380}
    assert set(group_ports(rg).values()) == {6380}
    assert len(node_ports(ec, rg_id)) == 2
    assert set(node_ports(ec, rg_id).values()) == {6380}


@pytest.mark.patch(PORT)
def test_port_on_cluster_mode_endpoints(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=None, NumNodeGroups=3, ReplicasPerNodeGroup=1, Port=6380)
    rg = group(ec, rg_id)
    assert rg["ConfigurationEndpoint"]["Port"] == 6380
    assert len(group_ports(rg)) == 3 * 4 + 1
    assert set(group_ports(rg).values()) == {6380}
    assert len(node_ports(ec, rg_id)) == 6
    assert set(node_ports(ec, rg_id).values()) == {6380}


@pytest.mark.patch(PORT, COUNT)
def test_port_on_added_replicas(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, Port=6380)
    ec.increase_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=2, ApplyImmediately=True)
    assert len(group_ports(group(ec, rg_id))) == 5
    assert set(group_ports(group(ec, rg_id)).values()) == {6380}
    assert len(node_ports(ec, rg_id)) == 3
    assert set(node_ports(ec, rg_id).values()) == {6380}


def test_port_defaults_to_6379(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2)
    assert set(group_ports(group(ec, rg_id)).values()) == {6379}
    assert set(node_ports(ec, rg_id).values()) == {6379}


@pytest.mark.patch(KMS)
def test_kms_key_id_round_trips(ec, network):
    key = "arn:aws:kms:us-east-1:000000000000:key/0f6c1a52-4d0e-4c1e-9a55-5a3b9c0e7d11"
    rg_id, _, created = make_group(ec, network, clusters=2, AtRestEncryptionEnabled=True, KmsKeyId=key)
    assert created["KmsKeyId"] == key
    assert group(ec, rg_id)["KmsKeyId"] == key
    modified = ec.modify_replication_group(ReplicationGroupId=rg_id, SnapshotRetentionLimit=3,
                                           ApplyImmediately=True)["ReplicationGroup"]
    assert modified["KmsKeyId"] == key
    assert group(ec, rg_id)["AtRestEncryptionEnabled"] is True


def test_no_kms_key_id_without_one(ec, network):
    rg_id, _, created = make_group(ec, network, clusters=2, AtRestEncryptionEnabled=True)
    assert "KmsKeyId" not in created
    assert "KmsKeyId" not in group(ec, rg_id)


AUTH = "elasticache-auth-strategy"
TOKEN = "a-long-enough-auth-token-1"


@pytest.mark.patch(AUTH)
def test_auth_delete_without_rbac_is_refused(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    with pytest.raises(Exception) as excinfo:
        ec.modify_replication_group(ReplicationGroupId=rg_id, AuthTokenUpdateStrategy="DELETE",
                                    ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert group(ec, rg_id)["AuthTokenEnabled"] is True


@pytest.mark.patch(AUTH)
def test_auth_set_without_a_token_is_refused(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, TransitEncryptionEnabled=True)
    with pytest.raises(Exception) as excinfo:
        ec.modify_replication_group(ReplicationGroupId=rg_id, AuthToken=TOKEN,
                                    AuthTokenUpdateStrategy="SET", ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"


def test_auth_rotate_then_set_turns_auth_on(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, TransitEncryptionEnabled=True)
    for strategy in ("ROTATE", "SET"):
        ec.modify_replication_group(ReplicationGroupId=rg_id, AuthToken=TOKEN,
                                    AuthTokenUpdateStrategy=strategy, ApplyImmediately=True)
    assert group(ec, rg_id)["AuthTokenEnabled"] is True


TRANSIT = "elasticache-transit-encryption"


def transit(ec, rg_id):
    g = group(ec, rg_id)
    return g["TransitEncryptionEnabled"], g.get("TransitEncryptionMode")


@pytest.mark.patch(TRANSIT)
def test_transit_encryption_goes_on_preferred_then_required(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2)
    assert transit(ec, rg_id) == (False, None)
    ec.modify_replication_group(ReplicationGroupId=rg_id, TransitEncryptionEnabled=True,
                                TransitEncryptionMode="preferred", ApplyImmediately=True)
    assert transit(ec, rg_id) == (True, "preferred")
    assert {c["TransitEncryptionMode"] for c in members(ec, rg_id).values()} == {"preferred"}
    ec.modify_replication_group(ReplicationGroupId=rg_id, TransitEncryptionMode="required",
                                ApplyImmediately=True)
    assert transit(ec, rg_id) == (True, "required")


@pytest.mark.patch(TRANSIT)
@pytest.mark.parametrize("mode", ["required", None], ids=["required", "no-mode"])
def test_transit_encryption_on_without_preferred_is_refused(ec, network, mode):
    rg_id, _, _ = make_group(ec, network, clusters=2)
    kw = {"TransitEncryptionMode": mode} if mode else {}
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId=rg_id, TransitEncryptionEnabled=True,
                                    ApplyImmediately=True, **kw)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert transit(ec, rg_id) == (False, None)


@pytest.mark.patch(TRANSIT)
def test_transit_encryption_before_redis_7_is_refused(ec, network):
    rg_id, _, _ = make_group(ec, network, clusters=2, EngineVersion="6.2")
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId=rg_id, TransitEncryptionEnabled=True,
                                    TransitEncryptionMode="preferred", ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert transit(ec, rg_id) == (False, None)


@pytest.mark.patch(TRANSIT)
@pytest.mark.parametrize("change", [{"TransitEncryptionEnabled": False},
                                    {"TransitEncryptionMode": "preferred"}], ids=["off", "back"])
def test_transit_encryption_off_or_back_from_required_is_refused(ec, network, change):
    rg_id, _, _ = make_group(ec, network, clusters=2, TransitEncryptionEnabled=True)
    assert transit(ec, rg_id) == (True, "required")
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId=rg_id, ApplyImmediately=True, **change)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert transit(ec, rg_id) == (True, "required")


# ---------------------------------------------------------------- elasticache-parameter-group-in-use

@pytest.mark.patch("elasticache-parameter-group-in-use")
def test_a_cache_parameter_group_in_use_is_not_deleted(ec, network):
    group = uid("pg")
    ec.create_cache_parameter_group(CacheParameterGroupName=group, CacheParameterGroupFamily="redis7",
                                    Description="in use")
    rg, _, _ = make_group(ec, network, clusters=1, CacheParameterGroupName=group)
    with pytest.raises(ClientError) as e:
        ec.delete_cache_parameter_group(CacheParameterGroupName=group)
    assert error_code(e) == "InvalidCacheParameterGroupState"
    ec.delete_replication_group(ReplicationGroupId=rg)
    ec.delete_cache_parameter_group(CacheParameterGroupName=group)

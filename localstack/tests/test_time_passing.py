"""Resources pass through creating / modifying / deleting when transition seconds > 0.

The emulator under test starts with 0 (AWS-instant, MiniStack's own behaviour); each test
sets the seconds at run time with POST /_stackctl/config, and the autouse reset restores
the launch configuration.
"""

import os
import sys
import time

import pytest
from botocore.exceptions import ClientError

from conftest import admin, create_db, describe_db, error_code, set_transitions, uid, wait_for

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

T = 0.3
RDS = pytest.mark.patch("rds-time-passing")
EC = pytest.mark.patch("elasticache-time-passing", "elasticache-replica-count")


def status(rds, ident):
    return describe_db(rds, ident)["DBInstanceStatus"]


def test_time_does_not_pass_by_default(rds):
    assert admin("/_stackctl/config", method="GET")["transition_seconds"] == \
        {"rds": 0.0, "proxy": 0.0, "elasticache": 0.0}
    assert create_db(rds)["DBInstanceStatus"] == "available"


def test_reset_restores_launch_configuration():
    set_transitions(default=2.5, rds=1.0)
    assert admin("/_stackctl/config", method="GET")["transition_seconds"] == \
        {"rds": 1.0, "proxy": 2.5, "elasticache": 2.5}
    admin("/_ministack/reset")
    assert admin("/_stackctl/config", method="GET")["transition_seconds"]["rds"] == 0.0


def test_environment_configures_each_kind(monkeypatch):
    from stackctl_emulator import common
    monkeypatch.setenv("EMULATOR_TRANSITION_SECONDS", "0.5")
    monkeypatch.setenv("EMULATOR_TRANSITION_SECONDS_ELASTICACHE", "2")
    monkeypatch.setenv("EMULATOR_TRANSITION_SECONDS_PROXY", "")
    assert [common.transition_seconds(k) for k in ("rds", "proxy", "elasticache")] == [0.5, 0.5, 2.0]


@RDS
def test_db_instance_creating_modifying_deleting(rds):
    set_transitions(rds=T)
    ident = uid("db")
    assert create_db(rds, ident, DBInstanceClass="db.t4g.micro")["DBInstanceStatus"] == "creating"
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small", ApplyImmediately=True)
    assert error_code(e) == "InvalidDBInstanceState"
    with pytest.raises(ClientError) as e:
        rds.create_db_instance_read_replica(DBInstanceIdentifier=uid("rep"), SourceDBInstanceIdentifier=ident)
    assert error_code(e) == "InvalidDBInstanceState"
    wait_for(lambda: status(rds, ident) == "available")

    modified = rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small",
                                      ApplyImmediately=True)["DBInstance"]
    assert modified["DBInstanceStatus"] == "modifying"
    assert modified["DBInstanceClass"] == "db.t4g.micro"
    assert modified["PendingModifiedValues"] == {"DBInstanceClass": "db.t4g.small"}
    db = wait_for(lambda: (d := describe_db(rds, ident))["DBInstanceStatus"] == "available" and d)
    assert (db["DBInstanceClass"], db["PendingModifiedValues"]) == ("db.t4g.small", {})

    deleted = rds.delete_db_instance(DBInstanceIdentifier=ident, SkipFinalSnapshot=True)["DBInstance"]
    assert deleted["DBInstanceStatus"] == "deleting"
    assert status(rds, ident) == "deleting"
    with pytest.raises(ClientError) as e:
        rds.delete_db_instance(DBInstanceIdentifier=ident, SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidDBInstanceState"

    def gone():
        try:
            describe_db(rds, ident)
            return False
        except ClientError as err:
            return error_code_of(err) == "DBInstanceNotFound"
    wait_for(gone)


def error_code_of(err):
    return err.response["Error"]["Code"]


@RDS
def test_waiter_sees_creating_then_available(rds):
    set_transitions(rds=T)
    ident = uid("db")
    started = time.monotonic()
    create_db(rds, ident)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=ident,
                                                 WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    assert time.monotonic() - started >= T


@RDS
def test_modify_later_does_not_make_instance_modifying(rds):
    set_transitions(rds=T)
    ident = uid("db")
    assert create_db(rds, ident)["DBInstanceStatus"] == "creating"
    wait_for(lambda: status(rds, ident) == "available")
    out = rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small",
                                 ApplyImmediately=False)["DBInstance"]
    assert out["DBInstanceStatus"] == "available"
    assert out["PendingModifiedValues"] == {"DBInstanceClass": "db.t4g.small"}


@RDS
def test_read_replica_creating(rds):
    set_transitions(rds=T)
    source = uid("src")
    create_db(rds, source)
    wait_for(lambda: status(rds, source) == "available")
    rep = rds.create_db_instance_read_replica(DBInstanceIdentifier=uid("rep"),
                                              SourceDBInstanceIdentifier=source)["DBInstance"]
    assert rep["DBInstanceStatus"] == "creating"
    wait_for(lambda: status(rds, rep["DBInstanceIdentifier"]) == "available")


@RDS
def test_proxy_creating_modifying_deleting(rds, sm, network):
    set_transitions(proxy=T)
    secret = sm.create_secret(Name=uid("s"), SecretString="{}")["ARN"]
    name = uid("px")
    created = rds.create_db_proxy(DBProxyName=name, EngineFamily="POSTGRESQL",
                                  RoleArn="arn:aws:iam::000000000000:role/proxy-role",
                                  VpcSubnetIds=network["subnets"],
                                  Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret, "IAMAuth": "DISABLED"}])
    assert created["DBProxy"]["Status"] == "creating"
    with pytest.raises(ClientError) as e:
        rds.modify_db_proxy(DBProxyName=name, IdleClientTimeout=600)
    assert error_code(e) == "InvalidDBProxyStateFault"

    def proxy_status():
        return rds.describe_db_proxies(DBProxyName=name)["DBProxies"][0]["Status"]
    wait_for(lambda: proxy_status() == "available")
    assert rds.modify_db_proxy(DBProxyName=name, IdleClientTimeout=600)["DBProxy"]["Status"] == "modifying"
    wait_for(lambda: proxy_status() == "available")
    assert rds.delete_db_proxy(DBProxyName=name)["DBProxy"]["Status"] == "deleting"
    assert proxy_status() == "deleting"

    def gone():
        try:
            proxy_status()
            return False
        except ClientError as err:
            return error_code_of(err) == "DBProxyNotFoundFault"
    wait_for(gone)


@RDS
def test_registered_target_is_registering_first(rds, sm, network):
    set_transitions(proxy=T)
    ident = uid("db")
    create_db(rds, ident)
    secret = sm.create_secret(Name=uid("s"), SecretString="{}")["ARN"]
    name = uid("px")
    rds.create_db_proxy(DBProxyName=name, EngineFamily="POSTGRESQL", RoleArn="arn:aws:iam::000000000000:role/r-role",
                        VpcSubnetIds=network["subnets"],
                        Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret, "IAMAuth": "DISABLED"}])
    wait_for(lambda: rds.describe_db_proxies(DBProxyName=name)["DBProxies"][0]["Status"] == "available")
    rds.register_db_proxy_targets(DBProxyName=name, DBInstanceIdentifiers=[ident])

    def health():
        return rds.describe_db_proxy_targets(DBProxyName=name)["Targets"][0]["TargetHealth"]["State"]
    assert health() == "REGISTERING"
    wait_for(lambda: health() == "AVAILABLE")


@EC
def test_replication_group_creating_modifying_deleting(ec):
    set_transitions(elasticache=T)
    rg_id = uid("rg")
    rg = ec.create_replication_group(ReplicationGroupId=rg_id, ReplicationGroupDescription="d", Engine="redis",
                                     NumCacheClusters=2)["ReplicationGroup"]
    assert rg["Status"] == "creating"

    def clusters():
        return {c["CacheClusterId"]: c["CacheClusterStatus"] for c in ec.describe_cache_clusters()["CacheClusters"]}
    assert set(clusters().values()) == {"creating"}
    with pytest.raises(ClientError) as e:
        ec.modify_replication_group(ReplicationGroupId=rg_id, SnapshotRetentionLimit=3, ApplyImmediately=True)
    assert error_code(e) == "InvalidReplicationGroupState"

    def rg_status():
        return ec.describe_replication_groups(ReplicationGroupId=rg_id)["ReplicationGroups"][0]["Status"]
    wait_for(lambda: rg_status() == "available")
    assert set(clusters().values()) == {"available"}

    out = ec.modify_replication_group(ReplicationGroupId=rg_id, SnapshotRetentionLimit=3, ApplyImmediately=True)
    assert out["ReplicationGroup"]["Status"] == "modifying"
    wait_for(lambda: rg_status() == "available")

    out = ec.increase_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=2, ApplyImmediately=True)
    assert out["ReplicationGroup"]["Status"] == "modifying"
    assert "creating" in clusters().values()
    wait_for(lambda: rg_status() == "available" and set(clusters().values()) == {"available"})

    assert ec.delete_replication_group(ReplicationGroupId=rg_id)["ReplicationGroup"]["Status"] == "deleting"
    assert rg_status() == "deleting"
    with pytest.raises(ClientError) as e:
        ec.delete_replication_group(ReplicationGroupId=rg_id)
    assert error_code(e) == "InvalidReplicationGroupState"
    wait_for(lambda: ec.describe_replication_groups()["ReplicationGroups"] == [] and clusters() == {})
    # the id can be used again once the group is gone
    ec.create_replication_group(ReplicationGroupId=rg_id, ReplicationGroupDescription="d", Engine="redis",
                                NumCacheClusters=1)


@EC
def test_decreased_members_deleting_then_gone(ec):
    set_transitions(elasticache=T)
    rg_id = uid("rg")
    ec.create_replication_group(ReplicationGroupId=rg_id, ReplicationGroupDescription="d", Engine="redis",
                                NumCacheClusters=3)
    wait_for(lambda: ec.describe_replication_groups(ReplicationGroupId=rg_id)["ReplicationGroups"][0]["Status"]
             == "available")
    ec.decrease_replica_count(ReplicationGroupId=rg_id, NewReplicaCount=1, ApplyImmediately=True)
    statuses = [c["CacheClusterStatus"] for c in ec.describe_cache_clusters()["CacheClusters"]]
    assert statuses.count("deleting") == 1
    wait_for(lambda: len(ec.describe_cache_clusters()["CacheClusters"]) == 2)
    rg = ec.describe_replication_groups(ReplicationGroupId=rg_id)["ReplicationGroups"][0]
    assert (rg["Status"], len(rg["MemberClusters"])) == ("available", 2)


@RDS
def test_per_kind_seconds(rds, ec):
    set_transitions(rds=T, elasticache=0)
    assert create_db(rds)["DBInstanceStatus"] == "creating"
    rg = ec.create_replication_group(ReplicationGroupId=uid("rg"), ReplicationGroupDescription="d",
                                     Engine="redis", NumCacheClusters=1)["ReplicationGroup"]
    assert rg["Status"] == "available"

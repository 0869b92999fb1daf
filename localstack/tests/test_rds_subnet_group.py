"""ModifyDBInstance DBSubnetGroupName: moved at once, pending until later, or refused."""

import pytest
from botocore.exceptions import ClientError

from conftest import REGION, create_db, describe_db, error_code, set_transitions, uid, wait_for

PATCH = "rds-modify-subnet-group"


def subnet_group(rds, ec2, cidr):
    """A DB subnet group over two subnets of a VPC of its own: (name, vpc id, subnet ids)."""
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    name = uid("dbsg")
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="test", SubnetIds=subnets)
    return name, vpc, subnets


def placement(db):
    group = db["DBSubnetGroup"]
    return group["DBSubnetGroupName"], group["VpcId"], sorted(s["SubnetIdentifier"] for s in group["Subnets"])


@pytest.fixture
def groups(rds, ec2):
    """An instance in one subnet group, and another group in a second VPC: (ident, old, new)."""
    old = subnet_group(rds, ec2, "10.51")
    new = subnet_group(rds, ec2, "10.52")
    ident = uid("db")
    create_db(rds, ident, DBSubnetGroupName=old[0])
    assert placement(describe_db(rds, ident)) == (old[0], old[1], sorted(old[2]))
    return ident, old, new


@pytest.mark.patch(PATCH)
def test_apply_immediately_moves_the_instance(rds, groups):
    ident, _old, (name, vpc, subnets) = groups
    modified = rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=name,
                                      ApplyImmediately=True)["DBInstance"]
    for db in (modified, describe_db(rds, ident)):
        assert placement(db) == (name, vpc, sorted(subnets))
        assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("later", [{"ApplyImmediately": False}, {}], ids=["false", "absent"])
def test_without_apply_immediately_the_move_waits(rds, groups, later):
    ident, (old_name, old_vpc, old_subnets), (name, _vpc, _subnets) = groups
    modified = rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=name, **later)["DBInstance"]
    for db in (modified, describe_db(rds, ident)):
        assert placement(db) == (old_name, old_vpc, sorted(old_subnets))
        assert db["PendingModifiedValues"] == {"DBSubnetGroupName": name}
    # Naming the group the instance is in leaves nothing to move.
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=old_name, **later)
    db = describe_db(rds, ident)
    assert placement(db)[0] == old_name
    assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(PATCH, "rds-instance-attributes")
def test_pending_move_is_applied_by_a_later_apply_immediately(rds, groups):
    ident, _old, (name, vpc, subnets) = groups
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=name, ApplyImmediately=False)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small", ApplyImmediately=False)
    assert describe_db(rds, ident)["PendingModifiedValues"] == {"DBSubnetGroupName": name,
                                                                "DBInstanceClass": "db.t4g.small"}
    rds.modify_db_instance(DBInstanceIdentifier=ident, AllocatedStorage=40, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert placement(db) == (name, vpc, sorted(subnets))
    assert (db["DBInstanceClass"], db["AllocatedStorage"]) == ("db.t4g.small", 40)
    assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("apply_immediately", [True, False], ids=["now", "later"])
def test_unknown_subnet_group_is_refused(rds, groups, apply_immediately):
    ident, (old_name, _vpc, _subnets), _new = groups
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName="no-such-group",
                               DBInstanceClass="db.t4g.small", ApplyImmediately=apply_immediately)
    assert error_code(e) == "DBSubnetGroupNotFoundFault"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    db = describe_db(rds, ident)
    assert (placement(db)[0], db["DBInstanceClass"], db["PendingModifiedValues"]) == \
        (old_name, "db.t4g.micro", {})


@pytest.mark.patch(PATCH, "rds-time-passing")
def test_immediate_move_waits_while_modifying(rds, groups):
    ident, (old_name, _vpc, _subnets), (name, vpc, subnets) = groups
    set_transitions(rds=0.3)
    modified = rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=name,
                                      ApplyImmediately=True)["DBInstance"]
    assert modified["DBInstanceStatus"] == "modifying"
    assert placement(modified)[0] == old_name
    assert modified["PendingModifiedValues"] == {"DBSubnetGroupName": name}
    db = wait_for(lambda: (d := describe_db(rds, ident))["DBInstanceStatus"] == "available" and d)
    assert placement(db) == (name, vpc, sorted(subnets))
    assert db["PendingModifiedValues"] == {}


def assert_not_moved(rds, ident, old_name):
    db = describe_db(rds, ident)
    assert (placement(db)[0], db["PendingModifiedValues"]) == (old_name, {})


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("apply_immediately", [True, False], ids=["now", "later"])
def test_a_group_in_the_same_vpc_is_refused(rds, ec2, groups, apply_immediately):
    # "The new subnet group must be a subnet group in a new VPC" (USER_VPC.VPC2VPC).
    ident, (old_name, vpc, subnets), _new = groups
    same = uid("dbsg")
    rds.create_db_subnet_group(DBSubnetGroupName=same, DBSubnetGroupDescription="same VPC",
                               SubnetIds=subnets)
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=same,
                               ApplyImmediately=apply_immediately)
    assert error_code(e) == "InvalidVPCNetworkStateFault"
    assert "are in the same VPC" in str(e.value)
    assert_not_moved(rds, ident, old_name)


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("multi_az", ["already", "in the same call"])
def test_a_multi_az_instance_does_not_move(rds, groups, multi_az):
    ident, (old_name, _vpc, _subnets), (name, _v, _s) = groups
    extra = {"MultiAZ": True}
    if multi_az == "already":
        rds.modify_db_instance(DBInstanceIdentifier=ident, MultiAZ=True, ApplyImmediately=True)
        extra = {}
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, DBSubnetGroupName=name,
                               ApplyImmediately=True, **extra)
    assert error_code(e) == "InvalidVPCNetworkStateFault"
    assert "multiple Availability Zones" in str(e.value)
    assert_not_moved(rds, ident, old_name)


@pytest.mark.patch(PATCH)
def test_an_instance_with_a_read_replica_does_not_move_nor_does_the_replica(rds, groups):
    ident, (old_name, _vpc, _subnets), (name, _v, _s) = groups
    replica = uid("replica")
    rds.create_db_instance_read_replica(DBInstanceIdentifier=replica,
                                        SourceDBInstanceIdentifier=ident)
    for who, why in ((ident, "has one or more read replicas"), (replica, "is a read replica")):
        before = placement(describe_db(rds, who))[0]
        with pytest.raises(ClientError) as e:
            rds.modify_db_instance(DBInstanceIdentifier=who, DBSubnetGroupName=name,
                                   ApplyImmediately=True)
        assert error_code(e) == "InvalidVPCNetworkStateFault"
        assert why in str(e.value)
        assert_not_moved(rds, who, before)
    assert placement(describe_db(rds, ident))[0] == old_name

"""ModifyDBParameterGroup / ResetDBParameterGroup and the instances that use the group."""

import pytest

from conftest import create_db, describe_db, error_code, uid, wait_for

PATCH = "rds-parameter-apply-status"


def group_with_instance(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    ident = uid("db")
    create_db(rds, ident, DBParameterGroupName=name)
    return name, ident


def status(rds, ident):
    return describe_db(rds, ident)["DBParameterGroups"][0]["ParameterApplyStatus"]


@pytest.mark.patch(PATCH)
def test_static_parameter_with_immediate_is_refused(rds):
    name, _ident = group_with_instance(rds)
    with pytest.raises(Exception) as excinfo:
        rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
            {"ParameterName": "shared_buffers", "ParameterValue": "256MB", "ApplyMethod": "immediate"}])
    assert error_code(excinfo) == "InvalidParameterCombination"


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("parameter,value", [("shared_buffers", "256MB"), ("work_mem", "8MB")],
                         ids=["static", "dynamic"])
def test_pending_reboot_change_leaves_the_instance_pending_reboot_until_rebooted(rds, parameter, value):
    name, ident = group_with_instance(rds)
    assert status(rds, ident) == "in-sync"
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "pending-reboot"}])
    assert status(rds, ident) == "pending-reboot"
    rds.reboot_db_instance(DBInstanceIdentifier=ident)
    wait_for(lambda: describe_db(rds, ident)["DBInstanceStatus"] == "available")
    assert status(rds, ident) == "in-sync"


@pytest.mark.patch(PATCH)
def test_reset_with_pending_reboot_leaves_the_instance_pending_reboot(rds):
    name, ident = group_with_instance(rds)
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8MB", "ApplyMethod": "immediate"}])
    assert status(rds, ident) == "in-sync"
    rds.reset_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "shared_buffers", "ApplyMethod": "pending-reboot"}])
    assert status(rds, ident) == "pending-reboot"


def test_dynamic_parameter_with_immediate_leaves_the_instance_in_sync(rds):
    name, ident = group_with_instance(rds)
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "8MB", "ApplyMethod": "immediate"}])
    assert status(rds, ident) == "in-sync"

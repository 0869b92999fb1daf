"""Create -> Describe and Modify -> Describe round-trips of the attributes stackctl manages."""

import pytest

from conftest import create_db, describe_db, uid, wait_for

ATTRS = "rds-instance-attributes"
KEY = "arn:aws:kms:us-east-1:000000000000:key/0b2c4d6e-1111-2222-3333-444455556666"
ROLE = "arn:aws:iam::000000000000:role/rds-monitoring-role"


def view(db, key):
    if key == "DBParameterGroupName":
        return [g["DBParameterGroupName"] for g in db["DBParameterGroups"]]
    if key == "VpcSecurityGroupIds":
        return [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]]
    return db.get(key)


def patched(*values, patch=ATTRS):
    return pytest.param(*values, marks=pytest.mark.patch(patch), id=values[0] if isinstance(values[0], str) else None)


CREATE_CASES = [
    # (case id, CreateDBInstance kwargs, {describe key: expected})
    pytest.param("monitoring", {"MonitoringInterval": 30, "MonitoringRoleArn": ROLE},
                 {"MonitoringInterval": 30, "MonitoringRoleArn": ROLE}, id="monitoring"),
    pytest.param("max-storage", {"MaxAllocatedStorage": 200}, {"MaxAllocatedStorage": 200}, id="max-storage"),
    pytest.param("copy-tags", {"CopyTagsToSnapshot": True}, {"CopyTagsToSnapshot": True}, id="copy-tags"),
    pytest.param("minor-upgrade", {"AutoMinorVersionUpgrade": False}, {"AutoMinorVersionUpgrade": False},
                 id="minor-upgrade"),
    pytest.param("public", {"PubliclyAccessible": True}, {"PubliclyAccessible": True}, id="public"),
    pytest.param("encrypted-key", {"StorageEncrypted": True, "KmsKeyId": KEY},
                 {"StorageEncrypted": True, "KmsKeyId": KEY}, id="encrypted-key"),
    pytest.param("maintenance-window", {"PreferredMaintenanceWindow": "tue:03:00-tue:04:00"},
                 {"PreferredMaintenanceWindow": "tue:03:00-tue:04:00"}, id="maintenance-window"),
    pytest.param("security-groups", {"VpcSecurityGroupIds": ["sg-0a", "sg-0b"]},
                 {"VpcSecurityGroupIds": ["sg-0a", "sg-0b"]}, id="security-groups"),
    pytest.param("multi-az", {"MultiAZ": True}, {"MultiAZ": True}, id="multi-az"),
    pytest.param("deletion-protection", {"DeletionProtection": True}, {"DeletionProtection": True},
                 id="deletion-protection"),
    pytest.param("performance-insights", {"EnablePerformanceInsights": True, "PerformanceInsightsRetentionPeriod": 31},
                 {"PerformanceInsightsEnabled": True, "PerformanceInsightsRetentionPeriod": 31},
                 id="performance-insights"),
    patched("ca-certificate", {"CACertificateIdentifier": "rds-ca-ecc384-g1"},
            {"CACertificateIdentifier": "rds-ca-ecc384-g1"}),
    pytest.param("iam-auth", {"EnableIAMDatabaseAuthentication": True}, {"IAMDatabaseAuthenticationEnabled": True},
                 id="iam-auth"),
    patched("backup-window", {"PreferredBackupWindow": "01:30-02:00"}, {"PreferredBackupWindow": "01:30-02:00"}),
    patched("performance-insights-key", {"EnablePerformanceInsights": True, "PerformanceInsightsKMSKeyId": KEY},
            {"PerformanceInsightsEnabled": True, "PerformanceInsightsKMSKeyId": KEY}),
]


@pytest.mark.parametrize("case,kwargs,expected", CREATE_CASES)
def test_create_round_trips(rds, case, kwargs, expected):
    ident = uid("db")
    created = create_db(rds, ident, **kwargs)
    described = describe_db(rds, ident)
    for key, value in expected.items():
        assert view(created, key) == value, key
        assert view(described, key) == value, key


def test_parameter_group_round_trips(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    ident = uid("db")
    create_db(rds, ident, DBParameterGroupName=name)
    db = describe_db(rds, ident)
    assert db["DBParameterGroups"] == [{"DBParameterGroupName": name, "ParameterApplyStatus": "in-sync"}]


@pytest.mark.patch(ATTRS)
def test_encrypted_without_key_gets_the_default_key(rds):
    ident = uid("db")
    create_db(rds, ident, StorageEncrypted=True)
    assert describe_db(rds, ident)["KmsKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:key/")


MODIFY_CASES = [
    pytest.param({"MonitoringInterval": 15, "MonitoringRoleArn": ROLE},
                 {"MonitoringInterval": 15, "MonitoringRoleArn": ROLE}, id="monitoring"),
    pytest.param({"MaxAllocatedStorage": 300}, {"MaxAllocatedStorage": 300}, id="max-storage"),
    pytest.param({"CopyTagsToSnapshot": True}, {"CopyTagsToSnapshot": True}, id="copy-tags"),
    pytest.param({"PubliclyAccessible": True}, {"PubliclyAccessible": True}, id="public"),
    pytest.param({"PreferredBackupWindow": "04:00-04:30", "PreferredMaintenanceWindow": "wed:05:00-wed:06:00"},
                 {"PreferredBackupWindow": "04:00-04:30", "PreferredMaintenanceWindow": "wed:05:00-wed:06:00"},
                 id="windows"),
    pytest.param({"VpcSecurityGroupIds": ["sg-0c"]}, {"VpcSecurityGroupIds": ["sg-0c"]}, id="security-groups"),
    pytest.param({"DeletionProtection": True}, {"DeletionProtection": True}, id="deletion-protection"),
    pytest.param({"EnablePerformanceInsights": True, "PerformanceInsightsRetentionPeriod": 93,
                  "PerformanceInsightsKMSKeyId": KEY},
                 {"PerformanceInsightsEnabled": True, "PerformanceInsightsRetentionPeriod": 93,
                  "PerformanceInsightsKMSKeyId": KEY}, id="performance-insights", marks=pytest.mark.patch(ATTRS)),
    pytest.param({"AutoMinorVersionUpgrade": False}, {"AutoMinorVersionUpgrade": False}, id="minor-upgrade",
                 marks=pytest.mark.patch(ATTRS)),
]


@pytest.mark.parametrize("apply_immediately", [True, False], ids=["now", "later"])
@pytest.mark.parametrize("kwargs,expected", MODIFY_CASES)
def test_modify_settings_applied_at_once(rds, kwargs, expected, apply_immediately):
    """These settings are applied as soon as possible whatever ApplyImmediately says."""
    ident = uid("db")
    create_db(rds, ident)
    rds.modify_db_instance(DBInstanceIdentifier=ident, ApplyImmediately=apply_immediately, **kwargs)
    db = describe_db(rds, ident)
    for key, value in expected.items():
        assert view(db, key) == value, key
    assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(ATTRS)
def test_performance_insights_can_be_turned_off(rds):
    ident = uid("db")
    create_db(rds, ident, EnablePerformanceInsights=True)
    rds.modify_db_instance(DBInstanceIdentifier=ident, EnablePerformanceInsights=False, ApplyImmediately=True)
    assert describe_db(rds, ident)["PerformanceInsightsEnabled"] is False


def test_modify_later_goes_to_pending(rds):
    ident = uid("db")
    create_db(rds, ident, DBInstanceClass="db.t4g.micro", MultiAZ=False)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small", AllocatedStorage=40,
                           MultiAZ=True, ApplyImmediately=False)
    db = describe_db(rds, ident)
    assert (db["DBInstanceClass"], db["AllocatedStorage"], db["MultiAZ"]) == ("db.t4g.micro", 20, False)
    assert db["PendingModifiedValues"] == {"DBInstanceClass": "db.t4g.small", "AllocatedStorage": 40, "MultiAZ": True}


def test_modify_now_applies(rds):
    ident = uid("db")
    create_db(rds, ident)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.large", AllocatedStorage=50,
                           MultiAZ=True, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert (db["DBInstanceClass"], db["AllocatedStorage"], db["MultiAZ"]) == ("db.t4g.large", 50, True)
    assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(ATTRS)
def test_pending_changes_accumulate(rds):
    ident = uid("db")
    create_db(rds, ident)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small", ApplyImmediately=False)
    rds.modify_db_instance(DBInstanceIdentifier=ident, AllocatedStorage=40, ApplyImmediately=False)
    assert describe_db(rds, ident)["PendingModifiedValues"] == {"DBInstanceClass": "db.t4g.small",
                                                                "AllocatedStorage": 40}


@pytest.mark.patch(ATTRS)
def test_apply_immediately_applies_what_was_pending(rds):
    ident = uid("db")
    create_db(rds, ident)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t4g.small", ApplyImmediately=False)
    rds.modify_db_instance(DBInstanceIdentifier=ident, AllocatedStorage=40, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert (db["DBInstanceClass"], db["AllocatedStorage"]) == ("db.t4g.small", 40)
    assert db["PendingModifiedValues"] == {}


@pytest.mark.patch(ATTRS)
def test_new_parameter_group_waits_for_reboot(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    ident = uid("db")
    create_db(rds, ident)
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBParameterGroupName=name, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert db["DBParameterGroups"] == [{"DBParameterGroupName": name, "ParameterApplyStatus": "pending-reboot"}]
    rds.reboot_db_instance(DBInstanceIdentifier=ident)
    db = wait_for(lambda: (d := describe_db(rds, ident))["DBInstanceStatus"] == "available" and d)
    assert db["DBParameterGroups"] == [{"DBParameterGroupName": name, "ParameterApplyStatus": "in-sync"}]


@pytest.mark.patch("rds-modify-port")
@pytest.mark.parametrize("apply_immediately", [True, False], ids=["now", "later"])
def test_modify_port_changes_the_endpoint_port_at_once(rds, apply_immediately):
    """DBPortNumber restarts the database with the new port whatever ApplyImmediately says."""
    ident = uid("db")
    create_db(rds, ident)
    assert describe_db(rds, ident)["Endpoint"]["Port"] == 5432
    rds.modify_db_instance(DBInstanceIdentifier=ident, DBPortNumber=5433, ApplyImmediately=apply_immediately)
    db = describe_db(rds, ident)
    assert db["Endpoint"]["Port"] == 5433
    assert "DBPortNumber" not in db["PendingModifiedValues"]


@pytest.mark.patch("rds-modify-port")
def test_modify_port_out_of_range_is_refused(rds):
    ident = uid("db")
    create_db(rds, ident)
    with pytest.raises(rds.exceptions.ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, DBPortNumber=80, ApplyImmediately=True)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert describe_db(rds, ident)["Endpoint"]["Port"] == 5432

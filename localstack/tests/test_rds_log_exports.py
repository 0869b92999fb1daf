"""CloudWatch Logs exports of a DB instance: set at create, enabled and disabled by
ModifyDBInstance CloudwatchLogsExportConfiguration at once whatever ApplyImmediately says."""

import pytest

from conftest import create_db, describe_db, uid

PATCH = "rds-log-exports"


def exported(db):
    return sorted(db.get("EnabledCloudwatchLogsExports") or [])


@pytest.mark.patch(PATCH)
def test_create_sets_the_exported_logs(rds):
    ident = uid("db")
    created = create_db(rds, ident, EnableCloudwatchLogsExports=["upgrade", "postgresql"])
    assert exported(created) == ["postgresql", "upgrade"]
    assert exported(describe_db(rds, ident)) == ["postgresql", "upgrade"]


def test_without_exports_none_are_shown(rds):
    ident = uid("db")
    create_db(rds, ident)
    assert exported(describe_db(rds, ident)) == []


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("later", [{"ApplyImmediately": False}, {}, {"ApplyImmediately": True}],
                         ids=["false", "absent", "true"])
def test_modify_enables_and_disables_at_once(rds, later):
    ident = uid("db")
    create_db(rds, ident, EnableCloudwatchLogsExports=["postgresql"])
    modified = rds.modify_db_instance(
        DBInstanceIdentifier=ident,
        CloudwatchLogsExportConfiguration={"EnableLogTypes": ["upgrade"], "DisableLogTypes": ["postgresql"]},
        **later)["DBInstance"]
    for db in (modified, describe_db(rds, ident)):
        assert exported(db) == ["upgrade"]
        assert "PendingCloudwatchLogsExports" not in db["PendingModifiedValues"]


@pytest.mark.patch(PATCH)
def test_enabling_adds_to_what_is_exported(rds):
    ident = uid("db")
    create_db(rds, ident, Engine="mysql", EngineVersion="8.0.39", EnableCloudwatchLogsExports=["error"])
    rds.modify_db_instance(DBInstanceIdentifier=ident, ApplyImmediately=True,
                           CloudwatchLogsExportConfiguration={"EnableLogTypes": ["slowquery", "error"]})
    assert exported(describe_db(rds, ident)) == ["error", "slowquery"]
    rds.modify_db_instance(DBInstanceIdentifier=ident, ApplyImmediately=True,
                           CloudwatchLogsExportConfiguration={"DisableLogTypes": ["error", "slowquery"]})
    assert exported(describe_db(rds, ident)) == []


@pytest.mark.patch(PATCH)
def test_a_replica_exports_the_logs_its_create_names(rds):
    source = uid("db")
    create_db(rds, source, EnableCloudwatchLogsExports=["postgresql"])
    rep = uid("rep")
    created = rds.create_db_instance_read_replica(
        DBInstanceIdentifier=rep, SourceDBInstanceIdentifier=source,
        EnableCloudwatchLogsExports=["upgrade"])["DBInstance"]
    assert exported(created) == ["upgrade"]
    assert exported(describe_db(rds, rep)) == ["upgrade"]
    assert exported(describe_db(rds, source)) == ["postgresql"]

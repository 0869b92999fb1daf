"""ModifyDBInstance BackupRetentionPeriod: between two non-zero values at once, from or to 0 held
for the maintenance window unless applied immediately."""

import pytest

from conftest import create_db, describe_db, uid

PATCH = "rds-backup-retention-nonzero"
LATER = [{"ApplyImmediately": False}, {}]


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("later", LATER, ids=["false", "absent"])
def test_between_two_non_zero_values_it_is_applied_at_once(rds, later):
    ident = uid("db")
    create_db(rds, ident, BackupRetentionPeriod=3)
    modified = rds.modify_db_instance(DBInstanceIdentifier=ident, BackupRetentionPeriod=7, **later)["DBInstance"]
    for db in (modified, describe_db(rds, ident)):
        assert db["BackupRetentionPeriod"] == 7
        assert "BackupRetentionPeriod" not in db.get("PendingModifiedValues", {})


@pytest.mark.parametrize("later", LATER, ids=["false", "absent"])
@pytest.mark.parametrize("old,new", [(0, 3), (3, 0)], ids=["on", "off"])
def test_from_or_to_zero_it_waits_for_the_window(rds, later, old, new):
    ident = uid("db")
    create_db(rds, ident, BackupRetentionPeriod=old)
    rds.modify_db_instance(DBInstanceIdentifier=ident, BackupRetentionPeriod=new, **later)
    db = describe_db(rds, ident)
    assert db["BackupRetentionPeriod"] == old
    assert db["PendingModifiedValues"].get("BackupRetentionPeriod") == new


@pytest.mark.parametrize("old,new", [(0, 3), (3, 0), (3, 7)], ids=["on", "off", "other"])
def test_applied_immediately_it_is_applied_at_once(rds, old, new):
    ident = uid("db")
    create_db(rds, ident, BackupRetentionPeriod=old)
    rds.modify_db_instance(DBInstanceIdentifier=ident, BackupRetentionPeriod=new, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert db["BackupRetentionPeriod"] == new
    assert "BackupRetentionPeriod" not in db.get("PendingModifiedValues", {})

"""ModifyDBInstance NewDBInstanceIdentifier: renamed at once, pending until later, refused onto a
name in use; replicas and tags stay with the renamed instance."""

import pytest
from botocore.exceptions import ClientError

from conftest import create_db, describe_db, error_code, uid

PATCH = "rds-rename-instance"


def not_found(rds, ident):
    with pytest.raises(ClientError) as e:
        describe_db(rds, ident)
    return error_code(e) == "DBInstanceNotFound"


@pytest.mark.patch(PATCH)
def test_apply_immediately_renames_the_instance_and_keeps_the_rest(rds):
    old, new = uid("db"), uid("db")
    created = create_db(rds, old, Tags=[{"Key": "team", "Value": "shop"}])
    modified = rds.modify_db_instance(DBInstanceIdentifier=old, NewDBInstanceIdentifier=new,
                                      ApplyImmediately=True)["DBInstance"]
    for db in (modified, describe_db(rds, new)):
        assert db["DBInstanceIdentifier"] == new
        assert db["DBInstanceArn"].endswith(f":db:{new}")
        assert db["DbiResourceId"] == created["DbiResourceId"]
        assert db["PendingModifiedValues"] == {}
    assert not_found(rds, old)
    tags = rds.list_tags_for_resource(ResourceName=modified["DBInstanceArn"])["TagList"]
    assert {"Key": "team", "Value": "shop"} in tags


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("later", [{"ApplyImmediately": False}, {}], ids=["false", "absent"])
def test_without_apply_immediately_the_rename_waits(rds, later):
    old, new = uid("db"), uid("db")
    create_db(rds, old)
    modified = rds.modify_db_instance(DBInstanceIdentifier=old, NewDBInstanceIdentifier=new,
                                      **later)["DBInstance"]
    for db in (modified, describe_db(rds, old)):
        assert db["DBInstanceIdentifier"] == old
        assert db["PendingModifiedValues"] == {"DBInstanceIdentifier": new}
    # A later change applied immediately applies what was pending with it.
    rds.modify_db_instance(DBInstanceIdentifier=old, BackupRetentionPeriod=2, ApplyImmediately=True)
    db = describe_db(rds, new)
    assert db["PendingModifiedValues"] == {}
    assert not_found(rds, old)


@pytest.mark.patch(PATCH)
def test_a_name_in_use_is_refused(rds):
    first, second = uid("db"), uid("db")
    create_db(rds, first)
    create_db(rds, second)
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=first, NewDBInstanceIdentifier=second,
                               ApplyImmediately=True)
    assert error_code(e) == "DBInstanceAlreadyExists"
    assert describe_db(rds, first)["DBInstanceIdentifier"] == first


@pytest.mark.patch(PATCH)
def test_replicas_stay_with_the_renamed_source(rds):
    old, new, rep = uid("db"), uid("db"), uid("rep")
    create_db(rds, old)
    rds.create_db_instance_read_replica(DBInstanceIdentifier=rep, SourceDBInstanceIdentifier=old)
    rds.modify_db_instance(DBInstanceIdentifier=old, NewDBInstanceIdentifier=new, ApplyImmediately=True)
    assert describe_db(rds, rep)["ReadReplicaSourceDBInstanceIdentifier"] == new
    assert describe_db(rds, new)["ReadReplicaDBInstanceIdentifiers"] == [rep]

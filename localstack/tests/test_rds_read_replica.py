import pytest
from botocore.exceptions import ClientError

from conftest import create_db, describe_db, error_code, uid


@pytest.mark.patch("rds-read-replica", "rds-managed-master-password")
def test_replica_has_its_own_deletion_protection_and_no_source_secret(rds, sm):
    source = uid("src")
    src = create_db(rds, source, DeletionProtection=True, ManageMasterUserPassword=True, MultiAZ=True,
                    CopyTagsToSnapshot=True, MonitoringInterval=60,
                    MonitoringRoleArn="arn:aws:iam::000000000000:role/rds-monitoring")
    assert src["MasterUserSecret"]["SecretArn"]
    replica = rds.create_db_instance_read_replica(DBInstanceIdentifier=uid("rep"),
                                                  SourceDBInstanceIdentifier=source)["DBInstance"]
    rep = describe_db(rds, replica["DBInstanceIdentifier"])
    assert rep["DeletionProtection"] is False
    assert "MasterUserSecret" not in rep
    assert rep["MultiAZ"] is False
    assert rep["CopyTagsToSnapshot"] is False
    assert rep["MonitoringInterval"] == 0
    assert rep["BackupRetentionPeriod"] == 0  # "RDS creates read replicas with backups disabled"
    assert rep["ReadReplicaSourceDBInstanceIdentifier"] == source
    # deleting the replica leaves the source's secret alone
    rds.delete_db_instance(DBInstanceIdentifier=rep["DBInstanceIdentifier"], SkipFinalSnapshot=True)
    sm.describe_secret(SecretId=src["MasterUserSecret"]["SecretArn"])


@pytest.mark.patch("rds-read-replica")
def test_replica_takes_what_the_request_says_and_inherits_the_rest(rds):
    source = uid("src")
    create_db(rds, source, DBInstanceClass="db.r6g.large", AutoMinorVersionUpgrade=False)
    rds.modify_db_instance(DBInstanceIdentifier=source, DBInstanceClass="db.r6g.xlarge", ApplyImmediately=False)
    rep_id = uid("rep")
    rds.create_db_instance_read_replica(DBInstanceIdentifier=rep_id, SourceDBInstanceIdentifier=source,
                                        DeletionProtection=True, VpcSecurityGroupIds=["sg-replica"])
    rep = describe_db(rds, rep_id)
    assert rep["DeletionProtection"] is True
    assert [g["VpcSecurityGroupId"] for g in rep["VpcSecurityGroups"]] == ["sg-replica"]
    assert rep["DBInstanceClass"] == "db.r6g.large"  # inherited
    assert rep["AutoMinorVersionUpgrade"] is False  # inherited
    assert rep["PendingModifiedValues"] == {}  # the source's pending change is the source's


@pytest.mark.patch("rds-read-replica")
def test_replica_of_source_without_backups_rejected(rds):
    source = uid("src")
    create_db(rds, source, BackupRetentionPeriod=0)
    with pytest.raises(ClientError) as e:
        rds.create_db_instance_read_replica(DBInstanceIdentifier=uid("rep"), SourceDBInstanceIdentifier=source)
    assert error_code(e) == "InvalidDBInstanceState"


def test_source_lists_its_replica(rds):
    source = uid("src")
    create_db(rds, source)
    rep_id = uid("rep")
    rds.create_db_instance_read_replica(DBInstanceIdentifier=rep_id, SourceDBInstanceIdentifier=source)
    assert describe_db(rds, source)["ReadReplicaDBInstanceIdentifiers"] == [rep_id]


@pytest.mark.patch("rds-read-replica")
def test_deleted_replica_leaves_source_list(rds):
    source = uid("src")
    create_db(rds, source)
    rep_id = uid("rep")
    rds.create_db_instance_read_replica(DBInstanceIdentifier=rep_id, SourceDBInstanceIdentifier=source)
    rds.delete_db_instance(DBInstanceIdentifier=rep_id, SkipFinalSnapshot=True)
    assert describe_db(rds, source)["ReadReplicaDBInstanceIdentifiers"] == []

import pytest
from botocore.exceptions import ClientError

from conftest import create_db, describe_db, error_code, uid

pytestmark = pytest.mark.patch("rds-gp3-storage")


@pytest.mark.parametrize("engine,version", [("postgres", "16.3"), ("mysql", "8.0.39")])
def test_gp3_below_400_reads_back_baseline(rds, engine, version):
    ident = uid("db")
    created = create_db(rds, ident, Engine=engine, EngineVersion=version, StorageType="gp3", AllocatedStorage=100)
    for db in (created, describe_db(rds, ident)):
        assert (db["StorageType"], db["Iops"], db["StorageThroughput"]) == ("gp3", 3000, 125)


def test_gp3_at_400_reads_back_the_larger_baseline(rds):
    ident = uid("db")
    create_db(rds, ident, StorageType="gp3", AllocatedStorage=400)
    db = describe_db(rds, ident)
    assert (db["Iops"], db["StorageThroughput"]) == (12000, 500)


def test_gp3_provisioned_at_400_kept(rds):
    ident = uid("db")
    create_db(rds, ident, StorageType="gp3", AllocatedStorage=500, Iops=15000, StorageThroughput=750)
    db = describe_db(rds, ident)
    assert (db["Iops"], db["StorageThroughput"]) == (15000, 750)


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
@pytest.mark.parametrize("extra", [{"Iops": 3000}, {"StorageThroughput": 125}])
def test_gp3_iops_or_throughput_below_400_rejected(rds, engine, extra):
    with pytest.raises(ClientError) as e:
        create_db(rds, Engine=engine, EngineVersion="16.3" if engine == "postgres" else "8.0.39",
                  StorageType="gp3", AllocatedStorage=100, **extra)
    assert error_code(e) == "InvalidParameterCombination"


def test_modify_gp3_iops_below_400_rejected_and_allowed_with_growth(rds):
    ident = uid("db")
    create_db(rds, ident, StorageType="gp3", AllocatedStorage=100)
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier=ident, Iops=12000, ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"
    rds.modify_db_instance(DBInstanceIdentifier=ident, AllocatedStorage=400, Iops=12000,
                           StorageThroughput=600, ApplyImmediately=True)
    db = describe_db(rds, ident)
    assert (db["AllocatedStorage"], db["Iops"], db["StorageThroughput"]) == (400, 12000, 600)


def test_storage_throughput_pending_when_not_applied_immediately(rds):
    ident = uid("db")
    create_db(rds, ident, StorageType="gp3", AllocatedStorage=400)
    rds.modify_db_instance(DBInstanceIdentifier=ident, StorageThroughput=800, ApplyImmediately=False)
    db = describe_db(rds, ident)
    assert db["PendingModifiedValues"].get("StorageThroughput") == 800
    assert db["StorageThroughput"] == 500

"""CreateDBInstance without DBName: no initial database, no DBName in the response."""

import pytest

from conftest import create_db, describe_db, uid

DB_NAME = "rds-no-default-db-name"


@pytest.mark.patch(DB_NAME)
@pytest.mark.parametrize("engine, version", [("postgres", "16.3"), ("mysql", "8.0.39")])
def test_no_db_name_unless_given(rds, engine, version):
    created = create_db(rds, Engine=engine, EngineVersion=version)
    assert "DBName" not in created
    assert "DBName" not in describe_db(rds, created["DBInstanceIdentifier"])


@pytest.mark.patch(DB_NAME)
def test_replica_of_source_without_db_name_has_none(rds):
    source = create_db(rds)["DBInstanceIdentifier"]
    rep_id = uid("rep")
    rep = rds.create_db_instance_read_replica(DBInstanceIdentifier=rep_id,
                                              SourceDBInstanceIdentifier=source)["DBInstance"]
    assert "DBName" not in rep
    assert "DBName" not in describe_db(rds, rep_id)


# MiniStack 1.5.33 already keeps a given DBName (and copies it to replicas); these pin it.

def test_given_db_name_kept(rds):
    created = create_db(rds, DBName="app")
    assert created["DBName"] == "app"
    assert describe_db(rds, created["DBInstanceIdentifier"])["DBName"] == "app"


def test_replica_keeps_source_db_name(rds):
    source = create_db(rds, DBName="app")["DBInstanceIdentifier"]
    rep_id = uid("rep")
    rds.create_db_instance_read_replica(DBInstanceIdentifier=rep_id, SourceDBInstanceIdentifier=source)
    assert describe_db(rds, rep_id)["DBName"] == "app"


@pytest.mark.patch(DB_NAME)
def test_oracle_db_name_defaults_to_orcl(rds):
    created = create_db(rds, Engine="oracle-ee", EngineVersion="19.0.0.0.ru-2024-04.rur-2024-04.r1",
                        LicenseModel="bring-your-own-license", DBInstanceClass="db.m5.large")
    assert created["DBName"] == "ORCL"
    assert describe_db(rds, created["DBInstanceIdentifier"])["DBName"] == "ORCL"

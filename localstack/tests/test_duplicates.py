import pytest
from botocore.exceptions import ClientError

from conftest import error_code, uid


@pytest.mark.patch("rds-duplicate-names")
def test_db_subnet_group_duplicate_name_rejected(rds, network):
    name = uid("dbsg")
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="first",
                               SubnetIds=network["subnets"])
    with pytest.raises(ClientError) as e:
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="second",
                                   SubnetIds=network["subnets"])
    assert error_code(e) == "DBSubnetGroupAlreadyExists"
    group = rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]
    assert group["DBSubnetGroupDescription"] == "first"


# MiniStack 1.5.33 already refuses these; the tests pin it across upgrades.

def test_db_parameter_group_duplicate_name_rejected(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    with pytest.raises(ClientError) as e:
        rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    assert error_code(e) == "DBParameterGroupAlreadyExists"


def test_cache_subnet_group_duplicate_name_rejected(ec, network):
    name = uid("csg")
    ec.create_cache_subnet_group(CacheSubnetGroupName=name, CacheSubnetGroupDescription="d",
                                 SubnetIds=network["subnets"])
    with pytest.raises(ClientError) as e:
        ec.create_cache_subnet_group(CacheSubnetGroupName=name, CacheSubnetGroupDescription="d",
                                     SubnetIds=network["subnets"])
    assert error_code(e) == "CacheSubnetGroupAlreadyExists"


def test_cache_parameter_group_duplicate_name_rejected(ec):
    name = uid("cpg")
    ec.create_cache_parameter_group(CacheParameterGroupName=name, CacheParameterGroupFamily="redis7", Description="d")
    with pytest.raises(ClientError) as e:
        ec.create_cache_parameter_group(CacheParameterGroupName=name, CacheParameterGroupFamily="redis7",
                                        Description="d")
    assert error_code(e) == "CacheParameterGroupAlreadyExists"

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, uid


def make_proxy(rds, sm, network, family):
    secret = sm.create_secret(Name=uid("proxy-secret"), SecretString='{"username":"u","password":"p"}')["ARN"]
    name = uid("px")
    rds.create_db_proxy(DBProxyName=name, EngineFamily=family, RoleArn="arn:aws:iam::000000000000:role/proxy-role",
                        VpcSubnetIds=network["subnets"], VpcSecurityGroupIds=[network["sg"]],
                        Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret, "IAMAuth": "DISABLED"}])
    return name


@pytest.mark.patch("rds-proxy-session-pinning")
def test_session_pinning_filters_rejected_for_postgresql(rds, sm, network):
    name = make_proxy(rds, sm, network, "POSTGRESQL")
    with pytest.raises(ClientError) as e:
        rds.modify_db_proxy_target_group(DBProxyName=name, TargetGroupName="default",
                                         ConnectionPoolConfig={"SessionPinningFilters": ["EXCLUDE_VARIABLE_SETS"]})
    assert error_code(e) == "InvalidParameterValue"
    # InitQuery is PostgreSQL's way to avoid pinning on SET, and stays accepted
    rds.modify_db_proxy_target_group(DBProxyName=name, TargetGroupName="default",
                                     ConnectionPoolConfig={"InitQuery": "SET search_path TO app"})


@pytest.mark.patch("rds-proxy-session-pinning")
def test_unknown_session_pinning_filter_rejected(rds, sm, network):
    name = make_proxy(rds, sm, network, "MYSQL")
    with pytest.raises(ClientError) as e:
        rds.modify_db_proxy_target_group(DBProxyName=name, TargetGroupName="default",
                                         ConnectionPoolConfig={"SessionPinningFilters": ["EXCLUDE_EVERYTHING"]})
    assert error_code(e) == "InvalidParameterValue"


def test_session_pinning_filters_accepted_for_mysql(rds, sm, network):
    name = make_proxy(rds, sm, network, "MYSQL")
    group = rds.modify_db_proxy_target_group(
        DBProxyName=name, TargetGroupName="default",
        ConnectionPoolConfig={"SessionPinningFilters": ["EXCLUDE_VARIABLE_SETS"]})["DBProxyTargetGroup"]
    assert group["ConnectionPoolConfig"]["SessionPinningFilters"] == ["EXCLUDE_VARIABLE_SETS"]

"""Fault injection (POST/GET/DELETE /_stackctl/faults): not a patch, so these tests carry no
patch marker and pass with or without EMULATOR_DISABLE_PATCHES."""

import json
import time
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ENDPOINT, REGION, admin, error_code, uid
from test_cloudwatch import cbor_call

FAULTS = "/_stackctl/faults"


def set_faults(doc):
    return admin(FAULTS, doc)


def faults():
    return admin(FAULTS, method="GET")


def no_retry(service):
    """A client that makes exactly one attempt (conftest's retries max_attempts=1 means one retry)."""
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                      connect_timeout=5, read_timeout=30))


def status_of(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def create_subnet_group(rds, network, name):
    return rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="d",
                                      SubnetIds=network["subnets"])


def test_one_shot_failure_has_no_side_effect_and_next_call_succeeds(rds, network):
    doc = set_faults({"action": "CreateDBSubnetGroup", "nth": 1, "code": "InternalFailure",
                      "status": 500, "message": "injected"})
    assert doc["rules"][0]["matched"] == 0
    name = uid("dbsg")
    with pytest.raises(ClientError) as e:
        no_retry("rds").create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="d",
                                               SubnetIds=network["subnets"])
    assert (error_code(e), status_of(e), e.value.response["Error"]["Message"]) == ("InternalFailure", 500, "injected")
    with pytest.raises(ClientError) as e:
        rds.describe_db_subnet_groups(DBSubnetGroupName=name)
    assert error_code(e) == "DBSubnetGroupNotFoundFault"
    create_subnet_group(rds, network, name)
    assert rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]["DBSubnetGroupName"] == name
    rule = faults()["rules"][0]
    assert (rule["action"], rule["nth"], rule["times"], rule["matched"], rule["failed"]) == \
        ("CreateDBSubnetGroup", 1, 1, 2, 1)


@pytest.mark.patch("rds-duplicate-names")
def test_a_lost_response_takes_effect_and_the_retry_says_it_exists(network):
    """"after": the call's side effect happens, its answer is replaced by the error; an SDK
    that retries the 500 then meets the resource it created."""
    set_faults({"action": "CreateDBSubnetGroup", "code": "InternalFailure", "status": 500, "after": True})
    name = uid("dbsg")
    with pytest.raises(ClientError) as e:
        no_retry("rds").create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="d",
                                               SubnetIds=network["subnets"])
    assert (error_code(e), status_of(e)) == ("InternalFailure", 500)
    rds = no_retry("rds")
    assert rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]["DBSubnetGroupName"] == name
    with pytest.raises(ClientError) as e:
        create_subnet_group(rds, network, name)
    assert error_code(e) == "DBSubnetGroupAlreadyExists"


def test_query_error_wire_format():
    set_faults({"action": "DescribeDBInstances", "code": "InternalFailure", "status": 500, "message": "a <b> & c"})
    req = urllib.request.Request(ENDPOINT + "/", method="POST",
                                 data=b"Action=DescribeDBInstances&Version=2014-10-31",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/rds/"
                                                           "aws4_request, SignedHeaders=host, Signature=0"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    body = e.value.read().decode()
    assert e.value.code == 500
    assert "<ErrorResponse" in body and "<Type>Receiver</Type>" in body
    assert "<Code>InternalFailure</Code>" in body and "<Message>a &lt;b&gt; &amp; c</Message>" in body
    assert e.value.headers.get("x-amzn-RequestId")


def test_times_fails_consecutive_calls(network):
    rds = no_retry("rds")
    set_faults({"rules": [{"action": "CreateDBSubnetGroup", "nth": 2, "times": 2,
                           "code": "InternalFailure", "status": 500}]})
    names = [uid("dbsg") for _ in range(4)]
    outcomes = []
    for name in names:
        try:
            create_subnet_group(rds, network, name)
            outcomes.append("ok")
        except ClientError as e:
            outcomes.append(e.response["Error"]["Code"])
    assert outcomes == ["ok", "InternalFailure", "InternalFailure", "ok"]
    existing = {g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]}
    assert [n in existing for n in names] == [True, False, False, True]
    rule = faults()["rules"][0]
    assert (rule["matched"], rule["failed"]) == (4, 2)


def test_wildcard_action(network):
    ec2, sm = no_retry("ec2"), no_retry("secretsmanager")
    set_faults({"action": "*", "nth": 2, "code": "ServiceUnavailable", "status": 503})
    ec2.describe_vpcs()
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=uid("s"), SecretString="x")
    assert (error_code(e), status_of(e)) == ("ServiceUnavailable", 503)
    assert sm.list_secrets()["SecretList"] == []


def test_times_zero_fails_every_call_and_service_filter():
    ec2, ec = no_retry("ec2"), no_retry("elasticache")
    set_faults({"action": "DescribeSecurityGroups", "service": "ec2", "times": 0,
                "code": "UnauthorizedOperation", "status": 403})
    for _ in range(3):
        with pytest.raises(ClientError) as e:
            ec2.describe_security_groups()
        assert (error_code(e), status_of(e)) == ("UnauthorizedOperation", 403)
    ec.describe_cache_clusters()
    assert faults()["rules"][0]["failed"] == 3


# One call per service, and the code AWS answers a throttled call with there.
def _rds():
    no_retry("rds").describe_db_instances()


def _ec2():
    no_retry("ec2").describe_vpcs()


def _elasticache():
    no_retry("elasticache").describe_replication_groups()


def _secretsmanager():
    no_retry("secretsmanager").list_secrets()


def _tagging():
    no_retry("resourcegroupstaggingapi").get_resources()


def _cloudwatch_json():
    no_retry("cloudwatch").describe_alarms()


THROTTLED = [
    (_rds, "Throttling", 400),
    (_ec2, "RequestLimitExceeded", 503),
    (_elasticache, "Throttling", 400),
    (_secretsmanager, "ThrottlingException", 400),
    (_tagging, "ThrottledException", 400),
    (_cloudwatch_json, "Throttling", 400),
]


@pytest.mark.parametrize("call,code,status", THROTTLED, ids=[c.__name__.strip("_") for c, _, _ in THROTTLED])
def test_throttle_all_calls(call, code, status):
    set_faults({"throttle_percent": 100, "seed": 1})
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            call()
        assert (error_code(e), status_of(e)) == (code, status)
    rule = faults()["rules"][0]
    assert (rule["matched"], rule["failed"]) == (2, 2)


def test_throttle_json_error_header():
    set_faults({"throttle_percent": 100})
    with pytest.raises(ClientError) as e:
        no_retry("secretsmanager").list_secrets()
    headers = e.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == "ThrottlingException"
    assert headers["content-type"] == "application/x-amz-json-1.1"


def test_throttle_cloudwatch_rpc_v2_cbor():
    set_faults({"throttle_percent": 100})
    status, protocol, body = cbor_call("DescribeAlarms", {})
    assert (status, protocol, body["__type"]) == (400, "rpc-v2-cbor", "Throttling")
    assert faults()["log"] == ["DescribeAlarms"]


def test_injected_failure_rpc_v2_cbor_has_no_side_effect():
    name = uid("alarm")
    alarm = {"AlarmName": name, "MetricName": "CPUUtilization", "Namespace": "AWS/RDS", "Statistic": "Average",
             "Period": 60, "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold"}
    set_faults({"action": "PutMetricAlarm", "code": "InternalServiceError", "status": 500, "message": "boom"})
    status, protocol, body = cbor_call("PutMetricAlarm", alarm)
    assert (status, protocol, body) == (500, "rpc-v2-cbor", {"__type": "InternalServiceError", "message": "boom"})
    assert cbor_call("DescribeAlarms", {"AlarmNames": [name]})[2].get("MetricAlarms", []) == []
    assert cbor_call("PutMetricAlarm", alarm)[0] == 200
    assert len(cbor_call("DescribeAlarms", {"AlarmNames": [name]})[2]["MetricAlarms"]) == 1


def test_throttle_zero_percent_fails_nothing():
    set_faults({"throttle_percent": 0, "seed": 3})
    for call, _, _ in THROTTLED:
        call()
    assert cbor_call("DescribeAlarms", {})[0] == 200
    rule = faults()["rules"][0]
    assert (rule["matched"], rule["failed"]) == (len(THROTTLED) + 1, 0)


def _throttled_pattern(seed, calls=100):
    rds = no_retry("rds")
    set_faults({"throttle_percent": 30, "seed": seed})
    pattern = []
    for _ in range(calls):
        try:
            rds.describe_db_instances()
            pattern.append(False)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "Throttling"
            pattern.append(True)
    return pattern


def test_throttle_share_is_deterministic():
    first = _throttled_pattern(7)
    assert 15 <= sum(first) <= 45
    assert faults()["rules"][0]["failed"] == sum(first)
    assert _throttled_pattern(7) == first  # setting the rules again restarts the sequence
    assert _throttled_pattern(8) != first


def test_admin_and_health_endpoints_are_never_throttled():
    set_faults({"throttle_percent": 100})
    with urllib.request.urlopen(ENDPOINT + "/_localstack/health", timeout=10) as r:
        assert r.status == 200
    assert admin("/_stackctl/config", method="GET")["transition_seconds"] is not None
    doc = faults()
    assert (doc["total"], doc["log"], doc["rules"][0]["matched"]) == (0, [], 0)


def test_log_records_actions_in_order(rds, ec2, sm, network):
    set_faults({"rules": []})
    name = uid("dbsg")
    create_subnet_group(rds, network, name)
    rds.describe_db_subnet_groups(DBSubnetGroupName=name)
    sm.create_secret(Name=uid("s"), SecretString="x")
    ec2.describe_vpcs()
    cbor_call("DescribeAlarms", {})
    rds.describe_db_subnet_groups(DBSubnetGroupName=name)
    doc = faults()
    assert doc["log"] == ["CreateDBSubnetGroup", "DescribeDBSubnetGroups", "CreateSecret", "DescribeVpcs",
                          "DescribeAlarms", "DescribeDBSubnetGroups"]
    assert doc["calls"] == {"CreateDBSubnetGroup": 1, "DescribeDBSubnetGroups": 2, "CreateSecret": 1,
                            "DescribeVpcs": 1, "DescribeAlarms": 1}
    assert doc["calls_by_service"]["secretsmanager"] == {"CreateSecret": 1}
    assert doc["calls_by_service"]["monitoring"] == {"DescribeAlarms": 1}
    assert doc["total"] == 6 and doc["rules"] == []


def test_log_keeps_the_last_thousand():
    set_faults({"rules": []})
    auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0"
    for _ in range(1005):
        req = urllib.request.Request(ENDPOINT + "/?Action=DescribeRegions&Version=2016-11-15",
                                     headers={"Authorization": auth})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
    doc = faults()
    assert (doc["total"], len(doc["log"]), doc["calls"]["DescribeRegions"]) == (1005, 1000, 1005)


def test_delay(rds):
    set_faults({"action": "DescribeDBInstances", "delay_ms": 300})
    start = time.monotonic()
    rds.describe_db_instances()
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    rds.describe_db_clusters()
    assert time.monotonic() - start < 0.3
    rule = faults()["rules"][0]
    assert (rule["delayed"], rule["failed"], rule["times"]) == (1, 0, 0)


def test_delete_and_reset_clear_rules(rds):
    set_faults({"action": "*", "times": 0, "code": "InternalFailure", "status": 500})
    with pytest.raises(ClientError):
        no_retry("rds").describe_db_instances()
    doc = admin(FAULTS, method="DELETE")
    assert (doc["rules"], doc["total"], doc["log"]) == ([], 0, [])
    rds.describe_db_instances()

    set_faults({"throttle_percent": 100})
    admin("/_ministack/reset")
    assert faults()["rules"] == []
    rds.describe_db_instances()


def test_new_rules_replace_old_ones_and_restart_counting(rds):
    set_faults({"action": "DescribeDBInstances", "nth": 2, "code": "InternalFailure", "status": 500})
    rds.describe_db_instances()
    set_faults({"action": "DescribeDBInstances", "nth": 2, "code": "InternalFailure", "status": 500})
    rds.describe_db_instances()  # first call since the rules were set again
    with pytest.raises(ClientError):
        no_retry("rds").describe_db_instances()
    assert len(faults()["rules"]) == 1


def test_first_failing_rule_answers():
    set_faults({"rules": [{"action": "DescribeVpcs", "code": "First", "status": 400},
                          {"action": "*", "code": "Second", "status": 400}]})
    with pytest.raises(ClientError) as e:
        no_retry("ec2").describe_vpcs()
    assert error_code(e) == "First"
    rules = faults()["rules"]
    assert [(r["matched"], r["failed"]) for r in rules] == [(1, 1), (1, 0)]


@pytest.mark.parametrize("doc", [
    {"action": "X", "nth": 0},
    {"nth": 1},
    {"action": "X", "bogus": 1},
    {"throttle_percent": 101},
    {"rules": {"action": "X"}},
    {"action": "X", "status": "500"},
    {"action": "X", "code": "E", "after": "yes"},
    {"action": "X", "delay_ms": 5, "after": True},
])
def test_invalid_rules_rejected(doc):
    set_faults({"action": "Keep", "code": "X", "status": 400})
    with pytest.raises(urllib.error.HTTPError) as e:
        set_faults(doc)
    assert e.value.code == 400 and "error" in json.loads(e.value.read())
    assert [r["action"] for r in faults()["rules"]] == ["Keep"]

"""PutMetricAlarm validation, through boto3 (awsJson 1.0 with this botocore) and through a
raw smithy-rpc-v2-cbor request shaped like aws-sdk-rust's."""

import urllib.error
import urllib.request

import cbor2
import pytest
from botocore.exceptions import ClientError

from conftest import ENDPOINT, error_code, uid

PATCH = "cloudwatch-alarm-period-validation"


def put_alarm(cw, name=None, **kw):
    params = dict(AlarmName=name or uid("alarm"), MetricName="CPUUtilization", Namespace="AWS/RDS",
                  Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=80.0,
                  ComparisonOperator="GreaterThanThreshold")
    params.update(kw)
    cw.put_metric_alarm(**params)
    return params["AlarmName"]


def cbor_call(operation, doc):
    req = urllib.request.Request(
        f"{ENDPOINT}/service/GraniteServiceVersion20100801/operation/{operation}",
        data=cbor2.dumps(doc), method="POST",
        headers={"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("smithy-protocol"), cbor2.loads(r.read() or cbor2.dumps({}))
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("smithy-protocol"), cbor2.loads(e.read())


@pytest.mark.parametrize("period", [10, 20, 30, 60, 300, 3600])
def test_valid_periods_accepted(cw, period):
    name = put_alarm(cw, Period=period, EvaluationPeriods=1)
    alarm = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert (alarm["Period"], alarm["StateValue"]) == (period, "INSUFFICIENT_DATA")


@pytest.mark.patch(PATCH)
@pytest.mark.parametrize("period", [7, 45, 90, 3599])
def test_invalid_periods_rejected(cw, period):
    with pytest.raises(ClientError) as e:
        put_alarm(cw, Period=period, EvaluationPeriods=1)
    assert error_code(e) == "ValidationError"


@pytest.mark.patch(PATCH)
def test_evaluation_longer_than_a_day_rejected_below_one_hour_periods(cw):
    with pytest.raises(ClientError) as e:
        put_alarm(cw, Period=60, EvaluationPeriods=1441)  # 86,460 s
    assert error_code(e) == "ValidationError"
    put_alarm(cw, Period=60, EvaluationPeriods=1440)  # exactly one day
    put_alarm(cw, Period=3600, EvaluationPeriods=168)  # seven days
    with pytest.raises(ClientError):
        put_alarm(cw, Period=3600, EvaluationPeriods=169)


@pytest.mark.patch(PATCH)
def test_datapoints_above_evaluation_periods_rejected(cw):
    with pytest.raises(ClientError) as e:
        put_alarm(cw, EvaluationPeriods=2, DatapointsToAlarm=3)
    assert error_code(e) == "ValidationError"


@pytest.mark.patch(PATCH)
def test_rpc_v2_cbor_invalid_period_rejected():
    status, protocol, body = cbor_call("PutMetricAlarm", {
        "AlarmName": uid("alarm"), "MetricName": "CPUUtilization", "Namespace": "AWS/RDS", "Statistic": "Average",
        "Period": 7, "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold"})
    assert (status, protocol, body["__type"]) == (400, "rpc-v2-cbor", "ValidationError")


def test_rpc_v2_cbor_put_and_describe_alarm():
    """The protocol aws-sdk-cloudwatch (Rust) speaks: served once cbor2 is installed."""
    name = uid("alarm")
    status, protocol, _ = cbor_call("PutMetricAlarm", {
        "AlarmName": name, "MetricName": "CPUUtilization", "Namespace": "AWS/RDS", "Statistic": "Average",
        "Period": 60, "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold",
        "Tags": [{"Key": "stackctl:stack", "Value": "cbor"}]})
    assert (status, protocol) == (200, "rpc-v2-cbor")
    status, _, body = cbor_call("DescribeAlarms", {"AlarmNames": [name]})
    assert status == 200
    assert [(a["AlarmName"], a["StateValue"]) for a in body["MetricAlarms"]] == [(name, "INSUFFICIENT_DATA")]

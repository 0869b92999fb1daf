"""Patches to MiniStack's CloudWatch (ministack/services/cloudwatch.py).

cloudwatch.py's ``handle_request`` decodes the request (Query form, awsJson, or
smithy-rpc-v2-cbor, which botocore >= 1.42 and the Rust SDK speak) and builds its action
table from module-level functions ``handler(params, cbor_data, is_cbor, is_json)`` on every
call, so replacing the module attribute takes effect for all three protocols.
"""

from ministack.services import cloudwatch as cw

from .common import patch


def _member(params, cbor_data, is_cbor, is_json, key):
    if is_cbor or is_json:
        value = cbor_data.get(key)
    else:
        value = cw._p(params, key) or None
    return None if value in (None, "") else value


@patch("cloudwatch-alarm-period-validation")
def alarm_period_validation():
    """PutMetricAlarm Period: "Valid values are 10, 20, 30, and any multiple of 60"; "An alarm's
    total current evaluation period can be no longer than seven days, so Period multiplied by
    EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less than
    one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400
    seconds)"; DatapointsToAlarm must not exceed EvaluationPeriods. AWS answers these with a
    ValidationError (e.g. "Period must be 10, 30 or a multiple of 60", as reported from
    CloudFormation). Source: CloudWatch API Reference, PutMetricAlarm (Period,
    EvaluationPeriods, DatapointsToAlarm). MiniStack accepted any value."""

    orig = cw._put_metric_alarm

    def put_metric_alarm(params, cbor_data, is_cbor, is_json=False):
        def refuse(message):
            return cw._error("ValidationError", message, 400, use_json=is_json, use_cbor=is_cbor)

        try:
            period = _member(params, cbor_data, is_cbor, is_json, "Period")
            evaluation = _member(params, cbor_data, is_cbor, is_json, "EvaluationPeriods")
            datapoints = _member(params, cbor_data, is_cbor, is_json, "DatapointsToAlarm")
            period = None if period is None else int(period)
            evaluation = None if evaluation is None else int(evaluation)
            datapoints = None if datapoints is None else int(datapoints)
        except (TypeError, ValueError):
            return refuse("Period, EvaluationPeriods and DatapointsToAlarm must be integers.")
        if period is not None:
            if period <= 0 or (period not in (10, 20, 30) and period % 60 != 0):
                return refuse("Period must be 10, 20, 30 or a multiple of 60")
            if evaluation is not None:
                total = period * evaluation
                if total > 604800:
                    return refuse("The evaluation period (Period * EvaluationPeriods) can't be longer "
                                  "than seven days (604,800 seconds).")
                if period < 3600 and total > 86400:
                    return refuse("For alarms with a period of less than one hour, the evaluation period "
                                  "(Period * EvaluationPeriods) can't be longer than one day (86,400 seconds).")
        if evaluation is not None and evaluation < 1:
            return refuse("EvaluationPeriods must be at least 1.")
        if datapoints is not None and evaluation is not None and datapoints > evaluation:
            return refuse("DatapointsToAlarm must be less than or equal to EvaluationPeriods")
        return orig(params, cbor_data, is_cbor, is_json)

    cw._put_metric_alarm = put_metric_alarm

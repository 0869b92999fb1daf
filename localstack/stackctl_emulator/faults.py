"""Fault injection: make AWS calls fail (or slow down) on demand, for stackctl's tests.

``POST /_stackctl/faults`` sets the rules (replacing earlier ones and zeroing the counters),
``GET`` shows them with their counters, ``DELETE`` (and ``POST /_ministack/reset``) clears them.
See README.md, "Fault injection", for the JSON shapes.

The hook wraps MiniStack's ``app._dispatch_service_request``, the generic AWS router the ASGI
app calls once the body is read (and aws-chunked decoded) and after every ``/_ministack``,
health and special data-plane endpoint has been answered: an injected error is answered there,
before IAM, the service handler, or any patch runs, so a failed call has no side effect.

The action of a call: rpc-v2-cbor, the last segment of ``/service/<svc>/operation/<Action>``;
awsJson, the ``X-Amz-Target`` suffix; Query, the ``Action`` parameter (query string, or the
form-encoded body). Calls with none of these (REST services) are not seen.

Every call seen is counted (per action, per service) and logged (the last ``LOG_SIZE`` action
names), whether or not rules are set; the counters start again when rules are set or cleared.
"""

import asyncio
import json
import random
import re
import threading
import time
import uuid
from collections import deque
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

LOG_SIZE = 1000

# MiniStack service name -> the error a throttled call gets: (code, HTTP status).
THROTTLE_ERRORS = {
    "rds": ("Throttling", 400),
    "elasticache": ("Throttling", 400),
    "ec2": ("RequestLimitExceeded", 503),
    "secretsmanager": ("ThrottlingException", 400),
    "monitoring": ("Throttling", 400),
    "tagging": ("ThrottledException", 400),
}

_FAIL_KEYS = {"action", "service", "nth", "times", "code", "status", "message", "delay_ms", "after"}
_THROTTLE_KEYS = {"throttle_percent", "seed", "action", "service", "message"}
_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)$")

_lock = threading.Lock()
_rules = []  # normalised rule dicts, each with its counters and (throttle) its PRNG
_calls = {}  # action -> count
_calls_by_service = {}  # service -> {action -> count}
_log = deque(maxlen=LOG_SIZE)
_total = 0
_since = time.time()


# ---------------------------------------------------------------- rules

def _int(rule, key, default, minimum):
    value = rule.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise ValueError(f"{key} must be an integer")
    if value < minimum:
        raise ValueError(f"{key} must be at least {minimum}")
    return int(value)


def _str(rule, key, default=None):
    value = rule.get(key, default)
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{key} must be a non-empty string")
    return value


def _normalise(rule):
    if not isinstance(rule, dict):
        raise ValueError("a rule must be a JSON object")
    if "throttle_percent" in rule:
        unknown = set(rule) - _THROTTLE_KEYS
        if unknown:
            raise ValueError(f"unknown keys in a throttle rule: {', '.join(sorted(unknown))}")
        percent = rule["throttle_percent"]
        if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
            raise ValueError("throttle_percent must be a number from 0 to 100")
        out = {"throttle_percent": percent, "seed": _int(rule, "seed", 0, -(2 ** 63)),
               "action": _str(rule, "action", "*"), "service": _str(rule, "service")}
        if "message" in rule:
            out["message"] = _str(rule, "message")
        out["_rng"] = random.Random(out["seed"])
    else:
        unknown = set(rule) - _FAIL_KEYS
        if unknown:
            raise ValueError(f"unknown keys in a rule: {', '.join(sorted(unknown))}")
        action = _str(rule, "action")
        if action is None:
            raise ValueError("a rule needs \"action\" (an action name or \"*\") or \"throttle_percent\"")
        fails = "code" in rule or "status" in rule or "message" in rule or "delay_ms" not in rule
        out = {"action": action, "service": _str(rule, "service"), "nth": _int(rule, "nth", 1, 1),
               # times 0: every matching call from the nth on
               "times": _int(rule, "times", 1 if fails else 0, 0)}
        if "delay_ms" in rule:
            out["delay_ms"] = _int(rule, "delay_ms", 0, 0)
        if fails:
            out["code"] = _str(rule, "code", "InternalFailure")
            out["status"] = _int(rule, "status", 500, 100)
            if out["status"] > 599:
                raise ValueError("status must be an HTTP status (100-599)")
            out["message"] = _str(rule, "message", f"Injected fault: {out['code']}")
        if "after" in rule:
            if not isinstance(rule["after"], bool):
                raise ValueError("after must be true or false")
            if not fails:
                raise ValueError("after needs a failing rule (code or status)")
            out["after"] = rule["after"]
    out.update(matched=0, failed=0, delayed=0)
    return out


def parse(doc):
    """The rules of a POST body: {"rules": [rule, ...]}, one rule object, or a list of rules."""
    if doc is None:
        return []
    if isinstance(doc, list):
        rules = doc
    elif isinstance(doc, dict) and set(doc) <= {"rules"}:
        rules = doc.get("rules", [])
        if not isinstance(rules, list):
            raise ValueError("rules must be a list")
    elif isinstance(doc, dict):
        rules = [doc]
    else:
        raise ValueError("expected {\"rules\": [...]} or a rule object")
    return [_normalise(r) for r in rules]


def set_rules(doc):
    rules = parse(doc)
    with _lock:
        _rules[:] = rules
        _zero()


def clear():
    with _lock:
        _rules.clear()
        _zero()


def _zero():
    global _total, _since
    _calls.clear()
    _calls_by_service.clear()
    _log.clear()
    _total = 0
    _since = time.time()


def state():
    with _lock:
        return {
            "rules": [{k: v for k, v in r.items() if not k.startswith("_") and v is not None} for r in _rules],
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_since)),
            "total": _total,
            "calls": dict(_calls),
            "calls_by_service": {s: dict(c) for s, c in _calls_by_service.items()},
            "log": list(_log),
        }


# ---------------------------------------------------------------- matching

def _matches(rule, service, action):
    if rule.get("service") and rule["service"] != service:
        return False
    return rule["action"] in ("*", action)


def _decide(service, action):
    """Count the call; return (delay seconds, failing rule or None)."""
    global _total
    delay = 0.0
    failing = None
    with _lock:
        _total += 1
        _calls[action] = _calls.get(action, 0) + 1
        per = _calls_by_service.setdefault(service, {})
        per[action] = per.get(action, 0) + 1
        _log.append(action)
        # Every rule counts every call it matches (so each rule's nth is its own); the first
        # rule that fails a call answers it.
        for rule in _rules:
            if not _matches(rule, service, action):
                continue
            rule["matched"] += 1
            if "throttle_percent" in rule:
                hit = rule["_rng"].random() * 100 < rule["throttle_percent"]
            else:
                n, nth, times = rule["matched"], rule["nth"], rule["times"]
                hit = n >= nth and (times == 0 or n < nth + times)
                if hit and "delay_ms" in rule:
                    rule["delayed"] += 1
                    delay += rule["delay_ms"] / 1000.0
                hit = hit and "code" in rule
            if hit and failing is None:
                rule["failed"] += 1
                failing = rule
    return delay, failing


# ---------------------------------------------------------------- wire formats

def _is_cbor(headers):
    return "cbor" in headers.get("content-type", "") or "cbor" in headers.get("smithy-protocol", "")


def _json_error(code, message, status, content_type):
    return status, {"Content-Type": content_type, "x-amzn-ErrorType": code}, \
        json.dumps({"__type": code, "message": message}).encode()


def _cbor_error(code, message, status):
    import cbor2
    return status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, \
        cbor2.dumps({"__type": code, "message": message})


def _query_error(code, message, status, namespace):
    fault_type = "Sender" if status < 500 else "Receiver"
    body = (f'<ErrorResponse xmlns="{namespace}">'
            f"<Error><Type>{fault_type}</Type><Code>{xml_escape(code)}</Code>"
            f"<Message>{xml_escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return status, {"Content-Type": "text/xml"}, body.encode()


def error_response(service, headers, code, message, status):
    """(status, headers, body) of an AWS error in the wire format of the call's protocol."""
    if service == "ec2":
        from ministack.services import ec2
        return ec2._error(xml_escape(code), xml_escape(message), status)
    if service == "rds":
        from ministack.services import rds
        return rds._error(xml_escape(code), xml_escape(message), status)
    if service == "elasticache":
        from ministack.services import elasticache
        return elasticache._error(xml_escape(code), xml_escape(message), status)
    if service == "monitoring":
        from ministack.services import cloudwatch
        cbor = _is_cbor(headers)
        json_ = not cbor and ("json" in headers.get("content-type", "") or bool(headers.get("x-amz-target")))
        # cloudwatch._error escapes the Query message itself.
        return cloudwatch._error(code, message, status, use_json=json_, use_cbor=cbor)
    if service in ("secretsmanager", "tagging"):
        return _json_error(code, message, status, "application/x-amz-json-1.1")
    # Any other service: by the request's protocol.
    if _is_cbor(headers):
        return _cbor_error(code, message, status)
    if headers.get("x-amz-target"):
        content_type = headers.get("content-type", "") or "application/x-amz-json-1.1"
        return _json_error(code, message, status, content_type)
    return _query_error(code, message, status, "http://webservices.amazon.com/doc/2010-05-08/")


# ---------------------------------------------------------------- the hook

def action_of(path, headers, params):
    """The AWS action a request calls, or None (REST-style calls)."""
    m = _CBOR_PATH.match(path)
    if m:
        return m.group(1)
    target = headers.get("x-amz-target", "")
    if target:
        return target.rsplit(".", 1)[-1]
    action = params.get("Action")
    if isinstance(action, list):
        action = action[0] if action else None
    return action or None


def install(ministack_app):
    """Wrap MiniStack's generic AWS dispatch with the fault rules."""
    inner = ministack_app._dispatch_service_request

    async def dispatch(method, path, headers, body, query_params, request_id):
        if path.startswith("/_"):
            return await inner(method, path, headers, body, query_params, request_id)
        try:
            inflated = ministack_app._decompress_request_body(body, dict(headers))
            params = ministack_app._routing_params(method, path, headers, inflated, query_params)
            action = action_of(path, headers, params)
            service = ministack_app.detect_service(method, path, headers, params) if action else None
        except Exception:  # never let the fault hook break a call
            action = None
        if not action:
            return await inner(method, path, headers, body, query_params, request_id)
        delay, rule = _decide(service, action)
        if delay:
            await asyncio.sleep(delay)
        if rule is None:
            return await inner(method, path, headers, body, query_params, request_id)
        if rule.get("after"):
            # A lost response: the call takes effect, its answer never arrives.
            await inner(method, path, headers, body, query_params, request_id)
        if "throttle_percent" in rule:
            code, status = THROTTLE_ERRORS.get(service) or (
                ("ThrottlingException", 400) if headers.get("x-amz-target") or _is_cbor(headers)
                else ("Throttling", 400))
            message = rule.get("message") or "Rate exceeded"
        else:
            code, status, message = rule["code"], rule["status"], rule["message"]
        resp_status, resp_headers, resp_body = error_response(service, headers, code, message, status)
        resp_headers = dict(resp_headers)
        resp_headers.update({"x-amzn-requestid": request_id, "x-amz-request-id": request_id})
        return resp_status, resp_headers, resp_body

    ministack_app._dispatch_service_request = dispatch

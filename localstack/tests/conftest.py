"""Fixtures for the emulator patch tests (boto3 against a running emulator).

`localstack/emulator test` starts a fresh emulator on port 4599 and points
STACKCTL_EMULATOR_ENDPOINT at it. Every test starts from `POST /_ministack/reset`.

Each test that checks a patch is marked ``@pytest.mark.patch("name", ...)``. When the
emulator runs with EMULATOR_DISABLE_PATCHES naming one of them, that test is expected to
fail (strict xfail), so
    EMULATOR_DISABLE_PATCHES=all localstack/emulator test
passes only if every patch test fails without its patch. Unmarked tests pin behaviour
MiniStack 1.5.33 already gets right and must pass either way.
"""

import json
import os
import time
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

ENDPOINT = os.environ.get("STACKCTL_EMULATOR_ENDPOINT") or \
    f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '4566')}"
REGION = "us-east-1"


def pytest_configure(config):
    config.addinivalue_line("markers", "patch(*names): the test checks these emulator patches")


def pytest_collection_modifyitems(config, items):
    raw = os.environ.get("EMULATOR_DISABLE_PATCHES", "")
    off = {x.strip() for x in raw.split(",") if x.strip()}
    if not off:
        return
    for item in items:
        marker = item.get_closest_marker("patch")
        if marker and ("all" in off or off.intersection(marker.args)):
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"patch disabled: {raw}"))


def admin(path, doc=None, method="POST"):
    data = json.dumps(doc).encode() if doc is not None else b""
    req = urllib.request.Request(ENDPOINT + path, data=data if method == "POST" else None, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def set_transitions(**seconds):
    return admin("/_stackctl/config", {"transition_seconds": seconds})


@pytest.fixture(autouse=True)
def reset():
    admin("/_ministack/reset")
    yield
    admin("/_ministack/reset")


_CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def client(service):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test", config=_CONFIG)


@pytest.fixture
def rds():
    return client("rds")


@pytest.fixture
def ec():
    return client("elasticache")


@pytest.fixture
def ec2():
    return client("ec2")


@pytest.fixture
def cw():
    return client("cloudwatch")


@pytest.fixture
def sm():
    return client("secretsmanager")


@pytest.fixture
def tagging():
    return client("resourcegroupstaggingapi")


def uid(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def network(ec2):
    """A VPC with two subnets and a security group, as the stack's subnet groups need."""
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName=uid("sg"), Description="test", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "sg": sg}


def create_db(rds, ident=None, **kw):
    params = dict(DBInstanceIdentifier=ident or uid("db"), Engine="postgres", EngineVersion="16.3",
                  DBInstanceClass="db.t4g.micro", MasterUsername="stackctl", MasterUserPassword="password123",
                  AllocatedStorage=20, BackupRetentionPeriod=1)
    params.update(kw)
    if params.get("ManageMasterUserPassword"):
        params.pop("MasterUserPassword", None)
    return rds.create_db_instance(**params)["DBInstance"]


def describe_db(rds, ident):
    return rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def wait_for(fn, timeout=5.0, interval=0.05):
    """Poll fn() until it returns a truthy value; return it (fail on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value {value!r})")
        time.sleep(interval)

"""Tags given at create time: visible per service (MiniStack 1.5.33 already does this; pinned
here) and through the Resource Groups Tagging API (the patch)."""

import pytest

from conftest import create_db, uid

STACK = "stackctl:stack"


@pytest.fixture
def tagged_stack(rds, ec, cw, sm, ec2, network):
    stack = uid("stack")
    tags = [{"Key": STACK, "Value": stack}, {"Key": "team", "Value": "data"}]
    sg = ec2.create_security_group(GroupName=uid("sg"), Description="d", VpcId=network["vpc"],
                                   TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}])["GroupId"]
    subnet_group = rds.create_db_subnet_group(DBSubnetGroupName=uid("dbsg"), DBSubnetGroupDescription="d",
                                              SubnetIds=network["subnets"], Tags=tags)["DBSubnetGroup"]
    db = create_db(rds, DBSubnetGroupName=subnet_group["DBSubnetGroupName"], Tags=tags)
    secret = sm.create_secret(Name=uid("secret"), SecretString="{}", Tags=tags)
    proxy = rds.create_db_proxy(DBProxyName=uid("px"), EngineFamily="POSTGRESQL",
                                RoleArn="arn:aws:iam::000000000000:role/proxy-role", VpcSubnetIds=network["subnets"],
                                Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret["ARN"], "IAMAuth": "DISABLED"}],
                                Tags=tags)["DBProxy"]
    rg = ec.create_replication_group(ReplicationGroupId=uid("rg"), ReplicationGroupDescription="d",
                                     Engine="redis", NumCacheClusters=1, Tags=tags)["ReplicationGroup"]
    alarm = uid("alarm")
    cw.put_metric_alarm(AlarmName=alarm, MetricName="CPUUtilization", Namespace="AWS/RDS", Statistic="Average",
                        Period=60, EvaluationPeriods=1, Threshold=80.0, ComparisonOperator="GreaterThanThreshold",
                        Tags=tags)
    alarm_arn = cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["AlarmArn"]
    return {
        "stack": stack, "tags": tags,
        "arns": {
            "db": db["DBInstanceArn"], "subgrp": subnet_group["DBSubnetGroupArn"], "proxy": proxy["DBProxyArn"],
            "secret": secret["ARN"], "rg": rg["ARN"], "alarm": alarm_arn,
            "sg": f"arn:aws:ec2:us-east-1:000000000000:security-group/{sg}",
        },
        "sg": sg, "db_id": db["DBInstanceIdentifier"],
    }


def as_map(tags):
    return {t["Key"]: t["Value"] for t in tags}


def test_create_time_tags_visible_per_service(tagged_stack, rds, ec, cw, sm, ec2):
    want = as_map(tagged_stack["tags"])
    arns = tagged_stack["arns"]
    for arn in (arns["db"], arns["subgrp"], arns["proxy"]):
        assert as_map(rds.list_tags_for_resource(ResourceName=arn)["TagList"]) == want, arn
    db = rds.describe_db_instances(DBInstanceIdentifier=tagged_stack["db_id"])["DBInstances"][0]
    assert as_map(db["TagList"]) == want
    assert as_map(ec.list_tags_for_resource(ResourceName=arns["rg"])["TagList"]) == want
    assert as_map(cw.list_tags_for_resource(ResourceARN=arns["alarm"])["Tags"]) == want
    assert as_map(sm.describe_secret(SecretId=arns["secret"])["Tags"]) == want
    sg = ec2.describe_security_groups(GroupIds=[tagged_stack["sg"]])["SecurityGroups"][0]
    assert as_map(sg["Tags"]) == want


@pytest.mark.patch("tagging-get-resources")
def test_get_resources_covers_the_whole_stack(tagged_stack, tagging):
    pages = tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": STACK, "Values": [tagged_stack["stack"]]}])
    found = {m["ResourceARN"]: as_map(m["Tags"]) for page in pages for m in page["ResourceTagMappingList"]}
    for kind, arn in tagged_stack["arns"].items():
        assert arn in found, kind
        assert found[arn][STACK] == tagged_stack["stack"]


@pytest.mark.patch("tagging-get-resources")
def test_get_resources_type_filter(tagged_stack, tagging):
    result = tagging.get_resources(TagFilters=[{"Key": STACK, "Values": [tagged_stack["stack"]]}],
                                   ResourceTypeFilters=["rds:db"])["ResourceTagMappingList"]
    assert [m["ResourceARN"] for m in result] == [tagged_stack["arns"]["db"]]


def test_get_resources_other_stack_not_listed(tagged_stack, tagging):
    result = tagging.get_resources(TagFilters=[{"Key": STACK, "Values": ["another-stack"]}])
    assert result["ResourceTagMappingList"] == []

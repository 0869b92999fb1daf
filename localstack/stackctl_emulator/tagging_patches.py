"""Patches to MiniStack's Resource Groups Tagging API (ministack/services/tagging.py).

tagging.py answers GetResources / GetTagKeys / GetTagValues from the module-level dict
``_COLLECTORS`` (ARN service prefix -> generator of (arn, [{"Key", "Value"}])), read at call
time; a patch adds collectors over the other services' own tag stores, so there is no
patch state to reset.
"""

from ministack.services import tagging

from .common import patch


def _in_region(arn):
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[3] == tagging.get_region()


def _collect_rds():
    from ministack.services import rds
    from . import rds_patches
    for tick in rds_patches.TICKS:
        tick()
    for arn, tags in rds._tags.items():
        if tags and _in_region(arn):
            yield arn, list(tags)


def _collect_cloudwatch():
    from ministack.services import cloudwatch
    for arn, tags in cloudwatch._resource_tags.items():
        if tags and _in_region(arn) and cloudwatch._alarm_name_from_local_arn(arn) in cloudwatch._alarms:
            yield arn, tagging._normalise_flat(tags)


def _collect_secretsmanager():
    from ministack.services import secretsmanager
    for secret in secretsmanager._secrets.values():
        if secret.get("Tags") and not secret.get("DeletedDate"):
            yield secret["ARN"], list(secret["Tags"])


def _collect_ec2():
    from ministack.services import ec2
    for sg_id in ec2._security_groups.keys():
        tags = ec2._tags.get(sg_id)
        if tags:
            arn = f"arn:aws:ec2:{tagging.get_region()}:{tagging._account()}:security-group/{sg_id}"
            yield arn, list(tags)


@patch("tagging-get-resources")
def get_resources():
    """Resource Groups Tagging API GetResources (and GetTagKeys / GetTagValues) cover every
    tagged resource of the supported services, here RDS (db, db-proxy, subgrp, pg, ...),
    CloudWatch alarms, Secrets Manager secrets and EC2 security groups, not only ElastiCache.
    Source: Resource Groups Tagging API Reference, GetResources; "Services that support the
    Resource Groups Tagging API". MiniStack 1.5.33 collected ElastiCache tags only of these."""
    tagging._COLLECTORS.setdefault("rds", _collect_rds)
    tagging._COLLECTORS.setdefault("cloudwatch", _collect_cloudwatch)
    tagging._COLLECTORS.setdefault("secretsmanager", _collect_secretsmanager)
    tagging._COLLECTORS.setdefault("ec2", _collect_ec2)

"""Cache parameters that need a node reboot: their ChangeType, and the clusters using the group
left pending-reboot until each is rebooted."""

import pytest

from conftest import uid
from test_elasticache import make_group, members

PATCH = "elasticache-parameter-reboot"


def change_types(ec, name):
    return {p["ParameterName"]: p.get("ChangeType")
            for p in ec.describe_cache_parameters(CacheParameterGroupName=name)["Parameters"]}


def new_group(ec):
    name = uid("cpg")
    ec.create_cache_parameter_group(CacheParameterGroupName=name, CacheParameterGroupFamily="redis7",
                                    Description="test")
    return name


def statuses(ec, rg_id):
    return {cid: c["CacheParameterGroup"]["ParameterApplyStatus"]
            for cid, c in members(ec, rg_id).items()}


@pytest.mark.patch(PATCH)
def test_each_parameter_says_whether_it_needs_a_reboot(ec):
    types = change_types(ec, new_group(ec))
    assert types["databases"] == "requires-reboot"
    assert types["maxmemory-policy"] == "immediate"


@pytest.mark.patch(PATCH)
def test_a_reboot_parameter_leaves_each_cluster_pending_until_it_reboots(ec, network):
    group = new_group(ec)
    rg_id, _, _ = make_group(ec, network, CacheParameterGroupName=group)
    assert set(statuses(ec, rg_id).values()) == {"in-sync"}
    ec.modify_cache_parameter_group(CacheParameterGroupName=group, ParameterNameValues=[
        {"ParameterName": "databases", "ParameterValue": "32"}])
    pending = statuses(ec, rg_id)
    assert set(pending.values()) == {"pending-reboot"}
    first, *rest = sorted(pending)
    ec.reboot_cache_cluster(CacheClusterId=first, CacheNodeIdsToReboot=["0001"])
    after = statuses(ec, rg_id)
    assert after[first] == "in-sync"
    assert all(after[c] == "pending-reboot" for c in rest)


def test_an_immediate_parameter_leaves_the_clusters_in_sync(ec, network):
    group = new_group(ec)
    rg_id, _, _ = make_group(ec, network, CacheParameterGroupName=group)
    ec.modify_cache_parameter_group(CacheParameterGroupName=group, ParameterNameValues=[
        {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"}])
    assert set(statuses(ec, rg_id).values()) == {"in-sync"}

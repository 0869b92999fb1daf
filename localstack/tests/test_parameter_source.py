"""DescribeCacheParameters / DescribeDBParameters with Source: only what the user changed."""

import pytest

from conftest import uid

SOURCE = "elasticache-parameter-source"


def cache_params(ec, name, **kw):
    return {p["ParameterName"]: p for p in
            ec.describe_cache_parameters(CacheParameterGroupName=name, **kw)["Parameters"]}


def cache_group(ec, **changes):
    name = uid("cpg")
    ec.create_cache_parameter_group(CacheParameterGroupName=name, CacheParameterGroupFamily="redis7",
                                    Description="test")
    if changes:
        ec.modify_cache_parameter_group(
            CacheParameterGroupName=name,
            ParameterNameValues=[{"ParameterName": k, "ParameterValue": v} for k, v in changes.items()])
    return name


@pytest.mark.patch(SOURCE)
def test_cache_parameters_source_user_lists_only_modified(ec):
    name = cache_group(ec, **{"maxmemory-policy": "allkeys-lru"})
    user = cache_params(ec, name, Source="user")
    assert list(user) == ["maxmemory-policy"]
    assert user["maxmemory-policy"]["ParameterValue"] == "allkeys-lru"
    assert user["maxmemory-policy"]["Source"] == "user"
    for source in ("system", "engine-default"):
        others = cache_params(ec, name, Source=source)
        assert "maxmemory-policy" not in others
        assert {"databases", "timeout", "tcp-keepalive"} <= set(others)
        assert all(p["Source"] != "user" for p in others.values())
    everything = cache_params(ec, name)
    assert set(everything) == set(user) | set(cache_params(ec, name, Source="system"))


@pytest.mark.patch(SOURCE)
def test_cache_parameters_new_group_has_no_user_parameters(ec):
    name = cache_group(ec)
    assert cache_params(ec, name, Source="user") == {}
    assert "maxmemory-policy" in cache_params(ec, name)


@pytest.mark.patch(SOURCE)
def test_reset_cache_parameters_by_name_drops_them_from_user(ec):
    name = cache_group(ec, **{"maxmemory-policy": "allkeys-lru", "timeout": "300"})
    assert set(cache_params(ec, name, Source="user")) == {"maxmemory-policy", "timeout"}
    ec.reset_cache_parameter_group(CacheParameterGroupName=name,
                                   ParameterNameValues=[{"ParameterName": "timeout"}])
    assert list(cache_params(ec, name, Source="user")) == ["maxmemory-policy"]
    timeout = cache_params(ec, name)["timeout"]
    assert timeout["ParameterValue"] == "0" and timeout["Source"] != "user"


@pytest.mark.patch(SOURCE)
def test_reset_all_cache_parameters_leaves_no_user_parameters(ec):
    name = cache_group(ec, **{"maxmemory-policy": "allkeys-lru", "timeout": "300"})
    ec.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=True)
    assert cache_params(ec, name, Source="user") == {}
    assert cache_params(ec, name)["maxmemory-policy"]["ParameterValue"] == "volatile-lru"


# MiniStack 1.5.33 already filters RDS DescribeDBParameters by Source; these pin it.

def db_params(rds, name, **kw):
    return {p["ParameterName"]: p for p in
            rds.describe_db_parameters(DBParameterGroupName=name, **kw)["Parameters"]}


def test_db_parameters_source_user_lists_only_modified(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    assert db_params(rds, name, Source="user") == {}
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "log_min_duration_statement", "ParameterValue": "500", "ApplyMethod": "immediate"}])
    user = db_params(rds, name, Source="user")
    assert list(user) == ["log_min_duration_statement"]
    assert user["log_min_duration_statement"]["ParameterValue"] == "500"
    assert "log_min_duration_statement" not in db_params(rds, name, Source="engine-default")
    assert {"log_min_duration_statement", "max_connections"} <= set(db_params(rds, name))


def test_reset_db_parameters_leaves_no_user_parameters(rds):
    name = uid("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="d")
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "work_mem", "ParameterValue": "16MB", "ApplyMethod": "immediate"},
        {"ParameterName": "log_statement", "ParameterValue": "ddl", "ApplyMethod": "immediate"}])
    rds.reset_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": "work_mem", "ApplyMethod": "immediate"}])
    assert list(db_params(rds, name, Source="user")) == ["log_statement"]
    rds.reset_db_parameter_group(DBParameterGroupName=name, ResetAllParameters=True)
    assert db_params(rds, name, Source="user") == {}

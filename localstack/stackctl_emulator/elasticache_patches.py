"""Patches to MiniStack's ElastiCache (ministack/services/elasticache.py).

elasticache.py's ``handle_request`` builds its action table from the module-level
``_create_replication_group``-style functions on every call, so a patch replaces the
module attribute (``wrap``); ``handle_request`` itself is wrapped to advance time.
Member cache clusters live in ``_clusters``, groups in ``_replication_groups``, tags in
``_tags`` (ARN -> list), so patch state stays in MiniStack's stores and reset clears it.

Sources are the ElastiCache API Reference (also the documentation strings of botocore's
elasticache service model) and the ElastiCache User Guide pages named at each patch.
"""

import copy
import re
import time
from xml.sax.saxutils import escape as xml_escape

from ministack.services import elasticache as ec

from . import common
from .common import has_param, is_true, param, patch

TICKS = []


def wrap(name, fn):
    orig = getattr(ec, name)

    def handler(p, _orig=orig, _fn=fn):
        return _fn(_orig, p)

    handler.__name__ = f"stackctl_{fn.__name__}"
    setattr(ec, name, handler)


def error(code, message, status=400):
    return ec._error(code, message, status)


def ok(resp):
    return resp[0] == 200


def rg_response(action, rg):
    return ec._xml(200, f"{action}Response",
                   f"<{action}Result><ReplicationGroup>{ec._rg_xml(rg)}</ReplicationGroup></{action}Result>")


def cluster_mode_disabled(rg):
    return not rg.get("ClusterEnabled") and rg.get("ClusterMode", "disabled") != "enabled"


def member_id(rg, node_group_id, n):
    """AWS names cluster-mode-disabled members <group>-001, -002, ...; cluster-mode-enabled
    members <group>-<shard 0001>-<node 001>. Source: ElastiCache User Guide, "Finding
    connection endpoints" / DescribeReplicationGroups examples."""
    if cluster_mode_disabled(rg):
        return f"{rg['ReplicationGroupId']}-{n:03d}"
    return f"{rg['ReplicationGroupId']}-{node_group_id}-{n:03d}"


def remove_member(cluster_id, account=None, region_=None):
    """Drop a member cluster, its tags and its place in its group."""
    if account is None:
        cluster = ec._clusters.pop(cluster_id, None)
    else:
        cluster = ec._clusters.pop_scoped(account, region_, cluster_id, None)
    if cluster is None:
        return
    ec._tags.pop(cluster.get("CacheClusterArn", ""), None)
    rg_id = cluster.get("ReplicationGroupId")
    rg = (ec._replication_groups.get(rg_id) if account is None
          else ec._replication_groups.get_scoped(account, region_, rg_id))
    if rg is None:
        return
    rg["MemberClusters"] = [m for m in rg.get("MemberClusters", []) if m != cluster_id]
    for ng in rg.get("NodeGroups", []):
        ng["NodeGroupMembers"] = [m for m in ng.get("NodeGroupMembers", []) if m.get("CacheClusterId") != cluster_id]


def _install_framework():
    orig = ec.handle_request

    async def handle_request(method, path, headers, body, query_params):
        for tick in TICKS:
            tick()
        return await orig(method, path, headers, body, query_params)

    ec.handle_request = handle_request


_install_framework()


# ---------------------------------------------------------------- member naming

@patch("elasticache-member-naming")
def member_naming():
    """Cluster-mode-disabled replication group members are <group>-001, -002, ... (MiniStack
    named them <group>-0001-001, the cluster-mode-enabled form). EMULATOR.md ("Facts about real
    AWS"); ElastiCache User Guide, "Finding connection endpoints"."""

    def create(orig, p):
        resp = orig(p)
        if not ok(resp):
            return resp
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if not cluster_mode_disabled(rg):
            return resp
        renames = {}
        for ng in rg.get("NodeGroups", []):
            for n, m in enumerate(ng.get("NodeGroupMembers", []), 1):
                new_id = member_id(rg, ng["NodeGroupId"], n)
                if new_id != m["CacheClusterId"]:
                    renames[m["CacheClusterId"]] = new_id
                    m["CacheClusterId"] = new_id
        for old_id, new_id in renames.items():
            cluster = ec._clusters.pop(old_id, None)
            if cluster is None:
                continue
            old_arn = cluster["CacheClusterArn"]
            cluster["CacheClusterId"] = new_id
            cluster["CacheClusterArn"] = ec._arn_cluster(new_id)
            ec._clusters[new_id] = cluster
            ec._tags[cluster["CacheClusterArn"]] = ec._tags.pop(old_arn, [])
        rg["MemberClusters"] = [renames.get(c, c) for c in rg.get("MemberClusters", [])]
        return rg_response("CreateReplicationGroup", rg)

    wrap("_create_replication_group", create)


# ---------------------------------------------------------------- replica count

def _new_member(rg, ng, template_cluster_id, new_id, az_index):
    """A replica member: node group entry plus a describable cache cluster record."""
    template = ec._clusters.get(template_cluster_id)
    primary = next((m for m in ng["NodeGroupMembers"] if m.get("CurrentRole") == "primary"),
                   ng["NodeGroupMembers"][0] if ng["NodeGroupMembers"] else {})
    endpoint = dict(primary.get("ReadEndpoint") or ng.get("PrimaryEndpoint") or {})
    az = f"{ec.get_region()}{'abcdef'[az_index % 6]}"
    ng["NodeGroupMembers"].append({
        "CacheClusterId": new_id,
        "CacheNodeId": "0001",
        "CurrentRole": "replica",
        "PreferredAvailabilityZone": az,
        "ReadEndpoint": endpoint,
    })
    rg.setdefault("MemberClusters", []).append(new_id)
    if template is None:
        return None
    cluster = copy.deepcopy(template)
    cluster.pop(common.TRANSITION_KEY, None)
    now = time.time()
    cluster.update({
        "CacheClusterId": new_id,
        "CacheClusterArn": ec._arn_cluster(new_id),
        "CacheClusterStatus": "available",
        "CacheClusterCreateTime": now,
        "PreferredAvailabilityZone": az,
        "_docker_container_id": None,
    })
    for node in cluster.get("CacheNodes", []):
        node.update({"CacheNodeStatus": "available", "CacheNodeCreateTime": now, "Endpoint": endpoint})
    ec._clusters[new_id] = cluster
    ec._tags[cluster["CacheClusterArn"]] = ec._copy_tag_list(ec._tags.get(rg["ARN"], []))
    return cluster


@patch("elasticache-replica-count")
def replica_count():
    """IncreaseReplicaCount / DecreaseReplicaCount really add / remove member clusters ("The
    number of read replica nodes you want at the completion of this operation"), listed in
    MemberClusters and NodeGroupMembers and described by DescribeCacheClusters with the group's
    settings; DecreaseReplicaCount honours ReplicasToRemove and refuses going below the minimum
    ("If Multi-AZ is enabled: 1") and 5 replicas is the maximum. Source: ElastiCache API Reference,
    IncreaseReplicaCount / DecreaseReplicaCount. MiniStack added node-group entries only (no
    cluster, not in MemberClusters) and never removed clusters."""

    def increase(_orig, p):
        rg_id = param(p, "ReplicationGroupId")
        rg = ec._replication_groups.get(rg_id)
        if rg is None:
            return error("ReplicationGroupNotFoundFault", f"Replication group {rg_id} not found", 404)
        if not has_param(p, "NewReplicaCount"):
            return error("InvalidParameterValue", "NewReplicaCount is required for cluster-mode-disabled "
                         "replication groups in this emulator.")
        target = int(param(p, "NewReplicaCount"))
        if not 1 <= target <= 5:
            return error("InvalidParameterValue", "NewReplicaCount must be between 1 and 5.")
        added = []
        for ng in rg.get("NodeGroups", []):
            members = ng.setdefault("NodeGroupMembers", [])
            if target + 1 <= len(members):
                continue
            template = (members[0]["CacheClusterId"] if members else None)
            used = {m["CacheClusterId"] for m in members}
            n = 1
            while len(members) < target + 1:
                new_id = member_id(rg, ng["NodeGroupId"], n)
                n += 1
                if new_id in used or ec._clusters.get(new_id) is not None:
                    continue
                cluster = _new_member(rg, ng, template, new_id, len(members))
                added.append((new_id, cluster))
        if not added:
            return error("InvalidParameterValue",
                         f"Replication group {rg_id} already has {target} or more replicas.")
        rg["_replicas_per_node_group"] = target
        rg["_stackctl_added"] = [cid for cid, _ in added]
        ec._record_event(rg_id, "replication-group", "Replica count increased")
        return rg_response("IncreaseReplicaCount", rg)

    def decrease(_orig, p):
        rg_id = param(p, "ReplicationGroupId")
        rg = ec._replication_groups.get(rg_id)
        if rg is None:
            return error("ReplicationGroupNotFoundFault", f"Replication group {rg_id} not found", 404)
        to_remove = ec._extract_configs(p, "ReplicasToRemove", ("member", "NodeId"))
        minimum = 1 if rg.get("MultiAZ") == "enabled" else 0
        removed = []
        for ng in rg.get("NodeGroups", []):
            members = ng.get("NodeGroupMembers", [])
            replicas = [m["CacheClusterId"] for m in members if m.get("CurrentRole") != "primary"]
            if to_remove:
                chosen = [cid for cid in replicas if cid in to_remove]
                target = len(replicas) - len(chosen)
            else:
                if not has_param(p, "NewReplicaCount"):
                    return error("InvalidParameterValue", "Either NewReplicaCount or ReplicasToRemove is required.")
                target = int(param(p, "NewReplicaCount"))
                chosen = replicas[target:] if target < len(replicas) else []
            if target < minimum:
                return error("InvalidParameterValue",
                             f"Replication group {rg_id} has Multi-AZ enabled and needs at least {minimum} "
                             "replica.")
            removed.extend(chosen)
        if not removed:
            return error("NoOperationFault", "The replica count is already at or below the requested value.")
        rg["_replicas_per_node_group"] = max(0, len(rg.get("MemberClusters", [])) - len(removed) - 1)
        rg["_stackctl_removed"] = removed
        for cluster_id in removed:
            remove_member(cluster_id)
        ec._record_event(rg_id, "replication-group", "Replica count decreased")
        return rg_response("DecreaseReplicaCount", rg)

    wrap("_increase_replica_count", increase)
    wrap("_decrease_replica_count", decrease)


# ---------------------------------------------------------------- modify reaches members

@patch("elasticache-modify-members")
def modify_members():
    """ModifyReplicationGroup changes reach the member clusters, as DescribeCacheClusters shows
    on AWS: CacheNodeType, EngineVersion, PreferredMaintenanceWindow, SnapshotWindow,
    SnapshotRetentionLimit, CacheParameterGroupName, SecurityGroupIds, AutoMinorVersionUpgrade
    (MiniStack changed the group only, and dropped the window, security groups and minor
    version setting). NumCacheClusters is not a ModifyReplicationGroup parameter on AWS (use
    Increase/DecreaseReplicaCount), so nothing reads it. Source: ElastiCache API Reference,
    ModifyReplicationGroup, CacheCluster."""

    def modify(orig, p):
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        resp = orig(p)
        if not ok(resp) or rg is None:
            return resp
        sgs = ec._extract_configs(p, "SecurityGroupIds", ("SecurityGroupId", "member"))
        if sgs:
            rg["SecurityGroups"] = [{"SecurityGroupId": sg, "Status": "active"} for sg in sgs]
        if has_param(p, "PreferredMaintenanceWindow"):
            rg["PreferredMaintenanceWindow"] = param(p, "PreferredMaintenanceWindow")
        if has_param(p, "AutoMinorVersionUpgrade"):
            rg["AutoMinorVersionUpgrade"] = is_true(p, "AutoMinorVersionUpgrade")
        for cluster_id in rg.get("MemberClusters", []):
            cluster = ec._clusters.get(cluster_id)
            if cluster is None:
                continue
            for key in ("CacheNodeType", "EngineVersion", "SnapshotWindow", "SnapshotRetentionLimit",
                        "AutoMinorVersionUpgrade", "AuthTokenEnabled"):
                if key in rg:
                    cluster[key] = rg[key]
            if rg.get("PreferredMaintenanceWindow"):
                cluster["PreferredMaintenanceWindow"] = rg["PreferredMaintenanceWindow"]
            if sgs:
                cluster["SecurityGroups"] = copy.deepcopy(rg["SecurityGroups"])
            if has_param(p, "CacheParameterGroupName"):
                cluster["CacheParameterGroup"] = {"CacheParameterGroupName": param(p, "CacheParameterGroupName"),
                                                  "ParameterApplyStatus": "in-sync"}
        return rg_response("ModifyReplicationGroup", rg)

    wrap("_modify_replication_group", modify)


# ---------------------------------------------------------------- validation

@patch("elasticache-failover-validation")
def failover_validation():
    """AWS refuses, with InvalidParameterCombination: AutomaticFailoverEnabled with fewer than 2
    clusters in a cluster-mode-disabled group ("If AutomaticFailoverEnabled is true, the value of
    this parameter [NumCacheClusters] must be at least 2"), and MultiAZEnabled without automatic
    failover (Multi-AZ needs automatic failover); ModifyReplicationGroup likewise.
    Source: ElastiCache API Reference, CreateReplicationGroup NumCacheClusters; ElastiCache
    User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ"."""

    def create(orig, p):
        failover = is_true(p, "AutomaticFailoverEnabled")
        multi_az = is_true(p, "MultiAZEnabled")
        node_groups = int(param(p, "NumNodeGroups") or "1")
        if has_param(p, "NumCacheClusters"):
            nodes = int(param(p, "NumCacheClusters"))
        else:
            nodes = int(param(p, "ReplicasPerNodeGroup") or "0") + 1
        if failover and node_groups == 1 and nodes < 2:
            return error("InvalidParameterCombination",
                         "NumCacheClusters must be at least 2 when AutomaticFailoverEnabled is true "
                         "(a primary and at least one replica).")
        if multi_az and not failover:
            return error("InvalidParameterCombination",
                         "Multi-AZ requires automatic failover: set AutomaticFailoverEnabled to true "
                         "when MultiAZEnabled is true.")
        return orig(p)

    def modify(orig, p):
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if rg is not None:
            failover = (is_true(p, "AutomaticFailoverEnabled") if has_param(p, "AutomaticFailoverEnabled")
                        else rg.get("AutomaticFailover") == "enabled")
            multi_az = (is_true(p, "MultiAZEnabled") if has_param(p, "MultiAZEnabled")
                        else rg.get("MultiAZ") == "enabled")
            members = max(len(ng.get("NodeGroupMembers", [])) for ng in rg.get("NodeGroups", [{}])) \
                if rg.get("NodeGroups") else len(rg.get("MemberClusters", []))
            if failover and cluster_mode_disabled(rg) and members < 2:
                return error("InvalidParameterCombination",
                             "Automatic failover needs at least one replica in the replication group.")
            if multi_az and not failover:
                return error("InvalidParameterCombination",
                             "Multi-AZ requires automatic failover: set AutomaticFailoverEnabled to true "
                             "when MultiAZEnabled is true.")
        return orig(p)

    wrap("_create_replication_group", create)
    wrap("_modify_replication_group", modify)


# ---------------------------------------------------------------- parameter Source

_PARAMETER = re.compile(rb"<Parameter>.*?</Parameter>", re.S)
_SOURCE = re.compile(rb"<Source>(.*?)</Source>", re.S)


@patch("elasticache-parameter-source")
def parameter_source():
    """DescribeCacheParameters Source ("The parameter types to return. Valid values: user |
    system | engine-default"): "user" returns only the parameters set with
    ModifyCacheParameterGroup (their Source is "user"), "system" / "engine-default" the others,
    none every parameter; ResetCacheParameterGroup ("reset to their default values"), by name or
    ResetAllParameters, gives a parameter back its default value and Source, so it no longer
    counts as "user". Source: ElastiCache API Reference, DescribeCacheParameters,
    ResetCacheParameterGroup, Parameter. MiniStack already marked modified parameters "user"
    and reset known ones, but ignored Source (every parameter came back) and kept a reset
    parameter that has no default as "user"."""

    def matches(stored, wanted):
        if wanted == "user":
            return stored == "user"
        if wanted in ("system", "engine-default"):
            return stored != "user"
        return stored == wanted

    def describe(orig, p):
        resp = orig(p)
        wanted = param(p, "Source")
        if not ok(resp) or not wanted:
            return resp
        status, headers, body = resp

        def keep(m):
            src = _SOURCE.search(m.group(0))
            stored = src.group(1).decode() if src else "system"
            return m.group(0) if matches(stored, wanted) else b""

        return status, headers, _PARAMETER.sub(keep, body)

    def reset(orig, p):
        resp = orig(p)
        name = param(p, "CacheParameterGroupName")
        params = ec._param_group_params.get(name)
        if not ok(resp) or params is None or is_true(p, "ResetAllParameters"):
            return resp
        family = (ec._param_groups.get(name) or {}).get("CacheParameterGroupFamily") \
            or ec._param_group_family_for_engine("redis", "7.0")
        defaults = ec._default_params_for_family(family)
        idx = 1
        while has_param(p, f"ParameterNameValues.ParameterNameValue.{idx}.ParameterName"):
            pname = param(p, f"ParameterNameValues.ParameterNameValue.{idx}.ParameterName")
            if pname in defaults:
                params[pname] = dict(defaults[pname])
            else:
                params.pop(pname, None)  # no default to go back to: no longer set
            idx += 1
        return resp

    wrap("_describe_cache_parameters", describe)
    wrap("_reset_cache_parameter_group", reset)


# ---------------------------------------------------------------- parameters that need a reboot

REBOOT_PARAMETERS = ("activerehashing", "databases")
_PARAMETER_END = re.compile(rb"<ParameterName>(.*?)</ParameterName>(.*?)</Parameter>", re.S)


@patch("elasticache-parameter-reboot")
def parameter_reboot():
    """Parameters whose change takes a node reboot. DescribeCacheParameters gives each one's
    ChangeType ("Indicates whether a change to the parameter is applied immediately or requires
    a reboot for the change to be applied. You can force a reboot or wait until the next
    maintenance window's reboot."): `requires-reboot` for activerehashing and databases ("For
    Redis (cluster mode disabled) clusters, those parameters are: activerehashing, databases",
    ElastiCache User Guide, Rebooting nodes), `immediate` for the others. A
    ModifyCacheParameterGroup that changes one of those leaves each cache cluster using the group
    with CacheParameterGroup.ParameterApplyStatus `pending-reboot` ("The status of parameter
    updates", CacheParameterGroupStatus); RebootCacheCluster brings the cluster `in-sync`.
    MiniStack gave no ChangeType and kept every cluster `in-sync`.
    Source: ElastiCache API Reference, Parameter, CacheParameterGroupStatus, RebootCacheCluster."""

    def change_type(name):
        return "requires-reboot" if name in REBOOT_PARAMETERS else "immediate"

    def describe(orig, p):
        resp = orig(p)
        if not ok(resp):
            return resp
        status, headers, body = resp

        def add(m):
            kind = change_type(m.group(1).decode()).encode()
            return m.group(0)[:-len(b"</Parameter>")] + b"<ChangeType>" + kind + b"</ChangeType></Parameter>"

        return status, headers, _PARAMETER_END.sub(add, body)

    def modify(orig, p):
        resp = orig(p)
        name = param(p, "CacheParameterGroupName")
        changed = []
        idx = 1
        while has_param(p, f"ParameterNameValues.ParameterNameValue.{idx}.ParameterName"):
            changed.append(param(p, f"ParameterNameValues.ParameterNameValue.{idx}.ParameterName"))
            idx += 1
        if ok(resp) and any(change_type(c) == "requires-reboot" for c in changed):
            for cluster in ec._clusters.values():
                group = cluster.get("CacheParameterGroup") or {}
                if group.get("CacheParameterGroupName") == name:
                    group["ParameterApplyStatus"] = "pending-reboot"
        return resp

    def reboot(orig, p):
        resp = orig(p)
        cluster = ec._clusters.get(param(p, "CacheClusterId"))
        if ok(resp) and cluster is not None:
            (cluster.get("CacheParameterGroup") or {})["ParameterApplyStatus"] = "in-sync"
            resp = ec._xml_cluster_response("RebootCacheClusterResponse", "RebootCacheClusterResult", cluster)
        return resp

    wrap("_describe_cache_parameters", describe)
    wrap("_modify_cache_parameter_group", modify)
    wrap("_reboot_cache_cluster", reboot)


# ---------------------------------------------------------------- port

def _group_endpoints(rg):
    """Every endpoint of a group and of its member clusters, as stored by MiniStack."""
    for ng in rg.get("NodeGroups", []):
        for key in ("PrimaryEndpoint", "ReaderEndpoint"):
            if ng.get(key):
                yield ng[key]
        for m in ng.get("NodeGroupMembers", []):
            if m.get("ReadEndpoint"):
                yield m["ReadEndpoint"]
    if rg.get("ConfigurationEndpoint"):
        yield rg["ConfigurationEndpoint"]
    for cluster_id in rg.get("MemberClusters", []):
        cluster = ec._clusters.get(cluster_id)
        if cluster is None:
            continue
        if cluster.get("_endpoint"):
            yield cluster["_endpoint"]
        for node in cluster.get("CacheNodes", []):
            if node.get("Endpoint"):
                yield node["Endpoint"]


@patch("elasticache-port")
def port():
    """CreateReplicationGroup Port ("The port number on which each member of the replication
    group accepts connections") is the port of every endpoint of the group: NodeGroup
    PrimaryEndpoint / ReaderEndpoint, NodeGroupMember ReadEndpoint, ConfigurationEndpoint (cluster
    mode) and the member clusters' CacheNode Endpoint ("The port number that the cache engine is
    listening on"); replicas added later (IncreaseReplicaCount) get it too. Without Port it stays
    6379. Source: ElastiCache API Reference, CreateReplicationGroup Port, NodeGroup,
    NodeGroupMember, Endpoint, CacheNode. MiniStack without Docker reported its sidecar's 6379
    whatever Port said. With Docker (EMULATOR_DOCKER=1) the endpoints are the containers' mapped
    host ports, which clients must reach, so they are left alone. The port is kept in the group's
    own record (``_stackctl_port``), so reset clears it."""

    def apply(rg):
        for endpoint in _group_endpoints(rg):
            endpoint["Port"] = rg["_stackctl_port"]

    def create(orig, p):
        resp = orig(p)
        if not ok(resp) or not has_param(p, "Port"):
            return resp
        try:
            wanted = int(param(p, "Port"))
        except ValueError:
            return resp
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if rg is None or rg.get("_docker_container_ids"):
            return resp
        rg["_stackctl_port"] = wanted
        apply(rg)
        return rg_response("CreateReplicationGroup", rg)

    def increase(orig, p):
        resp = orig(p)
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if not ok(resp) or rg is None or rg.get("_stackctl_port") is None:
            return resp
        apply(rg)
        return rg_response("IncreaseReplicaCount", rg)

    wrap("_create_replication_group", create)
    wrap("_increase_replica_count", increase)


# ---------------------------------------------------------------- KMS key

@patch("elasticache-kms-key-id")
def kms_key_id():
    """CreateReplicationGroup KmsKeyId ("The ID of the KMS key used to encrypt the disk in the
    cluster") comes back as the ReplicationGroup's KmsKeyId in every response that carries the
    group (Create/Describe/Modify/Delete, replica count changes); without it there is no KmsKeyId.
    Source: ElastiCache API Reference, CreateReplicationGroup KmsKeyId, ReplicationGroup KmsKeyId.
    MiniStack dropped it. It is kept in the group's own record, so reset clears it."""

    render = ec._rg_xml

    def rg_xml(rg, _render=render):
        body = _render(rg)
        key = rg.get("KmsKeyId")
        if not key:
            return body
        field = f"<KmsKeyId>{xml_escape(key)}</KmsKeyId>"
        tail = f"<ARN>{rg['ARN']}</ARN>"
        if body.endswith(tail):  # AWS's member order: KmsKeyId just before ARN
            return body[:-len(tail)] + field + tail
        return body + field

    def create(orig, p):
        resp = orig(p)
        if not ok(resp) or not has_param(p, "KmsKeyId"):
            return resp
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if rg is None:
            return resp
        rg["KmsKeyId"] = param(p, "KmsKeyId")
        return rg_response("CreateReplicationGroup", rg)

    ec._rg_xml = rg_xml
    wrap("_create_replication_group", create)


# ---------------------------------------------------------------- time passing

@patch("elasticache-time-passing")
def time_passing():
    """With EMULATOR_TRANSITION_SECONDS[_ELASTICACHE] > 0, replication groups pass through
    creating, modifying (also during Increase/DecreaseReplicaCount) and deleting, and their
    member clusters likewise (creating, modifying, deleting -> gone); while a group is not
    available, ModifyReplicationGroup, Increase/DecreaseReplicaCount and a second
    DeleteReplicationGroup fail with InvalidReplicationGroupState.
    Source: ElastiCache API Reference, ReplicationGroup.Status ("creating, available,
    modifying, deleting, create-failed, snapshotting"), CacheCluster.CacheClusterStatus,
    InvalidReplicationGroupStateFault. EMULATOR.md, "Make time pass"."""

    def cluster_gone(cluster, _tr, scoped_key):
        account, region_, cluster_id = scoped_key
        ec._clusters._data[scoped_key] = cluster  # let remove_member find and drop it whole
        remove_member(cluster_id, account, region_)

    def tick():
        common.finish_all(ec._replication_groups, "Status")
        common.finish_all(ec._clusters, "CacheClusterStatus", on_removed=cluster_gone)

    TICKS.append(tick)

    def members(rg, ids=None):
        for cluster_id in ids if ids is not None else rg.get("MemberClusters", []):
            cluster = ec._clusters.get(cluster_id)
            if cluster is not None:
                yield cluster

    def not_available(rg):
        return error("InvalidReplicationGroupState",
                     f"Replication group {rg['ReplicationGroupId']} is not in available state "
                     f"(it is {rg.get('Status')}).")

    def guarded(fn):
        def run(orig, p):
            rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
            if rg is not None and rg.get("Status") != "available":
                return not_available(rg)
            return fn(orig, p, rg)
        run.__name__ = fn.__name__
        return run

    def create(orig, p):
        resp = orig(p)
        if not ok(resp):
            return resp
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if common.begin(rg, "Status", "creating", "elasticache"):
            for cluster in members(rg):
                common.begin(cluster, "CacheClusterStatus", "creating", "elasticache")
            return rg_response("CreateReplicationGroup", rg)
        return resp

    @guarded
    def modify(orig, p, rg):
        resp = orig(p)
        if ok(resp) and rg is not None and common.begin(rg, "Status", "modifying", "elasticache"):
            for cluster in members(rg):
                common.begin(cluster, "CacheClusterStatus", "modifying", "elasticache")
            return rg_response("ModifyReplicationGroup", rg)
        return resp

    @guarded
    def increase(orig, p, rg):
        resp = orig(p)
        added = rg.pop("_stackctl_added", []) if rg is not None else []
        if ok(resp) and rg is not None and common.begin(rg, "Status", "modifying", "elasticache"):
            for cluster in members(rg, added):
                common.begin(cluster, "CacheClusterStatus", "creating", "elasticache")
            return rg_response("IncreaseReplicaCount", rg)
        return resp

    @guarded
    def decrease(orig, p, rg):
        before = {cid: ec._clusters.get(cid) for cid in (rg or {}).get("MemberClusters", [])}
        ng_before = copy.deepcopy((rg or {}).get("NodeGroups", []))
        resp = orig(p)
        if not ok(resp) or rg is None or common.transition_seconds("elasticache") <= 0:
            return resp
        removed = [cid for cid in before if cid not in rg.get("MemberClusters", [])]
        # Keep the removed members listed, deleting, until their time has passed.
        rg["MemberClusters"] = list(before)
        rg["NodeGroups"] = ng_before
        for cid in removed:
            cluster = before[cid]
            if cluster is not None:
                ec._clusters[cid] = cluster
                ec._tags[cluster["CacheClusterArn"]] = ec._copy_tag_list(ec._tags.get(rg["ARN"], []))
                common.begin(cluster, "CacheClusterStatus", "deleting", "elasticache", then=None)
        common.begin(rg, "Status", "modifying", "elasticache")
        return rg_response("DecreaseReplicaCount", rg)

    def delete(orig, p):
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if rg is not None and rg.get("Status") == "deleting":
            return not_available(rg)
        clusters = list(members(rg)) if rg is not None else []
        resp = orig(p)
        if not ok(resp) or rg is None or not common.begin(rg, "Status", "deleting", "elasticache", then=None):
            return resp
        ec._replication_groups[rg["ReplicationGroupId"]] = rg
        for cluster in clusters:
            ec._clusters[cluster["CacheClusterId"]] = cluster
            common.begin(cluster, "CacheClusterStatus", "deleting", "elasticache", then=None)
        return rg_response("DeleteReplicationGroup", rg)

    wrap("_create_replication_group", create)
    wrap("_modify_replication_group", modify)
    wrap("_increase_replica_count", increase)
    wrap("_decrease_replica_count", decrease)
    wrap("_delete_replication_group", delete)


# ---------------------------------------------------------------- AUTH token strategies

@patch("elasticache-auth-strategy")
def auth_strategy():
    """ModifyReplicationGroup AuthTokenUpdateStrategy as AWS documents it: "DELETE - allowed only
    when transitioning to RBAC" (with UserGroupIdsToAdd), and "SET - allowed only after ROTATE";
    MiniStack accepted both anywhere. Source: ElastiCache API Reference, ModifyReplicationGroup
    AuthTokenUpdateStrategy."""

    def modify(orig, p):
        strategy = param(p, "AuthTokenUpdateStrategy")
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        if strategy == "DELETE" and not has_param(p, "UserGroupIdsToAdd.member.1"):
            return error("InvalidParameterCombination",
                         "AuthTokenUpdateStrategy DELETE is allowed only when transitioning to RBAC.")
        if strategy == "SET" and rg is not None and not rg.get("AuthTokenEnabled"):
            return error("InvalidParameterCombination",
                         "AuthTokenUpdateStrategy SET is allowed only after ROTATE.")
        return orig(p)

    wrap("_modify_replication_group", modify)


# ---------------------------------------------------------------- in-transit encryption

@patch("elasticache-transit-encryption")
def transit_encryption():
    """ModifyReplicationGroup TransitEncryptionEnabled / TransitEncryptionMode on an existing
    group, as AWS documents it; MiniStack ignored both. "Modifying the in-transit encryption
    setting, for an existing cluster, is supported on replication groups running Redis version 7
    and later" (ElastiCache User Guide, In-transit encryption); "If you are enabling in-transit
    encryption for an existing cluster, you must also set TransitEncryptionMode to preferred"
    (TransitEncryptionEnabled), and "Setting TransitEncryptionMode to required is a two-step
    process that requires you to first set the TransitEncryptionMode to preferred, after that you
    can set TransitEncryptionMode to required" (TransitEncryptionMode; both ModifyReplicationGroup,
    ElastiCache API Reference). The mode shows on the group and on its member clusters. AWS
    documents no way to turn encryption off or to go back from required: refused here, so a
    test that sends one fails rather than passing on the emulator's leniency."""

    def refuse(message):
        return error("InvalidParameterCombination", message)

    def modify(orig, p):
        rg = ec._replication_groups.get(param(p, "ReplicationGroupId"))
        asked = has_param(p, "TransitEncryptionEnabled") or has_param(p, "TransitEncryptionMode")
        if rg is None or not asked:
            return orig(p)
        on = bool(rg.get("TransitEncryptionEnabled"))
        mode = rg.get("TransitEncryptionMode") or ("required" if on else None)
        want_on = is_true(p, "TransitEncryptionEnabled") if has_param(p, "TransitEncryptionEnabled") else on
        want = param(p, "TransitEncryptionMode") or mode
        major = int((str(rg.get("EngineVersion") or "0").split(".") + ["0"])[0] or 0)
        if major < 7:
            return refuse("Modifying the in-transit encryption setting, for an existing cluster, is "
                          "supported on replication groups running Redis version 7 and later.")
        if not want_on:
            return refuse("Turning in-transit encryption off on an existing group is not supported.")
        if not on and want != "preferred":
            return refuse("If you are enabling in-transit encryption for an existing cluster, you must "
                          "also set TransitEncryptionMode to preferred.")
        if on and mode == "required" and want == "preferred":
            return refuse("TransitEncryptionMode cannot go back from required to preferred.")
        resp = orig(p)
        if not ok(resp):
            return resp
        rg["TransitEncryptionEnabled"], rg["TransitEncryptionMode"] = True, want
        for cid in rg.get("MemberClusters") or []:
            cluster = ec._clusters.get(cid)
            if cluster is not None:
                cluster["TransitEncryptionEnabled"], cluster["TransitEncryptionMode"] = True, want
        return rg_response("ModifyReplicationGroup", rg)

    wrap("_modify_replication_group", modify)


@patch("elasticache-parameter-group-in-use")
def parameter_group_in_use():
    """A cache parameter group in use is not deleted: "You cannot delete a cache parameter group
    if it is associated with any cache clusters." (ElastiCache API Reference,
    DeleteCacheParameterGroup), answering InvalidCacheParameterGroupState ("The current state of
    the cache parameter group does not allow the requested operation to occur."). MiniStack
    deleted it whatever used it."""

    def delete(orig, p):
        name = param(p, "CacheParameterGroupName")
        users = [c.get("CacheClusterId", "") for c in ec._clusters.values()
                 if (c.get("CacheParameterGroup") or {}).get("CacheParameterGroupName") == name]
        if users:
            return error("InvalidCacheParameterGroupState",
                         f"The cache parameter group {name} is in use by {', '.join(sorted(users))} "
                         "and can't be deleted.")
        return orig(p)

    wrap("_delete_param_group", delete)

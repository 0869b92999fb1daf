"""Patches to MiniStack's Aurora DB clusters (ministack/services/rds.py, cluster actions).

Kept apart from rds_patches.py (DB instances, proxies) because the cluster rules have their
own source: the Aurora User Guide and the RDS API Reference pages named at each patch. The
handlers are wrapped through the same ``_ACTION_MAP`` (``rds_patches.wrap``); state stays in
MiniStack's own cluster records, so a reset clears it.
"""

import json
import os
import re

from ministack.services import rds, secretsmanager

from .common import has_param, is_true, param, patch
from .rds_patches import error, find_instance, instance_response, ok, wrap

# ---------------------------------------------------------------- engine versions

# Aurora Serverless v2 capacity (Aurora User Guide, "Aurora Serverless v2 capacity",
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html):
# a minimum of 0 ACUs (automatic pause) needs Aurora PostgreSQL 16.3, 15.7, 14.12, 13.15 or
# higher (17 from its first release) or Aurora MySQL 3.08.0 or higher; a maximum above 128 ACUs
# (up to 256) needs Aurora PostgreSQL 16.2, 15.6, 14.11, 13.14 or Aurora MySQL 3.06.0 or higher.
_PG_ZERO_MIN = {13: 15, 14: 12, 15: 7, 16: 3}
_PG_256_MAX = {13: 14, 14: 11, 15: 6, 16: 2}
_MYSQL_ZERO_MIN = (3, 8, 0)
_MYSQL_256_MAX = (3, 6, 0)


def _numbers(text):
    return tuple(int(x) for x in re.findall(r"\d+", text or ""))


def _aurora_mysql_version(version):
    # "8.0.mysql_aurora.3.08.0" -> (3, 8, 0)
    _, _, tail = (version or "").partition("mysql_aurora.")
    return _numbers(tail)


def _pg_at_least(version, table):
    nums = _numbers(version)
    if not nums:
        return True  # no version named: AWS picks its default, a recent one
    major, minor = nums[0], (nums[1] if len(nums) > 1 else 0)
    if major > max(table):
        return True
    return major in table and minor >= table[major]


def supports_zero_min(engine, version):
    if engine == "aurora-postgresql":
        return _pg_at_least(version, _PG_ZERO_MIN)
    if engine == "aurora-mysql":
        return not version or _aurora_mysql_version(version) >= _MYSQL_ZERO_MIN
    return False


def largest_max(engine, version):
    if engine == "aurora-postgresql":
        return 256.0 if _pg_at_least(version, _PG_256_MAX) else 128.0
    if engine == "aurora-mysql":
        return 256.0 if not version or _aurora_mysql_version(version) >= _MYSQL_256_MAX else 128.0
    return 256.0


def cluster_parameter_group_family(engine, version):
    """aurora-postgresql16 for 16.x; aurora-mysql8.0 for 8.0.mysql_aurora.3.x (Aurora User
    Guide, "Working with parameter groups": a group's family is the engine and major version)."""
    if engine == "aurora-postgresql":
        nums = _numbers(version)
        return f"aurora-postgresql{nums[0]}" if nums else None
    if engine == "aurora-mysql":
        nums = _numbers(version)
        return f"aurora-mysql{nums[0]}.{nums[1]}" if len(nums) >= 2 else None
    return None


# ---------------------------------------------------------------- Serverless v2 capacity range

_PREFIX = "ServerlessV2ScalingConfiguration."


def _capacity(p, key):
    raw = param(p, _PREFIX + key)
    return float(raw) if raw not in (None, "") else None


def capacity_error(engine, version, low, high):
    """The AWS rules for a ServerlessV2ScalingConfiguration, or None when it is legal."""
    for name, value in (("MinCapacity", low), ("MaxCapacity", high)):
        if value is not None and (value * 2) != int(value * 2):
            return error("InvalidParameterValue",
                         f"{name} {value:g} is not a multiple of 0.5 ACU: Aurora Serverless v2 "
                         "capacity is set in half-step increments.")
    if high is not None and high < 1:
        return error("InvalidParameterValue", f"MaxCapacity {high:g} is below 1 ACU.")
    ceiling = largest_max(engine, version)
    if high is not None and high > ceiling:
        return error("InvalidParameterValue",
                     f"MaxCapacity {high:g} is above {ceiling:g} ACUs, the largest value for "
                     f"{engine} {version}.")
    if low is not None and low < 0.5 and not (low == 0 and supports_zero_min(engine, version)):
        return error("InvalidParameterValue",
                     f"MinCapacity {low:g} is below 0.5 ACU; 0 ACUs (automatic pause) is not "
                     f"supported by {engine} {version}.")
    if low is not None and high is not None and low > high:
        return error("InvalidParameterCombination",
                     f"MinCapacity {low:g} is greater than MaxCapacity {high:g}.")
    return None


@patch("rds-serverless-v2-capacity")
def serverless_v2_capacity():
    """ServerlessV2ScalingConfiguration on CreateDBCluster and ModifyDBCluster: MinCapacity and
    MaxCapacity in half-step increments, MaxCapacity from 1 up to 256 ACUs (128 on older
    versions), MinCapacity 0 only on the versions that support automatic pause (else 0.5), and
    MinCapacity not above MaxCapacity. Sources: RDS API Reference,
    ServerlessV2ScalingConfiguration; Aurora User Guide, "Aurora Serverless v2 capacity"."""

    def create(orig, p):
        if has_param(p, _PREFIX + "MinCapacity") or has_param(p, _PREFIX + "MaxCapacity"):
            engine = param(p, "Engine") or "aurora-postgresql"
            bad = capacity_error(engine, param(p, "EngineVersion"),
                                 _capacity(p, "MinCapacity"), _capacity(p, "MaxCapacity"))
            if bad:
                return bad
        return orig(p)

    def modify(orig, p):
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        if cluster is not None and (has_param(p, _PREFIX + "MinCapacity")
                                    or has_param(p, _PREFIX + "MaxCapacity")):
            current = cluster.get("ServerlessV2ScalingConfiguration") or {}
            low = _capacity(p, "MinCapacity")
            high = _capacity(p, "MaxCapacity")
            version = param(p, "EngineVersion") or cluster.get("EngineVersion", "")
            bad = capacity_error(cluster.get("Engine", ""), version,
                                 current.get("MinCapacity") if low is None else low,
                                 current.get("MaxCapacity") if high is None else high)
            if bad:
                return bad
        return orig(p)

    wrap("CreateDBCluster", create)
    wrap("ModifyDBCluster", modify)


# ---------------------------------------------------------------- db.serverless needs a range

@patch("rds-serverless-instance-needs-capacity")
def serverless_instance_needs_capacity():
    """A DB instance of class db.serverless joins only a cluster that has a
    ServerlessV2ScalingConfiguration ("Clusters that use Aurora Serverless v2 must have a
    capacity range specified", Aurora User Guide, "Requirements and limitations for Aurora
    Serverless v2"): else InvalidParameterCombination. An instance naming a cluster that does
    not exist: DBClusterNotFoundFault (RDS API Reference, CreateDBInstance, Errors)."""

    def refuse(cluster_id, klass):
        if not cluster_id:
            return None
        cluster = rds._clusters.get(cluster_id)
        if cluster is None:
            return error("DBClusterNotFoundFault", f"DBCluster {cluster_id} not found.", 404)
        if klass == "db.serverless" and not cluster.get("ServerlessV2ScalingConfiguration"):
            return error("InvalidParameterCombination",
                         f"DB cluster {cluster_id} has no ServerlessV2ScalingConfiguration: set a "
                         "capacity range on the cluster before adding a db.serverless instance.")
        return None

    def create(orig, p):
        return refuse(param(p, "DBClusterIdentifier"), param(p, "DBInstanceClass")) or orig(p)

    def modify(orig, p):
        if param(p, "DBInstanceClass") == "db.serverless":
            inst = rds._resolve_instance(param(p, "DBInstanceIdentifier"))
            if inst is not None and inst.get("DBClusterIdentifier"):
                bad = refuse(inst["DBClusterIdentifier"], "db.serverless")
                if bad:
                    return bad
        return orig(p)

    wrap("CreateDBInstance", create)
    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- cluster parameter group family

@patch("rds-cluster-parameter-group-family")
def cluster_parameter_group_family_check():
    """A DB cluster parameter group applies only to clusters of its family (engine and major
    version: aurora-postgresql16 for Aurora PostgreSQL 16.x); CreateDBCluster or ModifyDBCluster
    naming one of another family fails with InvalidParameterCombination. Source: Aurora User
    Guide, "Parameter groups for Amazon Aurora" (DB cluster parameter groups)."""

    def family_error(group_name, engine, version):
        group = rds._db_cluster_param_groups.get(group_name) if group_name else None
        want = cluster_parameter_group_family(engine, version)
        have = (group or {}).get("DBParameterGroupFamily")
        if group is None or not want or not have or have == want:
            return None
        return error("InvalidParameterCombination",
                     f"DB cluster parameter group {group_name} has family {have}; a cluster of "
                     f"{engine} {version} needs family {want}.")

    def create(orig, p):
        engine = param(p, "Engine") or "aurora-postgresql"
        return family_error(param(p, "DBClusterParameterGroupName"), engine,
                            param(p, "EngineVersion")) or orig(p)

    def modify(orig, p):
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        if cluster is not None:
            name = param(p, "DBClusterParameterGroupName")
            version = param(p, "EngineVersion") or cluster.get("EngineVersion", "")
            bad = family_error(name, cluster.get("Engine", ""), version)
            if bad:
                return bad
        return orig(p)

    wrap("CreateDBCluster", create)
    wrap("ModifyDBCluster", modify)


# ---------------------------------------------------------------- writer and reader endpoints

@patch("rds-cluster-endpoints")
def cluster_endpoints():
    """The cluster endpoint (writer) and reader endpoint are DNS names that stay the same for the
    life of the cluster: <id>.cluster-<suffix>.<region>.rds.amazonaws.com and
    <id>.cluster-ro-<suffix>... (Aurora User Guide, "Amazon Aurora endpoint connections").
    Without Docker, MiniStack replaced both with "localhost" when an instance joined, so the
    writer and the reader could not be told apart. With EMULATOR_DOCKER=1 MiniStack's own
    reachable addresses are kept."""

    if os.environ.get("EMULATOR_DOCKER") == "1":
        return
    orig_sync = rds._sync_cluster_endpoints

    def sync(cluster):
        names = (cluster.get("Endpoint"), cluster.get("ReaderEndpoint"))
        orig_sync(cluster)
        if cluster.get("Endpoint") == "localhost" and ".cluster-" in (names[0] or ""):
            cluster["Endpoint"], cluster["ReaderEndpoint"] = names

    rds._sync_cluster_endpoints = sync


# ---------------------------------------------------------------- cluster log exports

@patch("rds-cluster-log-exports")
def cluster_log_exports():
    """The logs a DB cluster exports to CloudWatch Logs, shown as the cluster's
    EnabledCloudwatchLogsExports ("A list of log types that this DB cluster is configured to
    export to CloudWatch Logs", RDS API Reference, DBCluster):
    - CreateDBCluster EnableCloudwatchLogsExports ("The list of log types that need to be enabled
      for exporting to CloudWatch Logs") sets them;
    - ModifyDBCluster CloudwatchLogsExportConfiguration ("The configuration setting for the log
      types to be enabled for export to CloudWatch Logs for a specific DB cluster") adds its
      EnableLogTypes and removes its DisableLogTypes.
    MiniStack stored an empty list, ignored both parameters, and left the element out of its
    answer. Source: RDS API Reference, CreateDBCluster, ModifyDBCluster, DBCluster."""

    key = "EnabledCloudwatchLogsExports"

    def create(orig, p):
        resp = orig(p)
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        if ok(resp) and cluster is not None:
            logs = rds._parse_member_list(p, "EnableCloudwatchLogsExports")
            cluster[key] = list(dict.fromkeys(logs))
            return response("CreateDBCluster", cluster)
        return resp

    def modify(orig, p):
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        prefix = "CloudwatchLogsExportConfiguration"
        enable = rds._parse_member_list(p, f"{prefix}.EnableLogTypes")
        disable = rds._parse_member_list(p, f"{prefix}.DisableLogTypes")
        resp = orig(p)
        if not ok(resp) or cluster is None or not (enable or disable):
            return resp
        logs = [log for log in cluster.get(key) or [] if log not in disable]
        logs += [log for log in dict.fromkeys(enable) if log not in logs and log not in disable]
        cluster[key] = logs
        return response("ModifyDBCluster", cluster)

    def response(action, cluster):
        return rds._xml(200, f"{action}Response",
                        f"<{action}Result><DBCluster>{rds._cluster_xml(cluster)}</DBCluster></{action}Result>")

    def logs_xml(cluster):
        members = "".join(f"<member>{log}</member>" for log in cluster.get(key) or [])
        return f"<{key}>{members}</{key}>"

    orig_cluster_xml = rds._cluster_xml

    def cluster_xml(c):
        return orig_cluster_xml(c) + logs_xml(c)

    rds._cluster_xml = cluster_xml
    wrap("CreateDBCluster", create)
    wrap("ModifyDBCluster", modify)


# ---------------------------------------------------------------- promotion tier

@patch("rds-promotion-tier")
def promotion_tier():
    """ModifyDBInstance PromotionTier ("A value that specifies the order in which an Aurora Replica
    is promoted to the primary instance after a failure of the existing primary instance", RDS
    API Reference, ModifyDBInstance) changes the instance's PromotionTier and its entry in the
    cluster's DBClusterMembers. MiniStack kept the tier given at create."""

    def modify(orig, p):
        instance = find_instance(p)
        resp = orig(p)
        if not ok(resp) or instance is None or not has_param(p, "PromotionTier"):
            return resp
        tier = int(param(p, "PromotionTier"))
        instance["PromotionTier"] = tier
        cluster = rds._clusters.get(instance.get("DBClusterIdentifier") or "")
        for m in (cluster or {}).get("DBClusterMembers") or []:
            if m.get("DBInstanceIdentifier") == instance.get("DBInstanceIdentifier"):
                m["PromotionTier"] = tier
        return instance_response("ModifyDBInstance", instance)

    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- managed master password on modify

@patch("rds-cluster-managed-master-password")
def cluster_managed_master_password():
    """ModifyDBCluster ManageMasterUserPassword turns RDS's management of the master password on
    or off (RDS API Reference, ModifyDBCluster ManageMasterUserPassword): "If the DB cluster
    doesn't manage the master user password with Amazon Web Services Secrets Manager, you can
    turn on this management. In this case, you can't specify MasterUserPassword." and "If the DB
    cluster already manages the master user password with Amazon Web Services Secrets Manager,
    and you specify that the master user password is not managed with Amazon Web Services
    Secrets Manager, then you must specify MasterUserPassword. In this case, RDS deletes
    the secret and uses the new password for the master user specified by MasterUserPassword."
    MiniStack ignored the parameter: turning management on made no MasterUserSecret, and turning
    it off with the new password was refused as a password given to a managed cluster."""

    def modify(orig, p):
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        manage = param(p, "ManageMasterUserPassword").lower()
        if cluster is None or manage not in ("true", "false"):
            return orig(p)
        managed = cluster.get("MasterUserSecret")
        password = has_param(p, "MasterUserPassword")
        if manage == "true" and password:
            return error("InvalidParameterCombination",
                         "You can't specify MasterUserPassword when ManageMasterUserPassword is enabled.")
        if manage == "false" and managed and not password:
            return error("InvalidParameterCombination",
                         "You must specify MasterUserPassword when you turn off ManageMasterUserPassword.")
        if manage == "false" and managed:
            cluster.pop("MasterUserSecret")
            resp = orig(p)
            if not ok(resp):
                cluster["MasterUserSecret"] = managed
                return resp
            secretsmanager.delete_secret_in_process(managed["SecretArn"])
            return rds._xml(200, "ModifyDBClusterResponse",
                            f"<ModifyDBClusterResult><DBCluster>{rds._cluster_xml(cluster)}"
                            "</DBCluster></ModifyDBClusterResult>")
        if manage == "true" and not managed:
            new_password = rds._generate_master_user_password()
            resp = orig(dict(p, MasterUserPassword=[new_password]))
            if not ok(resp):
                return resp
            arn = secretsmanager.create_secret_in_process(
                f"rds!cluster-{rds.new_uuid()}",
                json.dumps({"username": cluster.get("MasterUsername", "admin"), "password": new_password}),
                description=f"Secret managed by RDS for DB cluster {cluster['DBClusterIdentifier']}",
            )
            cluster["MasterUserSecret"] = {
                "SecretArn": arn,
                "SecretStatus": "active",
                "KmsKeyId": param(p, "MasterUserSecretKmsKeyId")
                or f"arn:aws:kms:{rds.get_region()}:{rds.get_account_id()}:key/aws-secretsmanager-default",
            }
            return rds._xml(200, "ModifyDBClusterResponse",
                            f"<ModifyDBClusterResult><DBCluster>{rds._cluster_xml(cluster)}"
                            "</DBCluster></ModifyDBClusterResult>")
        return orig(p)

    wrap("ModifyDBCluster", modify)


# ---------------------------------------------------------------- cluster port

@patch("rds-cluster-port")
def cluster_port():
    """ModifyDBCluster Port ("The port number on which the DB cluster accepts connections", RDS
    API Reference, ModifyDBCluster) is the port of the cluster's endpoints and of its DB
    instances' endpoints alike. MiniStack set the cluster's Port only, and recomputed it from the
    cluster's shared endpoint whenever any DB instance anywhere was deleted, so the new port went
    back to the old one. That endpoint and the members' Endpoint.Port now follow the cluster's."""

    def modify(orig, p):
        resp = orig(p)
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        if not ok(resp) or cluster is None or not has_param(p, "Port"):
            return resp
        port = int(param(p, "Port"))
        shared = cluster.get("_shared_endpoint")
        if isinstance(shared, dict):
            shared["Port"] = port  # what MiniStack recomputes the cluster's Port from
        for m in cluster.get("DBClusterMembers") or []:
            instance = rds._instances.get(m.get("DBInstanceIdentifier"))
            if instance is not None and isinstance(instance.get("Endpoint"), dict):
                instance["Endpoint"]["Port"] = port
        return resp

    wrap("ModifyDBCluster", modify)


# ---------------------------------------------------------------- cluster parameter apply status

@patch("rds-cluster-parameter-apply-status")
def cluster_parameter_apply_status():
    """ModifyDBClusterParameterGroup and ResetDBClusterParameterGroup with ApplyMethod
    pending-reboot act on the clusters that use the group as AWS documents for parameter groups:
    "When the application method is pending-reboot, changes to dynamic and static parameters are
    applied after a reboot without failover to the DB instances associated with the parameter
    group" (RDS API Reference, ModifyDBParameterGroup; Parameter ApplyMethod). Each member of such
    a cluster shows DBClusterParameterGroupStatus pending-reboot in DBClusterMembers until it is
    rebooted (RebootDBInstance). MiniStack always showed in-sync."""

    flag = "_stackctl_cluster_parameters_pending"

    def pending_reboot(p):
        prefix = rds._parameter_member_prefix(p)
        idx = 1
        while param(p, f"{prefix}.{idx}.ParameterName"):
            if param(p, f"{prefix}.{idx}.ApplyMethod") == "pending-reboot":
                return True
            idx += 1
        return False

    def guarded(orig, p):
        resp = orig(p)
        name = param(p, "DBClusterParameterGroupName")
        if not ok(resp) or not pending_reboot(p):
            return resp
        for cluster in rds._clusters.values():
            if cluster.get("DBClusterParameterGroup") != name:
                continue
            for m in cluster.get("DBClusterMembers") or []:
                instance = rds._instances.get(m.get("DBInstanceIdentifier"))
                if instance is not None:
                    instance[flag] = True
        return resp

    def reboot(orig, p):
        instance = find_instance(p)
        resp = orig(p)
        if ok(resp) and instance is not None:
            instance.pop(flag, None)
        return resp

    prior_cluster_xml = rds._cluster_xml

    def cluster_xml(c):
        xml = prior_cluster_xml(c)
        for m in c.get("DBClusterMembers") or []:
            ident = m.get("DBInstanceIdentifier", "")
            if not (rds._instances.get(ident) or {}).get(flag):
                continue
            xml = re.sub(
                rf"(<DBInstanceIdentifier>{re.escape(ident)}</DBInstanceIdentifier>\s*"
                r"<IsClusterWriter>\w+</IsClusterWriter>\s*<DBClusterParameterGroupStatus>)in-sync",
                r"\1pending-reboot", xml)
        return xml

    rds._cluster_xml = cluster_xml
    wrap("ModifyDBClusterParameterGroup", guarded)
    wrap("ResetDBClusterParameterGroup", guarded)
    wrap("RebootDBInstance", reboot)


# ---------------------------------------------------------------- the writer deleted: failover

@patch("rds-cluster-writer-deleted-failover")
def cluster_writer_deleted_failover():
    """Deleting the writer of an Aurora cluster that has readers makes AWS fail over to one of
    them, which becomes the writer: "Deleting the reader instances first ensures that the cluster
    remains available throughout the procedure and doesn't perform unnecessary failover
    operations." (Aurora User Guide, Deleting Aurora DB clusters and DB instances,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteInstance.html), and
    "An Amazon Aurora DB cluster automatically fails over to an Aurora Replica, if one exists,
    when the primary DB instance fails." (RDS API Reference, FailoverDBCluster). The reader
    promoted is the first in promotion order ("The order of priority in which an Aurora Replica
    is promoted to the primary instance after a failure of the existing primary instance", RDS
    API Reference, ModifyDBInstance PromotionTier); within a tier, the member order, as
    MiniStack's own FailoverDBCluster picks. MiniStack removed the writer from DBClusterMembers
    and left the cluster with no writer at all."""

    def delete(orig, p):
        instance = find_instance(p)
        cluster = rds._clusters.get((instance or {}).get("DBClusterIdentifier") or "")
        resp = orig(p)
        if not ok(resp) or cluster is None:
            return resp
        members = cluster.get("DBClusterMembers") or []
        if members and not any(m.get("IsClusterWriter") for m in members):
            promoted = min(members, key=lambda m: int(m.get("PromotionTier", 1)))
            promoted["IsClusterWriter"] = True
            rds._sync_cluster_endpoints(cluster)
        return resp

    wrap("DeleteDBInstance", delete)


# ---------------------------------------------------------------- engine version held for the window

@patch("rds-cluster-engine-version-held")
def cluster_engine_version_held():
    """ModifyDBCluster EngineVersion without ApplyImmediately waits for the maintenance window:
    "The version number of the database engine to which you want to upgrade. Changing this
    parameter results in an outage. The change is applied during the next maintenance window
    unless ApplyImmediately is enabled." (RDS API Reference, ModifyDBCluster EngineVersion);
    meanwhile DescribeDBClusters reports it in PendingModifiedValues.EngineVersion ("The
    database engine version.", RDS API Reference, ClusterPendingModifiedValues). And
    ApplyImmediately applies "the modifications in this request and any pending modifications"
    (ModifyDBCluster ApplyImmediately). MiniStack upgraded the cluster at once whatever
    ApplyImmediately said, and reported no pending values for a cluster."""

    def modify(orig, p):
        cluster = rds._clusters.get(param(p, "DBClusterIdentifier"))
        if cluster is None:
            return orig(p)
        before = cluster.get("EngineVersion")
        resp = orig(p)
        if not ok(resp):
            return resp
        if is_true(p, "ApplyImmediately"):
            held = cluster.pop("_held_engine_version", None)
            if held and not has_param(p, "EngineVersion"):
                cluster["EngineVersion"] = held
        elif has_param(p, "EngineVersion") and param(p, "EngineVersion") != before:
            cluster["_held_engine_version"] = cluster["EngineVersion"]
            cluster["EngineVersion"] = before
        else:
            return resp
        return rds._xml(200, "ModifyDBClusterResponse",
                        f"<ModifyDBClusterResult><DBCluster>{rds._cluster_xml(cluster)}"
                        "</DBCluster></ModifyDBClusterResult>")

    wrap("ModifyDBCluster", modify)
    plain = rds._cluster_xml

    def cluster_xml(c):
        held = c.get("_held_engine_version")
        pending = (f"<PendingModifiedValues><EngineVersion>{held}</EngineVersion>"
                   "</PendingModifiedValues>") if held else ""
        return plain(c) + pending

    rds._cluster_xml = cluster_xml

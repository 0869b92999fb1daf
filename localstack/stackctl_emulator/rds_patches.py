"""Patches to MiniStack's RDS (ministack/services/rds.py).

rds.py dispatches every Query action through the module-level dict ``_ACTION_MAP``
(action name -> handler(params) -> (status, headers, body)); handlers render instances
with the module-level ``_instance_xml`` looked up at call time. So a patch wraps an
entry of ``_ACTION_MAP`` (``wrap``), adds to what ``_instance_xml`` renders
(``VIEW_HOOKS``) or edits the rendering (``XML_FILTERS``), and keeps its state in the
instance records themselves.

Sources are the RDS API Reference (the same text ships as the documentation strings
of botocore's rds service model) and the RDS User Guide pages named at each patch.
"""

import copy
import json
import re
import time
import uuid

from ministack.services import rds, secretsmanager

from . import common
from .common import has_param, is_true, param, patch

# ---------------------------------------------------------------- framework (always on)

_RESPONSES = {
    "CreateDBInstance": ("CreateDBInstanceResponse", "CreateDBInstanceResult"),
    "ModifyDBInstance": ("ModifyDBInstanceResponse", "ModifyDBInstanceResult"),
    "DeleteDBInstance": ("DeleteDBInstanceResponse", "DeleteDBInstanceResult"),
    "CreateDBInstanceReadReplica": ("CreateDBInstanceReadReplicaResponse", "CreateDBInstanceReadReplicaResult"),
}

VIEW_HOOKS = []      # fn(stored_instance, view_copy) -> extra XML or None
XML_FILTERS = []     # fn(stored_instance, xml) -> xml, run on the whole rendering last
REMOVED_HOOKS = []   # fn(instance) when an instance record is finally gone
DEFER_REMOVAL = []   # fn(instance) -> True when it re-inserted the record to remove later
TICKS = []           # fn() run before every RDS request


def wrap(action, fn):
    """Replace _ACTION_MAP[action] by fn(orig, params)."""
    orig = rds._ACTION_MAP[action]

    def handler(p, _orig=orig, _fn=fn):
        return _fn(_orig, p)

    handler.__name__ = f"stackctl_{fn.__name__}"
    rds._ACTION_MAP[action] = handler


def error(code, message, status=400):
    return rds._error(code, rds._esc(message) if hasattr(rds, "_esc") else message, status)


def ok(resp):
    return resp[0] == 200


def instance_response(action, instance):
    root, result = _RESPONSES[action]
    return rds._single_instance_response(root, result, instance)


def find_instance(p, key="DBInstanceIdentifier"):
    ident = param(p, key)
    return rds._resolve_instance(ident) if ident else None


def region():
    return rds.get_region()


def account():
    return rds.get_account_id()


def aws_managed_key(alias):
    # AWS fills the key ARN of the AWS managed key (aws/rds, aws/secretsmanager) when the
    # caller names none; MiniStack already uses this form for DB clusters' secrets.
    return f"arn:aws:kms:{region()}:{account()}:key/aws-{alias}-default"


def instance_removed(instance):
    for hook in REMOVED_HOOKS:
        hook(instance)


def _install_framework():
    orig_xml = rds._instance_xml

    def instance_xml(i):
        view = dict(i)
        extra = "".join(filter(None, (hook(i, view) for hook in VIEW_HOOKS)))
        xml = orig_xml(view) + extra
        for xml_filter in XML_FILTERS:
            xml = xml_filter(i, xml)
        return xml

    rds._instance_xml = instance_xml

    orig_sync = rds._handle_request_sync

    def handle_request_sync(method, path, headers, body, query_params):
        for tick in TICKS:
            tick()
        return orig_sync(method, path, headers, body, query_params)

    rds._handle_request_sync = handle_request_sync

    def delete_db_instance(orig, p):
        instance = find_instance(p)
        resp = orig(p)
        if not ok(resp) or instance is None:
            return resp
        if any(defer(instance) for defer in DEFER_REMOVAL):
            return instance_response("DeleteDBInstance", instance)
        instance_removed(instance)
        return resp

    wrap("DeleteDBInstance", delete_db_instance)


_install_framework()

# PendingModifiedValues member -> ModifyDBInstance parameter, where the names differ.
_REQUEST_NAME = {"IAMDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication"}

# Settings AWS keeps in PendingModifiedValues until applied (ModifyDBInstance, ApplyImmediately).
PENDING_CLASS = ("DBInstanceClass", "AllocatedStorage", "MultiAZ", "EngineVersion", "StorageType",
                 "Iops", "StorageThroughput", "BackupRetentionPeriod", "CACertificateIdentifier")

# PendingModifiedValues members the instance record keeps under another key (a patch adds them):
# member -> (record key, fn(record value) -> member value, fn(instance, member value) applying it).
# Every other member is the record key of the same name.
PENDING_MEMBERS = {}


def record_key(member):
    return PENDING_MEMBERS[member][0] if member in PENDING_MEMBERS else member


def current_value(record, member):
    """The value PendingModifiedValues.<member> would hold if the record had it pending."""
    if member in PENDING_MEMBERS:
        key, value_of, _apply = PENDING_MEMBERS[member]
        return value_of(record.get(key))
    return record.get(member)


def apply_pending(instance, member, value):
    if member in PENDING_MEMBERS:
        PENDING_MEMBERS[member][2](instance, value)
    else:
        instance[member] = value


# ---------------------------------------------------------------- managed master password

@patch("rds-managed-master-password")
def managed_master_password():
    """ManageMasterUserPassword=true -> MasterUserSecret {SecretArn, SecretStatus, KmsKeyId} and a
    real Secrets Manager secret holding {"username", "password"}, deleted with the instance.
    Source: RDS API Reference, CreateDBInstance/ModifyDBInstance ManageMasterUserPassword,
    MasterUserSecretKmsKeyId; RDS User Guide "Password management with Amazon RDS and AWS
    Secrets Manager". MiniStack 1.5.33 does this for DB clusters only."""

    def create_secret(instance, password, kms_key_id):
        name = f"rds!db-{uuid.uuid4()}"
        secret_arn = secretsmanager.create_secret_in_process(
            name,
            json.dumps({"username": instance["MasterUsername"], "password": password}),
            description=f"Secret associated with primary RDS DB instance: {instance['DBInstanceArn']}",
        )
        secret = secretsmanager._secrets.get(name)
        kms = kms_key_id or aws_managed_key("secretsmanager")
        if secret is not None:
            secret["KmsKeyId"] = kms
            secret["Tags"] = [{"Key": "aws:rds:primaryDBInstanceArn", "Value": instance["DBInstanceArn"]}]
        instance["MasterUserSecret"] = {"SecretArn": secret_arn, "SecretStatus": "active", "KmsKeyId": kms}
        instance["_stackctl_secret_owner"] = instance["DBInstanceArn"]
        instance["_MasterUserPassword"] = password

    def delete_secret(instance):
        secret = instance.get("MasterUserSecret")
        # A replica copied from its source must never delete the source's secret.
        if secret and instance.get("_stackctl_secret_owner") == instance.get("DBInstanceArn"):
            secretsmanager.delete_secret_in_process(secret["SecretArn"])
        instance.pop("MasterUserSecret", None)
        instance.pop("_stackctl_secret_owner", None)

    def create(orig, p):
        if not is_true(p, "ManageMasterUserPassword") or has_param(p, "DBClusterIdentifier"):
            return orig(p)
        if has_param(p, "MasterUserPassword"):
            return error("InvalidParameterCombination",
                         "You can't specify MasterUserPassword when ManageMasterUserPassword is enabled.")
        password = rds._generate_master_user_password()
        p = dict(p, MasterUserPassword=[password])  # a Docker-backed engine starts with it
        resp = orig(p)
        if not ok(resp):
            return resp
        instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
        create_secret(instance, password, param(p, "MasterUserSecretKmsKeyId"))
        return instance_response("CreateDBInstance", instance)

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None:
            return orig(p)
        managed = bool(instance.get("MasterUserSecret"))
        manage = param(p, "ManageMasterUserPassword").lower()
        if manage == "true" and has_param(p, "MasterUserPassword"):
            return error("InvalidParameterCombination",
                         "You can't specify MasterUserPassword when ManageMasterUserPassword is enabled.")
        if manage == "false" and managed and not has_param(p, "MasterUserPassword"):
            return error("InvalidParameterCombination",
                         "You must specify MasterUserPassword when you turn off ManageMasterUserPassword.")
        if managed and manage != "false" and has_param(p, "MasterUserPassword"):
            return error("InvalidParameterCombination",
                         "You can't specify MasterUserPassword for an instance with ManageMasterUserPassword enabled.")
        rotate = is_true(p, "RotateMasterUserPassword")
        if rotate and not managed:
            return error("InvalidParameterCombination",
                         "You can only rotate the master user password when it's managed by RDS in AWS Secrets Manager.")
        if rotate and not is_true(p, "ApplyImmediately"):
            return error("InvalidParameterCombination",
                         "You must specify apply immediately when rotating the master user password.")
        new_password = None
        if (manage == "true" and not managed) or rotate:
            new_password = rds._generate_master_user_password()
            p = dict(p, MasterUserPassword=[new_password])  # MiniStack rotates a real engine's password
        resp = orig(p)
        if not ok(resp):
            return resp
        if manage == "true" and not managed:
            create_secret(instance, new_password, param(p, "MasterUserSecretKmsKeyId"))
        elif rotate:
            secretsmanager.put_secret_value_in_process(
                instance["MasterUserSecret"]["SecretArn"],
                json.dumps({"username": instance["MasterUsername"], "password": new_password}))
        elif manage == "false" and managed:
            delete_secret(instance)
        else:
            return resp
        return instance_response("ModifyDBInstance", instance)

    def view(instance, _view):
        secret = instance.get("MasterUserSecret")
        if not secret:
            return None
        return ("<MasterUserSecret>"
                f"<SecretArn>{secret['SecretArn']}</SecretArn>"
                f"<SecretStatus>{secret.get('SecretStatus', 'active')}</SecretStatus>"
                f"<KmsKeyId>{secret.get('KmsKeyId', '')}</KmsKeyId>"
                "</MasterUserSecret>")

    wrap("CreateDBInstance", create)
    wrap("ModifyDBInstance", modify)
    VIEW_HOOKS.append(view)
    REMOVED_HOOKS.append(delete_secret)


# ---------------------------------------------------------------- read replicas

@patch("rds-read-replica")
def read_replica():
    """CreateDBInstanceReadReplica: "Your source DB instance or cluster must have backup retention
    enabled" (else InvalidDBInstanceState); "RDS creates read replicas with backups disabled. All
    other attributes ... are inherited from the source DB instance or cluster, except as specified";
    DeletionProtection ("By default, deletion protection isn't enabled"), MultiAZ,
    CopyTagsToSnapshot ("By default, tags aren't copied"), MonitoringInterval ("The default is 0")
    and Performance Insights are the replica's own, and the source's MasterUserSecret is not the
    replica's. Source: RDS API Reference, CreateDBInstanceReadReplica.
    MiniStack copied the whole source record (deletion protection, secret, pending changes)."""

    overrides = {  # request parameter -> instance key, when the request names it
        "DBInstanceClass": ("DBInstanceClass", str),
        "AvailabilityZone": ("AvailabilityZone", str),
        "AutoMinorVersionUpgrade": ("AutoMinorVersionUpgrade", lambda v: v == "true"),
        "StorageType": ("StorageType", str),
        "Iops": ("Iops", int),
        "StorageThroughput": ("StorageThroughput", int),
        "AllocatedStorage": ("AllocatedStorage", int),
        "PubliclyAccessible": ("PubliclyAccessible", lambda v: v == "true"),
        "CACertificateIdentifier": ("CACertificateIdentifier", str),
        "EnableIAMDatabaseAuthentication": ("IAMDatabaseAuthenticationEnabled", lambda v: v == "true"),
    }

    def create_replica(orig, p):
        source = find_instance(p, "SourceDBInstanceIdentifier")
        if source is not None:
            cascading_pg = (source.get("Engine") == "postgres"
                            and source.get("ReadReplicaSourceDBInstanceIdentifier"))
            if int(source.get("BackupRetentionPeriod") or 0) == 0 and not cascading_pg:
                return error("InvalidDBInstanceState",
                             "Automated backups are not enabled for this database instance. To enable "
                             "automated backups, use ModifyDBInstance to set the backup retention period "
                             "to a non-zero value.")
        resp = orig(p)
        if not ok(resp):
            return resp
        replica = rds._instances.get(param(p, "DBInstanceIdentifier"))
        for key, value in list(replica.items()):  # no structure shared with the source
            if isinstance(value, (dict, list)):
                replica[key] = copy.deepcopy(value)
        replica.pop("MasterUserSecret", None)
        replica.pop("_stackctl_secret_owner", None)
        replica.pop(common.TRANSITION_KEY, None)
        replica["PendingModifiedValues"] = {}
        replica["BackupRetentionPeriod"] = 0
        replica["DeletionProtection"] = is_true(p, "DeletionProtection")
        replica["MultiAZ"] = is_true(p, "MultiAZ")
        replica["CopyTagsToSnapshot"] = is_true(p, "CopyTagsToSnapshot")
        replica["MonitoringInterval"] = int(param(p, "MonitoringInterval") or 0)
        replica["MonitoringRoleArn"] = param(p, "MonitoringRoleArn")
        replica["PerformanceInsightsEnabled"] = is_true(p, "EnablePerformanceInsights")
        replica["PerformanceInsightsRetentionPeriod"] = int(param(p, "PerformanceInsightsRetentionPeriod") or 7)
        replica["PerformanceInsightsKMSKeyId"] = (
            param(p, "PerformanceInsightsKMSKeyId")
            or (aws_managed_key("rds") if replica["PerformanceInsightsEnabled"] else ""))
        for name, (key, convert) in overrides.items():
            if has_param(p, name):
                replica[key] = convert(param(p, name))
        if has_param(p, "Port"):
            replica["Endpoint"]["Port"] = int(param(p, "Port"))
        if has_param(p, "DBParameterGroupName"):
            replica["DBParameterGroups"] = [{"DBParameterGroupName": param(p, "DBParameterGroupName"),
                                             "ParameterApplyStatus": "in-sync"}]
        sgs = rds._parse_member_list(p, "VpcSecurityGroupIds")
        if sgs:
            replica["VpcSecurityGroups"] = [{"VpcSecurityGroupId": sg, "Status": "active"} for sg in sgs]
        return instance_response("CreateDBInstanceReadReplica", replica)

    def detach_replica(instance):
        # AWS removes a deleted replica from its source's ReadReplicaDBInstanceIdentifiers,
        # and a source's deletion promotes its replicas to standalone instances
        # (RDS User Guide, "Working with DB instance read replicas"). MiniStack did neither.
        source = rds._instances.get(instance.get("ReadReplicaSourceDBInstanceIdentifier") or "")
        if source is not None:
            ids = source.get("ReadReplicaDBInstanceIdentifiers") or []
            source["ReadReplicaDBInstanceIdentifiers"] = [x for x in ids if x != instance["DBInstanceIdentifier"]]
        for replica_id in instance.get("ReadReplicaDBInstanceIdentifiers") or []:
            replica = rds._instances.get(replica_id)
            if replica is not None:
                replica["ReadReplicaSourceDBInstanceIdentifier"] = ""

    REMOVED_HOOKS.append(detach_replica)
    wrap("CreateDBInstanceReadReplica", create_replica)


# ---------------------------------------------------------------- duplicate names

@patch("rds-duplicate-names")
def duplicate_names():
    """CreateDBSubnetGroup with a name in use -> DBSubnetGroupAlreadyExists ("DBSubnetGroupName is
    already used by an existing DB subnet group"). Source: RDS API Reference, CreateDBSubnetGroup,
    Errors. MiniStack silently replaced the group. (Parameter groups, cache subnet groups and
    cache parameter groups already refuse duplicates in 1.5.33; tests/test_duplicates.py keeps
    them honest.)"""

    def create_subnet_group(orig, p):
        name = param(p, "DBSubnetGroupName")
        if name and rds._subnet_groups.get(name) is not None:
            return error("DBSubnetGroupAlreadyExists", f"The DB subnet group '{name}' already exists.")
        return orig(p)

    wrap("CreateDBSubnetGroup", create_subnet_group)


# ---------------------------------------------------------------- storage (gp3)

GP3_400_ENGINES = ("postgres", "mysql", "mariadb")


def gp3_baseline(engine, allocated):
    """(IOPS, MiB/s) AWS provides with gp3 when the caller provisions none.
    Source: RDS User Guide, "Amazon RDS DB instance storage", gp3 storage table."""
    engine = engine or ""
    if engine in GP3_400_ENGINES:
        return (12000, 500) if allocated >= 400 else (3000, 125)
    if engine.startswith("oracle"):
        return (12000, 500) if allocated >= 200 else (3000, 125)
    return (3000, 125)


def gp3_error(engine, storage_type, allocated, p):
    if storage_type == "gp3" and engine in GP3_400_ENGINES and allocated < 400 and (
            has_param(p, "Iops") or has_param(p, "StorageThroughput")):
        return error("InvalidParameterCombination",
                     f"You can't specify IOPS or storage throughput for engine {engine} and a storage "
                     "size less than 400.")
    return None


@patch("rds-gp3-storage")
def gp3_storage():
    """gp3 without provisioned IOPS/throughput reads back AWS's baseline: 3,000 IOPS and
    125 MiB/s below 400 GiB (PostgreSQL, MySQL, MariaDB), 12,000 IOPS and 500 MiB/s at or above;
    and IOPS or throughput given for gp3 below 400 GiB is refused with
    InvalidParameterCombination ("You can't specify IOPS or storage throughput for engine
    postgres and a storage size less than 400."). Source: RDS User Guide, "Amazon RDS DB
    instance storage" (gp3 storage); the error text is what RDS returns. StorageThroughput,
    which MiniStack dropped, is kept through create, replica and modify."""

    def create(orig, p):
        engine = param(p, "Engine") or "postgres"
        err = gp3_error(engine, param(p, "StorageType") or "gp2", int(param(p, "AllocatedStorage") or 20), p)
        if err:
            return err
        resp = orig(p)
        if ok(resp) and has_param(p, "StorageThroughput"):
            instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
            instance["StorageThroughput"] = int(param(p, "StorageThroughput"))
            return instance_response("CreateDBInstance", instance)
        return resp

    def create_replica(orig, p):
        source = find_instance(p, "SourceDBInstanceIdentifier")
        if source is not None:
            err = gp3_error(source.get("Engine"),
                            param(p, "StorageType") or source.get("StorageType"),
                            int(param(p, "AllocatedStorage") or source.get("AllocatedStorage") or 20), p)
            if err:
                return err
        return orig(p)

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None:
            return orig(p)
        pending = instance.get("PendingModifiedValues") or {}
        storage_type = param(p, "StorageType") or pending.get("StorageType") or instance.get("StorageType")
        allocated = int(param(p, "AllocatedStorage") or pending.get("AllocatedStorage")
                        or instance.get("AllocatedStorage") or 20)
        err = gp3_error(instance.get("Engine"), storage_type, allocated, p)
        if err:
            return err
        resp = orig(p)
        if not ok(resp) or not has_param(p, "StorageThroughput"):
            return resp
        value = int(param(p, "StorageThroughput"))
        if is_true(p, "ApplyImmediately"):
            instance["StorageThroughput"] = value
        else:
            instance["PendingModifiedValues"] = dict(instance.get("PendingModifiedValues") or {},
                                                     StorageThroughput=value)
        return instance_response("ModifyDBInstance", instance)

    def view(instance, view):
        if view.get("StorageType") != "gp3":
            return None
        allocated = int(view.get("AllocatedStorage") or 0)
        iops, throughput = gp3_baseline(view.get("Engine"), allocated)
        below = view.get("Engine") in GP3_400_ENGINES and allocated < 400
        if below or not view.get("Iops"):
            view["Iops"] = iops
        if below or not view.get("StorageThroughput"):
            view["StorageThroughput"] = throughput
        return None

    wrap("CreateDBInstance", create)
    wrap("CreateDBInstanceReadReplica", create_replica)
    wrap("ModifyDBInstance", modify)
    VIEW_HOOKS.append(view)


# ---------------------------------------------------------------- attributes round-trip

@patch("rds-instance-attributes")
def instance_attributes():
    """Create -> Describe and Modify -> Describe keep what AWS keeps:
    - CreateDBInstance PreferredBackupWindow (MiniStack always showed 03:00-04:00);
    - PerformanceInsightsKMSKeyId (default: the aws/rds key when Performance Insights is on),
      and ModifyDBInstance EnablePerformanceInsights / PerformanceInsightsRetentionPeriod /
      PerformanceInsightsKMSKeyId and AutoMinorVersionUpgrade, applied at once (MiniStack
      ignored them);
    - CreateDBInstance CACertificateIdentifier ("The CA certificate identifier to use for the DB
      instance's server certificate"; MiniStack always showed rds-ca-rsa2048-g1);
    - KmsKeyId of an encrypted instance defaults to the aws/rds key ("If you don't specify a
      value for the KmsKeyId parameter, then Amazon RDS uses your default KMS key");
    - ApplyImmediately: "the modifications in this request and any pending modifications are
      asynchronously applied as soon as possible" -- true applies (and clears) what was pending,
      false adds to PendingModifiedValues instead of replacing it; a pending value equal to the
      current one is not pending;
    - a new DBParameterGroupName is associated at once with ParameterApplyStatus
      pending-reboot ("the actual parameter changes are not applied until you reboot"), and
      RebootDBInstance brings it back in-sync.
    Source: RDS API Reference, CreateDBInstance and ModifyDBInstance parameters."""

    def create(orig, p):
        resp = orig(p)
        if not ok(resp):
            return resp
        instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
        if has_param(p, "PreferredBackupWindow"):
            instance["PreferredBackupWindow"] = param(p, "PreferredBackupWindow")
        if has_param(p, "CACertificateIdentifier"):
            instance["CACertificateIdentifier"] = param(p, "CACertificateIdentifier")
        instance["PerformanceInsightsKMSKeyId"] = (
            param(p, "PerformanceInsightsKMSKeyId")
            or (aws_managed_key("rds") if instance.get("PerformanceInsightsEnabled") else ""))
        if instance.get("StorageEncrypted") and not instance.get("KmsKeyId"):
            instance["KmsKeyId"] = aws_managed_key("rds")
        return instance_response("CreateDBInstance", instance)

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None:
            return orig(p)
        before_pending = dict(instance.get("PendingModifiedValues") or {})
        resp = orig(p)
        if not ok(resp):
            return resp
        if has_param(p, "EnablePerformanceInsights"):
            instance["PerformanceInsightsEnabled"] = is_true(p, "EnablePerformanceInsights")
            if instance["PerformanceInsightsEnabled"] and not instance.get("PerformanceInsightsKMSKeyId"):
                instance["PerformanceInsightsKMSKeyId"] = aws_managed_key("rds")
        if has_param(p, "PerformanceInsightsRetentionPeriod"):
            instance["PerformanceInsightsRetentionPeriod"] = int(param(p, "PerformanceInsightsRetentionPeriod"))
        if has_param(p, "PerformanceInsightsKMSKeyId"):
            instance["PerformanceInsightsKMSKeyId"] = param(p, "PerformanceInsightsKMSKeyId")
        if has_param(p, "AutoMinorVersionUpgrade"):
            instance["AutoMinorVersionUpgrade"] = is_true(p, "AutoMinorVersionUpgrade")
        if has_param(p, "DBParameterGroupName"):
            for group in instance.get("DBParameterGroups") or []:
                group["ParameterApplyStatus"] = "pending-reboot"
        after_pending = instance.get("PendingModifiedValues") or {}
        if is_true(p, "ApplyImmediately"):
            for key, value in before_pending.items():
                if not has_param(p, _REQUEST_NAME.get(key, key)):
                    apply_pending(instance, key, value)
            merged = {}
        else:
            merged = {**before_pending, **after_pending}
        instance["PendingModifiedValues"] = {k: v for k, v in merged.items() if current_value(instance, k) != v}
        if instance.get("MaxAllocatedStorage") == instance.get("AllocatedStorage"):
            instance.pop("MaxAllocatedStorage", None)
        return instance_response("ModifyDBInstance", instance)

    def reboot(orig, p):
        instance = find_instance(p)
        resp = orig(p)
        if ok(resp) and instance is not None:
            for group in instance.get("DBParameterGroups") or []:
                group["ParameterApplyStatus"] = "in-sync"
        return resp

    def view(instance, _view):
        key = instance.get("PerformanceInsightsKMSKeyId")
        return f"<PerformanceInsightsKMSKeyId>{key}</PerformanceInsightsKMSKeyId>" if key else None

    wrap("CreateDBInstance", create)
    wrap("ModifyDBInstance", modify)
    wrap("RebootDBInstance", reboot)
    VIEW_HOOKS.append(view)


# ---------------------------------------------------------------- CloudWatch Logs exports

@patch("rds-log-exports")
def log_exports():
    """The logs an instance exports to CloudWatch Logs, shown as EnabledCloudwatchLogsExports
    ("A list of log types that this DB instance is configured to export to CloudWatch Logs"):
    - CreateDBInstance EnableCloudwatchLogsExports ("The list of log types to enable for
      exporting to CloudWatch Logs") sets them;
    - ModifyDBInstance CloudwatchLogsExportConfiguration ("The log types to be enabled for export
      to CloudWatch Logs for a specific DB instance") adds its EnableLogTypes and removes its
      DisableLogTypes, at once and never held in PendingModifiedValues: "A change to the
      CloudwatchLogsExportConfiguration parameter is always applied to the DB instance
      immediately. Therefore, the ApplyImmediately parameter has no effect."
    - CreateDBInstanceReadReplica EnableCloudwatchLogsExports ("The list of logs that the new DB
      instance is to export to CloudWatch Logs") sets the replica's own; without it the replica
      keeps what MiniStack copies from its source (AWS documents no default).
    MiniStack ignored all three and always showed an empty list.
    Source: RDS API Reference, CreateDBInstance, CreateDBInstanceReadReplica, ModifyDBInstance,
    CloudwatchLogsExportConfiguration, DBInstance."""

    key = "EnabledCloudwatchLogsExports"

    def create(orig, p):
        resp = orig(p)
        if not ok(resp):
            return resp
        instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
        logs = rds._parse_member_list(p, "EnableCloudwatchLogsExports")
        instance[key] = list(dict.fromkeys(logs))
        return instance_response("CreateDBInstance", instance)

    def create_replica(orig, p):
        resp = orig(p)
        logs = rds._parse_member_list(p, "EnableCloudwatchLogsExports")
        if not ok(resp) or not logs:
            return resp
        replica = rds._instances.get(param(p, "DBInstanceIdentifier"))
        replica[key] = list(dict.fromkeys(logs))
        return instance_response("CreateDBInstanceReadReplica", replica)

    def modify(orig, p):
        instance = find_instance(p)
        prefix = "CloudwatchLogsExportConfiguration"
        enable = rds._parse_member_list(p, f"{prefix}.EnableLogTypes")
        disable = rds._parse_member_list(p, f"{prefix}.DisableLogTypes")
        resp = orig(p)
        if not ok(resp) or instance is None or not (enable or disable):
            return resp
        logs = [log for log in instance.get(key) or [] if log not in disable]
        logs += [log for log in dict.fromkeys(enable) if log not in logs and log not in disable]
        instance[key] = logs
        return instance_response("ModifyDBInstance", instance)

    def render(instance, xml):
        members = "".join(f"<member>{log}</member>" for log in instance.get(key) or [])
        return xml.replace(f"<{key}/>", f"<{key}>{members}</{key}>" if members else f"<{key}/>")

    wrap("CreateDBInstance", create)
    wrap("CreateDBInstanceReadReplica", create_replica)
    wrap("ModifyDBInstance", modify)
    XML_FILTERS.append(render)


# ---------------------------------------------------------------- instance port

@patch("rds-modify-port")
def modify_port():
    """ModifyDBInstance DBPortNumber changes the port the instance listens on, and
    DescribeDBInstances shows it as Endpoint.Port: "The port number on which the database accepts
    connections. [...] If you change the DBPortNumber value, your database restarts regardless of
    the value of the ApplyImmediately parameter." So it is applied at once, never held in
    PendingModifiedValues, whatever ApplyImmediately says; valid values are 1150-65535
    (InvalidParameterValue otherwise). MiniStack accepted DBPortNumber and ignored it.
    Source: RDS API Reference, ModifyDBInstance DBPortNumber; DBInstance Endpoint."""

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None or not has_param(p, "DBPortNumber"):
            return orig(p)
        try:
            port = int(param(p, "DBPortNumber"))
        except ValueError:
            port = 0
        if not 1150 <= port <= 65535:
            return error("InvalidParameterValue",
                         f"Invalid port {param(p, 'DBPortNumber')}: valid values are 1150-65535.")
        resp = orig(p)
        if not ok(resp):
            return resp
        instance.setdefault("Endpoint", {})["Port"] = port
        return instance_response("ModifyDBInstance", instance)

    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- instance subnet group

@patch("rds-modify-subnet-group")
def modify_subnet_group():
    """ModifyDBInstance DBSubnetGroupName moves the instance to that DB subnet group: "The new DB
    subnet group for the DB instance. You can use this parameter to move your DB instance to a
    different VPC. [...] The change is applied during the next maintenance window, unless you
    enable ApplyImmediately. [...] Constraints: If supplied, must match existing DB subnet
    group." With ApplyImmediately the instance's DBSubnetGroup (name, VPC, subnets) becomes the
    named group; without it the name waits in PendingModifiedValues.DBSubnetGroupName and the
    instance keeps its group (naming the current group leaves nothing pending). An unknown name
    is DBSubnetGroupNotFoundFault (404), as MiniStack answers for subnet groups elsewhere.
    Source: RDS API Reference, ModifyDBInstance DBSubnetGroupName; PendingModifiedValues
    DBSubnetGroupName; DBSubnetGroupNotFoundFault. MiniStack accepted the name and ignored it.

    The move is a move to another VPC, and AWS refuses the rest (RDS User Guide, "Updating the
    VPC for a DB instance", USER_VPC.VPC2VPC.html): "The new subnet group must be a subnet group
    in a new VPC", and "You can't change the VPC for a DB instance if the following conditions
    apply: The DB instance is in multiple Availability Zones. [...] The DB instance has one or
    more read replicas. [...] The DB instance is a read replica." A group in the instance's own
    VPC is refused as AWS answers it (InvalidVPCNetworkStateFault, "The specified DB subnet group
    and DB instance are in the same VPC", as reported in terraform-provider-aws#512); AWS
    documents no error code for the other three, so they share that fault, each naming its
    condition. Naming the group the instance is in is no move and stays accepted."""

    def move(instance, name):
        group = rds._subnet_groups.get(name)
        if group is not None:
            # The group's own record, as CreateDBInstance stores it (never edited in place).
            instance["DBSubnetGroup"] = group

    PENDING_MEMBERS["DBSubnetGroupName"] = (
        "DBSubnetGroup", lambda group: (group or {}).get("DBSubnetGroupName"), move)

    def refuse_move(instance, name, p):
        """Why AWS refuses to move the instance to the group `name`, or None."""
        current = instance.get("DBSubnetGroup") or {}
        if current.get("DBSubnetGroupName") == name:
            return None
        ident = instance.get("DBInstanceIdentifier")
        vpc = rds._subnet_groups[name].get("VpcId")
        if vpc and vpc == current.get("VpcId"):
            return (f"You cannot move DB instance {ident} to subnet group {name}. The specified DB "
                    "subnet group and DB instance are in the same VPC. Choose a DB subnet group in "
                    "different VPC than the specified DB instance and try again.")
        if instance.get("MultiAZ") or is_true(p, "MultiAZ"):
            return (f"You cannot move DB instance {ident} to another VPC: it is in multiple "
                    "Availability Zones. Convert it to a single AZ, move it, then convert it back.")
        if instance.get("ReadReplicaDBInstanceIdentifiers"):
            return (f"You cannot move DB instance {ident} to another VPC: it has one or more read "
                    "replicas. Remove the read replicas, move it, then add them again.")
        if instance.get("ReadReplicaSourceDBInstanceIdentifier"):
            return f"You cannot move DB instance {ident} to another VPC: it is a read replica."
        return None

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None or not has_param(p, "DBSubnetGroupName"):
            return orig(p)
        name = param(p, "DBSubnetGroupName")
        if rds._subnet_groups.get(name) is None:
            return error("DBSubnetGroupNotFoundFault", f"Subnet group {name} not found.", 404)
        refused = refuse_move(instance, name, p)
        if refused:
            return error("InvalidVPCNetworkStateFault", refused)
        resp = orig(p)
        if not ok(resp):
            return resp
        pending = dict(instance.get("PendingModifiedValues") or {})
        pending.pop("DBSubnetGroupName", None)
        if is_true(p, "ApplyImmediately"):
            move(instance, name)
        elif current_value(instance, "DBSubnetGroupName") != name:
            pending["DBSubnetGroupName"] = name
        instance["PendingModifiedValues"] = pending
        return instance_response("ModifyDBInstance", instance)

    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- instance rename

@patch("rds-rename-instance")
def rename_instance():
    """ModifyDBInstance NewDBInstanceIdentifier renames the instance: "The new identifier for the
    DB instance when renaming a DB instance. When you change the DB instance identifier, an
    instance reboot occurs immediately if you enable ApplyImmediately, or will occur during the
    next maintenance window if you disable ApplyImmediately." Until then the new name waits in
    PendingModifiedValues.DBInstanceIdentifier. The instance keeps everything but its name (its
    DbiResourceId, its data); its ARN and endpoint, which carry the name, change with it (RDS
    User Guide, "Renaming a DB instance", USER_RenameInstance: "the endpoint for the DB instance
    changes, because the URL includes the name"); "All read replicas associated with a DB
    instance remain associated with that instance after it is renamed" (a replica's
    ReadReplicaSourceDBInstanceIdentifier, and its source's ReadReplicaDBInstanceIdentifiers,
    follow the new name); "DB instance tags remain with the DB instance, regardless of
    renaming"; "You cannot use an existing DB instance name when renaming an instance"
    (DBInstanceAlreadyExists). MiniStack accepted NewDBInstanceIdentifier and ignored it."""

    def rename(instance, new):
        old = instance["DBInstanceIdentifier"]
        if new == old or rds._resolve_instance(new) is not None:
            return
        old_arn = instance.get("DBInstanceArn", "")
        new_arn = old_arn[: len(old_arn) - len(old)] + new if old_arn.endswith(old) else old_arn
        del rds._instances[old]
        instance["DBInstanceIdentifier"] = new
        instance["DBInstanceArn"] = new_arn
        rds._instances[new] = instance
        if old_arn in rds._tags:
            rds._tags[new_arn] = rds._tags.pop(old_arn)
        endpoint = instance.get("Endpoint") or {}
        if isinstance(endpoint.get("Address"), str) and old in endpoint["Address"]:
            endpoint["Address"] = endpoint["Address"].replace(old, new)
        for other in list(rds._instances.values()):
            if other.get("ReadReplicaSourceDBInstanceIdentifier") == old:
                other["ReadReplicaSourceDBInstanceIdentifier"] = new
            replicas = other.get("ReadReplicaDBInstanceIdentifiers") or []
            if old in replicas:
                other["ReadReplicaDBInstanceIdentifiers"] = [new if r == old else r for r in replicas]

    PENDING_MEMBERS["DBInstanceIdentifier"] = ("DBInstanceIdentifier", lambda name: name, rename)
    # A later ApplyImmediately applies a pending rename unless the request renames again.
    _REQUEST_NAME["DBInstanceIdentifier"] = "NewDBInstanceIdentifier"

    def modify(orig, p):
        instance = find_instance(p)
        new = param(p, "NewDBInstanceIdentifier")
        if instance is None or not new:
            return orig(p)
        if new != instance["DBInstanceIdentifier"] and rds._resolve_instance(new) is not None:
            return error("DBInstanceAlreadyExists", "DB instance already exists")
        resp = orig(p)
        if not ok(resp):
            return resp
        pending = dict(instance.get("PendingModifiedValues") or {})
        pending.pop("DBInstanceIdentifier", None)
        if is_true(p, "ApplyImmediately"):
            rename(instance, new)
        elif instance["DBInstanceIdentifier"] != new:
            pending["DBInstanceIdentifier"] = new
        instance["PendingModifiedValues"] = pending
        return instance_response("ModifyDBInstance", instance)

    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- backup retention

@patch("rds-backup-retention-nonzero")
def backup_retention_nonzero():
    """ModifyDBInstance BackupRetentionPeriod from one non-zero value to another is applied at
    once, whatever ApplyImmediately says: "If you change the parameter from one non-zero value to
    another non-zero value, the change is asynchronously applied as soon as possible." From 0 or
    to 0 it still waits in PendingModifiedValues.BackupRetentionPeriod without ApplyImmediately:
    "These changes are applied during the next maintenance window unless the ApplyImmediately
    parameter is enabled for this request." Source: RDS API Reference, ModifyDBInstance
    BackupRetentionPeriod; RDS User Guide, "Backup retention period" ("If you don't choose to
    apply the change immediately, and you change the setting from a nonzero value to another
    nonzero value, the change is applied asynchronously, as soon as possible"). MiniStack held
    every change of it in PendingModifiedValues."""

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None or not has_param(p, "BackupRetentionPeriod") or is_true(p, "ApplyImmediately"):
            return orig(p)
        try:
            new = int(param(p, "BackupRetentionPeriod"))
        except ValueError:
            return orig(p)
        current = int(instance.get("BackupRetentionPeriod") or 0)
        resp = orig(p)
        if not ok(resp) or current == 0 or new == 0:
            return resp
        instance["BackupRetentionPeriod"] = new
        pending = dict(instance.get("PendingModifiedValues") or {})
        pending.pop("BackupRetentionPeriod", None)
        instance["PendingModifiedValues"] = pending
        return instance_response("ModifyDBInstance", instance)

    wrap("ModifyDBInstance", modify)


# ---------------------------------------------------------------- proxy session pinning

@patch("rds-proxy-session-pinning")
def proxy_session_pinning():
    """ModifyDBProxyTargetGroup ConnectionPoolConfig.SessionPinningFilters: "Currently, the only
    allowed filter is EXCLUDE_VARIABLE_SETS", and it is supported only for the MySQL engine
    family; a POSTGRESQL (or SQLSERVER) proxy refuses it with InvalidParameterValue.
    Source: RDS API Reference, ConnectionPoolConfiguration / ConnectionPoolConfigurationInfo."""

    def modify_target_group(orig, p):
        proxy = rds._get_db_proxy(param(p, "DBProxyName"))
        filters = rds._parse_member_list(p, "ConnectionPoolConfig.SessionPinningFilters")
        if proxy is not None and filters:
            unknown = [f for f in filters if f != "EXCLUDE_VARIABLE_SETS"]
            if unknown:
                return error("InvalidParameterValue",
                             f"Invalid session pinning filter {unknown[0]}. The only allowed filter is "
                             "EXCLUDE_VARIABLE_SETS.")
            if proxy.get("EngineFamily") != "MYSQL":
                return error("InvalidParameterValue",
                             "Session pinning filters are supported only for the MYSQL engine family; "
                             f"proxy {proxy['DBProxyName']} has engine family {proxy.get('EngineFamily')}.")
        return orig(p)

    wrap("ModifyDBProxyTargetGroup", modify_target_group)


# ---------------------------------------------------------------- no invented DBName

_EMPTY_DB_NAME = re.compile(r"\s*<DBName></DBName>")


@patch("rds-no-default-db-name")
def no_default_db_name():
    """CreateDBInstance without DBName creates no initial database, and DescribeDBInstances
    carries no DBName. CreateDBInstance DBName, MySQL and PostgreSQL: "The name of the database
    to create when the DB instance is created. If this parameter is not specified, no database
    is created in the DB instance"; DBInstance.DBName: "the name of the initial database of this
    instance that was provided at create time, if one was specified"; Oracle: "Default: ORCL".
    Source: RDS API Reference, CreateDBInstance DBName, DBInstance DBName. MiniStack filled in
    "mydb" for every engine. A read replica copies its source's record, so it has a DBName
    exactly when its source has one. Aurora cluster members (DBName comes from the cluster)
    are left as MiniStack has them."""

    def create(orig, p):
        resp = orig(p)
        if not ok(resp) or has_param(p, "DBName") or has_param(p, "DBClusterIdentifier"):
            return resp
        instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
        if instance is None or instance.get("DBClusterIdentifier"):
            return resp
        instance["DBName"] = "ORCL" if (instance.get("Engine") or "").startswith("oracle") else ""
        return instance_response("CreateDBInstance", instance)

    def omit_empty(instance, xml):
        # MiniStack always renders <DBName>, which boto3 reads back as ""; AWS leaves it out.
        return xml if instance.get("DBName") else _EMPTY_DB_NAME.sub("", xml, count=1)

    orig_rotate = rds._rotate_instance_password

    def rotate_instance_password(instance, old_pass, new_pass):
        # With EMULATOR_DOCKER=1 MiniStack logs in to the instance's DBName to change the
        # password; with none, PostgreSQL's always-present "postgres" database is the one.
        if not instance.get("DBName"):
            instance = dict(instance, DBName="postgres")
        return orig_rotate(instance, old_pass, new_pass)

    wrap("CreateDBInstance", create)
    XML_FILTERS.append(omit_empty)
    rds._rotate_instance_password = rotate_instance_password


# ---------------------------------------------------------------- time passing

def _visible(record, skip=("PendingModifiedValues", "DBInstanceStatus", "Status")):
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_") and k not in skip}


@patch("rds-time-passing")
def time_passing():
    """With EMULATOR_TRANSITION_SECONDS[_RDS|_PROXY] > 0, DB instances pass through creating,
    modifying and deleting, and proxies (and their endpoints) through creating, modifying and
    deleting, for that long after the call; changes applied immediately sit in
    PendingModifiedValues until the instance is available again. While an instance is not
    available, ModifyDBInstance and CreateDBInstanceReadReplica from it fail with
    InvalidDBInstanceState; a proxy that is not available refuses changes with
    InvalidDBProxyStateFault; a newly registered target is REGISTERING meanwhile.
    Source: RDS API Reference (DBInstance.DBInstanceStatus, DBProxy.Status,
    TargetHealth.State; InvalidDBInstanceStateFault, InvalidDBProxyStateFault) and RDS User
    Guide "Viewing Amazon RDS DB instance status". EMULATOR.md, "Make time pass"."""

    def finished(instance, tr, _key):
        if tr.get("apply_pending"):
            for key, value in (instance.get("PendingModifiedValues") or {}).items():
                apply_pending(instance, key, value)
            instance["PendingModifiedValues"] = {}
        for group in instance.get("DBParameterGroups") or []:
            if group.get("ParameterApplyStatus") == "applying":
                group["ParameterApplyStatus"] = "pending-reboot"

    def tick():
        common.finish_all(rds._instances, "DBInstanceStatus",
                          on_removed=lambda inst, tr, key: instance_removed(inst), on_finished=finished)
        common.finish_all(rds._db_proxies, "Status")
        common.finish_all(rds._db_proxy_endpoints, "Status")

    TICKS.append(tick)

    def not_available(instance, action):
        return error("InvalidDBInstanceState",
                     f"Database instance {instance['DBInstanceIdentifier']} is in "
                     f"{instance.get('DBInstanceStatus')} state but expected it to be one of available "
                     f"({action}).")

    def create(orig, p):
        resp = orig(p)
        if ok(resp):
            instance = rds._instances.get(param(p, "DBInstanceIdentifier"))
            if instance.get("DBInstanceStatus") == "available" and common.begin(
                    instance, "DBInstanceStatus", "creating", "rds"):
                return instance_response("CreateDBInstance", instance)
        return resp

    def create_replica(orig, p):
        source = find_instance(p, "SourceDBInstanceIdentifier")
        if source is not None and source.get("DBInstanceStatus") != "available":
            return not_available(source, "CreateDBInstanceReadReplica")
        resp = orig(p)
        if ok(resp):
            replica = rds._instances.get(param(p, "DBInstanceIdentifier"))
            replica.pop(common.TRANSITION_KEY, None)
            if common.begin(replica, "DBInstanceStatus", "creating", "rds"):
                return instance_response("CreateDBInstanceReadReplica", replica)
        return resp

    def modify(orig, p):
        instance = find_instance(p)
        if instance is None:
            return orig(p)
        if instance.get("DBInstanceStatus") != "available":
            return not_available(instance, "ModifyDBInstance")
        before = _visible(instance)
        resp = orig(p)
        if not ok(resp) or common.transition_seconds("rds") <= 0:
            return resp
        after = _visible(instance)
        if before == after:
            return resp
        pending = dict(instance.get("PendingModifiedValues") or {})
        for member in PENDING_CLASS + tuple(PENDING_MEMBERS) if is_true(p, "ApplyImmediately") else ():
            key = record_key(member)
            if before.get(key) != after.get(key):
                pending[member] = current_value(after, member)
                if key in before:
                    instance[key] = before[key]
                else:
                    instance.pop(key, None)
        instance["PendingModifiedValues"] = pending
        for group in instance.get("DBParameterGroups") or []:
            if group.get("ParameterApplyStatus") == "pending-reboot" and has_param(p, "DBParameterGroupName"):
                group["ParameterApplyStatus"] = "applying"
        common.begin(instance, "DBInstanceStatus", "modifying", "rds",
                     apply_pending=is_true(p, "ApplyImmediately"))
        return instance_response("ModifyDBInstance", instance)

    def delete(orig, p):
        instance = find_instance(p)
        if instance is not None and instance.get("DBInstanceStatus") == "deleting":
            return error("InvalidDBInstanceState",
                         f"Instance {instance['DBInstanceIdentifier']} is already being deleted.")
        return orig(p)

    def defer_removal(instance):
        if not common.begin(instance, "DBInstanceStatus", "deleting", "rds", then=None):
            return False
        instance["PendingModifiedValues"] = {}
        rds._instances[instance["DBInstanceIdentifier"]] = instance
        return True

    DEFER_REMOVAL.append(defer_removal)
    wrap("CreateDBInstance", create)
    wrap("CreateDBInstanceReadReplica", create_replica)
    wrap("ModifyDBInstance", modify)
    wrap("DeleteDBInstance", delete)

    # -- proxies
    def proxy_xml(action, proxy):
        return rds._xml(200, f"{action}Response",
                        f"<{action}Result><DBProxy>{rds._db_proxy_xml(proxy)}</DBProxy></{action}Result>")

    def proxy_not_available(proxy):
        return error("InvalidDBProxyStateFault",
                     f"DB proxy {proxy['DBProxyName']} is in {proxy.get('Status')} state but expected "
                     "it to be available.")

    def create_proxy(orig, p):
        resp = orig(p)
        if ok(resp):
            proxy = rds._get_db_proxy(param(p, "DBProxyName"))
            if common.begin(proxy, "Status", "creating", "proxy"):
                endpoint = rds._db_proxy_endpoints.get(proxy["DBProxyName"])
                if endpoint is not None:
                    common.begin(endpoint, "Status", "creating", "proxy")
                return proxy_xml("CreateDBProxy", proxy)
        return resp

    def guard(action):
        def guarded(orig, p):
            proxy = rds._get_db_proxy(param(p, "DBProxyName"))
            if proxy is not None and proxy.get("Status") != "available":
                return proxy_not_available(proxy)
            return orig(p)
        guarded.__name__ = f"guard_{action}"
        return guarded

    def modify_proxy(orig, p):
        resp = guard("ModifyDBProxy")(orig, p)
        if ok(resp):
            proxy = rds._get_db_proxy(param(p, "NewDBProxyName") or param(p, "DBProxyName"))
            if proxy is not None and common.begin(proxy, "Status", "modifying", "proxy"):
                return proxy_xml("ModifyDBProxy", proxy)
        return resp

    def delete_proxy(orig, p):
        proxy = rds._get_db_proxy(param(p, "DBProxyName"))
        if proxy is not None and proxy.get("Status") == "deleting":
            return proxy_not_available(proxy)
        resp = orig(p)
        if ok(resp) and proxy is not None and common.begin(proxy, "Status", "deleting", "proxy", then=None):
            rds._db_proxies[proxy["DBProxyName"]] = proxy
            return proxy_xml("DeleteDBProxy", proxy)
        return resp

    def create_proxy_endpoint(orig, p):
        resp = guard("CreateDBProxyEndpoint")(orig, p)
        if ok(resp):
            endpoint = rds._db_proxy_endpoints.get(param(p, "DBProxyEndpointName"))
            if endpoint is not None and common.begin(endpoint, "Status", "creating", "proxy"):
                return rds._xml(200, "CreateDBProxyEndpointResponse",
                                "<CreateDBProxyEndpointResult><DBProxyEndpoint>"
                                f"{rds._db_proxy_endpoint_xml(endpoint)}"
                                "</DBProxyEndpoint></CreateDBProxyEndpointResult>")
        return resp

    def register_targets(orig, p):
        resp = guard("RegisterDBProxyTargets")(orig, p)
        if ok(resp):
            proxy = rds._get_db_proxy(param(p, "DBProxyName"))
            seconds = common.transition_seconds("proxy")
            for target in proxy.get("Targets") or []:
                target.setdefault("_stackctl_registering_until", time.time() + seconds)
        return resp

    orig_view = rds._db_proxy_target_view

    def target_view(target):
        view = orig_view(target)
        record = rds._instances.get(target.get("RdsResourceId")) if target.get("Type") == "RDS_INSTANCE" else None
        if record is not None and record.get("DBInstanceStatus") in ("creating", "deleting"):
            view["TargetHealth"] = {"State": "UNAVAILABLE"}
        elif time.time() < target.get("_stackctl_registering_until", 0):
            view["TargetHealth"] = {"State": "REGISTERING"}
        return view

    rds._db_proxy_target_view = target_view
    wrap("CreateDBProxy", create_proxy)
    wrap("ModifyDBProxy", modify_proxy)
    wrap("DeleteDBProxy", delete_proxy)
    wrap("CreateDBProxyEndpoint", create_proxy_endpoint)
    wrap("RegisterDBProxyTargets", register_targets)
    wrap("ModifyDBProxyTargetGroup", guard("ModifyDBProxyTargetGroup"))


# ---------------------------------------------------------------- parameter apply status

@patch("rds-parameter-apply-status")
def parameter_apply_status():
    """ModifyDBParameterGroup and ResetDBParameterGroup act on the instances that use the group
    as AWS documents (MiniStack did so only for MySQL instances backed by a container):
    - "You can use the immediate value with dynamic parameters only": ApplyMethod=immediate on
      a static parameter is refused (InvalidParameterCombination);
    - "When the application method is pending-reboot, changes to dynamic and static parameters
      are applied after a reboot without failover to the DB instances associated with the
      parameter group": each instance using the group shows ParameterApplyStatus
      pending-reboot until it is rebooted (RebootDBInstance makes it in-sync again).
    Source: RDS API Reference, Parameter (ApplyMethod) and ModifyDBParameterGroup."""

    def apply_types(group_name):
        group = rds._param_groups.get(group_name) or {}
        family = group.get("DBParameterGroupFamily", "")
        return {d["name"]: d.get("apply_type", "dynamic") for d in rds._default_parameters_for_family(family)}

    def changes(p):
        prefix = rds._parameter_member_prefix(p)
        out, idx = [], 1
        while param(p, f"{prefix}.{idx}.ParameterName"):
            out.append((param(p, f"{prefix}.{idx}.ParameterName"),
                        param(p, f"{prefix}.{idx}.ApplyMethod") or "immediate"))
            idx += 1
        return out

    def guarded(action):
        def handler(orig, p):
            name = param(p, "DBParameterGroupName")
            types = apply_types(name)
            requested = changes(p)
            for pname, method in requested:
                if method == "immediate" and types.get(pname) == "static":
                    return error("InvalidParameterCombination",
                                 f"cannot use immediate apply method for static parameter {pname}")
            resp = orig(p)
            if ok(resp) and any(method == "pending-reboot" for _n, method in requested):
                for instance in rds._instances.values():
                    groups = instance.get("DBParameterGroups") or []
                    if groups and groups[0].get("DBParameterGroupName") == name:
                        groups[0]["ParameterApplyStatus"] = "pending-reboot"
            return resp

        handler.__name__ = action
        return handler

    wrap("ModifyDBParameterGroup", guarded("modify_parameter_group"))
    wrap("ResetDBParameterGroup", guarded("reset_parameter_group"))


@patch("rds-parameter-group-in-use")
def parameter_group_in_use():
    """A DB parameter group or DB cluster parameter group in use is not deleted: "The DB
    parameter group to be deleted can't be associated with any DB instances." (RDS API
    Reference, DeleteDBParameterGroup) and "The DB cluster parameter group to be deleted can't
    be associated with any DB clusters." (DeleteDBClusterParameterGroup), both answering
    InvalidDBParameterGroupState ("The DB parameter group is in use or is in an invalid
    state."). MiniStack deleted either whatever used it."""

    def in_use(code_name, users):
        return error("InvalidDBParameterGroupState",
                     f"The parameter group {code_name} is in use by {', '.join(sorted(users))} "
                     "and can't be deleted.")

    def delete_db(orig, p):
        name = param(p, "DBParameterGroupName")
        users = [i.get("DBInstanceIdentifier", "") for i in rds._instances.values()
                 if any(g.get("DBParameterGroupName") == name for g in i.get("DBParameterGroups") or [])]
        return in_use(name, users) if users else orig(p)

    def delete_cluster(orig, p):
        name = param(p, "DBClusterParameterGroupName")
        users = [c.get("DBClusterIdentifier", "") for c in rds._clusters.values()
                 if c.get("DBClusterParameterGroup") == name]
        return in_use(name, users) if users else orig(p)

    wrap("DeleteDBParameterGroup", delete_db)
    wrap("DeleteDBClusterParameterGroup", delete_cluster)

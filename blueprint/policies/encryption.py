"""Encryption at rest with customer-managed keys wherever data rests, and key rotation on."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from blueprint.types import aws, encryption_property, gcp
from blueprint.policies.exemptions import SSE_S3_ALLOWED_PARENTS
from blueprint.policies.model import MANDATORY, S3_BUCKET_TYPES, Context, Resource, Rule, is_unknown, number, truthy

# Aliases of AWS-managed keys: encryption, but not with a key the customer controls.
_AWS_MANAGED_ALIASES = ("alias/aws/",)


def _cmk(value: Any) -> Optional[bool]:
    """True when ``value`` names a customer-managed key, False when missing or AWS-managed, None when unknown."""
    if is_unknown(value):
        return None
    if not isinstance(value, str) or not value.strip():
        return False
    return not any(a in value for a in _AWS_MANAGED_ALIASES)


def _need_cmk(r: Resource, prop: str, what: str) -> Iterable[str]:
    ok = _cmk(r.get(*prop.split(".")))
    if ok is False:
        yield f"{r.type} {r.name!r}: {what} is not encrypted with a customer-managed KMS key ({prop} missing or AWS-managed)"


def _need_true(r: Resource, prop: str, what: str) -> Iterable[str]:
    value = r.get(*prop.split("."))
    if is_unknown(value):
        return
    if truthy(value) is not True:
        yield f"{r.type} {r.name!r}: {what} ({prop} is {value!r}, must be true)"


def _rds_cluster(r: Resource) -> Iterable[str]:
    yield from _need_true(r, "storageEncrypted", "storage encryption is off")
    yield from _need_cmk(r, encryption_property(aws.RDS_CLUSTER), "storage")


def _global_cluster(r: Resource) -> Iterable[str]:
    if r.props.get("sourceDbClusterIdentifier"):
        return  # inherits the source cluster's encryption, which is checked on the cluster
    yield from _need_true(r, "storageEncrypted", "storage encryption is off")


def _rds_instance(r: Resource) -> Iterable[str]:
    if str(r.props.get("engine") or "").startswith("aurora"):
        return  # Aurora instances use the cluster's storage
    yield from _need_true(r, "storageEncrypted", "storage encryption is off")
    yield from _need_cmk(r, "kmsKeyId", "storage")


def _cluster_instance(r: Resource) -> Iterable[str]:
    if truthy(r.props.get("performanceInsightsEnabled")):
        yield from _need_cmk(r, "performanceInsightsKmsKeyId", "Performance Insights data")


def _launch_template(r: Resource) -> Iterable[str]:
    mappings = r.props.get("blockDeviceMappings")
    if is_unknown(mappings):
        return
    if not mappings:
        yield (f"{r.type} {r.name!r}: no blockDeviceMappings, so the root volume takes the AMI's (unencrypted by "
               "default) settings; map the root device with ebs.encrypted=true and a kmsKeyId")
        return
    for i, m in enumerate(mappings):
        ebs = (m or {}).get("ebs")
        if not ebs:
            continue  # ephemeral/no-device mappings hold no EBS data
        if truthy(ebs.get("encrypted")) is not True and not is_unknown(ebs.get("encrypted")):
            yield f"{r.type} {r.name!r}: blockDeviceMappings[{i}] ({m.get('deviceName')}) EBS volume is not encrypted"
        if _cmk(ebs.get("kmsKeyId")) is False:
            yield f"{r.type} {r.name!r}: blockDeviceMappings[{i}] ({m.get('deviceName')}) has no customer-managed kmsKeyId"


def _ebs_volume(r: Resource) -> Iterable[str]:
    yield from _need_true(r, "encrypted", "volume encryption is off")
    yield from _need_cmk(r, "kmsKeyId", "the volume")


def _eks_cluster(r: Resource) -> Iterable[str]:
    config = r.props.get("encryptionConfig")
    if is_unknown(config):
        return
    configs = config if isinstance(config, list) else [config] if config else []
    for c in configs:
        resources = (c or {}).get("resources") or []
        if "secrets" in resources and _cmk(((c or {}).get("provider") or {}).get("keyArn")) is not False:
            return
    yield f"{r.type} {r.name!r}: Kubernetes secrets are not envelope-encrypted (encryptionConfig with resources ['secrets'] and a KMS keyArn)"


def _sqs(r: Resource) -> Iterable[str]:
    yield from _need_cmk(r, encryption_property(aws.SQS_QUEUE), "the queue (SSE-SQS is AWS-managed)")


def _s3_sse(r: Resource) -> Iterable[str]:
    rules = r.props.get("rules")
    if is_unknown(rules):
        return
    exempt = r.parent_type in SSE_S3_ALLOWED_PARENTS
    if not rules:
        yield f"{r.type} {r.name!r}: no encryption rule"
        return
    for i, rule in enumerate(rules):
        default = (rule or {}).get("applyServerSideEncryptionByDefault") or {}
        algorithm = default.get("sseAlgorithm")
        if is_unknown(algorithm):
            continue
        if algorithm in ("aws:kms", "aws:kms:dsse"):
            if _cmk(default.get("kmsMasterKeyId")) is False:
                yield f"{r.type} {r.name!r}: rules[{i}] uses {algorithm} without a customer-managed kmsMasterKeyId (the AWS-managed aws/s3 key)"
        elif algorithm == "AES256" and exempt:
            continue  # documented exemption (blueprint/policies/exemptions.py)
        else:
            yield f"{r.type} {r.name!r}: rules[{i}] default encryption is {algorithm!r}; use aws:kms with a customer-managed key"


def _kms_key(r: Resource) -> Iterable[str]:
    spec = r.props.get("customerMasterKeySpec") or r.props.get("keySpec") or "SYMMETRIC_DEFAULT"
    usage = r.props.get("keyUsage") or "ENCRYPT_DECRYPT"
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        return  # AWS rotates only symmetric encryption keys
    yield from _need_true(r, "enableKeyRotation", "automatic key rotation is off")
    days = number(r.props.get("rotationPeriodInDays"))  # unset: KMS rotates yearly (365)
    if days is not None and days > AWS_MAX_ROTATION_DAYS:
        yield (f"{r.type} {r.name!r}: rotationPeriodInDays is {days:g}; at most {AWS_MAX_ROTATION_DAYS} "
               "(KmsKey's default, blueprint/components/aws/kms_key.py)")


def _duration_seconds(value: Any) -> Optional[float]:
    """A protobuf Duration string ('7776000s') in seconds; None when it is not one."""
    return number(value[:-1]) if isinstance(value, str) and value.endswith("s") else None


def _gcp_kms_key(r: Resource) -> Iterable[str]:
    period = r.props.get("rotationPeriod")
    if is_unknown(period):
        return
    purpose = r.props.get("purpose") or "ENCRYPT_DECRYPT"
    if purpose != "ENCRYPT_DECRYPT":
        return
    seconds = _duration_seconds(period)
    if seconds is None:
        yield (f"{r.type} {r.name!r}: no rotationPeriod (rotation is off); rotate at least every "
               f"{GCP_MAX_ROTATION_DAYS} days ('{GCP_MAX_ROTATION_DAYS * 86400}s')")
    elif seconds > GCP_MAX_ROTATION_DAYS * 86400:
        yield (f"{r.type} {r.name!r}: rotationPeriod {period} is longer than {GCP_MAX_ROTATION_DAYS} days (KmsKey's "
               "default, blueprint/components/gcp/kms_key.py; CIS GCP 1.10)")


# Pending-deletion windows: the minimum is the components' documented default, the longest each cloud
# allows, so a key deleted by mistake can be restored for as long as possible. AWS KMS allows 7..30 days,
# default 30 (ScheduleKeyDeletion PendingWindowInDays; pulumi_aws kms.Key deletion_window_in_days);
# KmsKeyArgs.deletion_window_in_days defaults to 30 (blueprint/components/aws/kms_key.py). Cloud KMS
# allows 1..120 days, default 30 (CryptoKey destroy_scheduled_duration); the GCP KmsKey sets
# DESTROY_SCHEDULED_DURATION = 120 days (blueprint/components/gcp/kms_key.py). tests/policies assert both.
AWS_MIN_DELETION_WINDOW_DAYS = 30
GCP_MIN_DESTROY_SCHEDULED_DAYS = 120
# Longest rotation periods: the components' defaults (AWS KmsKey 365 days; GCP KmsKey 90 days, CIS GCP 1.10,
# checkov CKV_GCP_43).
AWS_MAX_ROTATION_DAYS = 365
GCP_MAX_ROTATION_DAYS = 90


def check_deletion_window(r: Resource, ctx: Context) -> Iterable[str]:
    if r.type == aws.KMS_KEY:
        value = r.props.get("deletionWindowInDays")
        days = number(value)  # unset: KMS waits 30 days
        if days is not None and days < AWS_MIN_DELETION_WINDOW_DAYS:
            yield (f"{r.type} {r.name!r}: deletionWindowInDays is {days:g}; at least {AWS_MIN_DELETION_WINDOW_DAYS} "
                   "(the documented KmsKey default; KMS allows 7..30), so a deletion can be cancelled for a month")
        return
    value = r.props.get("destroyScheduledDuration")
    if is_unknown(value):
        return
    seconds = _duration_seconds(value)
    if seconds is None or seconds < GCP_MIN_DESTROY_SCHEDULED_DAYS * 86400:
        shown = "unset (Cloud KMS's 30 days)" if value is None else repr(value)
        yield (f"{r.type} {r.name!r}: destroyScheduledDuration is {shown}; at least "
               f"'{GCP_MIN_DESTROY_SCHEDULED_DAYS * 86400}s' ({GCP_MIN_DESTROY_SCHEDULED_DAYS} days, the documented "
               "KmsKey setting), so a version destroyed by mistake can be restored")


def _gke_cluster(r: Resource) -> Iterable[str]:
    enc = r.props.get("databaseEncryption")
    if is_unknown(enc):
        return
    if not enc or enc.get("state") != "ENCRYPTED" or not enc.get("keyName"):
        yield f"{r.type} {r.name!r}: Kubernetes secrets are not encrypted with Cloud KMS (databaseEncryption state ENCRYPTED + keyName)"
    node_key = r.get("nodeConfig", "bootDiskKmsKey")
    if isinstance(r.props.get("nodeConfig"), dict) and not node_key and not is_unknown(node_key):
        yield f"{r.type} {r.name!r}: default node pool boot disks have no customer-managed key (nodeConfig.bootDiskKmsKey)"


def _gke_node_pool(r: Resource) -> Iterable[str]:
    key = r.get("nodeConfig", "bootDiskKmsKey")
    if not key and not is_unknown(key):
        yield f"{r.type} {r.name!r}: node boot disks have no customer-managed key (nodeConfig.bootDiskKmsKey)"


def _gcp_instance(r: Resource) -> Iterable[str]:
    key = r.get("bootDisk", "kmsKeySelfLink")
    if not key and not is_unknown(key):
        yield f"{r.type} {r.name!r}: boot disk has no customer-managed key (bootDisk.kmsKeySelfLink)"


def _gcp_template(r: Resource) -> Iterable[str]:
    for i, disk in enumerate(r.props.get("disks") or []):
        key = ((disk or {}).get("diskEncryptionKey") or {}).get("kmsKeySelfLink")
        if not key and not is_unknown(key):
            yield f"{r.type} {r.name!r}: disks[{i}] has no customer-managed key (diskEncryptionKey.kmsKeySelfLink)"


def _gcp_disk(r: Resource) -> Iterable[str]:
    key = r.get("diskEncryptionKey", "kmsKeySelfLink")
    if not key and not is_unknown(key):
        yield f"{r.type} {r.name!r}: disk has no customer-managed key (diskEncryptionKey.kmsKeySelfLink)"


def _ecr_repository(r: Resource) -> Iterable[str]:
    """ECR: encryptionConfigurations[] KMS with a customer-managed key (AES256, or KMS without kmsKey = aws/ecr, refused)."""
    configs = r.props.get("encryptionConfigurations")
    if is_unknown(configs):
        return
    kms = [c for c in configs or [] if isinstance(c, dict) and c.get("encryptionType") == "KMS"]
    if not kms or any(_cmk(c.get("kmsKey")) is False for c in kms):
        yield f"{r.type} {r.name!r}: images are not encrypted with a customer-managed KMS key (encryptionConfigurations[].kmsKey)"


def _gcp_secret(r: Resource) -> Iterable[str]:
    """Secret Manager: user-managed replicas, each with customerManagedEncryption.kmsKeyName."""
    replication = r.props.get("replication")
    if is_unknown(replication):
        return
    replicas = ((replication or {}).get("userManaged") or {}).get("replicas") if isinstance(replication, dict) else None
    if not replicas:
        auto_key = (((replication or {}).get("auto") or {}).get("customerManagedEncryption") or {}).get("kmsKeyName") \
            if isinstance(replication, dict) else None
        if not auto_key:
            yield f"{r.type} {r.name!r}: the secret has no customer-managed key ({encryption_property(gcp.SECRETMANAGER_SECRET)})"
        return
    for i, replica in enumerate(replicas):
        key = ((replica or {}).get("customerManagedEncryption") or {}).get("kmsKeyName")
        if not key and not is_unknown(key):
            yield f"{r.type} {r.name!r}: replica {i} ({(replica or {}).get('location')}) has no customer-managed key"


def _simple(prop: str, what: str) -> Callable[[Resource], Iterable[str]]:
    def check(r: Resource) -> Iterable[str]:
        value = r.get(*prop.split("."))
        if not value and not is_unknown(value):
            yield f"{r.type} {r.name!r}: {what} has no customer-managed key ({prop})"
    return check


AT_REST: dict[str, Callable[[Resource], Iterable[str]]] = {
    aws.RDS_CLUSTER: _rds_cluster,
    aws.RDS_GLOBAL_CLUSTER: _global_cluster,
    aws.RDS_INSTANCE: _rds_instance,
    aws.RDS_CLUSTER_INSTANCE: _cluster_instance,
    aws.EC2_LAUNCH_TEMPLATE: _launch_template,
    aws.EBS_VOLUME: _ebs_volume,
    aws.EKS_CLUSTER: _eks_cluster,
    aws.SQS_QUEUE: _sqs,
    aws.SNS_TOPIC: lambda r: _need_cmk(r, encryption_property(aws.SNS_TOPIC), "the topic"),
    aws.BACKUP_VAULT: lambda r: _need_cmk(r, encryption_property(aws.BACKUP_VAULT), "the backup vault"),
    aws.SECRETSMANAGER_SECRET: lambda r: _need_cmk(r, encryption_property(aws.SECRETSMANAGER_SECRET), "the secret"),
    aws.CLOUDWATCH_LOG_GROUP: lambda r: _need_cmk(r, encryption_property(aws.CLOUDWATCH_LOG_GROUP), "the log group"),
    aws.S3_BUCKET_SSE_CONFIGURATION: _s3_sse,
    aws.S3_BUCKET_SSE_CONFIGURATION_V2: _s3_sse,
    aws.EFS_FILE_SYSTEM: lambda r: [*_need_true(r, "encrypted", "encryption is off"), *_need_cmk(r, "kmsKeyId", "the file system")],
    aws.DYNAMODB_TABLE: lambda r: [*_need_true(r, "serverSideEncryption.enabled", "customer-managed encryption is off"),
                                           *_need_cmk(r, "serverSideEncryption.kmsKeyArn", "the table")],
    gcp.STORAGE_BUCKET: _simple(encryption_property(gcp.STORAGE_BUCKET), "the bucket"),
    gcp.SQL_DATABASE_INSTANCE: _simple(encryption_property(gcp.SQL_DATABASE_INSTANCE), "the Cloud SQL instance"),
    gcp.CONTAINER_CLUSTER: _gke_cluster,
    gcp.CONTAINER_NODE_POOL: _gke_node_pool,
    gcp.COMPUTE_INSTANCE: _gcp_instance,
    gcp.COMPUTE_INSTANCE_TEMPLATE: _gcp_template,
    gcp.COMPUTE_REGION_INSTANCE_TEMPLATE: _gcp_template,
    gcp.COMPUTE_DISK: _gcp_disk,
    gcp.COMPUTE_REGION_DISK: _gcp_disk,
    gcp.PUBSUB_TOPIC: _simple(encryption_property(gcp.PUBSUB_TOPIC), "the topic"),
    # Recovery data (issue 18).
    aws.ECR_REPOSITORY: _ecr_repository,
    gcp.ARTIFACTREGISTRY_REPOSITORY: _simple(encryption_property(gcp.ARTIFACTREGISTRY_REPOSITORY), "the image repository"),
    gcp.SECRETMANAGER_SECRET: _gcp_secret,
    # The audit trail (issue 18, part 2): log files SSE-KMS with a customer-managed key.
    aws.CLOUDTRAIL_TRAIL: lambda r: _need_cmk(r, encryption_property(aws.CLOUDTRAIL_TRAIL), "the trail's log files"),
}


def check_at_rest(r: Resource, ctx: Context) -> Iterable[str]:
    """The type's check, then (issue 16) every key reference must name a key of the plan in the
    resource's region and account/project (blueprint/policies/key_refs.py), not just any string."""
    from blueprint.policies.key_refs import unresolved_keys

    yield from AT_REST[r.type](r)
    yield from unresolved_keys(r, ctx)


def check_rotation(r: Resource, ctx: Context) -> Iterable[str]:
    return _kms_key(r) if r.type == aws.KMS_KEY else _gcp_kms_key(r)


def check_bucket_encryption(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    """Every S3 bucket has a default-encryption configuration (else it gets SSE-S3, not a CMK)."""
    for bucket in ctx.of_type(*S3_BUCKET_TYPES):
        inline = bucket.get("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault", default=None)
        if inline:
            if inline.get("sseAlgorithm") not in ("aws:kms", "aws:kms:dsse") and bucket.parent_type not in SSE_S3_ALLOWED_PARENTS:
                yield bucket.urn, f"bucket {bucket.name!r}: inline default encryption {inline.get('sseAlgorithm')!r} is not SSE-KMS"
            continue
        configs = ctx.for_bucket(bucket, aws.S3_BUCKET_SSE_CONFIGURATION,
                                 aws.S3_BUCKET_SSE_CONFIGURATION_V2)
        if not configs:
            yield bucket.urn, (f"bucket {bucket.name!r} has no BucketServerSideEncryptionConfiguration: S3 would encrypt "
                               "it with SSE-S3, not a customer-managed key")


RULES = (
    Rule(
        id="encryption-at-rest-cmk",
        description="Data at rest is encrypted with customer-managed KMS keys: Aurora/RDS storage, EBS volumes and "
                    "launch-template block devices, EKS secrets, SQS, SNS, Backup vaults, Secrets Manager, CloudWatch "
                    "log groups, S3 default encryption (aws:kms + key), EFS, DynamoDB; GCS, Cloud SQL, GKE secrets and "
                    "node boot disks, Compute disks/templates, Pub/Sub. Each key reference names a key of the plan in "
                    "the resource's region and account/project (blueprint/policies/key_refs.py).",
        enforcement=MANDATORY,
        remediation="Set the resource's KMS key property to the region's customer-managed key (blueprint/components/aws/kms_key.py); "
                    "S3 buckets: sseAlgorithm aws:kms with kmsMasterKeyId.",
        category="encryption-at-rest", scope="resource", check=check_at_rest, types=tuple(AT_REST),
    ),
    Rule(
        id="encryption-s3-default",
        description="Every S3 bucket declares default encryption (a BucketServerSideEncryptionConfiguration); only the "
                    "documented exemptions may use SSE-S3.",
        enforcement=MANDATORY,
        remediation="Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and the region's key.",
        category="encryption-at-rest", scope="stack", check=check_bucket_encryption,
    ),
    Rule(
        id="kms-key-rotation",
        description="Customer-managed symmetric keys rotate automatically, at least as often as the KmsKey defaults: "
                    "AWS enableKeyRotation with rotationPeriodInDays <= 365; GCP rotationPeriod <= 90 days.",
        enforcement=MANDATORY,
        remediation="AWS: enable_key_rotation=True, rotation_period_in_days 90..365; GCP: rotation_period <= '7776000s'.",
        category="encryption-at-rest", scope="resource", check=check_rotation,
        types=(aws.KMS_KEY, gcp.KMS_CRYPTO_KEY),
    ),
    Rule(
        id="kms-key-deletion-window",
        description="A key scheduled for deletion stays restorable for the documented window: AWS "
                    "deletionWindowInDays >= 30 (unset is 30); GCP destroyScheduledDuration >= 120 days.",
        enforcement=MANDATORY,
        remediation="Use blueprint.components.aws.KmsKey / blueprint.components.gcp.KmsKey defaults: "
                    "deletion_window_in_days=30; destroy_scheduled_duration='10368000s'.",
        category="encryption-at-rest", scope="resource", check=check_deletion_window,
        types=(aws.KMS_KEY, gcp.KMS_CRYPTO_KEY),
    ),
)

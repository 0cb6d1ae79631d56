"""AuditTrail: a multi-region CloudTrail trail into an Object-Locked, versioned, KMS-encrypted,
access-logged bucket, with S3 data events of the workload vaults.

Children (component named ``n``):
    ``n-key``                aws.kms.Key: the trail's own key (rotation on); CloudTrail may use it only for this trail
    ``n-bucket``             aws.s3.Bucket (object lock on, retained on delete)
    ``n-ownership``, ``n-public-access-block``, ``n-versioning``, ``n-object-lock``, ``n-encryption``,
    ``n-policy``, ``n-lifecycle``, ``n-access-logging`` (when ``access_log_bucket`` is given)
    ``n-trail``              aws.cloudtrail.Trail (multi-region, global service events, log file validation)
    ``n-log-group``, ``n-logs-role``, ``n-logs-role-policy``  with ``cloudwatch_logs_kms_key_arn``: the trail also
                             delivers every event to a CMK-encrypted CloudWatch Logs group (what metric filters and alarms
                             on API calls read, e.g. BreakGlassRole's), through a role CloudTrail assumes with
                             ``logs:CreateLogStream`` / ``logs:PutLogEvents`` on that group only (CloudTrail user guide,
                             "Sending events to CloudWatch Logs", role policy document for CloudTrail to use CloudWatch Logs)

Bucket policy (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail",
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html):
``cloudtrail.amazonaws.com`` may ``s3:GetBucketAcl`` on the bucket and ``s3:PutObject`` under
``AWSLogs/<account>/`` with ``s3:x-amz-acl = bucket-owner-full-control``, both only for this trail
(``aws:SourceArn``); everything else is denied without TLS 1.2+.

Key policy (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail",
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
the account administers the key (IAM policies grant reading the logs); CloudTrail may
``kms:GenerateDataKey*`` only with the encryption context ``kms:EncryptionContext:aws:cloudtrail:arn``
of this account's trails and only for this trail (``aws:SourceArn``), and ``kms:DescribeKey``.

The trail's name is explicit, so its ARN (``arn:<partition>:cloudtrail:<region>:<account>:trail/<name>``)
is known before it exists and both policies can name it; the trail is created after them.

Data events: advanced event selectors, management events plus ``AWS::S3::Object`` data events whose
``resources.ARN`` starts with ``<vault bucket ARN>/`` (CloudTrail API reference, AdvancedFieldSelector).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

from ._s3 import private_versioned, tls_only_statements
from ._tags import merge_tags
from ._types import Tags
from .backup_vault import S3_ACCESS_LOG_PREFIX, bucket_prefix
from .eks_cluster import LOG_RETENTION_DAYS

# CloudTrail trail names: 3..128 characters, letters, digits, '.', '_', '-', starting with a letter or
# digit, no adjacent '.', '_' or '-' (CloudTrail API reference, CreateTrail Name).
_TRAIL_NAME = re.compile(r"^[A-Za-z0-9](?!.*[._-]{2})[A-Za-z0-9._-]{1,126}[A-Za-z0-9]$")
RetentionDays = IntBetween(1, 36500, note="; Object Lock needs at least one day")


class AuditTrailArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    trail_name: str = Field(description="The trail's name (explicit, so the policies can name its ARN), e.g. 'prod-audit'.")
    # The composer passes the strictest tier's (blueprint.catalogs.recovery_stack).
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        default="COMPLIANCE", description="Object Lock default retention mode of the log files; default COMPLIANCE (nobody can delete them).")
    retention_days: RetentionDays = Field(default=365, description="Object Lock retention of every log file, days; default 365.")
    data_event_bucket_arns: list[Any] = Field(
        default_factory=list, description="pulumi.Input[str] ARNs of buckets whose object reads and writes are logged (the vaults). Default none.")
    access_log_bucket: Any = Field(
        default=None, description="pulumi.Input[str]: the region's SSE-S3 access-log bucket (AccessLogBucket.bucket). Default None: no access logs.")
    cloudwatch_logs_kms_key_arn: Any = Field(
        default=None, description="pulumi.Input[str]: the region's CMK (KmsKey(...).arn: its policy lets CloudWatch Logs use it). "
        "Given: events are delivered to a CloudWatch Logs group too (log_group_name). Default None: S3 only.")
    log_group_name: Optional[str] = Field(
        default=None, description="That group's name; default '/blueprint/cloudtrail/<trail_name>'.", pattern=r"^[A-Za-z0-9_#/.-]+$", max_length=512)
    log_retention_days: int = Field(default=365, description="CloudWatch Logs retention of that group (a CloudWatch Logs value); default 365.")
    # Secure default: a trail bucket is never emptied on delete.
    force_destroy: bool = Field(default=False, description="Default False: never empty the log bucket on delete.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("trail_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _TRAIL_NAME.match(v):
            raise ValueError(f"trail_name: {v!r} is not a CloudTrail trail name; use 3..128 letters, digits, '.', '_' or '-', "
                             "starting and ending with a letter or digit, e.g. 'prod-audit'")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days: {v} is not a CloudWatch Logs retention value; choose one of "
                             f"{', '.join(map(str, LOG_RETENTION_DAYS))}")
        return v


def key_policy(partition: str, account: str, trail_arn: str) -> str:
    """The trail key's policy (module docstring)."""
    cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AllowCloudTrailEncryptLogs", "Effect": "Allow", "Principal": cloudtrail, "Action": "kms:GenerateDataKey*",
         "Resource": "*", "Condition": {
             "StringEquals": {"aws:SourceArn": trail_arn},
             "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{partition}:cloudtrail:*:{account}:trail/*"}}},
        {"Sid": "AllowCloudTrailDescribeKey", "Effect": "Allow", "Principal": cloudtrail, "Action": "kms:DescribeKey",
         "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
    ]})


def bucket_policy(bucket_arn: str, account: str, trail_arn: str) -> str:
    """The log bucket's policy (module docstring)."""
    cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": cloudtrail, "Action": "s3:GetBucketAcl",
         "Resource": bucket_arn, "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": cloudtrail, "Action": "s3:PutObject",
         "Resource": f"{bucket_arn}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}},
        *tls_only_statements(bucket_arn),
    ]})


def event_selectors(bucket_arns: list[str]) -> list[dict]:
    """Management events, plus S3 object data events of ``bucket_arns`` when there are any."""
    selectors = [{"name": "management-events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    if bucket_arns:
        selectors.append({"name": "vault-object-events", "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "resources.ARN", "starts_withs": [f"{arn}/" for arn in bucket_arns]},
        ]})
    return selectors


class AuditTrail(pulumi.ComponentResource):
    """Multi-region CloudTrail with log file validation, its own KMS key and a locked log bucket."""

    trail_arn: pulumi.Output[str]
    bucket: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AuditTrailArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:AuditTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke).partition
        account = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        trail_arn = pulumi.Output.concat("arn:", partition, ":cloudtrail:", region, ":", account, ":trail/", args.trail_name)
        key = aws.kms.Key(
            f"{name}-key", description=f"blueprint: CloudTrail trail {args.trail_name}", enable_key_rotation=True,
            deletion_window_in_days=30, policy=pulumi.Output.all(partition, account, trail_arn).apply(lambda a: key_policy(*a)),
            tags=merge_tags(args.tags, f"{name}-key"), opts=child,
        )
        bucket = aws.s3.Bucket(
            f"{name}-bucket", bucket_prefix=bucket_prefix(name), object_lock_enabled=True, force_destroy=args.force_destroy,
            tags=merge_tags(args.tags, f"{name}-bucket"), opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        controls = private_versioned(name, bucket, child)
        self._bucket_settings(name, args, bucket, key, controls.versioning)
        policy = aws.s3.BucketPolicy(
            f"{name}-policy", bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, account, trail_arn).apply(lambda a: bucket_policy(*a)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[controls.public_access_block]),
        )
        selectors = pulumi.Output.all(*args.data_event_bucket_arns).apply(lambda arns: event_selectors(list(arns)))
        logs = self._cloudwatch_logs(name, args) if args.cloudwatch_logs_kms_key_arn is not None else None
        trail = aws.cloudtrail.Trail(
            f"{name}-trail", name=args.trail_name, s3_bucket_name=bucket.bucket, kms_key_id=key.arn,
            cloud_watch_logs_group_arn=pulumi.Output.concat(logs[0].arn, ":*") if logs else None,
            cloud_watch_logs_role_arn=logs[1].arn if logs else None,
            is_multi_region_trail=True, include_global_service_events=True, enable_log_file_validation=True,
            advanced_event_selectors=selectors, tags=merge_tags(args.tags, f"{name}-trail"),
            # CloudTrail checks the bucket and key policies when the trail is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, key, *(logs[2:] if logs else [])]),
        )
        self.trail_arn, self.bucket, self.key_arn = trail.arn, bucket.bucket, key.arn
        self.log_group_name: Optional[pulumi.Output[str]] = logs[0].name if logs else None
        self.register_outputs({"trail_arn": self.trail_arn, "bucket": self.bucket, "key_arn": self.key_arn})

    def _cloudwatch_logs(self, name: str, args: AuditTrailArgs) -> tuple[Any, Any, Any]:
        """The log group, the role CloudTrail delivers into it with, and that role's policy."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.cloudwatch.LogGroup(
            f"{name}-log-group", name=args.log_group_name or f"/blueprint/cloudtrail/{args.trail_name}", retention_in_days=args.log_retention_days,
            kms_key_id=args.cloudwatch_logs_kms_key_arn, tags=merge_tags(args.tags, f"{name}-log-group"), opts=child,
        )
        # No aws:SourceArn / aws:SourceAccount condition here, on purpose: CloudTrail, "Role policy document for
        # CloudTrail to use CloudWatch Logs for monitoring" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cw_role_policy.html):
        # "Confused deputy prevention is not applicable to the role policy for CloudWatch Logs monitoring. The
        # role policy doesn't support the use of aws:SourceArn and aws:SourceAccount." A condition CloudTrail does
        # not send would stop delivery, and with it the break-glass alarm. The role can only write this group.
        role = aws.iam.Role(
            f"{name}-logs-role", tags=merge_tags(args.tags, f"{name}-logs-role"), opts=child,
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-logs-role-policy", role=role.id, opts=child,
            policy=group.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Sid": "CloudTrailDeliverToLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{arn}:log-stream:*"}]})),
        )
        return group, role, policy

    def _bucket_settings(self, name: str, args: AuditTrailArgs, bucket: aws.s3.Bucket, key: aws.kms.Key,
                         versioning: aws.s3.BucketVersioning) -> None:
        """Object Lock default retention, SSE-KMS with the trail's key, lifecycle, server access logs."""
        after_versioning = pulumi.ResourceOptions(parent=self, depends_on=[versioning])
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock", bucket=bucket.id, object_lock_enabled="Enabled",
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                mode=args.lock_mode, days=args.retention_days)),
            opts=after_versioning,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key.arn),
                bucket_key_enabled=True)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Log files expire (a delete marker) once their lock ends; the locked versions go 30 days later.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-after-retention", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.retention_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=30),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=7),
            )],
            opts=after_versioning,
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-access-logging", bucket=bucket.id, target_bucket=args.access_log_bucket, target_prefix=S3_ACCESS_LOG_PREFIX,
                target_object_key_format=aws.s3.BucketLoggingTargetObjectKeyFormatArgs(
                    partitioned_prefix=aws.s3.BucketLoggingTargetObjectKeyFormatPartitionedPrefixArgs(partition_date_source="EventTime")),
                opts=pulumi.ResourceOptions(parent=self),
            )

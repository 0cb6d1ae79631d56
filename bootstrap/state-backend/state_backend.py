"""The state-backend bootstrap program (see README.md and docs/state-backend.md).

Per region (``primary`` = the provider's ``aws:region``, ``replica`` = ``secondaryRegion``):
a bucket with ACLs off, all public access blocked, versioning, SSE-KMS with bucket keys, a TLS-only
bucket policy and a lifecycle rule for old checkpoints. One multi-Region KMS key (rotation on) with
a replica key in the second region: the same key material in both regions, so stack secrets
(``awskms://alias/<prefix>?region=...``) and the replicated state stay readable after the primary
region is lost. Replication: every object, delete markers included, with S3 Replication Time
Control (99.99% of objects within 15 minutes).

Stateful resources are protected and kept on delete: losing the state bucket loses the knowledge
of what every stack owns.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

# S3 RTC: 15 minutes is the only threshold S3 accepts for ReplicationTime and for metrics
# (S3 User Guide, "Meeting compliance requirements with S3 Replication Time Control").
RTC_MINUTES = 15


def _tls_only(bucket_arn: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }, {
            "Sid": "DenyOldTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
        }],
    })


def _bucket(role: str, region: str, prefix: str, key_arn: pulumi.Input[str], noncurrent_days: int,
            opts: pulumi.ResourceOptions) -> tuple[aws.s3.Bucket, aws.s3.BucketVersioning]:
    stateful = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True, retain_on_delete=True))
    tags = {"Name": f"{prefix}-{role}", "blueprint:role": "pulumi-state"}
    bucket = aws.s3.Bucket(f"{prefix}-{role}", bucket_prefix=f"{prefix}-{region}-", force_destroy=False, tags=tags, opts=stateful)
    aws.s3.BucketOwnershipControls(f"{prefix}-{role}-ownership", bucket=bucket.id,
                                   rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=opts)
    aws.s3.BucketPublicAccessBlock(f"{prefix}-{role}-public-access-block", bucket=bucket.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
    versioning = aws.s3.BucketVersioning(
        f"{prefix}-{role}-versioning", bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{prefix}-{role}-encryption", bucket=bucket.id,
        rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=key_arn),
            bucket_key_enabled=True)],
        opts=opts)
    aws.s3.BucketPolicy(f"{prefix}-{role}-tls-only", bucket=bucket.id, policy=bucket.arn.apply(_tls_only), opts=opts)
    aws.s3.BucketLifecycleConfiguration(
        f"{prefix}-{role}-lifecycle", bucket=bucket.id,
        rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="expire-old-checkpoints", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=noncurrent_days),
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=7))],
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[versioning])))
    return bucket, versioning


def _replication_policy(source_arn: str, dest_arn: str, source_key: str, dest_key: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": source_arn},
        {"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
         "Resource": f"{source_arn}/*"},
        {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": f"{dest_arn}/*"},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": source_key},
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": dest_key},
    ]})


def main() -> None:
    cfg = pulumi.Config()
    primary_region = pulumi.Config("aws").require("region")
    secondary_region = cfg.require("secondaryRegion")
    if secondary_region == primary_region:
        raise ValueError(f"state-backend:secondaryRegion must differ from aws:region ({primary_region}); choose another region "
                         "of the same jurisdiction")
    prefix = cfg.get("bucketPrefix") or "pulumi-state"
    noncurrent_days = cfg.get_int("noncurrentVersionDays") or 90

    secondary = aws.Provider("secondary", region=secondary_region)
    here = pulumi.ResourceOptions()
    there = pulumi.ResourceOptions(provider=secondary)
    keep = pulumi.ResourceOptions(protect=True, retain_on_delete=True)

    key = aws.kms.Key(f"{prefix}-key", description=f"Pulumi state and secrets ({prefix}); multi-Region, replica in {secondary_region}",
                      multi_region=True, enable_key_rotation=True, deletion_window_in_days=30,
                      tags={"Name": f"{prefix}-key", "blueprint:role": "pulumi-state"}, opts=keep)
    replica_key = aws.kms.ReplicaKey(f"{prefix}-key-replica", primary_key_arn=key.arn, deletion_window_in_days=30,
                                     description=f"Replica of {prefix}-key in {secondary_region}",
                                     tags={"Name": f"{prefix}-key-replica", "blueprint:role": "pulumi-state"},
                                     opts=pulumi.ResourceOptions.merge(there, keep))
    aws.kms.Alias(f"{prefix}-alias", name=f"alias/{prefix}", target_key_id=key.key_id, opts=here)
    aws.kms.Alias(f"{prefix}-alias-replica", name=f"alias/{prefix}", target_key_id=replica_key.key_id, opts=there)

    source, source_versioning = _bucket("primary", primary_region, prefix, key.arn, noncurrent_days, here)
    replica, replica_versioning = _bucket("replica", secondary_region, prefix, replica_key.arn, noncurrent_days, there)

    role = aws.iam.Role(f"{prefix}-replication-role", assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        description=f"S3 replication of the Pulumi state bucket to {secondary_region}", tags={"Name": f"{prefix}-replication-role"})
    role_policy = aws.iam.RolePolicy(f"{prefix}-replication-policy", role=role.id, policy=pulumi.Output.all(
        source.arn, replica.arn, key.arn, replica_key.arn).apply(lambda a: _replication_policy(*a)))
    aws.s3.BucketReplicationConfig(
        f"{prefix}-replication", bucket=source.id, role=role.arn,
        rules=[aws.s3.BucketReplicationConfigRuleArgs(
            id=f"state-to-{secondary_region}", status="Enabled", priority=1,
            filter=aws.s3.BucketReplicationConfigRuleFilterArgs(),
            delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
            source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(status="Enabled")),
            destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                bucket=replica.arn, storage_class="STANDARD",
                encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(replica_kms_key_id=replica_key.arn),
                replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                    status="Enabled", time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=RTC_MINUTES)),
                metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                    status="Enabled", event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=RTC_MINUTES))))],
        opts=pulumi.ResourceOptions(depends_on=[role_policy, source_versioning, replica_versioning]))

    pulumi.export("loginUrl", source.bucket.apply(lambda b: f"s3://{b}?region={primary_region}&awssdk=v2"))
    pulumi.export("replicaLoginUrl", replica.bucket.apply(lambda b: f"s3://{b}?region={secondary_region}&awssdk=v2"))
    pulumi.export("secretsProvider", f"awskms://alias/{prefix}?region={primary_region}")
    pulumi.export("replicaSecretsProvider", f"awskms://alias/{prefix}?region={secondary_region}")
    pulumi.export("kmsKeyArn", key.arn)
    pulumi.export("replicaKmsKeyArn", replica_key.arn)

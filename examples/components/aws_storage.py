"""AWS backups across two regions, composed by hand.

Components: KmsKey, BackupVault, AccessLogBucket, VaultReplication, RecoveryPointVault,
DatabaseBackupPlan (blueprint.components.aws).

A customer-managed key per region; an immutable vault (S3 Object Lock) in each region whose server
access logs go to the region's access-log bucket; every object replicated to the second region
(S3 Replication Time Control); an AWS Backup plan that backs up a database every 6 hours into a
locked recovery-point vault and copies each backup to the second region's vault.
Run it as a Pulumi program's __main__.py (any aws:region), or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import (
    AccessLogBucket, AccessLogBucketArgs, BackupVault, BackupVaultArgs, DatabaseBackupPlan, DatabaseBackupPlanArgs,
    KmsKey, KmsKeyArgs, RecoveryPointVault, RecoveryPointVaultArgs, VaultReplication, VaultReplicationArgs,
)

PRIMARY, SECOND = "eu-central-1", "eu-west-3"
TAGS = {"team": "ml-platform", "blueprint:workload": "model-registry"}
# The database to back up (an Aurora cluster of your own stack, e.g. AuroraDatabase(...).arn).
DATABASE_ARN = "arn:aws:rds:eu-central-1:123456789012:cluster:model-registry"

primary = aws.Provider("primary", region=PRIMARY)
second = aws.Provider("second", region=SECOND)
in_primary, in_second = pulumi.ResourceOptions(provider=primary), pulumi.ResourceOptions(provider=second)

key = KmsKey("registry-key", KmsKeyArgs(alias_name="registry/primary", tags=TAGS), in_primary)
replica_key = KmsKey("registry-key-dr", KmsKeyArgs(alias_name="registry/dr", tags=TAGS), in_second)

access_logs = AccessLogBucket("registry-logs", AccessLogBucketArgs(tags=TAGS), in_primary)
vault = BackupVault(
    "registry-vault",
    BackupVaultArgs(kms_key_arn=key.arn, lock_mode="COMPLIANCE", retention_days=35, access_log_bucket=access_logs.bucket,
                    tags=TAGS),
    in_primary,
)
replica_vault = BackupVault(
    "registry-vault-dr", BackupVaultArgs(kms_key_arn=replica_key.arn, lock_mode="COMPLIANCE", retention_days=35, tags=TAGS),
    in_second,
)
VaultReplication(
    "registry-replication",
    VaultReplicationArgs(
        source_bucket=vault.bucket, source_bucket_arn=vault.arn, source_kms_key_arn=key.arn,
        destination_bucket_arn=replica_vault.bucket_arn, destination_kms_key_arn=replica_key.arn,
        destination_region=SECOND, tags=TAGS,
    ),
    # Replication needs versioning on both buckets first.
    pulumi.ResourceOptions(provider=primary, depends_on=[vault.versioning, replica_vault.versioning]),
)

recovery_points = RecoveryPointVault(
    "registry-db-vault", RecoveryPointVaultArgs(kms_key_arn=key.arn, lock_mode="GOVERNANCE", min_retention_days=7, tags=TAGS),
    in_primary,
)
recovery_points_dr = RecoveryPointVault(
    "registry-db-vault-dr",
    RecoveryPointVaultArgs(kms_key_arn=replica_key.arn, lock_mode="GOVERNANCE", min_retention_days=7, tags=TAGS),
    in_second,
)
DatabaseBackupPlan(
    "registry-db-backups",
    DatabaseBackupPlanArgs(
        vault_name=recovery_points.name, copy_destination_vault_arn=recovery_points_dr.arn, resource_arns=[DATABASE_ARN],
        retention_days=7, copy_retention_days=14, tags=TAGS,
    ),
    in_primary,
)

pulumi.export("vault_bucket", vault.bucket)
pulumi.export("replica_vault_bucket", replica_vault.bucket)

"""GCP backups in two regions, composed by hand.

Components: KmsKey, BackupBucket, VaultReplication, DataAccessAuditLogs (blueprint.components.gcp).

A CMEK key per region (rotation on, the Cloud Storage agent may use it); a backup bucket per
region whose retention policy is locked (COMPLIANCE: no object can be deleted or overwritten
inside it); Storage Transfer Service replication of every new object from the first bucket to the
second; and Data Access audit logs for Cloud Storage and Cloud SQL. Tokyo and Osaka form no
configurable dual-region, hence two regional buckets (docs/components.md, "Backup
geo-redundancy"). Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import (
    BackupBucket, BackupBucketArgs, DataAccessAuditLogs, DataAccessAuditLogsArgs, KmsKey, KmsKeyArgs, VaultReplication,
    VaultReplicationArgs,
)

PROJECT, FIRST, SECOND = "acme-ml-prod", "asia-northeast1", "asia-northeast2"
LABELS = {"team": "ml-platform", "blueprint-workload": "recommendations"}
# The project's Cloud Storage service agent (storage.get_project_service_account(...).email_address).
GCS_AGENT = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com"

buckets, keys = {}, {}
for region in (FIRST, SECOND):
    provider = gcp.Provider(f"gcp-{region}", project=PROJECT, region=region)
    here = pulumi.ResourceOptions(provider=provider)
    keys[region] = KmsKey(
        f"recs-key-{region}",
        KmsKeyArgs(key_ring_name=f"recs-{region}", key_name="vault", location=region,
                   encrypter_members=(f"serviceAccount:{GCS_AGENT}",), labels=LABELS),
        here,
    )
    buckets[region] = BackupBucket(
        f"recs-vault-{region}",
        BackupBucketArgs(region=region, kms_key_id=keys[region].id, lock_mode="COMPLIANCE", retention_days=35, labels=LABELS),
        here,
    )

first = pulumi.ResourceOptions(provider=gcp.Provider("gcp-replication", project=PROJECT, region=FIRST))
VaultReplication(
    "recs-vault-replication",
    VaultReplicationArgs(
        project=PROJECT, source_bucket=buckets[FIRST].name, source_kms_key_id=keys[FIRST].crypto_key_id,
        destination_bucket=buckets[SECOND].name, destination_kms_key_id=keys[SECOND].crypto_key_id,
        destination_region=SECOND,
    ),
    first,
)
DataAccessAuditLogs("recs-audit", DataAccessAuditLogsArgs(project=PROJECT), first)

pulumi.export("buckets", {region: bucket.name for region, bucket in buckets.items()})

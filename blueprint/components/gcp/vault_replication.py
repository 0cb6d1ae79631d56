"""VaultReplication (GCP): cross-bucket replication of a workload's vault to its bucket in the
second region, for region pairs that cannot form a configurable dual-region (UK, Japan, Canada,
Australia, India, or pairs across continent groups).

Storage Transfer Service's cross-bucket replication (a transfer job with a ``replication_spec``)
copies new and updated objects asynchronously as they are written (driven by Pub/Sub
notifications it manages). Google gives it no RPO ("most objects within minutes"), unlike a
dual-region bucket with turbo replication (15 minutes), which is why the composer prefers the
dual-region wherever the pair allows it. Deletions are not replicated, and the destination's own
retention policy keeps every copy for the tier's days.

Children (component named ``n``):
    ``n-source-reader`` / ``n-source-bucket-owner``   bucket IAM: the transfer service agent reads the source
    ``n-sink-writer`` / ``n-sink-object-viewer``      bucket IAM: it writes (and lists) the destination
    ``n-source-key`` / ``n-sink-key``                 KMS IAM: it decrypts with the source key, encrypts with the sink's
    ``n-pubsub``                                      project IAM: it manages the change notifications
    ``n-job``                                         gcp.storage.TransferJob with the replication spec

The job is named explicitly ``transferJobs/<n>-<hash of n, project and stack>``: unset, pulumi-gcp
autonames it ``<logical>-<7 random>`` (SetAutonaming), which lacks the ``transferJobs/`` prefix the
Storage Transfer API requires (TransferJob.name:
https://cloud.google.com/storage-transfer/docs/reference/rest/v1/transferJobs#TransferJob). The
project and stack in the hash keep two stacks of one project apart. Deleting a job only sets its
status to DELETED (a soft delete, garbage-collected 30 days later, TransferJob.Status), so a
replacement reusing the name could collide whichever order Pulumi uses; the inputs that force a
replacement (``project``, ``name``) change the name with it, so no ``delete_before_replace`` is set.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field

from ._names import fit_name
from ._types import KmsKeyId, Region

# TransferJob.name: "transferJobs/" + [A-Za-z0-9-._~]* ending with a letter or digit, not starting
# with "OPI" (POSIX transfers only), 128 in all.
JOB_NAME_PREFIX = "transferJobs/"
JOB_NAME_MAX = 128
JOB_ID_PATTERN = r"(?!OPI)[A-Za-z0-9._~-]*[A-Za-z0-9]"


def job_name(logical_name: str, project: str, stack: str, destination_bucket: str) -> str:
    """The transfer job's explicit name, unique per project, stack and destination bucket. A deleted job
    keeps its name for 30 days (soft delete) and a create of a name in use fails (ALREADY_EXISTS,
    TransferJob.name reference): salting with the destination bucket, whose name is new whenever the
    bucket is (a region dropped after a disaster and added back at failback), keeps a re-created job
    from colliding with the deleted one."""
    return JOB_NAME_PREFIX + fit_name(logical_name, max_length=JOB_NAME_MAX - len(JOB_NAME_PREFIX),
                                      pattern=JOB_ID_PATTERN, salt=f"{project}/{stack}/{destination_bucket}")


class VaultReplicationArgs(BaseModel):
    """Settings of a vault's cross-bucket replication."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: str = Field(description="Project of both buckets and of the transfer job.")
    source_bucket: Any = Field(description="pulumi.Input[str]: name of the primary region's vault bucket.")
    source_kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: CMEK key of the source bucket.")
    destination_bucket: Any = Field(description="pulumi.Input[str]: name of the second region's vault bucket.")
    destination_kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: CMEK key of the destination bucket (in its region).")
    destination_region: Region = Field(description="Region of the destination bucket (recorded for residency checks).")


class VaultReplication(pulumi.ComponentResource):
    """Replicates a GCS vault to a bucket in the second region with Storage Transfer Service."""

    def __init__(self, name: str, args: VaultReplicationArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:VaultReplication", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        agent = gcp.storage.get_transfer_project_service_account_output(
            project=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        member = agent.email.apply(lambda email: f"serviceAccount:{email}")
        grants: list[pulumi.Resource] = [
            gcp.storage.BucketIAMMember(f"{name}-source-reader", bucket=args.source_bucket,
                                        role="roles/storage.objectViewer", member=member, opts=child),
            # As the console grants for a replication job: bucket owner on the source (it adds the
            # change notification), bucket writer on the destination.
            gcp.storage.BucketIAMMember(f"{name}-source-bucket-owner", bucket=args.source_bucket,
                                        role="roles/storage.legacyBucketOwner", member=member, opts=child),
            gcp.storage.BucketIAMMember(f"{name}-sink-writer", bucket=args.destination_bucket,
                                        role="roles/storage.legacyBucketWriter", member=member, opts=child),
            gcp.storage.BucketIAMMember(f"{name}-sink-object-viewer", bucket=args.destination_bucket,
                                        role="roles/storage.objectViewer", member=member, opts=child),
            gcp.kms.CryptoKeyIAMMember(f"{name}-source-key", crypto_key_id=args.source_kms_key_id,
                                       role="roles/cloudkms.cryptoKeyEncrypterDecrypter", member=member, opts=child),
            gcp.kms.CryptoKeyIAMMember(f"{name}-sink-key", crypto_key_id=args.destination_kms_key_id,
                                       role="roles/cloudkms.cryptoKeyEncrypterDecrypter", member=member, opts=child),
            # Event-driven replication: the service agent creates and reads the buckets' Pub/Sub notifications.
            gcp.projects.IAMMember(f"{name}-pubsub", project=args.project, role="roles/pubsub.editor", member=member, opts=child),
        ]
        job = gcp.storage.TransferJob(
            f"{name}-job",
            name=pulumi.Output.from_input(args.destination_bucket).apply(
                lambda bucket: job_name(name, args.project, pulumi.get_stack(), bucket)),
            project=args.project,
            description=pulumi.Output.concat("blueprint vault replication to ", args.destination_region),
            replication_spec=gcp.storage.TransferJobReplicationSpecArgs(
                gcs_data_source=gcp.storage.TransferJobReplicationSpecGcsDataSourceArgs(bucket_name=args.source_bucket),
                gcs_data_sink=gcp.storage.TransferJobReplicationSpecGcsDataSinkArgs(bucket_name=args.destination_bucket),
                # No transfer options: replication jobs refuse delete options, never replicate
                # deletions, and the destination's retention policy refuses overwrites anyway.
            ),
            status="ENABLED",
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )
        self.job_name: pulumi.Output[str] = job.name
        self.destination_region: str = args.destination_region
        self.register_outputs({"job_name": self.job_name})

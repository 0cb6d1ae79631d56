"""AuditLogSink: the project's Cloud Audit Logs routed to a retention-locked, CMEK bucket in the
jurisdiction (the GCP counterpart of AWS's AuditTrail).

Children (component named ``n``):
    ``n-bucket``   BackupBucket (blueprint:gcp:BackupBucket): regional, CMEK, retention policy of
                   ``retention_days``, locked for COMPLIANCE; objects expire after their retention
    ``n-sink``     gcp.logging.ProjectSink: ``logName:"cloudaudit.googleapis.com"`` (every audit log of the
                   project: Admin Activity, Data Access, System Event, Policy Denied) into the bucket,
                   with its own writer identity (``unique_writer_identity``)
    ``n-writer``   gcp.storage.BucketIAMMember: that writer identity gets ``roles/storage.objectCreator`` on
                   this bucket only

Sources: Cloud Logging "Route log entries to supported destinations" / "Set destination permissions"
(a sink's writer identity needs roles/storage.objectCreator on a Cloud Storage destination;
destination ``storage.googleapis.com/<bucket>``); Cloud Audit Logs "Audit logs overview" (audit log names
``projects/<p>/logs/cloudaudit.googleapis.com%2F<type>``, so ``logName:"cloudaudit.googleapis.com"`` matches
them all). ``DataAccessAuditLogs`` turns on the Data Access logs this sink then keeps.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

from .backup_bucket import BackupBucket, BackupBucketArgs
from ._types import CryptoKeyId, LabelsAsGiven, Region

AUDIT_LOG_FILTER = 'logName:"cloudaudit.googleapis.com"'
# Cloud Logging sink names: up to 100 characters, letters, digits, '_', '-', '.'.
_SINK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
RetentionDays = IntBetween(1, 36500)


class AuditLogSinkArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    sink_name: str = Field(description="The sink's name, e.g. 'prod-audit-logs'.")
    region: Region = Field(description="The bucket's region (the stack's primary, in the jurisdiction).")
    kms_key_id: CryptoKeyId = Field(description="pulumi.Input[str]: the region's CMEK key (Cloud Storage's agent may use it).")
    project: Optional[Any] = Field(default=None, description="pulumi.Input[str]: the project. Default: the provider's.")
    # The composer passes the strictest tier's (blueprint.catalogs.recovery_stack).
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(default="COMPLIANCE", description="COMPLIANCE locks the retention policy; default COMPLIANCE.")
    retention_days: RetentionDays = Field(default=365, description="Retention of every log object, days; default 365.")
    labels: LabelsAsGiven = Field(default_factory=dict, description="Labels of the bucket.")

    @field_validator("sink_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _SINK_NAME.match(v):
            raise ValueError(f"sink_name: {v!r} is not a Cloud Logging sink name; use up to 100 letters, digits, '_', '-' or '.'")
        return v


class AuditLogSink(pulumi.ComponentResource):
    """Audit logs -> a locked CMEK bucket, written by the sink's own identity."""

    bucket_name: pulumi.Output[str]
    writer_identity: pulumi.Output[str]

    def __init__(self, name: str, args: AuditLogSinkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:AuditLogSink", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = BackupBucket(
            f"{name}-bucket",
            BackupBucketArgs(region=args.region, kms_key_id=args.kms_key_id, lock_mode=args.lock_mode, retention_days=args.retention_days,
                             prefix_expiration_days={"cloudaudit.googleapis.com/": args.retention_days}, labels=args.labels),
            child,
        )
        sink = gcp.logging.ProjectSink(
            f"{name}-sink", name=args.sink_name, project=args.project, filter=AUDIT_LOG_FILTER,
            destination=pulumi.Output.concat("storage.googleapis.com/", bucket.name), unique_writer_identity=True,
            description="blueprint: every Cloud Audit Log of the project into the locked audit bucket", opts=child,
        )
        gcp.storage.BucketIAMMember(
            f"{name}-writer", bucket=bucket.name, role="roles/storage.objectCreator", member=sink.writer_identity, opts=child,
        )
        self.bucket_name, self.writer_identity = bucket.name, sink.writer_identity
        self.register_outputs({"bucket_name": self.bucket_name, "writer_identity": self.writer_identity})

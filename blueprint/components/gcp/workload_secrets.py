"""WorkloadSecrets (GCP): the Secret Manager secrets of one workload, replicated inside the jurisdiction.

Only the containers are planned, never a value (no ``gcp.secretmanager.SecretVersion``): values are
added by their owners (``gcloud secrets versions add``), so none sits in a Pulumi state or plan.
Replication is *user-managed*: the secret's data is stored in exactly the listed regions (the
stack's two regions, both inside the jurisdiction), each replica encrypted with that region's CMEK
key (``replication.user_managed.replicas[].customer_managed_encryption.kms_key_name``; a replica's
key must be in the replica's location: "Enable customer-managed encryption keys for Secret Manager",
https://cloud.google.com/secret-manager/docs/cmek). Automatic replication is never used: it may
store data in any region.

The Secret Manager service agent needs roles/cloudkms.cryptoKeyEncrypterDecrypter on every replica's
key before the secret is created (the caller grants it and passes the grants in ``depends_on``).
``reader`` (the serving pods' Workload Identity principal) gets roles/secretmanager.secretAccessor on
each secret, and nobody else is granted anything here.

Children (component named ``n``): ``n-<secret>`` gcp.secretmanager.Secret, ``n-<secret>-reader``
gcp.secretmanager.SecretIamMember (with ``reader``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field

from blueprint.components._validation import check_distinct, checked

from ._types import LabelsAsGiven

# secret_id: [A-Za-z0-9_-]{1,255} (Secret Manager REST secrets.create secretId).
SECRET_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
ACCESSOR_ROLE = "roles/secretmanager.secretAccessor"


class WorkloadSecretsArgs(BaseModel):
    """Settings of one workload's secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: str = Field(description="The GCP project id.")
    prefix: str = Field(description="Secret id prefix, e.g. 'prod-fraud-scoring-'.")
    secrets: Annotated[tuple[str, ...], checked(check_distinct("a secret"))] = Field(
        min_length=1, description="Secret short names, e.g. ('api-key',).")
    replica_keys: dict[str, Any] = Field(
        min_length=1, description="Region -> pulumi.Input[str] CMEK key in that region: the replicas (user-managed).")
    reader: Any = Field(default=None, description="pulumi.Input[str]: IAM member granted secretAccessor on each secret. Default None.")
    labels: LabelsAsGiven = Field(default_factory=dict, description="Labels of each secret.")

    def secret_id(self, secret: str) -> str:
        secret_id = f"{self.prefix}{secret}"
        if not SECRET_ID.match(secret_id):
            raise ValueError(f"secrets: {secret_id!r} is not a Secret Manager id ([A-Za-z0-9_-], 1..255)")
        return secret_id


class WorkloadSecrets(pulumi.ComponentResource):
    """User-managed, CMEK-per-replica Secret Manager secrets (containers only)."""

    def __init__(self, name: str, args: WorkloadSecretsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:WorkloadSecrets", name, None, opts)
        replication = gcp.secretmanager.SecretReplicationArgs(user_managed=gcp.secretmanager.SecretReplicationUserManagedArgs(
            replicas=[
                gcp.secretmanager.SecretReplicationUserManagedReplicaArgs(
                    location=region,
                    customer_managed_encryption=gcp.secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs(
                        kms_key_name=key),
                )
                for region, key in sorted(args.replica_keys.items())
            ]))
        self.ids: dict[str, str] = {}
        for secret in args.secrets:
            created = gcp.secretmanager.Secret(
                f"{name}-{secret}", project=args.project, secret_id=args.secret_id(secret), replication=replication,
                labels=dict(args.labels), opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True))
            if args.reader is not None:
                gcp.secretmanager.SecretIamMember(f"{name}-{secret}-reader", project=args.project, secret_id=created.secret_id,
                                                  role=ACCESSOR_ROLE, member=args.reader, opts=pulumi.ResourceOptions(parent=self))
            self.ids[secret] = args.secret_id(secret)
        self.register_outputs({"ids": self.ids})

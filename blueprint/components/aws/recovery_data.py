"""The AWS composer's recovery data of one workload (issue 18), built before its regions so the
InferenceService of each region pulls from that region's own repository and runs as its serving role:

- images: ``ImageRepositories`` (``<env>/<workload>/<image>``) in the primary and, when the tier
  replicates (``intent.recovery.replicate``) and the stack has a second region, in the second region
  too; the stack's one ``RegistryReplication`` (blueprint.components.aws.platform, last step) copies
  pushes from the primary's into them;
- artifacts: a ``BackupVault`` per region (``<workload>-<region>-artifacts``: versioned, Object Lock
  in the tier's mode for the workload's retention, the region's key, checkpoints/ expiring after the
  catalog's days) and a ``VaultReplication`` of the primary's into the second region's;
- secrets: ``WorkloadSecrets`` in the primary region with replicas in the second;
- ``ServingIdentity`` in every region whose cluster runs the workload's service: the only principal
  allowed to read the artifacts and secrets there.

A region that runs nothing (backup-restore's second region) still receives the copies: the restore
rebuilds the workload there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi
import pulumi_aws as aws

from blueprint.catalogs.recovery_data import CHECKPOINT_PREFIX, KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS, RECOVERY_DATA_TAG
from blueprint.footprint import RegionRole, WorkloadPlacement
from blueprint.components._first_deploy import first_deploy_warning
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.image_repositories import ImageRepositories, ImageRepositoriesArgs, repository_prefix
from blueprint.components.aws.serving_identity import ServingIdentity, ServingIdentityArgs
from blueprint.components.aws.vault_replication import VaultReplication, VaultReplicationArgs
from blueprint.components.aws.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs


@dataclass
class RecoveryData:
    """What was built for one workload, by region."""

    images: dict[str, ImageRepositories] = field(default_factory=dict)
    artifacts: dict[str, BackupVault] = field(default_factory=dict)
    secrets: Optional[WorkloadSecrets] = None
    identities: dict[str, ServingIdentity] = field(default_factory=dict)
    # The registry replication filter of the workload's repositories (None: nothing to replicate).
    replicated_prefix: Optional[str] = None

    def service_image(self, placement: WorkloadPlacement) -> Any:
        """The service's image in ``placement``'s region: ``<image>:<tag>`` resolved to the region's own
        repository URL; a digest or an image outside ``images`` as configured."""
        service = placement.workload.service
        # A region without its own copy (a tier that does not replicate) pulls from the primary's.
        repositories = self.images.get(placement.region) or next(iter(self.images.values()), None)
        if service is None or repositories is None or "@sha256:" in service.image:
            return service.image if service is not None else None
        name, tag = service.image.rsplit(":", 1)
        url = repositories.urls.get(name)
        return pulumi.Output.concat(url, ":", tag) if url is not None else service.image


def build_recovery_data(env: str, placements: list[WorkloadPlacement], platforms: dict[str, Any], providers: dict[str, Any],
                        tags: Callable[[WorkloadPlacement], dict[str, str]]) -> RecoveryData:
    first = placements[0]
    recovery = first.intent.recovery
    built = RecoveryData()
    if not recovery.any:
        return built
    regions = [p for p in placements if p is first or recovery.replicate]
    second = next((p for p in regions if p is not first), None)
    name = first.name
    for placement in regions:
        region, key = placement.region, platforms[placement.region].key.arn
        opts = pulumi.ResourceOptions(providers=[providers[region]])
        if recovery.images:
            built.images[region] = ImageRepositories(
                f"{name}-{region}-images",
                ImageRepositoriesArgs(prefix=repository_prefix(env, name), images=recovery.images, kms_key_arn=key,
                                      tags=_kind(tags(placement), KIND_IMAGES)),
                opts)
        if recovery.artifacts:
            built.artifacts[region] = _artifact_store(f"{name}-{region}-artifacts", placement, platforms[region], opts, tags)
    if recovery.images and second is not None:
        built.replicated_prefix = repository_prefix(env, name)
    if recovery.images:
        first_deploy_warning(first, f"ECR {repository_prefix(env, name)}")
    if recovery.artifacts and second is not None:
        _artifact_replication(name, first, second, built.artifacts, platforms, providers, tags)
    if recovery.secrets:
        built.secrets = WorkloadSecrets(
            f"{name}-secrets",
            WorkloadSecretsArgs(prefix=f"{env}/{name}/", secrets=recovery.secrets, kms_key_arn=platforms[first.region].key.arn,
                                replica_region=second.region if second is not None else None,
                                replica_kms_key_arn=platforms[second.region].key.arn if second is not None else None,
                                tags=_kind(tags(first), KIND_SECRETS)),
            pulumi.ResourceOptions(providers=[providers[first.region]]))
    for placement in placements:
        identity = _serving_identity(env, placement, platforms[placement.region], built, providers, tags)
        if identity is not None:
            built.identities[placement.region] = identity
    return built


def _artifact_store(name: str, placement: WorkloadPlacement, platform: Any, opts: pulumi.ResourceOptions,
                    tags: Callable[[WorkloadPlacement], dict[str, str]]) -> BackupVault:
    recovery = placement.intent.recovery
    return BackupVault(
        name,
        BackupVaultArgs(
            kms_key_arn=platform.key.arn, lock_mode=recovery.artifact_lock_mode, retention_days=recovery.artifact_retention_days,
            prefix_expiration_days={CHECKPOINT_PREFIX: recovery.checkpoint_expiration_days},
            access_log_bucket=platform.access_logs.bucket if platform.access_logs is not None else None,
            tags=_kind(tags(placement), KIND_ARTIFACTS),
        ),
        opts,
    )


def _artifact_replication(name: str, first: WorkloadPlacement, second: WorkloadPlacement, stores: dict[str, BackupVault],
                          platforms: dict[str, Any], providers: dict[str, Any], tags: Callable[[WorkloadPlacement], dict[str, str]]) -> None:
    source, destination = stores[first.region], stores[second.region]
    VaultReplication(
        f"{name}-artifacts-replication",
        VaultReplicationArgs(
            source_bucket=source.bucket, source_bucket_arn=source.arn, source_kms_key_arn=platforms[first.region].key.arn,
            destination_bucket_arn=destination.arn, destination_kms_key_arn=platforms[second.region].key.arn,
            destination_region=second.region, tags=tags(first),
        ),
        pulumi.ResourceOptions(providers=[providers[first.region]], depends_on=[source.versioning, destination.versioning]),
    )


def _serving_identity(env: str, placement: WorkloadPlacement, platform: Any, built: RecoveryData, providers: dict[str, Any],
                      tags: Callable[[WorkloadPlacement], dict[str, str]]) -> Optional[ServingIdentity]:
    """Where the service's pods run (the region's cluster) and there is something for them to read."""
    store = built.artifacts.get(placement.region)
    # The secrets live in the primary, and as replicas in the second region when the tier replicates.
    secrets = built.secrets is not None and (placement.region_role is RegionRole.PRIMARY or placement.intent.recovery.replicate)
    if placement.workload.service is None or not placement.runs_here or platform.cluster is None or (store is None and not secrets):
        return None
    workload = placement.workload.name
    return ServingIdentity(
        f"{workload}-{placement.region}-serving",
        ServingIdentityArgs(cluster_name=platform.cluster.cluster_name, namespace=workload, service_account=workload,
                            kms_key_arn=platform.key.arn, artifact_bucket_arn=store.arn if store is not None else None,
                            secret_prefix=f"{env}/{workload}/" if secrets else None, tags=tags(placement)),
        pulumi.ResourceOptions(providers=[providers[placement.region]]),
    )


def _kind(tags: dict[str, str], kind: str) -> dict[str, str]:
    """The placement's tags plus what the store holds (the plan readers' blueprint/analysis/recovery_facts.py)."""
    return {**tags, RECOVERY_DATA_TAG: kind}


def registry_replication_prefixes(built: list[RecoveryData]) -> list[str]:
    return sorted({b.replicated_prefix for b in built if b.replicated_prefix})


def account_id(provider: Any) -> pulumi.Output[str]:
    return aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id

"""The GCP composer's recovery data of each workload (issue 18), built before its regions so each
region's InferenceService pulls from a repository that survives the other region's loss:

- images: ``ImageRegistry`` ``<env>-<workload>``: one repository in the multi-region the two regions
  share (``us``, ``europe``, ``asia``: the dual-region vault pairs), else one per region;
- artifacts: a ``BackupBucket`` ``<workload>-artifacts`` (dual-region with turbo replication where the
  pair allows it, else one per region copied by ``VaultReplication``): retention locked in the tier's
  mode for the workload's retention, CMEK, ``checkpoints/`` deleted after the catalog's days once the
  retention allows;
- secrets: ``WorkloadSecrets`` ``<env>-<workload>-<secret>`` with user-managed replicas in the stack's
  regions, each under that region's key;
- read access for the serving pods only: the InferenceService's Kubernetes ServiceAccount
  (``<workload>/<workload>``) as a Workload Identity Federation for GKE principal,
  ``principal://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>``
  (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity, "Configure authorization and
  principals"), granted roles/storage.objectViewer on the artifact buckets and
  roles/secretmanager.secretAccessor on the secrets; image pulls use the nodes' service account
  (roles/artifactregistry.reader, blueprint/components/gcp/gke_cluster.py NODE_ROLES).

The Artifact Registry and Secret Manager service agents come from ``gcp.projects.ServiceIdentity``
(blueprint/components/gcp/service_agents.py explains why a lookup, not a built email) and get
roles/cloudkms.cryptoKeyEncrypterDecrypter on each key they use, once per key for the whole stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp

from blueprint.catalogs.recovery_data import CHECKPOINT_PREFIX, KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS, RECOVERY_DATA_LABEL
from blueprint.footprint import WorkloadPlacement
from blueprint.components._first_deploy import first_deploy_warning
from blueprint.components.gcp.backup_bucket import BackupBucket, BackupBucketArgs
from blueprint.components.gcp.image_registry import ImageRegistry, ImageRegistryArgs
from blueprint.components.gcp.kms_key import ENCRYPTER_ROLE
from blueprint.components.gcp.vault_replication import VaultReplication, VaultReplicationArgs
from blueprint.components.gcp.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

OBJECT_VIEWER_ROLE = "roles/storage.objectViewer"
AGENT_SERVICES = {"artifactregistry": "artifactregistry.googleapis.com", "secretmanager": "secretmanager.googleapis.com"}


def _repository_id(env: str, workload: str) -> str:
    """``<env>-<workload>`` (<= 52 characters); Artifact Registry ids start with a letter, environments may not."""
    return f"{env}-{workload}" if env[0].isalpha() else f"bp-{env}-{workload}"


def workload_principal(project_number: str, project: str, namespace: str, service_account: str) -> str:
    """The Workload Identity Federation for GKE principal of one Kubernetes ServiceAccount."""
    return (f"principal://iam.googleapis.com/projects/{project_number}/locations/global/workloadIdentityPools/"
            f"{project}.svc.id.goog/subject/ns/{namespace}/sa/{service_account}")


@dataclass
class GcpRecoveryData:
    """What was built for one workload."""

    registry: Optional[ImageRegistry] = None
    # Region -> the image URL prefix its pods pull from.
    image_hosts: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, BackupBucket] = field(default_factory=dict)
    secrets: Optional[WorkloadSecrets] = None

    def service_image(self, placement: WorkloadPlacement) -> Any:
        service = placement.workload.service
        # A region without its own repository (a tier that does not replicate) pulls from the primary's.
        prefix = self.image_hosts.get(placement.region) or next(iter(self.image_hosts.values()), None)
        if service is None or prefix is None or "@sha256:" in service.image:
            return service.image if service is not None else None
        return f"{prefix}/{service.image}"


class GcpRecoveryBuilder:
    """Per stack: the agents and key grants (once per key); per workload: :meth:`build`."""

    def __init__(self, env: str, project: str, project_number: Any, regions: list[str], dual: Optional[tuple[str, str]],
                 platforms: dict[str, Any], multi_region_key: Any, providers: dict[str, gcp.Provider]):
        self.env, self.project, self.number, self.regions, self.dual = env, project, project_number, regions, dual
        self.platforms, self.multi_region_key, self.providers = platforms, multi_region_key, providers
        self.on_primary = pulumi.ResourceOptions(providers=[providers[regions[0]]])
        self._agents: dict[str, Any] = {}
        self._grants: dict[tuple[str, str], gcp.kms.CryptoKeyIAMMember] = {}

    def _agent(self, role: str) -> Any:
        if role not in self._agents:
            self._agents[role] = gcp.projects.ServiceIdentity(f"{self.env}-{role}-agent", project=self.project,
                                                              service=AGENT_SERVICES[role], opts=self.on_primary).email
        return self._agents[role]

    def _grant(self, role: str, location: str, key_id: Any) -> gcp.kms.CryptoKeyIAMMember:
        if (role, location) not in self._grants:
            self._grants[(role, location)] = gcp.kms.CryptoKeyIAMMember(
                f"{self.env}-{location}-{role}-key-user", crypto_key_id=key_id, role=ENCRYPTER_ROLE,
                member=pulumi.Output.concat("serviceAccount:", self._agent(role)),
                # With the key's region where it has one (a multi-region key: the primary's provider).
                opts=pulumi.ResourceOptions(providers=[self.providers.get(location, self.providers[self.regions[0]])]))
        return self._grants[(role, location)]

    def build(self, placements: list[WorkloadPlacement], labels: dict[str, str]) -> GcpRecoveryData:
        first = placements[0]
        recovery = first.intent.recovery
        built = GcpRecoveryData()
        if not recovery.any:
            return built
        regions = [p.region for p in placements if p is first or recovery.replicate]
        reader = pulumi.Output.from_input(self.number).apply(
            lambda n: workload_principal(str(n), self.project, first.name, first.name)) if first.workload.service is not None else None
        if recovery.images:
            self._images(first.name, regions, labels, built)
            first_deploy_warning(first, f"Artifact Registry {_repository_id(self.env, first.name)}/")
        if recovery.artifacts:
            self._artifacts(first, regions, labels, reader, built)
        if recovery.secrets:
            keys = {r: self.platforms[r].key.id for r in regions}
            grants = [self._grant("secretmanager", r, k) for r, k in keys.items()]
            built.secrets = WorkloadSecrets(
                f"{first.name}-secrets",
                WorkloadSecretsArgs(project=self.project, prefix=f"{self.env}-{first.name}-", secrets=recovery.secrets,
                                    replica_keys=keys, reader=reader, labels={**labels, RECOVERY_DATA_LABEL: KIND_SECRETS}),
                pulumi.ResourceOptions(providers=[self.providers[first.region]], depends_on=grants))
        return built

    def _images(self, name: str, regions: list[str], labels: dict[str, str], built: GcpRecoveryData) -> None:
        multi = self.dual[1] if self.dual is not None and self.multi_region_key is not None and len(regions) > 1 else None
        keys = {multi: self.multi_region_key.id} if multi else {r: self.platforms[r].key.id for r in regions}
        grants = [self._grant("artifactregistry", loc, key) for loc, key in keys.items()]
        built.registry = ImageRegistry(
            f"{name}-images", ImageRegistryArgs(project=self.project, repository_id=_repository_id(self.env, name),
                                                kms_key_ids=keys, labels={**labels, RECOVERY_DATA_LABEL: KIND_IMAGES}),
            pulumi.ResourceOptions(providers=[self.providers[regions[0]]], depends_on=grants))
        built.image_hosts = {r: built.registry.urls[multi or r] for r in regions}

    def _artifacts(self, first: WorkloadPlacement, regions: list[str], labels: dict[str, str], reader: Any,
                   built: GcpRecoveryData) -> None:
        recovery = first.intent.recovery
        common = dict(lock_mode=recovery.artifact_lock_mode, retention_days=recovery.artifact_retention_days,
                      prefix_expiration_days={CHECKPOINT_PREFIX: recovery.checkpoint_expiration_days},
                      labels={**labels, RECOVERY_DATA_LABEL: KIND_ARTIFACTS})
        if self.dual is not None and self.multi_region_key is not None and len(regions) > 1:
            store = BackupBucket(f"{first.name}-artifacts", BackupBucketArgs(region=regions[0], replica_region=regions[1],
                                                                             kms_key_id=self.multi_region_key.id, **common),
                                 pulumi.ResourceOptions(providers=[self.providers[regions[0]]]))
            built.artifacts = {r: store for r in regions}
        else:
            built.artifacts = {r: BackupBucket(f"{first.name}-{r}-artifacts",
                                               BackupBucketArgs(region=r, kms_key_id=self.platforms[r].key.id, **common),
                                               pulumi.ResourceOptions(providers=[self.providers[r]])) for r in regions}
            if len(regions) > 1:
                source, sink = built.artifacts[regions[0]], built.artifacts[regions[1]]
                VaultReplication(f"{first.name}-artifacts-replication", VaultReplicationArgs(
                    project=self.project, source_bucket=source.name, source_kms_key_id=self.platforms[regions[0]].key.id,
                    destination_bucket=sink.name, destination_kms_key_id=self.platforms[regions[1]].key.id,
                    destination_region=regions[1]), pulumi.ResourceOptions(providers=[self.providers[regions[0]]]))
        if reader is None:
            return
        shared = len(set(map(id, built.artifacts.values()))) == 1 and len(regions) > 1
        stores = {"": built.artifacts[regions[0]]} if shared else {f"{r}-": b for r, b in built.artifacts.items()}
        for infix, store in stores.items():
            gcp.storage.BucketIAMMember(f"{first.name}-{infix}artifacts-reader", bucket=store.name, role=OBJECT_VIEWER_ROLE,
                                        member=reader, opts=pulumi.ResourceOptions(parent=store))

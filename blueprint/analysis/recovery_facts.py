"""A workload's recovery data (issue 18) in the read model: its images, model artifacts / checkpoints
and secrets as :class:`~blueprint.analysis.facts.Vault` kinds ``images``, ``artifacts`` and ``secrets``
with the :class:`~blueprint.analysis.facts.Copy` records that put them in another region, so the
resilience scenarios (``backups_intact``), the ``recovery-data-replicated`` policy and the rebuild
runbook read them like the other stores.

- artifacts: the workload's locked buckets tagged ``blueprint:recovery-data: artifacts`` (GCP label
  ``blueprint-recovery-data``); the cloud modules read them as object vaults first (lock, replication),
  this module re-labels those vaults and their copies.
- images: every container repository of a workload. AWS: ECR repositories, copied by the registry's
  replication configuration (PREFIX_MATCH filters; one per account and region); GCP: Artifact
  Registry repositories, a multi-region one standing in both of the stack's regions it spans (no copy
  step: the multi-region stores the data in several regions), a regional one in its region only.
- secrets: secrets tagged ``blueprint:recovery-data: secrets``. AWS: the primary secret and its
  Secrets Manager ``replicas``; GCP: the user-managed replicas' locations.

- image pulls (:func:`image_pulls`): the images the workloads' Deployments pull, each resolved to the
  stack's repository standing in the Deployment's region, or to none; the policy reads them.

``lock`` of an image repository says whether its tags are immutable ("IMMUTABLE" / "MUTABLE").
Images and secrets are not written while serving, so no copy lag of theirs enters an RPO (lag 0).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Iterable, Mapping, Optional

from blueprint.analysis.facts import Copy, Vault, WorkloadFacts
from blueprint.catalogs.recovery_data import KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS, RECOVERY_DATA_LABEL, RECOVERY_DATA_TAG
from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws, cloud_of, gcp, k8s

Meta = Callable[[PlannedResource], Mapping[str, Any]]
_NOT_WRITTEN = "not written while serving: no RPO input"
# Artifact Registry multi-regions and the prefix of the regions inside each (repo-locations page).
_AR_MULTI_REGIONS = {"us": "us-", "europe": "europe-", "asia": "asia-"}


def read_aws(workloads: dict[str, WorkloadFacts], by_type: Mapping[str, list[PlannedResource]], tags: Meta) -> None:
    _relabel_artifacts(workloads, {b.urn for b in by_type[aws.S3_BUCKET] if tags(b).get(RECOVERY_DATA_TAG) == KIND_ARTIFACTS})
    repos = [r for r in by_type[aws.ECR_REPOSITORY] if r.workload in workloads]
    for r in repos:
        lock = "IMMUTABLE" if r.inputs.get("imageTagMutability") == "IMMUTABLE" else "MUTABLE"
        workloads[r.workload].vaults.append(Vault(r.urn, r.region or "", KIND_IMAGES, str(r.inputs.get("name") or r.name), lock=lock))
    for config in by_type[aws.ECR_REPLICATION_CONFIGURATION]:
        _ecr_copies(workloads, config, repos)
    for s in by_type[aws.SECRETSMANAGER_SECRET]:
        if s.workload not in workloads or tags(s).get(RECOVERY_DATA_TAG) != KIND_SECRETS:
            continue
        replicas = [str(x.get("region")) for x in s.inputs.get("replicas") or [] if isinstance(x, dict) and x.get("region")]
        _secret(workloads[s.workload], s, s.region or "", replicas, "Secrets Manager replica")


def _ecr_copies(workloads: dict[str, WorkloadFacts], config: PlannedResource, repos: list[PlannedResource]) -> None:
    """One copy per replicated repository and destination: PREFIX_MATCH filters (none: every repository).
    A destination in another account's registry copies nothing of this stack's: ``registryId`` is "the AWS
    account ID of the Amazon ECR private registry to replicate to. When configuring cross-Region replication
    within your own registry, specify your own account ID" (CloudFormation AWS::ECR::ReplicationConfiguration
    ReplicationDestination, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecr-replicationconfiguration-replicationdestination.html);
    the configuration's own ``registryId`` output is the account holding it (the stack's)."""
    source_region = config.region or ""
    account = (config.outputs or {}).get("registryId") or config.id
    rules = ((config.inputs.get("replicationConfiguration") or {}).get("rules")) or []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        prefixes = [f.get("filter", "") for f in rule.get("repositoryFilters") or [] if f.get("filterType") == "PREFIX_MATCH"]
        for repo in repos:
            name = str(repo.inputs.get("name") or "")
            if repo.region != source_region or (prefixes and not any(name.startswith(p) for p in prefixes)):
                continue
            for dest in rule.get("destinations") or []:
                region = str(dest.get("region") or "")
                if account and dest.get("registryId") and str(dest["registryId"]) != str(account):
                    continue
                twin = next((r.urn for r in repos if r.region == region and r.inputs.get("name") == name), None)
                workloads[repo.workload].copies.append(Copy(config.urn, source_region, region, KIND_IMAGES, 0.0,
                                                            f"ECR registry replication ({_NOT_WRITTEN})", repo.urn, twin))


def read_gcp(workloads: dict[str, WorkloadFacts], by_type: Mapping[str, list[PlannedResource]], labels: Meta) -> None:
    _relabel_artifacts(workloads, {b.urn for b in by_type[gcp.STORAGE_BUCKET]
                                   if labels(b).get(RECOVERY_DATA_LABEL) == KIND_ARTIFACTS})
    for r in by_type[gcp.ARTIFACTREGISTRY_REPOSITORY]:
        w = workloads.get(r.workload or "")
        if w is None:
            continue
        lock = "IMMUTABLE" if (r.inputs.get("dockerConfig") or {}).get("immutableTags") is True else "MUTABLE"
        name, location = str(r.inputs.get("repositoryId") or r.name), str(r.inputs.get("location") or r.region or "").lower()
        prefix = _AR_MULTI_REGIONS.get(location)
        regions = [x for x in w_regions(w) if prefix and x.startswith(prefix)] if prefix else [location]
        for region in regions or [location]:
            w.vaults.append(Vault(r.urn, region, KIND_IMAGES, name, lock=lock))
        for src in regions:
            for dest in regions:
                if src != dest:
                    w.copies.append(Copy(r.urn, src, dest, KIND_IMAGES, 0.0, f"multi-region {location} repository ({_NOT_WRITTEN})",
                                         r.urn, r.urn))
    for s in by_type[gcp.SECRETMANAGER_SECRET]:
        if s.workload not in workloads or labels(s).get(RECOVERY_DATA_LABEL) != KIND_SECRETS:
            continue
        replicas = [str(x.get("location")) for x in ((s.inputs.get("replication") or {}).get("userManaged") or {}).get("replicas") or []
                    if isinstance(x, dict) and x.get("location")]
        w = workloads[s.workload]
        origin = w.primary_region if w.primary_region in replicas else (replicas[0] if replicas else s.region or "")
        _secret(w, s, origin, [x for x in replicas if x != origin], "Secret Manager user-managed replica")


def w_regions(w: WorkloadFacts) -> list[str]:
    return [r for r in (w.primary_region, w.secondary_region) if r]


def _secret(w: WorkloadFacts, s: PlannedResource, origin: str, replicas: Iterable[str], what: str) -> None:
    name = str(s.inputs.get("name") or s.inputs.get("secretId") or s.name)
    w.vaults.append(Vault(s.urn, origin, KIND_SECRETS, name))
    for region in replicas:
        w.vaults.append(Vault(s.urn, region, KIND_SECRETS, name))
        w.copies.append(Copy(s.urn, origin, region, KIND_SECRETS, 0.0, f"{what} ({_NOT_WRITTEN})", s.urn, s.urn))


def _relabel_artifacts(workloads: dict[str, WorkloadFacts], urns: set[str]) -> None:
    """The artifact stores were read as object vaults (lock, replication): they become kind ``artifacts``."""
    if not urns:
        return
    for w in workloads.values():
        w.vaults = [dataclasses.replace(v, kind=KIND_ARTIFACTS) if v.urn in urns and v.kind == "objects" else v for v in w.vaults]
        w.copies = [dataclasses.replace(c, kind=KIND_ARTIFACTS) if c.kind == "objects" and _source(c) in urns else c for c in w.copies]


def _source(c: Copy) -> Optional[str]:
    return c.source_urn or c.urn


# Image references a workload's pods pull (issue 18: "Service images must resolve to these repositories or
# to a digest"). ECR: <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest] (ECR
# Repository.repositoryUrl, blueprint/plan/mocks.py); Artifact Registry:
# <location>-docker.pkg.dev/<project>/<repository_id>/<image>[:tag|@digest] (blueprint/components/gcp/image_registry.py).
_ECR_REF = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(.+)$")
_AR_REF = re.compile(r"^([a-z0-9-]+)-docker\.pkg\.dev/([^/]+)/([^/]+)/.+$")
DIGEST_MARK = "@sha256:"


@dataclasses.dataclass(frozen=True)
class ImagePull:
    """A container image a workload's Deployment (InferenceService) pulls in its region, and the stack's
    image repository standing in that region it resolves to (None: none: an outside registry, another
    region's repository, or one this stack does not create)."""

    urn: str
    workload: str
    region: str
    image: str
    repository_urn: Optional[str]

    @property
    def pinned(self) -> bool:
        return DIGEST_MARK in self.image


def image_pulls(plan: Plan) -> list[ImagePull]:
    """Every container and init container image of the workloads' Deployments, in plan order."""
    resolve = _ecr_resolver(plan) if (plan.cloud or "aws").lower() == "aws" else _ar_resolver(plan)
    region_of = _pod_regions(plan)
    pulls = []
    for d in plan.of_type(k8s.DEPLOYMENT):
        if not d.workload:
            continue
        pod = (((d.inputs.get("spec") or {}).get("template") or {}).get("spec")) or {}
        region = region_of(d)
        for c in [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]:
            image = str((c or {}).get("image") or "")
            if image:
                pulls.append(ImagePull(d.urn, d.workload, region, image, resolve(_repository_of(image), region)))
    return pulls


def _pod_regions(plan: Plan) -> Callable[[PlannedResource], str]:
    """A Deployment's region: the one region of the cloud resources under its nearest ancestor component
    that has any (the WorkloadRegion it runs in). A Kubernetes provider has no region, so CrossGuard
    places a Deployment by its provider's (absent) region; ``blueprint plan`` agrees with this either way."""
    parent = {r.urn: r.parent for r in plan.resources}
    below: dict[str, set[str]] = {}
    for r in plan.resources:
        if not r.custom or not r.region or r.region == "global" or cloud_of(r.type) not in ("aws", "gcp"):
            continue
        ancestor = r.parent
        while ancestor:
            below.setdefault(ancestor, set()).add(r.region)
            ancestor = parent.get(ancestor)

    def region(d: PlannedResource) -> str:
        ancestor = d.parent
        while ancestor:
            regions = below.get(ancestor)
            if regions:
                return next(iter(regions)) if len(regions) == 1 else d.region or ""
            ancestor = parent.get(ancestor)
        return d.region or ""
    return region


def _repository_of(image: str) -> str:
    """The reference without its digest and tag (a tag is a ':' after the last '/')."""
    ref = image.split("@", 1)[0]
    head, _, last = ref.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def _ecr_resolver(plan: Plan) -> Callable[[str, str], Optional[str]]:
    repos = plan.of_type(aws.ECR_REPOSITORY)

    def resolve(ref: str, region: str) -> Optional[str]:
        m = _ECR_REF.match(ref)
        if m is None or m.group(2) != region:
            return None
        account, _, name = m.groups()
        return next((r.urn for r in repos if r.region == region and str(r.inputs.get("name") or "") == name
                     and str((r.outputs or {}).get("registryId") or account) == account), None)
    return resolve


def _ar_resolver(plan: Plan) -> Callable[[str, str], Optional[str]]:
    repos = plan.of_type(gcp.ARTIFACTREGISTRY_REPOSITORY)

    def stands_in(location: str, region: str) -> bool:
        prefix = _AR_MULTI_REGIONS.get(location)
        return region.startswith(prefix) if prefix else location == region

    def resolve(ref: str, region: str) -> Optional[str]:
        m = _AR_REF.match(ref)
        if m is None or not stands_in(m.group(1), region):
            return None
        location, project, repo_id = m.groups()
        return next((r.urn for r in repos if str(r.inputs.get("location") or "").lower() == location
                     and str(r.inputs.get("repositoryId") or "") == repo_id
                     and str(r.inputs.get("project") or (r.outputs or {}).get("project") or project) == project), None)
    return resolve

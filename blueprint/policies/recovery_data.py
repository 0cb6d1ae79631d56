"""Recovery data replicated (issue 18): a workload's container images, model artifacts / checkpoints
and secrets have a copy in the stack's second region, its artifact store is locked in the tier's
mode and its image repositories have immutable tags.

Read from the cloud-neutral read model (blueprint/analysis/recovery_facts.py: Vault kinds images,
artifacts, secrets and their copies), so both clouds are judged alike:

- images: every repository of the workload in the primary region is copied to the second region
  (AWS: the registry's replication configuration matches it; GCP: a multi-region repository spans
  both regions, or a repository of the same id exists in the second region for the release pipeline
  to push to: Artifact Registry has no replication of standard repositories) and its tags are immutable;
- artifacts: the primary's store is copied (S3 replication / Storage Transfer / a dual-region bucket)
  into a store in the second region, both locked at least in the tier's mode (blueprint.catalogs.tiers);
- secrets: each secret has a replica in the second region.

Which tiers are judged: ``blueprint.catalogs.recovery_data`` (``required``): ``recovery-data-replicated``
(mandatory) judges those whose row requires it, ``recovery-data-replicated-advisory`` the others. A stack
with no second region, or in a jurisdiction with a single region of its cloud, is not judged (nothing
can go to a second region; config validation asks for one where the strategy needs it).

Image pulls (required tiers only, any number of regions): every image a workload's Deployment pulls
resolves to an image repository of the stack standing in the Deployment's own region, or is pinned by
digest (``@sha256:``); so a workload that declares no ``images`` but pulls a tag from an outside
registry fails. An image copy counts only into a repository of the stack planned in the second
region (ECR replication into a missing one would create it with default settings) and, on AWS, only
into the stack's own account (the replication destination's ``registryId``).
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from blueprint.analysis.facts import Vault
from blueprint.analysis.recovery_facts import DIGEST_MARK, image_pulls
from blueprint.catalogs.recovery_data import KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS, recovery_data_spec
from blueprint.policies.model import ADVISORY, MANDATORY, Context, Rule
from blueprint.policies.read_model import LOCK_RANK, TierWorkload, plan_of, single_region_jurisdiction, tier_workloads

Finding = tuple[Optional[str], str]
_WHAT = {KIND_IMAGES: "image repository", KIND_ARTIFACTS: "artifact store", KIND_SECRETS: "secret"}


def _copy_problem(tw: TierWorkload, vault: Vault, secondary: str, allow_twin: bool) -> Optional[str]:
    """Why the vault has no usable copy in the second region (None: it has one)."""
    copies = [c for c in tw.facts.copies if c.kind == vault.kind and c.dest_region == secondary
              and (c.source_urn == vault.urn if c.source_urn else c.source_region == vault.region)]
    # An image copy counts only into the stack's own twin repository: ECR replication into a repository
    # that does not exist creates it from the registry's repository creation template, else with the
    # defaults (imageTagMutability MUTABLE, AES256; ECR CreateRepository / "Repository creation templates",
    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html).
    if any(c.kind != KIND_IMAGES or c.dest_urn for c in copies):
        return None
    # GCP images: a repository of the same id in the second region (the pipeline pushes to both).
    if allow_twin and any(v.kind == vault.kind and v.region == secondary and v.name == vault.name for v in tw.facts.vaults):
        return None
    if copies:
        return (f"{_WHAT[vault.kind]} {vault.name!r} of {tw.label} replicates to {secondary}, where this stack plans no repository "
                "of that name to receive it: ECR would create one with its default settings (mutable tags, AES256)")
    return (f"{_WHAT[vault.kind]} {vault.name!r} of {tw.label} has no copy in the second region {secondary} (image replication "
            "counts only into the stack's own account): a region rebuilt there would lack it")


def _lock_problem(tw: TierWorkload, vault: Vault) -> Optional[str]:
    if vault.kind == KIND_IMAGES and vault.lock not in (None, "IMMUTABLE"):
        return f"{_WHAT[vault.kind]} {vault.name!r} of {tw.label} in {vault.region} has mutable tags: a rebuilt region could run other code"
    required = tw.spec.lock_mode.value
    if vault.kind == KIND_ARTIFACTS and LOCK_RANK.get(str(vault.lock), 0) < LOCK_RANK[required]:
        return (f"{_WHAT[vault.kind]} {vault.name!r} of {tw.label} in {vault.region} is locked {vault.lock or 'NONE'}; the tier "
                f"requires {required}")
    return None


def _findings(ctx: Context, tw: TierWorkload) -> Iterable[Finding]:
    secondary = tw.facts.secondary_region
    stores = [v for v in tw.facts.vaults if v.kind in _WHAT]
    for vault in stores:
        problem = _lock_problem(tw, vault)
        if problem:
            yield vault.urn, problem
    if secondary is None or single_region_jurisdiction(ctx):
        return
    reported: set[str] = set()
    for vault in (v for v in stores if v.region == tw.primary and v.urn not in reported):
        reported.add(vault.urn)
        problem = _copy_problem(tw, vault, secondary, allow_twin=ctx.cloud == "gcp" and vault.kind == KIND_IMAGES)
        if problem:
            yield vault.urn, problem


def _pull_findings(ctx: Context, tw: TierWorkload) -> Iterable[Finding]:
    """Each image the workload's pods pull resolves to a repository of the stack in the pod's region, or
    is pinned by digest (issue 18: "Service images must resolve to these repositories or to a digest")."""
    pulls = ctx.memo("recovery-image-pulls", lambda: image_pulls(plan_of(ctx)))
    for pull in pulls:
        if pull.workload == tw.name and pull.repository_urn is None and not pull.pinned:
            yield pull.urn, (f"{tw.label} pulls {pull.image!r} in {pull.region}, neither from an image repository of this stack "
                             f"in {pull.region} nor pinned by digest ({DIGEST_MARK}...): a rebuilt region depends on that "
                             "registry being up and the tag still naming the same image")


def _check(ctx: Context, judged: Callable[[bool], bool]) -> Iterable[Finding]:
    for tw in tier_workloads(ctx):
        if judged(recovery_data_spec(tw.spec.tier).required):
            yield from _findings(ctx, tw)


def check_required(ctx: Context) -> Iterable[Finding]:
    yield from _check(ctx, lambda required: required)
    for tw in tier_workloads(ctx):
        if recovery_data_spec(tw.spec.tier).required:
            yield from _pull_findings(ctx, tw)


def check_other(ctx: Context) -> Iterable[Finding]:
    return _check(ctx, lambda required: not required)


_DESCRIPTION = ("A workload's container images, model artifacts / checkpoints and secrets have a copy in the stack's second region "
                "(ECR registry replication or an Artifact Registry multi-region / per-region repository; S3 replication, Storage "
                "Transfer or a dual-region bucket; Secrets Manager replicas or Secret Manager user-managed replicas), its artifact "
                "store is locked at least in the tier's mode and its image repositories have immutable tags.")
_REMEDIATION = ("Declare images / artifacts / secrets on the workload and let the composer build them (docs/configuration.md), and "
                "name the service image as one of its images ('<image>:<tag>') or pin it by digest (@sha256:); by "
                "hand: blueprint.components.aws.ImageRepositories in both regions plus one RegistryReplication per account and region, "
                "BackupVault + VaultReplication for artifacts, WorkloadSecrets with replica_region; on GCP ImageRegistry, BackupBucket "
                "(dual-region or VaultReplication) and WorkloadSecrets with a replica key per region.")

RULES = (
    Rule(id="recovery-data-replicated", description=f"Tiers whose recovery-data row requires it: {_DESCRIPTION}",
         enforcement=MANDATORY, remediation=_REMEDIATION, category="tier-conformance", scope="stack", check=check_required),
    Rule(id="recovery-data-replicated-advisory", description=f"Other tiers (best-effort): {_DESCRIPTION}",
         enforcement=ADVISORY, remediation=_REMEDIATION, category="tier-conformance", scope="stack", check=check_other),
)

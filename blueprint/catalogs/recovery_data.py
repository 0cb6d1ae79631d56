"""What a tier decides about the data a rebuilt region needs besides the database (issue 18): the
workload's container images, its model artifacts and training checkpoints, and its secrets.

``blueprint.footprint`` resolves a row per workload (``WorkloadIntent.recovery``); the components
take the plain values. The lock mode and retention of the artifact store are the tier's vault lock
and the workload's backup retention (``blueprint.catalogs.tiers``: a tier-tagged bucket is a vault to
the immutability policy, so the same minimums hold); this table adds the rest:

- ``replicate``: images, artifacts and secrets get a copy in the stack's second region. Every tier
  replicates when the stack has one: even a best-effort workload is recovered by a restore *in the
  second region*, which needs its images and secrets there.
- ``required``: the ``recovery-data-replicated`` policy (blueprint/policies/recovery_data.py) fails a
  plan in which such a workload's planned images, artifacts or secrets have no copy in the second
  region, or its artifact store is not locked; best-effort is judged advisory only (its RTO is 24 h,
  time enough to re-push images and re-enter secrets by hand). Config validation applies it early to
  images (blueprint/config/rules.py): a ``required`` workload without ``images`` pulls only by digest.
  It does not make ``artifacts`` or ``secrets`` mandatory: absent means the workload has none (weights
  baked into the image travel with its images), which the plan cannot disprove; docs/configuration.md.
- ``checkpoint_expiration_days``: current objects under ``checkpoints/`` expire after this many days
  (a lifecycle rule; the Object Lock / retention policy still keeps every version for the vault's
  retention, so expiry never undercuts the lock). Training checkpoints are large and superseded
  quickly; the stricter the tier, the longer the history kept to roll back a bad model.

No image lifecycle (expiry) policy: tags are immutable, and the untagged manifests of a repository
include the per-platform images a multi-platform image index refers to, which an "untagged" expiry
rule would remove from under a tagged index.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprint.catalogs.tiers import Tier

# Key prefix of training checkpoints in a workload's artifact store (the lifecycle rule's filter).
CHECKPOINT_PREFIX = "checkpoints/"
# Key prefix of model weights / the model registry's objects (documented layout; never expired).
MODEL_PREFIX = "models/"


@dataclass(frozen=True)
class RecoveryDataSpec:
    replicate: bool
    required: bool
    checkpoint_expiration_days: int


RECOVERY_DATA: dict[Tier, RecoveryDataSpec] = {
    Tier.MISSION_CRITICAL: RecoveryDataSpec(replicate=True, required=True, checkpoint_expiration_days=90),
    Tier.BUSINESS_CRITICAL: RecoveryDataSpec(replicate=True, required=True, checkpoint_expiration_days=60),
    Tier.STANDARD: RecoveryDataSpec(replicate=True, required=True, checkpoint_expiration_days=30),
    Tier.BEST_EFFORT: RecoveryDataSpec(replicate=True, required=False, checkpoint_expiration_days=14),
}


def recovery_data_spec(tier: Tier | str) -> RecoveryDataSpec:
    return RECOVERY_DATA[Tier(tier)]


# The tag (AWS) / label (GCP) naming what a store holds, so the plan readers (blueprint/analysis/
# recovery_facts.py) tell a workload's images, artifacts and secrets from its other stores.
RECOVERY_DATA_TAG = "blueprint:recovery-data"
RECOVERY_DATA_LABEL = "blueprint-recovery-data"
KIND_IMAGES, KIND_ARTIFACTS, KIND_SECRETS = "images", "artifacts", "secrets"
RECOVERY_KINDS = (KIND_IMAGES, KIND_ARTIFACTS, KIND_SECRETS)

"""The runbook's recovery-data check (issue 18): before any traffic moves, prove that the surviving
region holds what the workloads need to run there: the image (by digest) each service runs, the
model artifacts and the secrets, with the planned names (blueprint/analysis/recovery_facts.py).

Commands, per cloud (each documented CLI call; `$VAR`s are set by the step's first lines):
- AWS images: ``aws ecr describe-images --repository-name <name> --image-ids imageTag=<tag>`` in the
  survivor (the digest must equal the one the lost region ran); artifacts: ``aws s3api list-objects-v2``
  and ``aws s3api head-object`` on the survivor's artifact bucket (``pulumi stack output artifact_stores``);
  secrets: ``aws secretsmanager describe-secret --region <survivor>`` (a replica answers in its region).
- GCP images: ``gcloud artifacts docker images list <host>/<project>/<repo> --include-tags``; artifacts:
  ``gcloud storage ls``; secrets: ``gcloud secrets versions list`` and ``gcloud secrets describe``
  (the user-managed replica locations).
"""

from __future__ import annotations

from typing import Optional

from blueprint.analysis.facts import PlanFacts
from blueprint.catalogs.recovery_data import CHECKPOINT_PREFIX, KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS, MODEL_PREFIX
from blueprint.config.models import StackConfig

Step = tuple[str, list[str], list[str]]


def _names(facts: PlanFacts, workload: str, kind: str, region: Optional[str] = None) -> list[str]:
    w = next((x for x in facts.workloads if x.name == workload), None)
    if w is None:
        return []
    return sorted({v.name for v in w.vaults if v.kind == kind and (region is None or v.region == region)})


def _tag(config: StackConfig, workload: str, image: str) -> Optional[str]:
    service = config.workload(workload).service
    if service is None or "@sha256:" in service.image or not service.image.startswith(f"{image}:"):
        return None
    return service.image.rsplit(":", 1)[1]


def recovery_data_step(facts: PlanFacts, config: StackConfig, survivor: str, lost: str) -> Optional[Step]:
    """The step (title, commands, notes), or None when no workload declares recovery data."""
    cmds: list[str] = []
    for w in config.workloads:
        if config.cloud == "aws":
            cmds += _aws(facts, config, w.name, survivor)
        else:
            cmds += _gcp(facts, config, w.name, survivor)
    if not cmds:
        return None
    notes = [f"do not shift traffic to {survivor} until every command below answers: a missing image digest, model or "
             "secret there means the rebuilt region cannot run the release the lost one ran",
             ("images pushed before the registry replication existed were never copied (ECR copies only later pushes): "
              "docs/runbooks/region-rebuild.md, 'Images pushed before replication', has the backfill; after a loss, push "
              "the release from the CI's build cache instead") if config.cloud == "aws" else
             ("a multi-region repository serves from its other regions; a per-region repository holds only what the "
              "release pipeline pushed to it (docs/runbooks/region-rebuild.md, 'Images pushed before replication')"),
             f"MODEL_KEY is the object key of the release's model weights (under {MODEL_PREFIX}; checkpoints under "
             f"{CHECKPOINT_PREFIX})"]
    if config.cloud == "aws":
        notes.append(f"Secrets Manager replicas are readable at once but read-only: once {lost} is declared lost, promote each "
                     f"with `aws secretsmanager stop-replication-to-replica --region {survivor} --secret-id <name>` before "
                     "anyone rotates it")
    return (f"Verify the recovery data in {survivor}: image digests, model artifacts and secrets, before any traffic moves",
            cmds, notes)


def _aws(facts: PlanFacts, config: StackConfig, workload: str, region: str) -> list[str]:
    cmds: list[str] = []
    for name in _names(facts, workload, KIND_IMAGES, region):
        tag = _tag(config, workload, name.rsplit("/", 1)[-1])
        ids = f" --image-ids imageTag={tag}" if tag else ""
        cmds.append(f"aws ecr describe-images --region {region} --repository-name {name}{ids} "
                    "--query 'imageDetails[].[imageDigest,imageTags]' --output json")
    if _names(facts, workload, KIND_ARTIFACTS, region):
        var = f"BUCKET_{workload.upper().replace('-', '_')}"
        cmds += [f"{var}=$(pulumi stack output artifact_stores --json | jq -r '.\"{workload}\".\"{region}\"')",
                 f"aws s3api list-objects-v2 --region {region} --bucket \"${var}\" --prefix {MODEL_PREFIX} --max-items 20 "
                 "--query 'Contents[].[Key,LastModified]' --output text",
                 f"aws s3api head-object --region {region} --bucket \"${var}\" --key \"$MODEL_KEY\" "
                 "--query '[VersionId,ReplicationStatus,ObjectLockMode,ObjectLockRetainUntilDate]' --output text"]
    for name in _names(facts, workload, KIND_SECRETS, region):
        cmds.append(f"aws secretsmanager describe-secret --region {region} --secret-id {name} "
                    "--query '[Name,PrimaryRegion,LastChangedDate]' --output text")
    return cmds


def _gcp(facts: PlanFacts, config: StackConfig, workload: str, region: str) -> list[str]:
    cmds: list[str] = []
    project = config.gcp_project
    w = next((x for x in facts.workloads if x.name == workload), None)
    repos = [v for v in (w.vaults if w else []) if v.kind == KIND_IMAGES and v.region == region]
    for repo in sorted({v.name for v in repos}):
        location = _ar_location(facts, workload, repo, region)
        service = config.workload(workload).service
        image = service.image.rsplit(":", 1)[0] if service is not None and "@sha256:" not in service.image else None
        path = f"{location}-docker.pkg.dev/{project}/{repo}" + (f"/{image}" if image else "")
        cmds.append(f"gcloud artifacts docker images list {path} --include-tags --project {project} "
                    "--format='table(package,version,tags)'")
    if _names(facts, workload, KIND_ARTIFACTS, region):
        var = f"BUCKET_{workload.upper().replace('-', '_')}"
        cmds += [f"{var}=$(pulumi stack output artifact_stores --json | jq -r '.\"{workload}\".\"{region}\"')",
                 f"gcloud storage ls --project {project} \"gs://${var}/{MODEL_PREFIX}\"",
                 f"gcloud storage ls -l --project {project} \"gs://${var}/$MODEL_KEY\""]
    for name in _names(facts, workload, KIND_SECRETS, region):
        cmds += [f"gcloud secrets versions list {name} --project {project} --filter='state=ENABLED' --limit 1",
                 f"gcloud secrets describe {name} --project {project} --format='value(replication.userManaged.replicas)'"]
    return cmds


def _ar_location(facts: PlanFacts, workload: str, repo: str, region: str) -> str:
    """A repository standing in two regions is a multi-region one (recovery_facts): its location is the
    multi-region's name, the prefix of the region names (``europe-west1`` -> ``europe``)."""
    regions = {v.region for w in facts.workloads if w.name == workload for v in w.vaults if v.kind == KIND_IMAGES and v.name == repo}
    return region.split("-", 1)[0] if len(regions) > 1 else region

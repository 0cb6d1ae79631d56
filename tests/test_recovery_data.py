"""Recovery data (issue 18) from the stack file to the plan: config validation (every problem at once,
key + value + what is allowed), the catalog's tier defaults resolved into WorkloadIntent, the
composers (service images resolved to each region's repository, stores in both regions, one
registry replication per stack), the read model's data kinds, the resilience scenarios and RPO,
and the rebuild runbook's verification step."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.catalogs.recovery_data import RECOVERY_DATA, recovery_data_spec
from blueprint.catalogs.tiers import Tier, tier_spec
from blueprint.config.errors import ConfigError
from blueprint.config.validate import validate_config
from blueprint.footprint import build_footprint
from blueprint.plan.engine import plan_program
from blueprint.types import aws, gcp

SERVICE = {"image": "server:1.4.2", "port": 8080}


def _raw(**workload: Any) -> dict[str, Any]:
    return {"cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1", "primaryRegion": "us-east-1",
            "secondaryRegion": "us-west-2", "deployerCidrs": ["203.0.113.10/32"], "dnsZone": "ml.example.com",
            "workloads": [{"name": "wl", "tier": "standard", **workload}]}


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    return {p.path: p for p in info.value.problems}


# ---------------------------------------------------------------------------------------- config

def test_valid_recovery_data_config():
    c = validate_config(_raw(images=["server"], artifacts={"checkpointExpirationDays": 7}, secrets=["api-key"], service=SERVICE))
    w = c.workloads[0]
    assert w.images == ["server"] and w.secrets == ["api-key"] and w.artifacts.checkpoint_expiration_days == 7


def test_fails_every_recovery_data_problem_at_once():
    raw = _raw(images=["server", "Bad/Name", "server"], secrets=["api-key", "api-key"], artifacts={"checkpointExpirationDays": 0},
               service={"image": "registry.example.com/other:1.0", "port": 8080})
    raw["workloads"].append({"name": "two", "tier": "standard", "images": ["ok"], "service": {"image": "nope:2.0"}})
    found = _problems(raw)
    assert "blueprint:workloads[0].images[1]" in found and found["blueprint:workloads[0].images[1]"].value == "Bad/Name"
    assert found["blueprint:workloads[0].artifacts.checkpointExpirationDays"].value == 0
    # The second workload's rules still run although the first is malformed.
    second = found["blueprint:workloads[1].service.image"]
    assert second.value == "nope:2.0" and "allowed images: ok" in second.message and "@sha256" in second.message
    assert found["blueprint:workloads[0].secrets[1]"].value == "api-key" and "duplicate" in found["blueprint:workloads[0].secrets[1]"].message


def test_fails_service_image_outside_the_images():
    problem = _problems(_raw(images=["server"], service={"image": "registry.example.com/server:1.4.2"}))["blueprint:workloads[0].service.image"]
    assert problem.value == "registry.example.com/server:1.4.2" and "allowed images: server" in problem.message


def test_digest_and_unlisted_images_stay_allowed():
    digest = "registry.example.com/server@sha256:" + "a" * 64
    assert validate_config(_raw(images=["server"], service={"image": digest}))
    # No images: an outside tag only for a tier whose recovery data is not required (config/rules.py).
    best_effort = _raw(service={"image": "registry.example.com/server:1.4.2"})
    best_effort["workloads"][0]["tier"] = "best-effort"
    assert validate_config(best_effort)


def test_fails_latest_still():
    assert "blueprint:workloads[0].service.image" in _problems(_raw(images=["server"], service={"image": "server:latest"}))


def test_cli_exits_2_naming_the_key(tmp_path):
    from typer.testing import CliRunner
    from blueprint.cli import app

    stack = tmp_path / "Pulumi.bad.yaml"
    stack.write_text("config:\n  aws:region: us-east-1\n  blueprint:cloud: aws\n  blueprint:environment: t\n"
                     "  blueprint:residency: us\n  blueprint:primaryRegion: us-east-1\n  blueprint:deployerCidrs: [203.0.113.10/32]\n"
                     "  blueprint:workloads:\n    - name: wl\n      tier: best-effort\n      secrets: [Bad_Name]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--config", str(stack)])
    assert result.exit_code == 2 and "blueprint:workloads[0].secrets[0]" in result.output and "Bad_Name" in result.output


# ---------------------------------------------------------------------------------------- intent

def test_catalog_covers_every_tier_and_only_best_effort_is_advisory():
    assert set(RECOVERY_DATA) == set(Tier)
    assert {t for t, row in RECOVERY_DATA.items() if not row.required} == {Tier.BEST_EFFORT}
    days = [RECOVERY_DATA[t].checkpoint_expiration_days for t in Tier]
    assert days == sorted(days, reverse=True)  # the stricter the tier, the longer the history


@pytest.mark.parametrize("tier", list(Tier))
def test_intent_resolves_the_tier_row(tier):
    c = validate_config(_raw(tier=tier.value, images=["server"], artifacts={}, secrets=["k"])
                        | {"workloads": [{"name": "wl", "tier": tier.value, "images": ["server"], "artifacts": {}, "secrets": ["k"]}]})
    recovery = build_footprint(c).placements[0].intent.recovery
    assert recovery.images == ("server",) and recovery.secrets == ("k",) and recovery.artifacts
    assert recovery.artifact_lock_mode == tier_spec(tier).lock_mode.value
    assert recovery.artifact_retention_days == tier_spec(tier).min_retention_days
    assert recovery.checkpoint_expiration_days == recovery_data_spec(tier).checkpoint_expiration_days
    assert recovery.required is recovery_data_spec(tier).required


def test_intent_takes_the_configured_checkpoint_days_and_defaults_to_nothing():
    c = validate_config(_raw(artifacts={"checkpointExpirationDays": 3}))
    assert build_footprint(c).placements[0].intent.recovery.checkpoint_expiration_days == 3
    assert not build_footprint(validate_config(_raw())).placements[0].intent.recovery.any


# ---------------------------------------------------------------------------------------- composers

def _plan(raw: dict[str, Any]):
    from blueprint.components.aws.platform import build_aws
    from blueprint.components.gcp.platform import build_gcp

    config = validate_config(raw)
    build = build_aws if config.cloud == "aws" else build_gcp
    flat = {(k if ":" in k else f"blueprint:{k}"): v for k, v in raw.items()}
    return plan_program(lambda: build(build_footprint(config)), stack="t", config=flat)


@pytest.fixture(scope="module")
def aws_plan():
    raw = _raw(tier="best-effort", images=["server"], artifacts={}, secrets=["api-key"])
    raw["workloads"].append({"name": "two", "tier": "standard", "images": ["trainer"]})
    return _plan(raw)


def test_aws_stores_in_both_regions_and_one_registry_replication(aws_plan):
    repos = {(r.region, r.inputs["name"]) for r in aws_plan.resources if r.type == aws.ECR_REPOSITORY}
    assert repos == {(region, name) for region in ("us-east-1", "us-west-2") for name in ("t/wl/server", "t/two/trainer")}
    (config,) = [r for r in aws_plan.resources if r.type == aws.ECR_REPLICATION_CONFIGURATION]
    assert config.region == "us-east-1"
    assert [f["filter"] for f in config.inputs["replicationConfiguration"]["rules"][0]["repositoryFilters"]] == ["t/two/", "t/wl/"]
    (secret,) = [r for r in aws_plan.resources if r.type == aws.SECRETSMANAGER_SECRET and r.inputs["name"] == "t/wl/api-key"]
    assert [x["region"] for x in secret.inputs["replicas"]] == ["us-west-2"]
    buckets = [r for r in aws_plan.resources if r.type == aws.S3_BUCKET and "artifacts" in r.name]
    assert {b.region for b in buckets} == {"us-east-1", "us-west-2"}
    # best-effort: the tier's governance lock for its 7 days.
    locks = [r for r in aws_plan.resources if r.type == aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION and "artifacts" in r.name]
    assert {(lk.inputs["rule"]["defaultRetention"]["mode"], lk.inputs["rule"]["defaultRetention"]["days"]) for lk in locks} == {("GOVERNANCE", 7)}


def test_aws_service_pulls_from_its_regions_repository():
    plan = _plan(_raw(tier="mission-critical", images=["server"], service=SERVICE, secrets=["api-key"],
                      gpu={"accelerator": "nvidia-l4", "minNodesPerZone": 1, "maxNodesPerZone": 2}))
    images = {r.region: r.inputs["spec"]["template"]["spec"]["containers"][0]["image"]
              for r in plan.resources if r.type == "kubernetes:apps/v1:Deployment" and r.workload == "wl"}
    assert images == {region: f"123456789012.dkr.ecr.{region}.amazonaws.com/t/wl/server:1.4.2" for region in ("us-east-1", "us-west-2")}
    roles = [r for r in plan.resources if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation" and r.workload == "wl"
             and r.inputs["serviceAccount"] == "wl"]
    assert {r.region for r in roles} == {"us-east-1", "us-west-2"}


def _gcp_raw() -> dict[str, Any]:
    raw = _raw(images=["server"], artifacts={}, secrets=["api-key"], service=SERVICE)
    del raw["aws:region"]
    raw.update({"cloud": "gcp", "gcp:project": "acme-ml-prod", "gcp:region": "europe-west4", "residency": "eu",
                "primaryRegion": "europe-west4", "secondaryRegion": "europe-west1"})
    return raw


@pytest.fixture(scope="module")
def gcp_plan():
    return _plan(_gcp_raw())


def test_gcp_multi_region_repository_and_dual_region_artifacts(gcp_plan):
    plan = gcp_plan
    (repo,) = [r for r in plan.resources if r.type == gcp.ARTIFACTREGISTRY_REPOSITORY]
    assert repo.inputs["location"] == "europe" and repo.inputs["kmsKeyName"].split("/")[3] == "europe"
    buckets = [r for r in plan.resources if r.type == gcp.STORAGE_BUCKET and "artifacts" in r.name]
    assert len(buckets) == 1 and buckets[0].inputs["customPlacementConfig"]["dataLocations"] == ["EUROPE-WEST4", "EUROPE-WEST1"]
    grants = {r.name for r in plan.resources if r.type == gcp.KMS_CRYPTO_KEY_IAM_MEMBER}
    assert {"t-europe-artifactregistry-key-user", "t-europe-west4-secretmanager-key-user",
            "t-europe-west1-secretmanager-key-user"} <= grants


# ---------------------------------------------------------------------------------------- read model, resilience, rebuild

def _facts(plan):
    from blueprint.analysis.report import extract_facts

    return {w.name: w for w in extract_facts(plan).workloads}


def _without_types(plan, *types):
    from blueprint.plan.model import Plan

    data = plan.to_json()
    data["resources"] = [r for r in data["resources"] if r["type"] not in types]
    return Plan.from_json(data)


def test_read_model_has_the_three_kinds_in_both_regions(aws_plan):
    wl = _facts(aws_plan)["wl"]
    kinds = {(v.kind, v.region) for v in wl.vaults if v.kind in ("images", "artifacts", "secrets")}
    assert kinds == {(k, r) for k in ("images", "artifacts", "secrets") for r in ("us-east-1", "us-west-2")}
    assert {(c.kind, c.source_region, c.dest_region) for c in wl.copies} >= {
        ("images", "us-east-1", "us-west-2"), ("artifacts", "us-east-1", "us-west-2"), ("secrets", "us-east-1", "us-west-2")}
    assert {v.lock for v in wl.vaults if v.kind == "images"} == {"IMMUTABLE"}


def _region_loss(plan, workload: str, region: str) -> bool:
    from blueprint.analysis.report import analyse

    report = analyse(plan)
    w = next(x for x in report["workloads"] if x["name"] == workload)
    return next(s for s in w["scenarios"] if s["scenario"] == f"region-loss:{region}")["backups_intact"]


def test_backups_intact_counts_images_and_secrets(aws_plan):
    assert _region_loss(aws_plan, "wl", "us-east-1") is True
    assert _region_loss(_without_types(aws_plan, aws.ECR_REPLICATION_CONFIGURATION), "wl", "us-east-1") is False


def test_backups_intact_counts_secret_replicas(aws_plan):
    from blueprint.plan.model import Plan

    data = aws_plan.to_json()
    for r in data["resources"]:
        if r["type"] == aws.SECRETSMANAGER_SECRET:
            r["inputs"].pop("replicas", None)
    assert _region_loss(Plan.from_json(data), "wl", "us-east-1") is False


def test_rpo_of_a_batch_workload_is_its_artifact_stores_copy(aws_plan):
    from blueprint.analysis.report import analyse

    two = next(w for w in analyse(aws_plan)["workloads"] if w["name"] == "wl")
    # No database, no service: the artifact store (checkpoints) is the primary datastore; S3 RTC's 15 minutes.
    assert two["rpo_estimate_s"] == 900


def test_rebuild_step_verifies_before_traffic_moves(aws_plan):
    from blueprint.analysis.report import extract_facts
    from blueprint.rebuild.recovery_data import recovery_data_step

    config = validate_config(_raw(tier="best-effort", images=["server"], artifacts={}, secrets=["api-key"]))
    title, cmds, notes = recovery_data_step(extract_facts(aws_plan), config, "us-west-2", "us-east-1")
    assert "before any traffic moves" in title
    text = "\n".join(cmds)
    assert "aws ecr describe-images --region us-west-2 --repository-name t/wl/server" in text
    assert "aws s3api head-object --region us-west-2" in text and "artifact_stores" in text
    assert "aws secretsmanager describe-secret --region us-west-2 --secret-id t/wl/api-key" in text
    assert any("stop-replication-to-replica --region us-west-2" in n for n in notes)


def test_rebuild_step_is_absent_without_recovery_data():
    from blueprint.analysis.facts import PlanFacts
    from blueprint.rebuild.recovery_data import recovery_data_step

    facts = PlanFacts("aws", "t", "us-east-1", "us-west-2", {}, [], [], {})
    assert recovery_data_step(facts, validate_config(_raw()), "us-west-2", "us-east-1") is None


def test_gcp_service_image_reader_and_rebuild_step(gcp_plan):
    from blueprint.analysis.report import extract_facts
    from blueprint.rebuild.recovery_data import recovery_data_step

    images = {r.region: r.inputs["spec"]["template"]["spec"]["containers"][0]["image"]
              for r in gcp_plan.resources if r.type == "kubernetes:apps/v1:Deployment" and r.workload == "wl"}
    assert set(images.values()) == {"europe-docker.pkg.dev/acme-ml-prod/t-wl/server:1.4.2"}
    readers = [r for r in gcp_plan.resources if r.type == "gcp:storage/bucketIAMMember:BucketIAMMember" and "artifacts" in r.name]
    assert [r.inputs["role"] for r in readers] == ["roles/storage.objectViewer"]
    assert readers[0].inputs["member"].endswith("/subject/ns/wl/sa/wl")
    title, cmds, _ = recovery_data_step(extract_facts(gcp_plan), validate_config(_gcp_raw()), "europe-west1", "europe-west4")
    text = "\n".join(cmds)
    assert "gcloud artifacts docker images list europe-docker.pkg.dev/acme-ml-prod/t-wl/server --include-tags" in text
    assert "gcloud secrets versions list t-wl-api-key --project acme-ml-prod" in text and "gcloud storage ls" in text

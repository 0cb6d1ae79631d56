"""`blueprint rebuild`: promoted stack file that plans, runbook with exact commands and modeled durations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from blueprint.config.errors import ConfigError
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.rebuild import promote, rebuild

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"


@pytest.fixture(scope="module")
def lost_primary(tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuild-prod")
    return rebuild(ROOT, StackRef("prod", STACKS / "Pulumi.prod.yaml"), "us-east-1", out)


def test_survivor_becomes_primary_and_new_secondary_is_in_the_jurisdiction(lost_primary):
    assert lost_primary.ok
    config = yaml.safe_load(lost_primary.stack_file.read_text())["config"]
    assert config["blueprint:primaryRegion"] == "us-west-2"
    assert config["aws:region"] == "us-west-2"
    # first region of 'us' in preference order other than the lost and the survivor
    assert config["blueprint:secondaryRegion"] == "us-east-2"
    assert lost_primary.stack_file.name == "Pulumi.prod.yaml"


def test_promoted_file_plans_with_regions_swapped(lost_primary):
    plan = plan_stack(ROOT, StackRef("prod", lost_primary.stack_file))
    regions = {r.region for r in plan.resources}
    # only the Route 53 health-check alarms stay in us-east-1 (Route 53 metrics exist only there)
    assert all("route53-alarms" in r.name or "-dns" in r.name for r in plan.resources if r.region == "us-east-1")
    assert not [r for r in plan.of_type("aws:rds/cluster:Cluster") if r.region == "us-east-1"]
    assert {"us-west-2", "us-east-2"} <= regions


def test_runbook_has_exact_promotion_dns_and_pulumi_commands(lost_primary):
    text = lost_primary.runbook.read_text()
    assert "aws rds failover-global-cluster --region us-west-2 --global-cluster-identifier prod-fraud-scoring " \
           "--target-db-cluster-identifier arn:aws:rds:us-west-2:$ACCOUNT:cluster:prod-fraud-scoring --allow-data-loss" in text
    assert "aws rds switchover-global-cluster" in text
    assert "aws route53 get-health-check-status" in text
    assert "aws route53 change-resource-record-sets" in text
    assert "aws eks update-nodegroup-config --region us-west-2 --cluster-name prod-us-west-2" in text
    assert "minSize=2,maxSize=6,desiredSize=2" in text  # recommendations: the primary's per-zone minimum
    assert "pulumi refresh --stack prod" in text and "pulumi up --stack prod" in text and "pulumi state delete" in text
    assert "aws backup start-restore-job" in text  # research-notebooks is backup-restore
    assert "curl -fsS https://fraud-scoring.ml.example.com/ready" in text


def test_runbook_steps_are_numbered_with_modeled_durations(lost_primary):
    text = lost_primary.runbook.read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(".")[0] for h in headings] == [f"## {i}" for i in range(1, len(headings) + 1)]
    assert text.count("Modeled duration:") == len(headings)
    # the resilience model's figures: Aurora global failover 60 s, warm-standby GPU scale-up 8 min
    # (automatic: 40 s autoscaler reaction + 300 s node start + 120 s pod start)
    assert "**60 s** (database: global failover to the secondary)" in text
    assert "**8 min** (GPU capacity: scale up from 3 to 6 nodes)" in text


def test_losing_the_secondary_keeps_the_primary():
    promo = promote(ROOT, StackRef("prod", STACKS / "Pulumi.prod.yaml"), "us-west-2")
    assert promo.ok and promo.survivor == "us-east-1" and promo.new_secondary == "us-east-2"
    assert promo.promoted.primary_region == "us-east-1"


def test_no_region_of_the_jurisdiction_fits_so_nothing_is_written():
    # prod-eu: nvidia-l4 in 3 zones is offered only in eu-central-1 and eu-south-2 among the EU regions
    promo = promote(ROOT, StackRef("prod-eu", STACKS / "Pulumi.prod-eu.yaml"), "eu-south-2")
    assert not promo.ok and promo.text is None
    assert "eu-west-3" in promo.refused and "tier mission-critical needs 3" in promo.refused["eu-west-3"][0]
    assert any("secondaryRegion" in p for p in promo.problems)


def test_fails_for_a_region_that_is_not_the_stacks():
    with pytest.raises(ConfigError) as info:
        promote(ROOT, StackRef("prod", STACKS / "Pulumi.prod.yaml"), "eu-west-1")
    text = str(info.value)
    assert "--lost-region" in text and "us-east-1, us-west-2" in text


def test_jurisdiction_without_another_region_needs_a_decision(tmp_path):
    doc = yaml.safe_load((STACKS / "Pulumi.prod.yaml").read_text())
    c = doc["config"]
    c.update({"aws:region": "ap-northeast-1", "blueprint:residency": "jp", "blueprint:primaryRegion": "ap-northeast-1",
              "blueprint:secondaryRegion": "ap-northeast-3"})
    c["blueprint:workloads"] = [w for w in c["blueprint:workloads"] if w["name"] == "research-notebooks"]
    path = tmp_path / "Pulumi.jp.yaml"
    path.write_text(yaml.safe_dump(doc))
    promo = promote(ROOT, StackRef("jp", path), "ap-northeast-1")
    assert not promo.ok and promo.text is None
    assert promo.survivor == "ap-northeast-3" and promo.new_secondary is None
    assert any("secondaryRegion" in p for p in promo.problems)
    assert any("residency" in d for d in promo.decisions) and any("--new-secondary ap-northeast-1" in d for d in promo.decisions)


def test_cli_rebuild_exit_codes(tmp_path):
    from typer.testing import CliRunner

    from blueprint.cli import app

    bad = CliRunner().invoke(app, ["rebuild", "--stack", "prod", "--lost-region", "eu-west-1", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "us-east-1, us-west-2" in bad.output


def test_gcp_decision_needed_exit_1_with_promotion_commands(tmp_path):
    """gcp-prod: no other EU region offers nvidia-t4 in 3 zones; the runbook still promotes, nothing is written."""
    from typer.testing import CliRunner

    from blueprint.cli import app

    result = CliRunner().invoke(app, ["rebuild", "--stack", "gcp-prod", "--lost-region", "europe-west4", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "Pulumi.gcp-prod.yaml").exists()
    text = (tmp_path / "runbook.md").read_text()
    assert "## DECISION REQUIRED" in text
    # the primary designates this replica as its DR replica: replica failover, the write endpoint follows
    assert "gcloud sql instances promote-replica prod-fraud-scoring-europe-west1 --project acme-ml-prod --failover" in text
    assert "--capacity-scaler=1" in text and "gcloud container node-pools update fraud-scoring-gpu" in text


def test_promoted_gcp_file_keeps_the_dr_designation_in_the_same_up():
    """Issue 13: the rebuilt region's new replicas are designated after they are created, in the same
    `pulumi up` (DrReplicaDesignation): the promoted file no longer opts out of the designation."""
    from blueprint.rebuild.promote import promoted_document

    doc = {"config": {"blueprint:primaryRegion": "us-central1", "blueprint:secondaryRegion": "us-east4", "gcp:region": "us-central1"}}
    gcp = promoted_document(doc, "gcp", "us-east4", "us-east1")["config"]
    assert "blueprint:designateDrReplicas" not in gcp and gcp["blueprint:secondaryRegion"] == "us-east1"
    aws = promoted_document({"config": {"blueprint:primaryRegion": "us-east-1"}}, "aws", "us-west-2", "us-east-2")["config"]
    assert "blueprint:designateDrReplicas" not in aws

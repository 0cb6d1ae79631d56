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
    # only the Route 53 health-check alarms stay in us-east-1 (Route 53 metrics exist only there): the
    # DNS failover's and the Region switch plan's triggers
    assert all("route53-alarms" in r.name or "-dns" in r.name or "region-switch-trigger" in r.name
               for r in plan.resources if r.region == "us-east-1")
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


def test_runbook_scales_the_on_demand_groups_it_can_find_and_the_hpa_floor(lost_primary):
    text = lost_primary.runbook.read_text()
    plan = plan_stack(ROOT, StackRef("prod", STACKS / "Pulumi.prod.yaml"))
    groups = [g for g in plan.of_type("aws:eks/nodeGroup:NodeGroup") if g.workload == "recommendations" and g.region == "us-west-2"]
    for group in groups:
        prefix = group.inputs["nodeGroupNamePrefix"]  # what `ng` must match: the physical name's start
        assert (f'"$(ng prod-us-west-2 {prefix})"' in text) == group.name.endswith("-on-demand"), group.name
    # Nodes without pods add no capacity: the survivor's replica floor goes up to the lost primary's,
    # on the KEDA ScaledObject (prod states requestsPerSecondPerPod; KEDA reverts a patched HPA).
    floor = next(h for h in plan.of_type("kubernetes:keda.sh/v1alpha1:ScaledObject")
                 if h.workload == "recommendations" and h.region == "us-east-1").inputs["spec"]["minReplicaCount"]
    assert (f"kubectl -n recommendations patch scaledobject recommendations --type merge -p "
            f"'{{\"spec\":{{\"minReplicaCount\":{int(floor)}}}}}'") in text
    assert "patch hpa recommendations" not in text


def test_runbook_keeps_the_new_secondary_note_on_aws(lost_primary):
    text = lost_primary.runbook.read_text()
    assert "new secondary: us-east-2" in text and "NO new secondary" not in text


def test_runbook_steps_are_numbered_with_modeled_durations(lost_primary):
    text = lost_primary.runbook.read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(".")[0] for h in headings] == [f"## {i}" for i in range(1, len(headings) + 1)]
    assert text.count("Modeled duration:") == len(headings)
    # the resilience model's figures: Aurora global failover 60 s, warm-standby GPU scale-up 10 min
    # (automatic: 175 s request-rate reaction of the ScaledObject + 300 s node start + 120 s pod start)
    assert "**60 s** (database: global failover to the secondary)" in text
    assert "**10 min** (GPU capacity: scale up from 3 to 6 nodes)" in text


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


SQL = "gcp:sql/databaseInstance:DatabaseInstance"


@pytest.fixture(scope="module")
def gcp_us_rebuilt(tmp_path_factory):
    """gcp-prod moved to the US (us-central1 primary, us-west1 secondary, nvidia-l4), planned, then promoted after
    losing us-central1 and planned again: (plan before, plan after, promotion)."""
    tmp = tmp_path_factory.mktemp("rebuild-gcp-us")
    doc = yaml.safe_load((STACKS / "Pulumi.gcp-prod.yaml").read_text())
    c = doc["config"]
    c.update({"gcp:region": "us-central1", "blueprint:residency": "us", "blueprint:primaryRegion": "us-central1",
              "blueprint:secondaryRegion": "us-west1"})
    for w in c["blueprint:workloads"]:
        if w.get("service"):
            w["service"]["image"] = w["service"]["image"].replace("europe-docker", "us-docker")
        if w.get("gpu"):  # in 3 zones of us-central1, us-west1 and us-east1 (accelerator catalog)
            w["gpu"]["accelerator"] = "nvidia-l4"
    path = tmp / "Pulumi.gcp-us.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    before = plan_stack(ROOT, StackRef("gcp-us", path))
    promo = promote(ROOT, StackRef("gcp-us", path), "us-central1")
    assert promo.ok, promo.problems
    promoted = tmp / "promoted" / "Pulumi.gcp-us.yaml"
    promoted.parent.mkdir()
    promoted.write_text(promo.text)
    return before, plan_stack(ROOT, StackRef("gcp-us", promoted)), promo


def test_promoted_gcp_stack_keeps_every_surviving_cloud_sql_name(gcp_us_rebuilt):
    """Review of issue 13: instances are named by region, so the survivor's instance (promoted to primary
    under the same URN) keeps its physical name; a role-based name forced a replacement under the lost
    primary's name (409: the lost instance still holds it)."""
    before, after, promo = gcp_us_rebuilt
    assert promo.survivor == "us-west1" and promo.new_secondary not in (None, "us-central1")
    names_before = {r.urn: r.inputs["name"] for r in before.of_type(SQL)}
    names_after = {r.urn: r.inputs["name"] for r in after.of_type(SQL)}
    surviving = names_before.keys() & names_after.keys()
    assert surviving and all(r.region == "us-west1" for r in after.of_type(SQL) if r.urn in surviving)
    assert {u: names_after[u] for u in surviving} == {u: names_before[u] for u in surviving}
    # every instance, primary or replica, is named <env>-<workload>-<region>
    for r in before.of_type(SQL) + after.of_type(SQL):
        assert r.inputs["name"] == f"prod-{r.workload}-{r.region}"
    # the lost primary's name is never taken again
    lost = {n for u, n in names_before.items() if u not in surviving}
    assert lost and not lost & set(names_after.values())


def test_promoted_gcp_stack_designates_the_promoted_primary(gcp_us_rebuilt):
    _, after, promo = gcp_us_rebuilt
    primaries = {r.workload: r.inputs["name"] for r in after.of_type(SQL) if not r.inputs.get("masterInstanceName")}
    commands = after.of_type("command:local:Command")
    designations = {c.inputs["environment"]["BLUEPRINT_PRIMARY_INSTANCE"]: c.inputs["environment"]["BLUEPRINT_DR_REPLICA"]
                    for c in commands if "BLUEPRINT_PRIMARY_INSTANCE" in (c.inputs.get("environment") or {})}
    assert designations and set(designations) <= set(primaries.values())
    for workload, primary in primaries.items():
        if primary in designations:
            assert primary == f"prod-{workload}-us-west1"
            assert designations[primary] == f"acme-ml-prod:prod-{workload}-{promo.new_secondary}"


def _rebuild_cli(*args: str):
    from typer.testing import CliRunner

    from blueprint.cli import app

    result = CliRunner().invoke(app, ["rebuild", *args, "--project-dir", str(ROOT)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result, " ".join(result.stderr.split())


def test_fails_rebuild_into_a_folder_holding_its_files_without_force(tmp_path):
    """Issue 16: `--out stacks/` would have replaced the live stack file; a non-empty folder is refused
    before any plan (exit 2), naming the folder and the files that would be overwritten."""
    (tmp_path / "Pulumi.prod.yaml").write_text("live\n")
    (tmp_path / "runbook.md").write_text("previous\n")
    result, text = _rebuild_cli("--stack", "prod", "--lost-region", "us-east-1", "--out", str(tmp_path))
    assert result.exit_code == 2, text
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "--out" in text and str(tmp_path) in text and "use --force to overwrite" in text
    assert "Pulumi.prod.yaml, runbook.md would be overwritten" in text
    assert (tmp_path / "Pulumi.prod.yaml").read_text() == "live\n" and (tmp_path / "runbook.md").read_text() == "previous\n"


def test_fails_rebuild_into_a_non_empty_folder_or_default_folder_without_force(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine\n")
    result, text = _rebuild_cli("--stack", "dev", "--lost-region", "us-east-2", "--out", str(tmp_path))
    assert result.exit_code == 2 and "it holds notes.txt" in text and "use --force" in text, text
    # the default folder (./rebuild-<stack>-<region>/) is guarded the same way
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rebuild-dev-us-east-2").mkdir()
    (tmp_path / "rebuild-dev-us-east-2" / "runbook.md").write_text("previous\n")
    result, text = _rebuild_cli("--stack", "dev", "--lost-region", "us-east-2")
    assert result.exit_code == 2 and "runbook.md would be overwritten" in text and "rebuild-dev-us-east-2" in text, text
    assert (tmp_path / "rebuild-dev-us-east-2" / "runbook.md").read_text() == "previous\n"


def test_rebuild_with_force_overwrites_a_previous_rebuild(tmp_path):
    (tmp_path / "runbook.md").write_text("previous\n")
    result, text = _rebuild_cli("--stack", "dev", "--lost-region", "us-east-2", "--out", str(tmp_path), "--force")
    assert result.exit_code in (0, 1), text  # 1: a decision is needed; the runbook is written either way
    assert (tmp_path / "runbook.md").read_text() != "previous\n"

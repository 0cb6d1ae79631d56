"""The resilience model reads the failover orchestration from the plan (issue 17): the Region switch plan (AWS)
and the Cloud Workflows workflow (GCP) as an Orchestration fact; automated steps start when the orchestration
does (its trigger, or a declared disaster with a manual approval); a step nothing automates waits for a human;
a second region without an orchestration is reported."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from blueprint.analysis import analyse, extract_facts, failed
from blueprint.analysis.facts import STEP_DATABASE, STEP_GPU, STEP_TRAFFIC
from blueprint.analysis.figures import DEFAULT_FIGURES
from blueprint.cli import app
from blueprint.plan.render import plan_json
from blueprint.types import aws, gcp
from resilience_plans import ROOT, plan_file, targets_of

PROD = ROOT / "stacks" / "Pulumi.prod.yaml"
# Primary eu-central-1: the Region switch plans' trigger alarms (in us-east-1) survive the primary's loss.
PROD_EU = ROOT / "stacks" / "Pulumi.prod-eu.yaml"
GCP_PROD = ROOT / "stacks" / "Pulumi.gcp-prod.yaml"
DECLARE = DEFAULT_FIGURES.declare_disaster.seconds


@pytest.fixture(scope="module")
def prod_plan():
    return plan_file(PROD)


@pytest.fixture(scope="module")
def prod_eu_plan():
    return plan_file(PROD_EU)


@pytest.fixture(scope="module")
def gcp_plan():
    return plan_file(GCP_PROD)


def _w(report, name):
    return next(w for w in report["workloads"] if w["name"] == name)


def _db(w):
    return next(s for s in w["breakdown"] if s["step"].startswith("database"))


def _without(plan, type_):
    import copy

    out = copy.deepcopy(plan)
    out.resources = [r for r in out.resources if r.type != type_]
    return out


def test_aws_facts_read_the_region_switch_plans(prod_plan):
    facts = {w.name: w for w in extract_facts(prod_plan).workloads}
    fraud, recs = facts["fraud-scoring"].orchestration, facts["recommendations"].orchestration
    assert fraud.kind == "Region switch plan" and fraud.urn.endswith("::fraud-scoring-region-switch-plan")
    # Both start automatically: active-active, and warm standby by default (blueprint/catalogs/operations.py).
    assert fraud.approval == "automatic" and recs.approval == "automatic"
    assert fraud.steps == {STEP_DATABASE: "promote-database", STEP_GPU: "scale-capacity", STEP_TRAFFIC: "shift-traffic"}
    assert facts["batch-embeddings"].orchestration is None


def test_aws_facts_read_the_trigger_alarm_on_the_primary_health_check(prod_eu_plan):
    facts = {w.name: w for w in extract_facts(prod_eu_plan).workloads}
    fraud, search = facts["fraud-scoring"].orchestration, facts["document-search"].orchestration
    assert fraud.approval == "automatic" and search.approval == "automatic"
    # The trigger alarm on the primary's health check: 10 s x 2 failures + 10 s checkers + 1 x 60 s period.
    assert fraud.trigger_s == 10 * 2 + 10 + 60 and "fraud-scoring-region-switch-trigger-eu-central-1" in fraud.trigger_source
    # Business-critical: 10 s x 3 failures + 10 s checkers + 2 x 60 s periods.
    assert search.trigger_s == 10 * 3 + 10 + 2 * 60
    assert "document-search-region-switch-trigger-eu-central-1" in search.trigger_source


def test_gcp_facts_read_the_failover_workflow(gcp_plan):
    facts = {w.name: w for w in extract_facts(gcp_plan).workloads}
    flow = facts["fraud-scoring"].orchestration
    assert flow.kind == "Cloud Workflows workflow" and flow.urn.endswith("::fraud-scoring-failover-workflow")
    assert flow.approval == "automatic" and flow.steps == {STEP_DATABASE: "db-failover"}
    # The primary-down alert policy: duration 60 s + alignment period 60 s.
    assert flow.trigger_s == 120 and "primary-down" in flow.trigger_source
    assert facts["batch-embeddings"].orchestration is None


def test_automatic_orchestration_starts_the_database_step_at_its_trigger(prod_eu_plan):
    w = _w(analyse(prod_eu_plan, targets_of(PROD_EU)), "fraud-scoring")
    db = _db(w)
    assert db["automated"] and db["automated_by"].endswith("(Region switch plan step promote-database)")
    assert db["starts_at_s"] == 90 and w["rto_estimate_s"] == 90 + 60
    assert w["orchestration"]["present"] and w["orchestration"]["approval"] == "automatic"


def test_warm_standby_starts_its_steps_at_its_trigger_and_meets_its_target(prod_eu_plan):
    w = _w(analyse(prod_eu_plan, targets_of(PROD_EU)), "document-search")
    db = _db(w)
    assert db["automated_by"].endswith("(Region switch plan step promote-database)")
    assert db["starts_at_s"] == 160 and "starts when its trigger fires" in db["source"]
    traffic = next(s for s in w["breakdown"] if s["step"] == "traffic shift")
    assert traffic["starts_at_s"] == 160 and "shift-traffic" in traffic["automated_by"]
    assert w["orchestration"]["approval"] == "automatic" and w["meets_rto"] and w["rto_estimate_s"] < w["rto_target_s"]
    assert w["rto_estimate_s"] == 160 + 60  # the 60 s failover and the 60 s traffic shift, both from 160 s


def test_manual_approval_starts_the_automated_steps_after_declaring_a_disaster(tmp_path):
    """failoverApproval: manual on the warm standby: its steps wait for the declared disaster, and
    the 15-minute target is missed (the model shows the wait)."""
    raw = yaml.safe_load(PROD.read_text())
    next(w for w in raw["config"]["blueprint:workloads"] if w["name"] == "recommendations")["failoverApproval"] = "manual"
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    w = _w(analyse(plan_file(path), targets_of(path)), "recommendations")
    db = _db(w)
    assert db["automated_by"].endswith("(Region switch plan step promote-database)")
    assert db["starts_at_s"] == DECLARE and "manual approval" in db["source"]
    traffic = next(s for s in w["breakdown"] if s["step"] == "traffic shift")
    assert traffic["starts_at_s"] == DECLARE and "shift-traffic" in traffic["automated_by"]
    assert w["orchestration"]["approval"] == "manual" and not w["meets_rto"]


def test_fails_mission_critical_without_its_region_switch_plan(tmp_path, prod_eu_plan):
    """prod-eu's saved plan with the Region switch plans deleted: the database failover waits for a human, the
    mission-critical estimate rises, and `blueprint resilience` exits 1 naming the missing orchestration."""
    before = _w(analyse(prod_eu_plan, targets_of(PROD_EU)), "fraud-scoring")
    bare = _without(prod_eu_plan, aws.ARCREGIONSWITCH_PLAN)
    saved = tmp_path / "no-orchestration.json"
    saved.write_text(json.dumps(plan_json(bare)), encoding="utf-8")
    result = CliRunner().invoke(app, ["resilience", "--plan", str(saved), "--format", "json"])
    assert result.exit_code == 1, result.stdout
    after = _w(json.loads(result.stdout), "fraud-scoring")
    assert after["rto_estimate_s"] == DECLARE + 60 > before["rto_estimate_s"] and not after["meets_rto"]
    db = _db(after)
    assert not db["automated"] and "NOT AUTOMATED" in db["source"] and db["starts_at_s"] == DECLARE
    assert after["orchestration"]["missing"] and "NO ORCHESTRATION" in after["orchestration"]["message"]
    text = CliRunner().invoke(app, ["resilience", "--plan", str(saved)])
    assert text.exit_code == 1 and "NO ORCHESTRATION: fraud-scoring has a second region" in text.stdout


def test_fails_gcp_mission_critical_without_its_workflow(gcp_plan):
    before = _w(analyse(gcp_plan, targets_of(GCP_PROD)), "fraud-scoring")
    report = analyse(_without(gcp_plan, gcp.WORKFLOWS_WORKFLOW), targets_of(GCP_PROD))
    after = _w(report, "fraud-scoring")
    assert after["rto_estimate_s"] == DECLARE + 60 > before["rto_estimate_s"] and failed(report)
    assert not _db(after)["automated"] and after["orchestration"]["missing"]


def test_steps_show_whether_automated_and_by_what(prod_plan):
    report = analyse(prod_plan, targets_of(PROD))
    for w in report["workloads"]:
        for s in w["breakdown"]:
            assert {"automated", "automated_by", "starts_at_s"} <= set(s)
            assert s["automated"] == (s["automated_by"] is not None)
    fraud = _w(report, "fraud-scoring")
    assert "health-check" in fraud["breakdown"][0]["automated_by"]  # detection: the Route 53 health check


def test_second_region_without_orchestration_is_reported(prod_plan):
    w = _w(analyse(prod_plan, targets_of(PROD)), "research-notebooks")
    assert w["orchestration"]["missing"] and "us-west-2" in w["orchestration"]["message"]
    # The rebuild is a human's: it starts after declaring a disaster (as it did before the orchestration).
    rebuild = next(s for s in w["breakdown"] if s["step"].startswith("rebuild"))
    assert rebuild["starts_at_s"] == DECLARE and not rebuild["automated"]


def test_us_east_1_primary_plans_get_no_trigger_credit(prod_plan):
    """prod's primary is us-east-1, where Route 53 health-check metrics (and so the plans' trigger alarms)
    live: losing us-east-1 loses the alarm that should start the plan, so the model credits no trigger and
    the plans' automated steps start when a human declares the disaster (blueprint/analysis/aws_orchestration.py)."""
    facts = {w.name: w for w in extract_facts(prod_plan).workloads}
    for name in ("fraud-scoring", "recommendations"):
        orch = facts[name].orchestration
        alarm = prod_plan.named(f"{name}-region-switch-trigger-us-east-1")
        assert alarm.region == "us-east-1" and alarm.inputs["metricName"] == "HealthCheckStatus"
        assert orch.approval == "automatic" and orch.trigger_s is None
        assert f"its only trigger alarm ({alarm.urn}) is evaluated in us-east-1" in orch.trigger_source
        assert "nothing starts the plan" in orch.trigger_source
    report = analyse(prod_plan, targets_of(PROD))
    fraud, recs = _w(report, "fraud-scoring"), _w(report, "recommendations")
    db = _db(fraud)
    assert db["starts_at_s"] == DECLARE and db["automated_by"].endswith("(Region switch plan step promote-database)")
    assert "counted from declaring a disaster" in db["source"] and "starts when its trigger fires" not in db["source"]
    # The 60 s Aurora global failover after declaring the disaster; the 120 s target is missed.
    assert fraud["rto_estimate_s"] == DECLARE + 60 and not fraud["meets_rto"]
    assert fraud["orchestration"]["trigger_s"] is None and "us-east-1" in fraud["orchestration"]["trigger_source"]
    for step in ("database: global failover to the secondary", "traffic shift"):
        s = next(s for s in recs["breakdown"] if s["step"] == step)
        assert s["starts_at_s"] == DECLARE and "Region switch plan step" in s["automated_by"], s
    gpu = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    # The request-driven scale-up (175 s reaction + 300 s node + 120 s pod) waits for the traffic the plan moves.
    assert gpu["starts_at_s"] == DECLARE and recs["rto_estimate_s"] == DECLARE + 175 + 300 + 120 and not recs["meets_rto"]


def test_us_east_1_primary_gains_nothing_from_its_plan_in_that_loss(prod_plan):
    """Deleting fraud-scoring's Region switch plan from prod leaves its region-loss estimate unchanged: in a
    us-east-1 loss the plan starts no sooner than a human would (only NO ORCHESTRATION is added)."""
    with_plan = _w(analyse(prod_plan, targets_of(PROD)), "fraud-scoring")
    without = _w(analyse(_without(prod_plan, aws.ARCREGIONSWITCH_PLAN), targets_of(PROD)), "fraud-scoring")
    assert without["rto_estimate_s"] == with_plan["rto_estimate_s"] == DECLARE + 60
    assert without["orchestration"]["missing"] and not with_plan["orchestration"]["missing"]


def test_resilience_cli_reports_the_untriggerable_plan_on_prod(tmp_path, prod_plan):
    result = CliRunner().invoke(app, ["resilience", "--stack", "prod", "--format", "json"])
    assert result.exit_code == 1, result.stdout
    fraud = _w(json.loads(result.stdout), "fraud-scoring")
    assert fraud["orchestration"]["trigger_s"] is None and fraud["rto_estimate_s"] == DECLARE + 60
    assert "is evaluated in us-east-1, the region it should detect the loss of" in fraud["orchestration"]["trigger_source"]
    assert _db(fraud)["starts_at_s"] == DECLARE
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(plan_json(prod_plan)), encoding="utf-8")
    # Wide enough that rich does not wrap the step's source inside its table cell.
    text = CliRunner().invoke(app, ["resilience", "--plan", str(saved)], env={"COLUMNS": "3000"})
    assert text.exit_code == 1 and "is evaluated in us-east-1, the region it should detect the loss of" in text.stdout
    assert "so in that loss nothing starts the plan: counted from declaring a disaster" in text.stdout

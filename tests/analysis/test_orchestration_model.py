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
# Primary eu-central-1: the Region switch plans' trigger alarms (probes in eu-south-2) survive the primary's loss.
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
    # As if planned without them: no dependency names a removed resource (a saved plan is checked for that).
    kept = {r.urn for r in out.resources}
    for r in out.resources:
        r.dependencies = [d for d in r.dependencies or [] if d in kept]
    return out


def test_aws_facts_read_the_region_switch_plans(prod_plan):
    facts = {w.name: w for w in extract_facts(prod_plan).workloads}
    fraud, recs = facts["fraud-scoring"].orchestration, facts["recommendations"].orchestration
    assert fraud.kind == "Region switch plan" and fraud.urn.endswith("::fraud-scoring-region-switch-plan")
    # Both start automatically: active-active, and warm standby by default (blueprint/catalogs/operations.py).
    assert fraud.approval == "automatic" and recs.approval == "automatic"
    assert fraud.steps == {STEP_DATABASE: "promote-database", STEP_GPU: "scale-capacity", STEP_TRAFFIC: "shift-traffic"}
    assert facts["batch-embeddings"].orchestration is None


def test_aws_facts_read_the_trigger_alarm_of_the_out_of_region_probe(prod_eu_plan):
    facts = {w.name: w for w in extract_facts(prod_eu_plan).workloads}
    fraud, search = facts["fraud-scoring"].orchestration, facts["document-search"].orchestration
    assert fraud.approval == "automatic" and search.approval == "automatic"
    # Mission-critical: the probe starts the plan itself (issue 17) after 2 failed 10 s probes + the last slot's
    # 3 s verdict (its attempts' one deadline), + 30 s from StartPlanExecution to the first step; no alarm
    # evaluation, no alarm -> execution delay. Its trigger alarm stays the backstop.
    start = DEFAULT_FIGURES.region_switch_api_start.seconds
    assert fraud.trigger_s == 2 * 10 + 3 + start == 53
    assert "fraud-scoring-probe-eu-central-1-function in eu-south-2 starts the plan itself" in fraud.trigger_source
    assert "fraud-scoring-probe-eu-central-1-alarm" in fraud.trigger_source and "backstop" in fraud.trigger_source
    assert "verdict 3 s" in fraud.trigger_source
    # Business-critical: 4 failed 10 s probes.
    assert search.trigger_s == 4 * 10 + 3 + start == 73
    # The failover workflow's order: the database (and capacity) first, then traffic; a KEDA workload's
    # capacity step comes last (region_switch_plan capacity_after_traffic).
    assert STEP_TRAFFIC in fraud.stages[1] and set(fraud.stages[0]) <= {STEP_DATABASE, STEP_GPU}


def test_gcp_facts_read_the_failover_workflow(gcp_plan):
    facts = {w.name: w for w in extract_facts(gcp_plan).workloads}
    flow = facts["fraud-scoring"].orchestration
    assert flow.kind == "Cloud Workflows workflow" and flow.urn.endswith("::fraud-scoring-failover-workflow")
    assert flow.approval == "automatic" and flow.steps == {STEP_DATABASE: "db-failover"}
    # The failover probe in europe-west1 (issue 17): the load balancer's verdict (5 s x 2) + up to one round
    # to the next probe + the 20 s window + one round for the last round's deadline + 10 s to start the
    # workflow; the slower primary-down alert (165 + 180 + 60 s) is not the earliest.
    assert flow.trigger_s == 10 + 5 + 20 + 5 + 10 == 50 and "failover probe" in flow.trigger_source
    assert "fraud-scoring-probe-pool in europe-west1" in flow.trigger_source
    assert facts["batch-embeddings"].orchestration is None


def test_automatic_orchestration_starts_the_database_step_at_its_trigger(prod_eu_plan):
    w = _w(analyse(prod_eu_plan, targets_of(PROD_EU)), "fraud-scoring")
    db = _db(w)
    assert db["automated"] and db["automated_by"].endswith("(Region switch plan step promote-database)")
    # The probe's own start (issue 17): 53 s + the 60 s failover = 113 s, within the 120 s target.
    assert db["starts_at_s"] == 53 and w["rto_estimate_s"] == 53 + 60 == w["rto_target_s"] - 7 and w["meets_rto"]
    assert w["orchestration"]["present"] and w["orchestration"]["approval"] == "automatic"


def test_warm_standby_moves_traffic_only_after_the_database_and_capacity_steps(prod_eu_plan):
    """The plan sequences shift-traffic after database-and-capacity; the model no longer runs them side by side."""
    w = _w(analyse(prod_eu_plan, targets_of(PROD_EU)), "document-search")
    db = _db(w)
    assert db["automated_by"].endswith("(Region switch plan step promote-database)")
    assert db["starts_at_s"] == 73 and "starts when its trigger fires" in db["source"]
    stage_end = max(s["starts_at_s"] + s["seconds"] for s in w["breakdown"]
                    if s["automated_by"] and ("promote-database" in s["automated_by"] or "scale-capacity" in s["automated_by"]))
    traffic = next(s for s in w["breakdown"] if s["step"] == "traffic shift")
    assert traffic["starts_at_s"] == stage_end >= 73 + 60 and "shift-traffic" in traffic["automated_by"]
    assert "waits for the plan's previous steps" in traffic["source"]
    assert w["orchestration"]["approval"] == "automatic" and w["meets_rto"]
    assert w["rto_estimate_s"] == stage_end + 60  # then the 60 s alias TTL


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
    gpu = next(s for s in w["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    traffic = next(s for s in w["breakdown"] if s["step"] == "traffic shift")
    # recommendations scales with KEDA: the plan's capacity step follows its traffic step (capacity_after_traffic).
    assert traffic["starts_at_s"] == DECLARE + 60 and gpu["starts_at_s"] == traffic["starts_at_s"] + traffic["seconds"]
    assert "shift-traffic" in traffic["automated_by"]
    assert w["orchestration"]["approval"] == "manual" and not w["meets_rto"]
    assert not prod_plan_probes(plan_file(path), "recommendations")  # no trigger, no probe


def prod_plan_probes(plan, workload):
    return [r for r in plan.of_type(aws.LAMBDA_FUNCTION) if r.workload == workload]


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


def test_us_east_1_primary_gets_trigger_credit_from_its_probe_in_us_west_2(prod_plan):
    """prod's primary is us-east-1: the trigger alarm and the probe that feeds it live in us-west-2, so they
    survive the primary's loss and the plans start at their trigger (issue 17)."""
    facts = {w.name: w for w in extract_facts(prod_plan).workloads}
    for name in ("fraud-scoring", "recommendations"):
        orch = facts[name].orchestration
        alarm = prod_plan.named(f"{name}-probe-us-east-1-alarm")
        assert alarm.region == "us-west-2" and alarm.inputs["period"] == 10
        (probe,) = [f for f in prod_plan_probes(prod_plan, name) if f.region == "us-west-2"]
        assert probe.inputs["environment"]["variables"]["WATCHED_REGION"] == "us-east-1"
        assert orch.approval == "automatic" and orch.trigger_s is not None and alarm.urn in orch.trigger_source
    report = analyse(prod_plan, targets_of(PROD))
    fraud, recs = _w(report, "fraud-scoring"), _w(report, "recommendations")
    assert _db(fraud)["starts_at_s"] == 53 and fraud["rto_estimate_s"] == 113 and fraud["meets_rto"]
    gpu = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    traffic = next(s for s in recs["breakdown"] if s["step"] == "traffic shift")
    # The plan's database step at the probe's start (73 s), then its traffic step, then its capacity step
    # (recommendations scales with KEDA, so the capacity step comes last: review finding 10).
    assert traffic["starts_at_s"] == 73 + 60 and gpu["starts_at_s"] == traffic["starts_at_s"] + traffic["seconds"]
    assert recs["rto_estimate_s"] == gpu["starts_at_s"] + gpu["seconds"] == 788 and recs["meets_rto"]


def test_trigger_credit_needs_the_probe_outside_the_lost_region(prod_plan):
    """The same saved plan without its probes (Lambda functions) or with the probe alarm moved into us-east-1:
    no trigger credit, and the mission-critical target fails."""
    without_probe = _w(analyse(_without(prod_plan, aws.LAMBDA_FUNCTION), targets_of(PROD)), "fraud-scoring")
    assert without_probe["orchestration"]["trigger_s"] is None and "no probe in us-west-2" in without_probe["orchestration"]["trigger_source"]
    assert without_probe["rto_estimate_s"] == DECLARE + 60 and not without_probe["meets_rto"]
    import copy

    moved = copy.deepcopy(prod_plan)
    moved.named("fraud-scoring-probe-us-east-1-alarm").region = "us-east-1"
    inside = _w(analyse(moved, targets_of(PROD)), "fraud-scoring")
    assert inside["orchestration"]["trigger_s"] is None and "is evaluated in us-east-1" in inside["orchestration"]["trigger_source"]
    assert not inside["meets_rto"]


def test_removing_the_orchestration_fails_mission_critical_on_prod(prod_plan):
    """Deleting fraud-scoring's Region switch plan from prod: the database failover waits for a human and the
    120 s target, met with the plan, fails (issue 17, "Done when")."""
    with_plan = _w(analyse(prod_plan, targets_of(PROD)), "fraud-scoring")
    without = _w(analyse(_without(prod_plan, aws.ARCREGIONSWITCH_PLAN), targets_of(PROD)), "fraud-scoring")
    assert with_plan["rto_estimate_s"] == 113 and with_plan["rto_estimate_s"] < without["rto_estimate_s"]
    assert without["rto_estimate_s"] == DECLARE + 60 and not without["meets_rto"]
    assert without["orchestration"]["missing"] and not with_plan["orchestration"]["missing"]


def test_resilience_cli_on_prod_reports_the_probe_trigger(tmp_path, prod_plan):
    result = CliRunner().invoke(app, ["resilience", "--stack", "prod", "--format", "json"])
    # The probe starts the plan itself: 53 s + 60 s = 113 s meets the 120 s target (docs/resilience.md): exit 0.
    assert result.exit_code == 0, result.stdout
    fraud = _w(json.loads(result.stdout), "fraud-scoring")
    assert fraud["orchestration"]["trigger_s"] == 53 and fraud["rto_estimate_s"] == 113
    assert "fraud-scoring-probe-us-east-1-function in us-west-2 starts the plan itself" in fraud["orchestration"]["trigger_source"]
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(plan_json(_without(prod_plan, aws.LAMBDA_FUNCTION))), encoding="utf-8")
    # Wide enough that rich does not wrap the step's source inside its table cell.
    text = CliRunner().invoke(app, ["resilience", "--plan", str(saved)], env={"COLUMNS": "3000"})
    assert text.exit_code == 1 and "no probe in us-west-2 publishes the metric of its trigger alarm" in text.stdout




def _without_direct_start(plan):
    """The saved plan with the probes' START_* variables removed: they no longer start the plan themselves."""
    import copy

    out = copy.deepcopy(plan)
    for fn in out.of_type(aws.LAMBDA_FUNCTION):
        env = fn.inputs["environment"]["variables"]
        for key in [k for k in env if k.startswith("START_")]:
            del env[key]
    return out


def test_removing_the_probes_direct_start_raises_the_estimate_and_fails_mission_critical(tmp_path, prod_plan):
    """Without the probe's own StartPlanExecution the plan starts on its trigger alarm: 2 x 10 s + 3 s + the
    alarm's 10 s evaluation + Region switch's 30 s alarm -> execution delay = 63 s, + 60 s = 123 s > 120 s."""
    bare = _without_direct_start(prod_plan)
    fraud = _w(analyse(bare, targets_of(PROD)), "fraud-scoring")
    hi_res, rs = DEFAULT_FIGURES.cloudwatch_high_res_evaluation.seconds, DEFAULT_FIGURES.region_switch_trigger.seconds
    assert fraud["orchestration"]["trigger_s"] == 2 * 10 + 3 + hi_res + rs == 63
    assert "trigger alarm" in fraud["orchestration"]["trigger_source"]
    assert "starts the plan itself" not in fraud["orchestration"]["trigger_source"]
    assert fraud["rto_estimate_s"] == 123 > _w(analyse(prod_plan, targets_of(PROD)), "fraud-scoring")["rto_estimate_s"]
    assert not fraud["meets_rto"]
    saved = tmp_path / "no-direct-start.json"
    saved.write_text(json.dumps(plan_json(bare)), encoding="utf-8")
    assert CliRunner().invoke(app, ["resilience", "--plan", str(saved), "--format", "json"]).exit_code == 1


def test_direct_start_needs_the_plans_parameter_in_the_probes_region_and_the_triggers_action(prod_plan):
    """No credit for a direct start whose parameter is missing, lives in another region, or whose action is not
    the plan trigger's: the alarm path (63 s) is the estimate then."""
    import copy

    no_parameter = _without(prod_plan, aws.SSM_PARAMETER)
    assert _w(analyse(no_parameter, targets_of(PROD)), "fraud-scoring")["orchestration"]["trigger_s"] == 63
    moved = copy.deepcopy(prod_plan)
    moved.named("fraud-scoring-region-switch-arn-us-west-2").region = "us-east-1"
    assert _w(analyse(moved, targets_of(PROD)), "fraud-scoring")["orchestration"]["trigger_s"] == 63
    wrong = copy.deepcopy(prod_plan)
    wrong.named("fraud-scoring-probe-us-east-1-function").inputs["environment"]["variables"]["START_ACTION"] = "activate"
    assert _w(analyse(wrong, targets_of(PROD)), "fraud-scoring")["orchestration"]["trigger_s"] == 63


def test_a_drill_measured_plan_start_replaces_the_planning_value(prod_plan):
    """A drill's durations_s.plan_start (StartPlanExecution -> first step) overrides region_switch_api_start."""
    from blueprint.analysis.measured import overrides

    figures, steps, lines = overrides({"scenario": "region", "region": "us-east-1", "date": "2026-12-01",
                                       "durations_s": {"plan_start": 12}}, extract_facts(prod_plan))
    assert figures == {"region_switch_api_start": 12.0} and not steps and "figure region_switch_api_start = 12 s" in lines
    from blueprint.analysis.figures import with_overrides

    fast = _w(analyse(prod_plan, targets_of(PROD), figures=with_overrides(figures)), "fraud-scoring")
    assert fast["orchestration"]["trigger_s"] == 2 * 10 + 3 + 12 and fast["rto_estimate_s"] == 35 + 60


def test_a_probe_whose_runs_leave_the_schedules_gap_unprobed_is_charged_for_it(prod_plan):
    """Review finding 4: rate(1 minute) fires "within that minute", so two runs may start 120 s apart, and each
    reads CloudWatch (32 s worst case) before its first slot. prod's probe runs 160 s (RUN_S): runs overlap and
    nothing is added (53 s). A probe running 60 s (RUN_S unset) leaves 120 + 32 - 60 = 92 s unprobed; one cut
    short by a 60 s function timeout covers 60 - 3 - 1 = 56 s."""
    import copy

    gap, reads = DEFAULT_FIGURES.eventbridge_schedule_gap.seconds, DEFAULT_FIGURES.probe_pre_slot_reads.seconds
    fraud = _w(analyse(prod_plan, targets_of(PROD)), "fraud-scoring")
    assert fraud["orchestration"]["trigger_s"] == 53 and "runs overlap" in fraud["orchestration"]["trigger_source"]
    short = copy.deepcopy(prod_plan)
    del short.named("fraud-scoring-probe-us-east-1-function").inputs["environment"]["variables"]["RUN_S"]
    fraud = _w(analyse(short, targets_of(PROD)), "fraud-scoring")
    assert fraud["orchestration"]["trigger_s"] == 53 + gap + reads - 60 == 145 and not fraud["meets_rto"]
    assert "92 s unprobed" in fraud["orchestration"]["trigger_source"]
    cut = copy.deepcopy(prod_plan)
    cut.named("fraud-scoring-probe-us-east-1-function").inputs["timeout"] = 60
    assert _w(analyse(cut, targets_of(PROD)), "fraud-scoring")["orchestration"]["trigger_s"] == 53 + gap + reads - 56


def test_the_probe_of_a_region_with_a_fallback_counts_it_up_while_the_fallback_answers(prod_plan):
    """Review finding 1: prod's recommendations serves degraded from its fallback; its probe watches both."""
    recs = _w(analyse(prod_plan, targets_of(PROD)), "recommendations")
    assert "counts as up while its fallback load balancer answers" in recs["orchestration"]["trigger_source"]
    fraud = _w(analyse(prod_plan, targets_of(PROD)), "fraud-scoring")
    assert "fallback" not in fraud["orchestration"]["trigger_source"]

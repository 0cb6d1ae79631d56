"""The GCP failover trigger in the resilience model (issue 17): gcp-prod's mission-critical fraud-scoring
meets its 120 s target because its failover probe starts the workflow 50 s after the loss (review finding 4:
the window is elapsed time plus one interval to the next round and one for the crossing round's deadline,
no longer rounds x interval alone, which slow sequential reads stretched); without the
probe only the primary-down alert can start it (metric visibility + its HA-outlasting duration +
alignment), and without the workflow a human must: both raise the estimate above 120 s and fail the
target. A probe in the lost region, or an alert that cannot see a lost region, earns no credit."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from blueprint.analysis import analyse, extract_facts
from blueprint.analysis.figures import DEFAULT_FIGURES, with_overrides
from blueprint.cli import app
from blueprint.plan.render import plan_json
from blueprint.types import gcp
from resilience_plans import ROOT, plan_file, targets_of

GCP_PROD = ROOT / "stacks" / "Pulumi.gcp-prod.yaml"
F = DEFAULT_FIGURES
# The primary-down alert after a region loss: Cloud SQL's metric visibility + 180 s duration + 60 s alignment.
ALERT_S = F.cloudsql_metric_visibility.seconds + 180 + 60


@pytest.fixture(scope="module")
def plan():
    return plan_file(GCP_PROD)


def _fraud(plan, figures=DEFAULT_FIGURES) -> dict:
    return next(w for w in analyse(plan, targets_of(GCP_PROD), figures)["workloads"] if w["name"] == "fraud-scoring")


def _edited(plan, drop=lambda r: False, change=lambda r: None):
    out = copy.deepcopy(plan)
    out.resources = [r for r in out.resources if not drop(r)]
    kept = {r.urn for r in out.resources}
    for r in out.resources:
        # a saved plan may name only resources it holds (blueprint/plan/saved.py): drop the references too
        r.dependencies = [d for d in r.dependencies if d in kept]
        change(r)
    return out


def _orch(plan):
    return next(w for w in extract_facts(plan).workloads if w.name == "fraud-scoring").orchestration


def _is_probe(r) -> bool:
    return r.type == gcp.CLOUDRUNV2_WORKER_POOL


def test_the_probe_starts_the_workflow_and_mission_critical_meets_its_target(plan):
    w = _fraud(plan)
    orch = w["orchestration"]
    assert orch["trigger_s"] == 10 + 5 + 4 * 5 + 5 + F.failover_trigger_delivery.seconds == 50
    assert "failover probe" in orch["trigger_source"] and "hold window, 30 x 5 s = 150 s" in orch["trigger_source"]
    # the database signal and its assumption are stated (review findings 1 and 5)
    assert "primary Cloud SQL instance unreachable or not RUNNABLE" in orch["trigger_source"] and "drill" in orch["trigger_source"]
    db = next(s for s in w["breakdown"] if s["step"].startswith("database"))
    assert db["starts_at_s"] == 50 and w["rto_estimate_s"] == 50 + 60 == 110 <= w["rto_target_s"] == 120 and w["meets"]


def test_fails_without_the_probe_the_alert_is_minutes_late(plan, tmp_path):
    bare = _edited(plan, drop=_is_probe)
    w = _fraud(bare)
    assert w["orchestration"]["trigger_s"] == ALERT_S + F.failover_trigger_delivery.seconds == 415
    assert "metric visibility 165 s" in w["orchestration"]["trigger_source"]
    assert w["rto_estimate_s"] == 415 + 60 and not w["meets"]
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(plan_json(bare)), encoding="utf-8")
    result = CliRunner().invoke(app, ["resilience", "--plan", str(saved), "--stack", "gcp-prod", "--format", "json"])
    assert result.exit_code == 1
    assert [x["name"] for x in json.loads(result.stdout)["workloads"] if not x["meets"]] == ["fraud-scoring"]


def test_fails_without_the_workflow_a_human_declares_the_disaster(plan):
    w = _fraud(_edited(plan, drop=lambda r: r.type == gcp.WORKFLOWS_WORKFLOW))
    assert not w["orchestration"]["present"] and not w["meets"]
    assert w["rto_estimate_s"] == F.declare_disaster.seconds + F.cloudsql_dr_replica_failover.seconds


def test_no_credit_for_a_probe_in_the_lost_region(plan):
    moved = _edited(plan, change=lambda r: setattr(r, "region", "europe-west4") if _is_probe(r) else None)
    w = _fraud(moved)
    assert w["orchestration"]["trigger_source"].startswith("alert policy")  # the probe earns nothing, the alert is next
    assert w["orchestration"]["trigger_s"] == 415 and not w["meets"]
    # and with no alert either: no trigger at all, counted from declaring the disaster
    alone = _edited(moved, drop=lambda r: r.type == gcp.MONITORING_ALERT_POLICY and r.name.endswith("-primary-down"))
    orch = _orch(alone)
    assert orch.trigger_s is None and "runs in europe-west4, the lost region: no credit" in orch.trigger_source


def test_no_credit_for_an_alert_that_cannot_see_a_lost_region(plan):
    def quiet(r):
        if r.type == gcp.MONITORING_ALERT_POLICY and r.name.endswith("-primary-down"):
            r.inputs["conditions"][0]["conditionThreshold"]["evaluationMissingData"] = "EVALUATION_MISSING_DATA_INACTIVE"

    orch = _orch(_edited(plan, drop=_is_probe, change=quiet))
    assert orch.trigger_s is None and "does not breach on missing data" in orch.trigger_source


def test_a_measured_slower_delivery_moves_the_estimate(plan):
    w = _fraud(plan, with_overrides({"failover_trigger_delivery": 30}))
    assert w["orchestration"]["trigger_s"] == 70 and w["rto_estimate_s"] == 130 and not w["meets"]


def test_no_credit_for_a_probe_without_its_timing_labels(plan):
    def unlabel(r):
        if _is_probe(r):
            r.inputs["labels"].pop("blueprint-probe-interval-s")

    orch = _orch(_edited(plan, change=unlabel, drop=lambda r: r.type == gcp.MONITORING_ALERT_POLICY))
    assert orch.trigger_s is None and "has no timing labels" in orch.trigger_source


def test_without_a_database_the_probe_has_no_hold_window(plan):
    def no_db(r):
        if _is_probe(r):
            r.inputs["labels"]["blueprint-probe-database"] = "no"

    orch = _orch(_edited(plan, change=no_db))
    assert orch.trigger_s == 50 and "no hold window" in orch.trigger_source and "Cloud SQL" not in orch.trigger_source.split("then")[0]

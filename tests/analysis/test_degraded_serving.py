"""Degraded serving in the resilience scenarios (issue 18, service.fallback) on GCP: read from the plan
(fallback Deployment AND its routing), reported per scenario, absent without a fallback."""

from __future__ import annotations

import copy

import pytest
from rich.console import Console

from blueprint.analysis import analyse, extract_facts
from blueprint.analysis.report_text import degraded_lines, render
from resilience_plans import plan_file, write_stack
from tests.conftest import GCP_US_STACK

DIGEST = "us-docker.pkg.dev/acme/serving/cpu@sha256:" + "c" * 64


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    raw = copy.deepcopy(GCP_US_STACK)
    by_tier = {w["tier"]: w for w in raw["workloads"]}
    for tier in ("business-critical", "standard", "best-effort"):
        by_tier[tier]["service"]["fallback"] = {"image": DIGEST}
    return write_stack(tmp_path_factory.mktemp("degraded"), raw, "degraded")


@pytest.fixture(scope="module")
def plan(stack):
    return plan_file(stack)


@pytest.fixture(scope="module")
def report(plan):
    return analyse(plan)


def _scenarios(report, tier):
    w = next(w for w in report["workloads"] if w["tier"] == tier)
    return {s["scenario"]: s for s in w["scenarios"]}


def test_facts_count_a_fallback_only_where_deployment_and_routing_exist(plan):
    facts = {w.tier: w for w in extract_facts(plan).workloads}
    assert facts["business-critical"].fallback_regions == ("us-central1", "us-east4")
    assert facts["standard"].fallback_regions == ("us-central1", "us-east4")  # pilot light: on its system nodes
    assert facts["best-effort"].fallback_regions == ("us-central1",)
    assert facts["mission-critical"].fallback_regions == () and facts["mission-critical"].fallback_unrouted == ()
    # The fallback NEGs (capacity 1.0) do not make the pilot light's drained GPU region a serving one.
    assert facts["standard"].routing.standby_regions == ("us-east4",)


def test_region_loss_warm_standby_serves_degraded_until_gpu_is_up_and_promoted(report, plan):
    """The warm standby's GPU NEGs share the DEFAULT layer with its fallback NEGs: the fallback keeps a share
    until the failover workflow makes them PREFERRED (and that reaches the front ends), and the GPU step ends."""
    facts = {w.tier: w for w in extract_facts(plan).workloads}
    assert facts["business-critical"].fallback_shares_layer == ("us-east4",)
    assert "traffic_raise" in facts["business-critical"].fallback_promoted_by
    w = next(w for w in report["workloads"] if w["tier"] == "business-critical")
    d = _scenarios(report, "business-critical")["region-loss:us-central1"]["degraded_serving"]
    gpu = next(s for s in w["breakdown"] if s["step"].startswith("GPU capacity"))
    assert d["active"] is True and d["regions"] == ["us-east4"]
    assert d["from_s"] > 0 and d["until_s"] >= gpu["starts_at_s"] + gpu["seconds"] - 0.1
    assert "traffic_raise" in d["source"] and "PREFERRED" in d["source"]
    assert d["from_s"] < d["until_s"]


def test_standby_never_promoted_keeps_the_fallback_sharing_with_no_end(plan):
    """Without a workflow step that makes the standby's GPU NEGs PREFERRED, WATERFALL_BY_REGION keeps filling
    them and the fallback NEGs in proportion to capacity after the GPU pods are back: no end before
    `blueprint rebuild` (the model used to report the GPU step's end)."""
    broken = copy.deepcopy(plan)
    for r in broken.resources:
        if r.type == "gcp:workflows/workflow:Workflow":
            r.inputs["sourceContents"] = r.inputs["sourceContents"].replace("scaled.preference: PREFERRED", "scaled.note: none")
    d = _scenarios(analyse(broken), "business-critical")["region-loss:us-central1"]["degraded_serving"]
    assert d["active"] is True and d["until_s"] is None
    assert "promoted to PREFERRED" in d["source"]


def test_read_model_names_agree_with_the_workflow_source():
    from blueprint.analysis import fallback_facts
    from blueprint.components.gcp import _failover_source

    assert (fallback_facts.PROMOTE_STEP, fallback_facts.PROMOTED_PREFERENCE) == (
        _failover_source.PROMOTE_STEP, _failover_source.PROMOTED_PREFERENCE)


def test_region_loss_pilot_light_serves_degraded_at_once(report):
    d = _scenarios(report, "standard")["region-loss:us-central1"]["degraded_serving"]
    assert d["active"] is True and d["regions"] == ["us-east4"]


def test_zone_loss_with_gpu_capacity_left_keeps_the_fallback_idle(report):
    d = _scenarios(report, "business-critical")["zone-loss:us-central1-a"]["degraded_serving"]
    assert d["active"] is False and "100 %" in d["source"]


def test_backup_restore_fallback_is_lost_with_the_primary(report):
    d = _scenarios(report, "best-effort")["region-loss:us-central1"]["degraded_serving"]
    assert d["active"] is False and d["regions"] == []


def test_no_fallback_reports_null(report):
    assert all(s["degraded_serving"] is None for s in _scenarios(report, "mission-critical").values())


def test_fallback_without_routing_never_counts(plan):
    broken = copy.deepcopy(plan)
    for r in broken.resources:
        if r.type == "gcp:compute/backendService:BackendService":
            r.inputs["backends"] = [b for b in r.inputs["backends"] if "fallback" not in b.get("description", "")]
    w = next(w for w in extract_facts(broken).workloads if w.tier == "business-critical")
    assert w.fallback_regions == () and w.fallback_unrouted == ("us-central1", "us-east4")
    d = _scenarios(analyse(broken), "business-critical")["region-loss:us-central1"]["degraded_serving"]
    assert d["active"] is False and "no routing" in d["source"]


def test_text_report_notes_degraded_serving_under_the_scenarios(report):
    by_tier = {w["tier"]: w for w in report["workloads"]}
    lines = degraded_lines(by_tier["business-critical"])
    assert any(line.startswith("degraded serving, region-loss:us-central1: the fallback in us-east4 from 30 s") for line in lines)
    assert degraded_lines(by_tier["mission-critical"]) == []
    assert not any("region-loss:us-central1" in line for line in degraded_lines(by_tier["best-effort"]))
    idle = {"scenarios": [{"scenario": "zone-loss:a", "degraded_serving": {"active": False, "source": "GPU capacity ... 100 %"}}]}
    assert degraded_lines(idle) == ["degraded serving: no scenario (GPU capacity ... 100 %)"]
    assert lines[0].startswith("fallback (degraded mode): us-central1: Deployment/business-critical-app-us-central1-fallback-deployment")
    console = Console(width=100, record=True)
    render(report, console)
    assert "degraded serving, region-loss:us-central1" in console.export_text()

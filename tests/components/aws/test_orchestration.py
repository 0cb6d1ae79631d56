"""The AWS composer's failover orchestration and drills (blueprint/components/aws/orchestration.py), planned
through the real __main__.py: a Region switch plan per workload with a second region (approach,
RTO and approval by tier), zonal autoshift above best-effort, FIS templates per region and zone."""

from __future__ import annotations

import copy

import pytest

from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from tests.components.aws.test_platform import EU_STACK
from tests.conftest import ROOT, write_stack

PLAN = "aws:arcregionswitch/plan:Plan"
AUTOSHIFT = "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration"
TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
PRIMARY, SECONDARY = "eu-west-1", "eu-west-3"


def _plan(tmp_path_factory, stack: dict):
    path = write_stack(tmp_path_factory.mktemp("orchestration"), stack, name="staging")
    return plan_stack(ROOT, StackRef("staging", path))


@pytest.fixture(scope="module")
def eu(tmp_path_factory):
    return _plan(tmp_path_factory, EU_STACK)


def _plans(plan) -> dict:
    return {r.workload: r.inputs for r in plan.of_type(PLAN)}


# Warm standby starts automatically (its 15-minute RTO leaves no time to declare a disaster: its
# trigger activates the standby); pilot light waits for a human (blueprint/catalogs/operations.py).
@pytest.mark.parametrize("workload, approach, rto_minutes, first_step, triggered", [
    # The writer is promoted before the traffic step for both approaches (region_switch_plan.workflows).
    ("mission-critical-app", "activeActive", 2, "database-and-capacity", True),
    ("business-critical-app", "activePassive", 15, "database-and-capacity", True),
    ("standard-app", "activePassive", 60, "approve-failover", False),
])
def test_every_workload_with_a_second_region_gets_its_plan_by_tier(eu, workload, approach, rto_minutes, first_step, triggered):
    inputs = _plans(eu)[workload]
    assert inputs["recoveryApproach"] == approach and inputs["recoveryTimeObjectiveMinutes"] == rto_minutes
    assert inputs["regions"] == [PRIMARY, SECONDARY]
    assert inputs["workflows"][0]["steps"][0]["name"] == first_step
    assert ("triggers" in inputs) is triggered


def test_best_effort_has_nothing_to_fail_over_to(eu):
    assert "best-effort-app" not in _plans(eu)


def test_zonal_autoshift_on_every_load_balancer_above_best_effort(eu):
    found = {(r.workload, r.region) for r in eu.of_type(AUTOSHIFT)}
    expected = {(f"{t}-app", region) for t in ("mission-critical", "business-critical", "standard") for region in (PRIMARY, SECONDARY)}
    assert found == expected
    assert all(r.inputs["zonalAutoshiftStatus"] == "ENABLED" for r in eu.of_type(AUTOSHIFT))
    albs = [r for r in eu.of_type("aws:lb/loadBalancer:LoadBalancer")]
    assert albs and all(r.inputs["enableZonalShift"] is True for r in albs)


def test_drills_per_region_one_per_zone_and_one_cross_region(eu):
    by_region: dict = {}
    for r in eu.of_type(TEMPLATE):
        by_region.setdefault(r.region, set()).add(r.name.rsplit("-drills-", 1)[1])
    zones = {PRIMARY: ("eu-west-1a", "eu-west-1b", "eu-west-1c"), SECONDARY: ("eu-west-3a", "eu-west-3b", "eu-west-3c")}
    for region, other in ((PRIMARY, SECONDARY), (SECONDARY, PRIMARY)):
        assert by_region[region] == {*(f"az-power-{z}" for z in zones[region]), f"cross-region-{other}"}


def test_orchestration_resources_carry_the_workload_tag(eu):
    resources = [*eu.of_type(PLAN), *eu.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"),
                 *eu.of_type("aws:iam/role:Role")]
    orchestration = [r for r in resources if "-region-switch-" in r.name or "-autoshift-" in r.name]
    assert orchestration and all(r.workload is not None for r in orchestration)


def test_warm_standby_trigger_activates_the_standby_region(eu):
    (trigger,) = _plans(eu)["business-critical-app"]["triggers"]
    assert (trigger["action"], trigger["targetRegion"]) == ("activate", SECONDARY)


def test_configured_manual_approval_replaces_the_trigger_with_an_approval_step(tmp_path_factory):
    stack = copy.deepcopy(EU_STACK)
    stack["workloads"] = [dict(stack["workloads"][1], failoverApproval="manual")]
    inputs = _plans(_plan(tmp_path_factory, stack))["business-critical-app"]
    assert inputs["workflows"][0]["steps"][0]["name"] == "approve-failover"
    assert "triggers" not in inputs


def test_records_answer_only_while_the_plan_keeps_their_region_active(eu):
    """The plan's traffic step moves traffic: each failover/latency record of a workload with a plan
    uses a calculated check over its endpoint check and the plan's check of its region, created
    after the plan (no create-order cycle)."""
    plans = {r.workload: r for r in eu.of_type(PLAN)}
    checks = {r.urn: r for r in eu.of_type("aws:route53/healthCheck:HealthCheck")}
    served = [w for w, p in plans.items() if any(s["executionBlockType"] == "Route53HealthCheck"
                                                   for wf in p.inputs["workflows"] for s in wf["steps"])]
    assert served
    for workload in served:
        records = [r for r in eu.of_type("aws:route53/record:Record")
                   if r.workload == workload and r.inputs.get("setIdentifier") in (PRIMARY, SECONDARY)]
        assert len(records) == 2
        for record in records:
            serving = next(checks[u] for u in record.dependencies if u in checks)
            assert serving.name.endswith("-serving-check") and serving.inputs["childHealthThreshold"] == 2
            assert plans[workload].urn in serving.dependencies


def _scaling(plan_inputs: dict) -> list[dict]:
    """Every EKS resource scaling config of a plan's workflows (steps nested in parallel blocks included)."""
    found: list[dict] = []

    def walk(steps):
        for step in steps or []:
            found.extend(step.get("eksResourceScalingConfigs") or [])
            for config in step.get("parallelConfigs") or []:
                walk(config.get("steps"))

    for workflow in plan_inputs.get("workflows") or []:
        walk(workflow.get("steps"))
    return found


def test_capacity_matches_the_lost_regions_share_by_approach(eu):
    # Region switch scales to a percentage of the deactivated region's replicas: a standby takes all of
    # it (100), an active-active survivor its own plus the lost region's (200).
    for workload, inputs in _plans(eu).items():
        configs = _scaling(inputs)
        if not configs:
            continue
        expected = 200 if inputs["recoveryApproach"] == "activeActive" else 100
        assert {c["targetPercent"] for c in configs} == {expected}, workload


def test_plan_regions_are_sorted_so_a_promotion_does_not_replace_the_plan(eu, tmp_path_factory):
    # `regions` forces a replacement; `blueprint rebuild` swaps primary and secondary: the promoted stack
    # (primary eu-west-3) must plan the same `regions` as the original (primary eu-west-1).
    swapped = copy.deepcopy(EU_STACK)
    swapped.update({"aws:region": SECONDARY, "primaryRegion": SECONDARY, "secondaryRegion": PRIMARY})
    promoted = _plan(tmp_path_factory, swapped)
    before, after = _plans(eu), _plans(promoted)
    assert before and set(before) == set(after)
    for workload in before:
        assert after[workload]["regions"] == before[workload]["regions"] == sorted([PRIMARY, SECONDARY])
        assert after[workload]["primaryRegion"] == SECONDARY


def test_keda_workloads_scale_capacity_after_the_traffic_step(eu, tmp_path_factory):
    # Review finding 10: KEDA's HPA may scale back down what Region switch set while the survivor has no
    # traffic yet; a capacity step waiting for its target must not hold the traffic step, so it comes last.
    # KEDA reverts any patch of its own HPA too, so no HPA is named.
    first = {name: [s["name"] for s in inputs["workflows"][0]["steps"]] for name, inputs in _plans(eu).items()}
    assert first["business-critical-app"] == ["database-and-capacity", "shift-traffic"]  # without KEDA: together
    stack = copy.deepcopy(EU_STACK)
    served = [w for w in stack["workloads"] if w.get("service")]
    for w in served:
        w["service"]["requestsPerSecondPerPod"] = 10
    plan = _plan(tmp_path_factory, stack)
    plans = _plans(plan)
    assert plans["business-critical-app"]["workflows"][0]["steps"][-2:][0]["name"] == "shift-traffic"
    assert [s["name"] for s in plans["business-critical-app"]["workflows"][0]["steps"]] == [
        "promote-database", "shift-traffic", "scale-capacity"]
    resources = [r for inputs in plans.values() for c in _scaling(inputs) for s in c["scalingResources"] for r in s["resources"]]
    assert resources and not [r for r in resources if "hpaName" in r]


# --- the out-of-region failover probes (issue 17) -----------------------------------------------------------


def _probe_alarms(plan) -> dict:
    """(workload, watched region) -> the probe's trigger alarm."""
    return {(r.workload, r.inputs["dimensions"]["WatchedRegion"]): r for r in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            if r.name.endswith("-alarm") and "-probe-" in r.name}


def test_each_automatic_plan_is_triggered_by_probes_outside_the_region_they_watch(eu):
    alarms = _probe_alarms(eu)
    # Active-active: each region probes the other; warm standby: the standby probes the primary; pilot light: none.
    assert set(alarms) == {("mission-critical-app", PRIMARY), ("mission-critical-app", SECONDARY), ("business-critical-app", PRIMARY)}
    for (workload, watched), alarm in alarms.items():
        assert alarm.region != watched
        plan = _plans(eu)[workload]
        keys = {a["mapBlockKey"]: a["resourceIdentifier"] for a in plan["associatedAlarms"]}
        assert keys[f"trigger-{watched}"] == alarm.outputs["arn"]


def test_probe_timing_comes_from_the_tier(eu):
    """blueprint/catalogs/operations.FAILOVER_PROBE: 2 of 3 ten-second probes (mission-critical), 4 of 6 (business-critical)."""
    alarms = _probe_alarms(eu)
    mc, bc = alarms[("mission-critical-app", PRIMARY)].inputs, alarms[("business-critical-app", PRIMARY)].inputs
    assert (mc["period"], mc["datapointsToAlarm"], mc["evaluationPeriods"]) == (10, 2, 3)
    assert (bc["period"], bc["datapointsToAlarm"], bc["evaluationPeriods"]) == (10, 4, 6)
    functions = {r.region: r for r in eu.of_type("aws:lambda/function:Function") if r.workload == "business-critical-app"}
    assert set(functions) == {SECONDARY}
    env = functions[SECONDARY].inputs["environment"]["variables"]
    assert env["WATCHED_REGION"] == PRIMARY and env["SERVER_NAME"].startswith("business-critical-app.")


def test_each_trigger_also_needs_the_survivor_answering_its_own_probe(eu):
    """Finding 2: the probe checks its own region's load balancer too; the plan's trigger needs that self-check green."""
    survivors = {(r.workload, r.region): r for r in eu.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if r.name.endswith("-survivor")}
    assert set(survivors) == {("mission-critical-app", PRIMARY), ("mission-critical-app", SECONDARY), ("business-critical-app", SECONDARY)}
    for (workload, region), alarm in survivors.items():
        assert alarm.inputs["dimensions"]["WatchedRegion"] == region and alarm.inputs["treatMissingData"] == "breaching"
        plan = _plans(eu)[workload]
        keys = {a["mapBlockKey"]: a["resourceIdentifier"] for a in plan["associatedAlarms"]}
        assert keys[f"survivor-{region}"] == alarm.outputs["arn"]
        watched = PRIMARY if region == SECONDARY else SECONDARY
        (trigger,) = [t for t in plan["triggers"] if t["conditions"][0]["associatedAlarmName"] == f"trigger-{watched}"]
        assert {"associatedAlarmName": f"survivor-{region}", "condition": "green"} in trigger["conditions"]
    fn = next(r for r in eu.of_type("aws:lambda/function:Function") if r.workload == "business-critical-app")
    balancers = {r.region: r for r in eu.of_type("aws:lb/loadBalancer:LoadBalancer") if r.workload == "business-critical-app"}
    assert fn.inputs["environment"]["variables"]["SELF_HOST"] == balancers[SECONDARY].outputs["dnsName"]

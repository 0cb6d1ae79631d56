"""The intent layer: every tier -> number decision lives in blueprint/catalogs (tiers.py, operations.py),
is resolved once per workload by blueprint.footprint (WorkloadIntent) and reaches both clouds' plans
as plain values. Secure defaults and tier differences of the components are asserted here, at the
catalog + footprint level (the components take plain values: tests/components)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from blueprint.catalogs import operations
from blueprint.catalogs.operations import OPERATIONS, operations_spec
from blueprint.catalogs.tiers import PROBES, TIERS, SecondRegionRole, Strategy, Tier, tier_spec
from blueprint.config.validate import validate_config
from blueprint.footprint import RegionRole, build_footprint

ROOT = Path(__file__).resolve().parents[1]
ORDER = list(Tier)  # strictest first


def _config(*workloads, secondary="us-west-2", zones=3):
    raw = {
        "cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1",
        "primaryRegion": "us-east-1", "zonesPerRegion": zones, "workloads": list(workloads),
        "deployerCidrs": ["203.0.113.10/32"],
    }
    if secondary:
        raw["secondaryRegion"] = secondary
    return validate_config(raw)


def _intent(tier, **extra):
    fp = build_footprint(_config({"name": "wl", "tier": tier, **extra}))
    return fp.placements[0].intent


def test_every_tier_has_every_table_row():
    assert set(OPERATIONS) == set(TIERS) == set(PROBES) == set(Tier)
    assert set(operations.ROUTING) == set(operations.WRITE_FORWARDING) == set(Strategy)


def test_stricter_tiers_keep_more_headroom_alert_sooner_and_louder():
    cpu = [OPERATIONS[t].cpu_target_percent for t in ORDER]
    minutes = [OPERATIONS[t].alert_evaluation_minutes for t in ORDER]
    assert cpu == sorted(cpu) and minutes == sorted(minutes) and minutes[0] == 1
    assert [OPERATIONS[t].alert_severity for t in ORDER] == ["CRITICAL", "ERROR", "WARNING", "WARNING"]


@pytest.mark.parametrize("tier, pdb, cpu, minutes, severity, guaranteed", [
    ("mission-critical", {"minAvailable": "66%"}, 50, 1, "CRITICAL", True),
    ("business-critical", {"minAvailable": "50%"}, 60, 2, "ERROR", False),
    ("standard", {"maxUnavailable": 1}, 70, 3, "WARNING", False),
    ("best-effort", {"maxUnavailable": 1}, 80, 5, "WARNING", False),
])
def test_the_footprint_resolves_the_tier_into_plain_values(tier, pdb, cpu, minutes, severity, guaranteed):
    intent = _intent(tier)
    assert intent.tier_label == tier
    assert intent.disruption_budget == pdb and intent.cpu_target_percent == cpu
    assert (intent.alert_evaluation_minutes, intent.alert_severity) == (minutes, severity)
    assert intent.guaranteed_gpu_capacity is guaranteed
    assert intent.probe == PROBES[Tier(tier)]
    assert intent.database_backup_retention_days == min(35, tier_spec(tier).min_retention_days)
    assert (intent.rto_s, intent.rpo_s) == (tier_spec(tier).rto_target_s, tier_spec(tier).rpo_target_s)


def test_the_intent_never_shares_the_catalogs_mutable_row():
    intent = _intent("mission-critical")
    assert intent.disruption_budget == OPERATIONS[Tier.MISSION_CRITICAL].disruption_budget
    assert intent.disruption_budget is not OPERATIONS[Tier.MISSION_CRITICAL].disruption_budget
    fp = build_footprint(_config({"name": "wl", "tier": "mission-critical"}))
    assert len({*fp.placements}) == 2  # placements stay hashable with the intent inside


def test_configured_rto_and_rpo_tighten_the_thresholds():
    intent = _intent("standard", rtoSeconds=600, rpoSeconds=0)
    assert intent.queue_age_threshold_s(30) == 600  # the workload's RTO
    assert intent.queue_age_threshold_s(400) == 800  # never below two redeliveries
    # An RPO of 0 still alerts above 1 s / 1 ms (a threshold of 0 is noise).
    assert (intent.replication_lag_threshold_s, intent.replication_lag_threshold_ms) == (1, 1)


@pytest.mark.parametrize("tier", list(Tier))
def test_backlog_and_lag_rules_follow_the_tier_targets(tier):
    intent = _intent(tier.value)
    rto, rpo = tier_spec(tier).rto_target_s, tier_spec(tier).rpo_target_s
    assert intent.queue_age_threshold_s(1) == max(rto, 2) == operations.backlog_age_threshold_s(rto, 1)
    assert intent.replication_lag_threshold_ms == max(rpo * 1000, 1)
    assert intent.replication_lag_threshold_s == max(rpo, 1)


@pytest.mark.parametrize("tier, strategy, routing, forwarding", [
    ("mission-critical", "active-active", "latency", True),
    ("business-critical", "warm-standby", "failover", False),
    ("standard", "pilot-light", "failover", False),
    ("best-effort", "backup-restore", "simple", False),
])
def test_routing_and_write_forwarding_follow_the_strategy(tier, strategy, routing, forwarding):
    intent = _intent(tier)
    assert (intent.dns_routing, intent.database_write_forwarding) == (routing, forwarding)


@pytest.mark.parametrize("tier, approval, autoshift", [
    ("mission-critical", "automatic", True),
    ("business-critical", "automatic", True),
    ("standard", "manual", True),
    ("best-effort", None, False),
])
def test_failover_approval_and_zonal_autoshift_follow_the_catalog(tier, approval, autoshift):
    intent = _intent(tier)
    assert (intent.failover_approval, intent.zonal_autoshift) == (approval, autoshift)
    assert operations.FAILOVER_APPROVAL[tier_spec(tier).default_strategy] == approval
    assert operations_spec(tier).zonal_autoshift is autoshift


@pytest.mark.parametrize("tier, configured", [
    ("mission-critical", "manual"), ("business-critical", "manual"), ("standard", "automatic"),
])
def test_configured_failover_approval_overrides_the_strategy(tier, configured):
    assert _intent(tier, failoverApproval=configured).failover_approval == configured


@pytest.mark.parametrize("tier, approach", [
    ("mission-critical", "active-active"), ("business-critical", "active-passive"),
    ("standard", "active-passive"), ("best-effort", None),
])
def test_failover_approach_follows_the_strategy(tier, approach):
    assert _intent(tier).failover_approach == approach


def test_a_stronger_strategy_brings_its_own_failover_approval():
    # best-effort raised to a strategy with a second region gets that strategy's approval: automatic
    # for warm standby (its 15-minute RTO leaves no time to declare), manual for pilot light.
    assert _intent("best-effort", strategy="warm-standby").failover_approval == "automatic"
    assert _intent("best-effort", strategy="pilot-light").failover_approval == "manual"


@pytest.mark.parametrize("tier, primary, secondary", [
    ("mission-critical", 3, 3), ("business-critical", 2, 1), ("standard", 2, 0),
])
def test_database_instances_by_tier_and_region_role(tier, primary, secondary):
    fp = build_footprint(_config({"name": "wl", "tier": tier, "database": {"engine": "postgres", "size": "small"}}))
    by_role = {p.region_role: p.database_instances for p in fp.placements}
    assert by_role == {RegionRole.PRIMARY: primary, RegionRole.SECONDARY: secondary}


def test_mission_critical_database_instances_follow_the_zone_count():
    assert operations.primary_database_instances("mission-critical", 2) == 2
    assert operations.primary_database_instances("mission-critical", 6) == 3
    assert operations.primary_database_instances("business-critical", 6) == 2


def test_nat_per_zone_comes_from_the_catalog(monkeypatch):
    fp = build_footprint(_config({"name": "wl", "tier": "best-effort"}))
    assert fp.region("us-east-1").nat_per_zone is False
    monkeypatch.setitem(OPERATIONS, Tier.BEST_EFFORT, dataclasses.replace(OPERATIONS[Tier.BEST_EFFORT], nat_per_zone=True))
    assert build_footprint(_config({"name": "wl", "tier": "best-effort"})).region("us-east-1").nat_per_zone is True


def test_config_validation_uses_the_catalogs_spot_rule(monkeypatch):
    """"No spot for mission-critical" is written once (operations.guaranteed_gpu_capacity): config
    validation reads the same row the GPU pools get."""
    gpu = {"accelerator": "nvidia-l4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 4, "capacity": "spot"}
    from blueprint.config.errors import ConfigError

    with pytest.raises(ConfigError, match="spot-only capacity can be reclaimed at once; mission-critical allows"):
        _config({"name": "wl", "tier": "mission-critical", "gpu": gpu})
    _config({"name": "wl", "tier": "business-critical", "gpu": gpu})
    monkeypatch.setitem(OPERATIONS, Tier.BUSINESS_CRITICAL,
                        dataclasses.replace(OPERATIONS[Tier.BUSINESS_CRITICAL], guaranteed_gpu_capacity=True))
    with pytest.raises(ConfigError, match="business-critical allows: on-demand, mixed"):
        _config({"name": "wl", "tier": "business-critical", "gpu": gpu})


def test_second_region_roles_still_come_from_the_tier_table():
    fp = build_footprint(_config({"name": "wl", "tier": "business-critical"}))
    assert fp.placements[1].role is SecondRegionRole.WARM


# --- One catalog change, both clouds' plans ------------------------------------------------------


def _plan(stack: str):
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    return plan_stack(ROOT, resolve_stack(ROOT, stack, None))


def _cpu_targets(plan, workload: str) -> set[int]:
    targets = set()
    for r in plan.resources:
        if r.workload != workload:
            continue
        spec = r.inputs.get("spec") or {}
        if r.type == "kubernetes:keda.sh/v1alpha1:ScaledObject":
            targets |= {int(t["metadata"]["value"]) for t in spec["triggers"] if t["type"] == "cpu"}
        elif r.type == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler":
            targets |= {int(m["resource"]["target"]["averageUtilization"]) for m in spec["metrics"]}
    return targets


@pytest.mark.parametrize("stack", ["prod-eu", "gcp-prod"])
def test_one_catalog_change_reaches_the_plan_of_either_cloud(monkeypatch, stack):
    """Changing the mission-critical row of blueprint/catalogs/operations.py (and nothing else) changes
    the PDB, the autoscaling CPU target and the alert timing of the mission-critical workload in an
    AWS and a GCP plan."""
    before = _plan(stack)
    row = OPERATIONS[Tier.MISSION_CRITICAL]
    monkeypatch.setitem(OPERATIONS, Tier.MISSION_CRITICAL, dataclasses.replace(
        row, disruption_budget={"minAvailable": "77%"}, cpu_target_percent=42, alert_evaluation_minutes=4))
    after = _plan(stack)
    workload = "fraud-scoring"  # the mission-critical workload of both stacks
    assert operations_spec("mission-critical").cpu_target_percent == 42
    pdbs = [r for r in after.resources if r.type == "kubernetes:policy/v1:PodDisruptionBudget" and r.workload == workload]
    # One per region for the GPU service; a fallback (service.fallback, issue 18) adds its own, with the same budget.
    gpu_pdbs = [r for r in pdbs if r.inputs["metadata"]["labels"].get("blueprint-role") != "fallback"]
    assert len(gpu_pdbs) == 2 and all(r.inputs["spec"]["minAvailable"] == "77%" for r in pdbs)
    assert _cpu_targets(before, workload) == {row.cpu_target_percent} and _cpu_targets(after, workload) == {42}
    if stack == "gcp-prod":
        # threshold policies only: the failover probe's heartbeat (metric absence) has its own fixed duration
        alerts = [r for r in after.resources if r.type == "gcp:monitoring/alertPolicy:AlertPolicy" and r.workload == workload
                  and "conditionThreshold" in r.inputs["conditions"][0]]
        durations = {a.name: a.inputs["conditions"][0]["conditionThreshold"]["duration"] for a in alerts}
        # primary-down keeps its own hold (blueprint/catalogs/failover_probe.py: it outlasts an HA failover)
        assert durations.pop("fraud-scoring-alerts-primary-down") == "180s"
        assert durations and set(durations.values()) == {"240s"}
    else:
        alarms = [r for r in after.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm" and r.workload == workload
                  and "blueprint:aws:WorkloadAlarms" in r.urn and not r.name.endswith("dlq-depth")]
        assert alarms and {a.inputs["evaluationPeriods"] for a in alarms} == {4}
    # The other workloads keep their own tier's values.
    others = [r for r in after.resources if r.type == "kubernetes:policy/v1:PodDisruptionBudget" and r.workload != workload]
    assert all(r.inputs["spec"].get("minAvailable") != "77%" for r in others)


def test_queue_thresholds_and_queue_regions_by_tier():
    """Issue 18: depth and dead-letter age thresholds stricter for stricter tiers; queues wherever a workload can serve."""
    from blueprint.catalogs import operations
    from blueprint.catalogs.tiers import Tier

    depth = [operations.QUEUE_DEPTH_THRESHOLD[t] for t in Tier]
    age = [operations.DEAD_LETTER_AGE_THRESHOLD_S[t] for t in Tier]
    assert depth == sorted(depth) and age == sorted(age) and depth[0] < depth[-1]
    assert max(age) < 7 * 86400  # below Pub/Sub's dead-letter subscription retention (the shorter one)
    assert [operations.queue_here(r) for r in ("serving", "warm", "pilot", "backup-copies")] == [True, True, True, False]

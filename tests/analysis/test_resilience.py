"""Resilience analysis (issue 7): RTO/RPO from the planned settings, zone and region loss on the
graph, single points of failure, on shipped and unseen stacks."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from blueprint.analysis import analyse, extract_facts, failed, with_overrides
from blueprint.analysis.figures import DEFAULT_FIGURES
from blueprint.analysis.schedule import schedule_interval_s
from resilience_plans import ROOT, moved_primary, plan_file, rto_misses_come_from_the_orchestration, targets_of, write_stack

DECLARE = DEFAULT_FIGURES.declare_disaster.seconds

TIER_ORDER = ["mission-critical", "business-critical", "standard", "best-effort"]

_GPU = {"gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 3, "capacity": "on-demand"}
# Pinned by digest: tiers that require recovery data pull no outside tag (config/rules.py).
_SERVICE = {"image": "registry.example.com/svc@sha256:" + "a" * 64, "port": 8080}
UNSEEN = {
    # Ohio + Oregon: one workload per tier, a pilot-light database (headless secondary) and GPUs everywhere.
    "us-mixed": {
        "aws:region": "us-east-2", "cloud": "aws", "environment": "usm", "residency": "us",
        "primaryRegion": "us-east-2", "secondaryRegion": "us-west-2", "zonesPerRegion": 3,
        "dnsZone": "usm.example.com", "deployerCidrs": ["203.0.113.10/32"],
        "workloads": [
            {"name": "payments", "tier": "mission-critical", "gpu": {"accelerator": "nvidia-t4", **_GPU},
             "service": _SERVICE, "database": {"engine": "postgres", "size": "large"}, "backup": {"retentionDays": 35}},
            {"name": "search", "tier": "business-critical", "gpu": {"accelerator": "nvidia-t4", **_GPU, "minNodesPerZone": 2, "maxNodesPerZone": 4},
             "service": _SERVICE, "database": {"engine": "mysql", "size": "medium"}, "backup": {"retentionDays": 30}},
            {"name": "reports", "tier": "standard", "gpu": {"accelerator": "nvidia-t4", **_GPU},
             "service": _SERVICE, "database": {"engine": "postgres", "size": "small"}, "backup": {"retentionDays": 14}},
            {"name": "sandbox", "tier": "best-effort", "gpu": {"accelerator": "nvidia-t4", **_GPU, "minNodesPerZone": 0},
             "database": {"engine": "postgres", "size": "small"}, "backup": {"retentionDays": 7}},
        ],
    },
    # Europe, two zones per region, CPU-only standard service and a best-effort database.
    "eu-two-zones": {
        "aws:region": "eu-west-1", "cloud": "aws", "environment": "eu2", "residency": "eu",
        "primaryRegion": "eu-west-1", "secondaryRegion": "eu-north-1", "zonesPerRegion": 2,
        "dnsZone": "eu2.example.com", "deployerCidrs": ["203.0.113.10/32"],
        "workloads": [
            {"name": "api", "tier": "standard", "service": _SERVICE, "backup": {"retentionDays": 14}},
            {"name": "notes", "tier": "best-effort", "database": {"engine": "mysql", "size": "small"}, "backup": {"retentionDays": 7}},
        ],
    },
}


def _shipped(name: str) -> Path:
    return ROOT / "stacks" / f"Pulumi.{name}.yaml"


@pytest.fixture(scope="module")
def stack_files(tmp_path_factory) -> dict[str, Path]:
    files = {name: _shipped(name) for name in ("prod", "dev", "prod-eu")}
    folder = tmp_path_factory.mktemp("unseen")
    for name, raw in UNSEEN.items():
        files[name] = write_stack(folder, copy.deepcopy(raw), name)
    # prod's workloads with primary us-east-2: its plans' trigger alarms (in us-east-1) survive the primary's loss.
    files["prod-ohio"] = moved_primary(folder, files["prod"], "us-east-2", "prod-ohio")
    return files


@pytest.fixture(scope="module")
def reports(stack_files) -> dict[str, dict]:
    return {name: analyse(plan_file(path), targets_of(path)) for name, path in stack_files.items()}


ALL = ["prod", "dev", "prod-eu", *UNSEEN, "prod-ohio"]


@pytest.mark.parametrize("stack", ALL)
def test_every_workload_meets_its_tier_or_misses_its_rto_only_by_the_orchestration_start(reports, stack):
    """Issue 17: the model reads the orchestration; an automatic one starts when its trigger alarm fires
    (after the health check's verdict) and a manual one after the time to declare a disaster, so some
    shipped workloads now miss their RTO: honestly, and only for that reason."""
    report = reports[stack]
    for w in report["workloads"]:
        assert w["meets_rpo"] and not w["write_path_problems"], (w["name"], w["rpo_estimate_s"])
        assert w["meets_rto"] or rto_misses_come_from_the_orchestration(w), (w["name"], w["breakdown"])
    assert failed(report) == any(not w["meets"] for w in report["workloads"])
    assert not [s for s in report["single_points_of_failure"] if s["forbidden"]]


@pytest.mark.parametrize("stack", ALL)
def test_json_shape_per_design(reports, stack):
    for w in reports[stack]["workloads"]:
        assert {"name", "tier", "strategy", "rto_target_s", "rpo_target_s", "rto_estimate_s", "rpo_estimate_s",
                "meets", "breakdown", "scenarios"} <= set(w)
        assert all({"step", "seconds", "source"} <= set(s) for s in w["breakdown"])
        for s in w["scenarios"]:
            assert {"scenario", "serving", "gpu_capacity_pct", "db_writer", "backups_intact"} <= set(s)
            assert s["scenario"].startswith(("zone-loss:", "region-loss:"))
            assert s["db_writer"] in (None, "yes", "after-promotion", "no")


@pytest.mark.parametrize("stack", ALL)
def test_mission_critical_rpo_within_5_s_and_failover_automated(reports, stack):
    for w in reports[stack]["workloads"]:
        if w["tier"] == "mission-critical":
            assert w["rpo_estimate_s"] <= 5, w["breakdown"]
            db = next(s for s in w["breakdown"] if s["step"].startswith("database"))
            assert "Region switch plan step promote-database" in db["automated_by"], db
            assert w["orchestration"]["approval"] == "automatic"


@pytest.mark.parametrize("stack", ALL)
def test_losing_any_zone_keeps_every_workload_serving(reports, stack):
    for w in reports[stack]["workloads"]:
        zone_losses = [s for s in w["scenarios"] if s["scenario"].startswith("zone-loss:")]
        assert zone_losses
        for s in zone_losses:
            assert s["serving"], (w["name"], s)
            assert s["db_writer"] != "no" and s["backups_intact"], (w["name"], s)


@pytest.mark.parametrize("stack", ALL)
def test_losing_the_primary_region(reports, stack):
    report = reports[stack]
    lost = next(s for s in report["workloads"][0]["scenarios"] if s["scenario"] == f"region-loss:{report['primary_region']}")
    assert lost
    for w in report["workloads"]:
        s = next(s for s in w["scenarios"] if s["scenario"] == f"region-loss:{report['primary_region']}")
        if w["tier"] in ("mission-critical", "business-critical"):
            assert s["serving"], (w["name"], s)
            if any(step["step"].startswith("database") for step in w["breakdown"]):
                assert s["db_writer"] in ("yes", "after-promotion")
        if w["strategy"] == "backup-restore" and s["db_writer"] is not None:
            # honest: down until rebuilt from the copies in the second region
            assert not s["serving"] and s["db_writer"] == "no" and s["backups_intact"]
            assert s["recovery"] == "rebuild from backups"
            assert any(step["step"].startswith("rebuild") for step in w["breakdown"])


@pytest.mark.parametrize("stack", ["prod-ohio", "us-mixed"])
def test_estimates_rise_from_tier_to_tier(reports, stack):
    by_tier = {w["tier"]: w for w in reports[stack]["workloads"]}
    rtos = [by_tier[t]["rto_estimate_s"] for t in TIER_ORDER]
    rpos = [by_tier[t]["rpo_estimate_s"] for t in TIER_ORDER]
    # Mission-critical recovers first and backup-restore last. Warm standby fails over automatically by
    # default (its trigger, not a declared disaster), so it recovers before pilot light, whose manual
    # approval waits for the time to declare a disaster (900 s).
    assert rtos == sorted(rtos), rtos
    assert rpos == sorted(rpos), rpos


def test_prod_estimates_rise_from_tier_to_tier_with_the_out_of_region_trigger(reports):
    """prod's primary is us-east-1: its plans' triggers are failover probes in us-west-2 (issue 17), so the
    automatic tiers start at their trigger, not at the declared disaster. The probes start their plans themselves
    (no alarm evaluation, no alarm -> execution delay): mission-critical 2 x 10 s + 3 s verdict + 30 s to the first
    step = 53 s trigger + 60 s failover; business-critical 4 x 10 + 3 + 30 = 73 s trigger + the 60 s database
    failover + the traffic step's 60 s + the capacity step (175 + 300 + 120 s), last because KEDA scales
    recommendations (review finding 10)."""
    by_tier = {w["tier"]: w for w in reports["prod"]["workloads"]}
    assert [by_tier[t]["rto_estimate_s"] for t in TIER_ORDER] == [113, 73 + 60 + 60 + 175 + 300 + 120, DECLARE, 3910]
    rpos = [by_tier[t]["rpo_estimate_s"] for t in TIER_ORDER]
    assert rpos == sorted(rpos), rpos


@pytest.mark.parametrize("stack", ["prod-ohio", "prod"])
def test_prod_breakdown_comes_from_the_plan(reports, stack):
    w = next(w for w in reports[stack]["workloads"] if w["name"] == "fraud-scoring")
    steps = {s["step"]: s for s in w["breakdown"]}
    # Route 53 check: 10 s x 2 failures + 10 s checker latency; 60 s alias TTL; 60 s global failover
    assert steps["detection"]["seconds"] == 30 and "health-check" in steps["detection"]["source"]
    assert steps["traffic shift"]["seconds"] == 60 and steps["traffic shift"]["starts_at_s"] == 30
    # The Region switch plan's start: the failover probe in the other region starts it itself after 2 x 10 s
    # failed probes + the last slot's 3 s verdict, + 30 s to the first step = 53 s, wherever the primary is
    # (issue 17: no alarm evaluation, no alarm -> execution delay); then the 60 s failover: 113 s <= 120 s.
    db = steps["database: global failover to the secondary"]
    assert db["starts_at_s"] == 53 and "starts the plan itself" in db["source"] and "-probe-" in db["source"]
    assert w["rto_estimate_s"] == 53 + 60 and w["rpo_estimate_s"] == 1 and w["meets_rto"]
    recs = next(w for w in reports[stack]["workloads"] if w["name"] == "recommendations")
    gpu = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up from 3 to 6"))
    traffic = next(s for s in recs["breakdown"] if s["step"] == "traffic shift")
    # Warm standby scaled by KEDA: the database at the 73 s start (4 x 10 + 3 + 30), the traffic step (60 s alias
    # TTL) after it, then the plan's capacity step (175 s + 300 s + 120 s), last so it cannot hold the traffic step.
    assert traffic["starts_at_s"] == 73 + 60 and gpu["starts_at_s"] == 73 + 60 + 60
    assert recs["rto_estimate_s"] == gpu["starts_at_s"] + 175 + 300 + 120
    lost = next(s for s in recs["scenarios"] if s["scenario"] == f"region-loss:{reports[stack]['primary_region']}")
    assert lost["gpu_capacity_pct"] == 50 and lost["gpu_capacity_after_scale_up_pct"] == 100


@pytest.mark.parametrize("stack", ALL)
def test_every_database_step_names_what_runs_it(reports, stack):
    # Neither cloud fails a regional database over by itself: the workload's orchestration does (named, by its
    # planned resource and step), or the step says a human must act and starts after declaring a disaster.
    for w in reports[stack]["workloads"]:
        for s in (s for s in w["breakdown"] if s["step"].startswith("database")):
            if w["orchestration"]["present"]:
                assert s["automated_by"].startswith(w["orchestration"]["urn"]), s
            else:
                assert s["automated_by"] is None and "NOT AUTOMATED" in s["source"] and s["starts_at_s"] >= 900, s
    if stack == "prod":
        steps = [s for w in reports[stack]["workloads"] for s in w["breakdown"] if s["step"].startswith("database")]
        assert len(steps) == 2  # fraud-scoring's global failover, recommendations' promotion


def test_pilot_light_headless_database_adds_an_instance(reports):
    w = next(w for w in reports["us-mixed"]["workloads"] if w["name"] == "reports")
    step = next(s for s in w["breakdown"] if s["step"].startswith("database"))
    assert "headless" in step["step"] and step["seconds"] == 660
    lost = next(s for s in w["scenarios"] if s["scenario"] == "region-loss:us-east-2")
    assert lost["serving"] and lost["db_writer"] == "after-promotion" and lost["gpu_capacity_pct"] == 0


@pytest.mark.parametrize("stack", ["prod-ohio", "prod"])
def test_figures_are_configurable(stack_files, stack):
    plan = plan_file(stack_files[stack])
    slower = analyse(plan, figures=with_overrides({"gpu_node_start": 900, "region_switch_api_start": 45}))
    recs = next(w for w in slower["workloads"] if w["name"] == "recommendations")
    # The plan's capacity step (request-rate reaction 175 + node start 900 + pod start 120) runs after the
    # probe's own start (4 x 10 s probes + the 3 s verdict + the overridden 45 s to the first step), the 60 s
    # database failover and the traffic step's 60 s (KEDA: capacity last).
    assert recs["rto_estimate_s"] == 40 + 3 + 45 + 60 + 60 + 175 + 900 + 120
    with pytest.raises(KeyError, match="unknown figures"):
        with_overrides({"warp_drive": 1})


def test_warm_standby_gpu_scale_up_is_automatic_where_cluster_autoscaler_runs(stack_files):
    # Request rate (KEDA) -> pending pods -> cluster-autoscaler scan -> node start -> pod start: no operator.
    # stacks/Pulumi.prod.yaml states recommendations' requestsPerSecondPerPod, so it scales on its ALB's requests.
    # prod-ohio (prod moved to us-east-2): the plan's own step note ("starts when its trigger fires") names no
    # automation, so the last check below sees only what the GPU step says.
    plan = plan_file(stack_files["prod-ohio"])
    recs = next(w for w in analyse(plan)["workloads"] if w["name"] == "recommendations")
    step = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    assert step["seconds"] == 175 + 300 + 120
    assert "cluster-autoscaler scan 10 s" in step["source"] and "RequestCount" in step["source"]
    assert "automatic only if" not in step["source"]
    # CPU only (no ScaledObject): faster to see, but not assured, and the source says so.
    plan.resources = [r for r in plan.resources if r.type != "kubernetes:keda.sh/v1alpha1:ScaledObject"]
    recs = next(w for w in analyse(plan)["workloads"] if w["name"] == "recommendations")
    step = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    assert step["seconds"] == 40 + 300 + 120
    assert "cluster-autoscaler scan 10 s" in step["source"] and "automatic" in step["source"]
    # Not over-claimed: CPU is the HPA's only signal, and GPU-bound inference may never raise it.
    assert "automatic only if" in step["source"] and "GPU-bound inference may saturate before CPU" in step["source"]
    assert "update-nodegroup-config" in step["source"]
    # Without the autoscaler nothing grows the node groups: the model falls back to the bare node start
    # (the runbook's update-nodegroup-config), and says nothing about automation.
    plan.resources = [r for r in plan.resources if r.inputs.get("chart") != "cluster-autoscaler"]
    recs = next(w for w in analyse(plan)["workloads"] if w["name"] == "recommendations")
    step = next(s for s in recs["breakdown"] if s["step"].startswith("GPU capacity: scale up"))
    assert step["seconds"] == 300 + 120 and "automatic" not in step["source"]


def test_stricter_config_targets_apply(stack_files):
    plan = plan_file(stack_files["prod"])
    report = analyse(plan, {"recommendations": (300, None)})
    recs = next(w for w in report["workloads"] if w["name"] == "recommendations")
    assert recs["rto_target_s"] == 300 and not recs["meets"] and failed(report)


def test_rebuild_estimate_is_the_secondary_critical_path(reports):
    # EKS control plane (900 s) dominates; the whole region takes 20-40 min
    assert 1200 <= reports["prod"]["rebuild_estimate_s"] <= 2400
    assert reports["prod"]["rebuild_region"] == "us-west-2"


# ------------------------------------------------------------------ planted single points of failure


def _spofs(plan, kind):
    return [s for s in analyse(plan)["single_points_of_failure"] if s["kind"] == kind and s["forbidden"]]


def test_node_groups_left_in_one_zone_are_caught(stack_files):
    plan = plan_file(stack_files["prod"])
    doomed = {r.urn for r in plan.of_type("aws:eks/nodeGroup:NodeGroup")
              if r.workload == "fraud-scoring" and r.region == "us-east-1" and r.zone != "us-east-1a"}
    plan.resources = [r for r in plan.resources if r.urn not in doomed]
    found = _spofs(plan, "node-group-single-zone")
    kept = next(r.urn for r in plan.of_type("aws:eks/nodeGroup:NodeGroup") if r.workload == "fraud-scoring" and r.zone == "us-east-1a")
    assert [s["urn"] for s in found] == [kept]
    report = analyse(plan)
    assert failed(report)
    w = next(w for w in report["workloads"] if w["name"] == "fraud-scoring")
    assert not w["meets"]
    lost = next(s for s in w["scenarios"] if s["scenario"] == "zone-loss:us-east-1a")
    assert lost["serving"]  # only because latency routing still sends users to the secondary


def test_single_instance_database_is_caught(stack_files):
    plan = plan_file(stack_files["prod"])
    extra = [r for r in plan.of_type("aws:rds/clusterInstance:ClusterInstance")
             if r.workload == "research-notebooks" and not r.name.endswith("instance-0")]
    plan.resources = [r for r in plan.resources if r not in extra]
    found = _spofs(plan, "database-single-instance")
    assert [s["urn"] for s in found] == [plan.named("research-notebooks-us-east-1-db-us-east-1a-instance-0").urn]
    w = next(w for w in analyse(plan)["workloads"] if w["name"] == "research-notebooks")
    lost = next(s for s in w["scenarios"] if s["scenario"] == "zone-loss:us-east-1a")
    assert lost["db_writer"] == "no" and not lost["serving"]


def test_dropped_vault_replication_is_caught(stack_files):
    plan = plan_file(stack_files["prod"])
    replication = plan.named("batch-embeddings-vault-replication-replication")
    # Its artifact store (checkpoints: the primary datastore of a workload without database and service,
    # issue 18) replicates on its own; dropped too, so nothing of the workload leaves us-east-1.
    artifacts = plan.named("batch-embeddings-artifacts-replication-replication")
    plan.resources = [r for r in plan.resources if r is not replication and r is not artifacts]
    found = _spofs(plan, "vault-without-replica")
    assert sorted(s["urn"] for s in found) == sorted([plan.named("batch-embeddings-us-east-1-vault-bucket").urn,
                                                      plan.named("batch-embeddings-us-east-1-artifacts-bucket").urn])
    w = next(w for w in analyse(plan)["workloads"] if w["name"] == "batch-embeddings")
    assert w["rpo_estimate_s"] is None and not w["meets"]
    lost = next(s for s in w["scenarios"] if s["scenario"] == "region-loss:us-east-1")
    assert not lost["backups_intact"]


def test_shared_nat_gateway_is_caught(stack_files):
    plan = plan_file(stack_files["prod"])
    nat_a = plan.named("prod-us-east-1-net-us-east-1a-nat")
    for r in plan.of_type("aws:ec2/route:Route"):
        if r.region == "us-east-1" and r.inputs.get("natGatewayId"):
            r.inputs["natGatewayId"] = nat_a.id
    found = _spofs(plan, "nat-gateway-shared")
    assert [s["urn"] for s in found] == [nat_a.urn]


def test_single_zone_load_balancer_is_caught(stack_files):
    plan = plan_file(stack_files["prod"])
    alb = plan.named("fraud-scoring-us-east-1-lb-alb")
    alb.inputs["subnets"] = alb.inputs["subnets"][:1]
    assert [s["urn"] for s in _spofs(plan, "load-balancer-single-zone")] == [alb.urn]


def test_facts_join_by_physical_ids(stack_files):
    facts = extract_facts(plan_file(stack_files["prod"]))
    fraud = next(w for w in facts.workloads if w.name == "fraud-scoring")
    assert fraud.routing.policy == "latency" and set(fraud.routing.regions) == {"us-east-1", "us-west-2"}
    assert {d.role for d in fraud.databases} == {"writer", "secondary"}
    assert all(len(p.zones) == 1 for p in fraud.pools)
    assert {e.zone for e in facts.egress if e.region == "us-east-1"} == {"us-east-1a", "us-east-1b", "us-east-1c"}


@pytest.mark.parametrize("expression, seconds", [
    ("cron(0 */6 * * ? *)", 6 * 3600), ("cron(0 5 * * ? *)", 86400), ("cron(0 0,12 * * ? *)", 12 * 3600),
    ("cron(*/15 * * * ? *)", 900), ("cron(0 * * * ? *)", 3600), ("rate(4 hours)", 4 * 3600),
    ("cron(0 5 ? * MON *)", 7 * 86400), ("nonsense", 86400),
])
def test_backup_schedule_interval(expression, seconds):
    assert schedule_interval_s(expression) == seconds


# --- write path of the second region (issue 13, finding 7) ---------------------------------------


def _workload(report, name):
    return next(w for w in report["workloads"] if w["name"] == name)


def test_active_active_second_region_writes_through_forwarding(reports):
    fraud = _workload(reports["prod"], "fraud-scoring")  # active-active
    paths = {p["region"]: p for p in fraud["write_paths"]}
    assert paths["us-east-1"]["path"] == "writer"
    assert paths["us-west-2"]["path"] == "forwarded" and paths["us-west-2"]["to_region"] == "us-east-1"
    scenario = {s["scenario"]: s for s in fraud["scenarios"]}
    assert scenario["zone-loss:us-west-2a"]["write_regions"] == ["us-east-1", "us-west-2"]
    assert scenario["region-loss:us-west-2"]["write_regions"] == ["us-east-1"]
    # Forwarding needs the primary's writer: after losing it, writes wait for the global failover.
    lost = scenario["region-loss:us-east-1"]
    assert lost["write_regions"] == [] and lost["db_writer"] == "after-promotion"
    warm = _workload(reports["prod"], "recommendations")  # warm standby fails over instead
    assert {p["region"]: p["path"] for p in warm["write_paths"]} == {"us-east-1": "writer", "us-west-2": "read-only"}


def test_plan_without_forwarding_reports_the_active_active_second_region_read_only(stack_files):
    plan = plan_file(stack_files["prod"])
    secondary = next(r for r in plan.of_type("aws:rds/cluster:Cluster") if r.workload == "fraud-scoring" and r.region == "us-west-2")
    secondary.inputs.pop("enableGlobalWriteForwarding")
    fraud = _workload(analyse(plan), "fraud-scoring")
    assert {p["region"]: p["path"] for p in fraud["write_paths"]} == {"us-east-1": "writer", "us-west-2": "read-only"}
    scenario = {s["scenario"]: s for s in fraud["scenarios"]}
    assert scenario["zone-loss:us-west-2a"]["write_regions"] == ["us-east-1"]
    facts = extract_facts(plan)
    db = next(d for w in facts.workloads if w.name == "fraud-scoring" for d in w.databases if d.region == "us-west-2")
    assert db.role == "secondary" and db.write_forwarding is False

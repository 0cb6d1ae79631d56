"""Write paths of the resilience model (issue 13, finding 7): an active-active workload must be able to
write in every region it serves. A plan edited to drop the AWS secondary's global write forwarding is
refused (exit 1, the workload named); GCP's second region writes to the primary's private IP across
regions over the global VPC ("remote"); a GCP region off that network cannot and is refused too."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from blueprint.analysis import analyse, failed
from blueprint.analysis.facts import Database, DbInstance, Routing, WorkloadFacts
from blueprint.analysis.resilience import serving_regions, write_path_problems, write_paths
from blueprint.cli import app
from blueprint.plan.render import plan_json
from resilience_plans import ROOT, plan_file

PROD = ROOT / "stacks" / "Pulumi.prod.yaml"
GCP_PROD = ROOT / "stacks" / "Pulumi.gcp-prod.yaml"


def _resilience(tmp_path, plan, name: str):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(plan_json(plan)), encoding="utf-8")
    return CliRunner().invoke(app, ["resilience", "--plan", str(path), "--format", "json"])


def _workload(report, name):
    return next(w for w in report["workloads"] if w["name"] == name)


def _paths(w) -> dict[str, tuple[str, str]]:
    return {p["region"]: (p["path"], p["to_region"]) for p in w["write_paths"]}


def test_prod_writes_in_both_regions_of_its_active_active_workload(tmp_path):
    result = _resilience(tmp_path, plan_file(PROD), "prod")
    report = json.loads(result.stdout)
    # The exit code follows the report (prod's RTO misses come from its orchestration's timing, issue 17,
    # tests/analysis/test_orchestration.py); the write paths are fine.
    assert result.exit_code == (1 if failed(report) else 0), result.stdout
    fraud = _workload(report, "fraud-scoring")
    assert _paths(fraud) == {"us-east-1": ("writer", "us-east-1"), "us-west-2": ("forwarded", "us-east-1")}
    assert fraud["write_path_problems"] == [] and fraud["meets_rpo"]


def test_fails_prod_without_global_write_forwarding(tmp_path):
    plan = plan_file(PROD)
    secondary = next(r for r in plan.of_type("aws:rds/cluster:Cluster") if r.workload == "fraud-scoring" and r.region == "us-west-2")
    secondary.inputs.pop("enableGlobalWriteForwarding")
    result = _resilience(tmp_path, plan, "no-forwarding")
    assert result.exit_code == 1, result.stdout
    fraud = _workload(json.loads(result.stdout), "fraud-scoring")
    assert not fraud["meets"] and fraud["meets_rpo"]
    [problem] = fraud["write_path_problems"]
    assert problem.startswith("fraud-scoring is active-active and serves requests in us-west-2") and "read-only" in problem
    text = CliRunner().invoke(app, ["resilience", "--plan", str(tmp_path / "no-forwarding.json")])
    assert text.exit_code == 1 and "WRITE PATH MISSING: fraud-scoring" in text.stdout
    # Warm standby keeps a read-only secondary by design: not a problem.
    assert _workload(json.loads(result.stdout), "recommendations")["write_path_problems"] == []


def test_gcp_prod_second_region_writes_remotely_to_the_primary(tmp_path):
    result = _resilience(tmp_path, plan_file(GCP_PROD), "gcp-prod")
    report = json.loads(result.stdout)
    assert result.exit_code == (1 if failed(report) else 0), result.stdout
    fraud = _workload(report, "fraud-scoring")
    assert fraud["write_path_problems"] == []
    assert _paths(fraud) == {"europe-west4": ("writer", "europe-west4"), "europe-west1": ("remote", "europe-west4")}
    remote = next(p for p in fraud["write_paths"] if p["path"] == "remote")
    assert "across regions" in remote["detail"] and "round trip" in remote["detail"]
    scenario = {s["scenario"]: s for s in fraud["scenarios"]}
    assert scenario["zone-loss:europe-west1-b"]["write_regions"] == ["europe-west4", "europe-west1"]
    assert scenario["region-loss:europe-west1"]["write_regions"] == ["europe-west4"]
    assert scenario["region-loss:europe-west4"]["write_regions"] == []  # remote writes need the primary


def test_fails_gcp_when_the_second_regions_cluster_is_off_the_writers_network():
    plan = plan_file(GCP_PROD)
    cluster = next(r for r in plan.of_type("gcp:container/cluster:Cluster") if r.region == "europe-west1")
    cluster.inputs["network"] = "projects/acme-ml-prod/global/networks/elsewhere"
    report = analyse(plan)
    fraud = _workload(report, "fraud-scoring")
    assert _paths(fraud)["europe-west1"] == ("read-only", None)
    assert not fraud["meets"] and failed(report)
    assert "serves requests in europe-west1" in fraud["write_path_problems"][0]


def _facts(databases, routing=None, strategy="active-active") -> WorkloadFacts:
    return WorkloadFacts("w", "mission-critical", strategy, "r1", "r2", has_service=routing is not None,
                         routing=routing, databases=databases)


def _db(region, role, **kw) -> Database:
    return Database(f"urn:{region}", region, role, (DbInstance(f"urn:{region}:i", f"{region}a", role == "writer"),), None, (), **kw)


def test_a_serving_region_without_a_database_or_path_has_none():
    routing = Routing("latency", ("r1", "r2"), (), 60, "")
    w = _facts([_db("r1", "writer")], routing)
    assert serving_regions(w) == ["r1", "r2"]
    assert [(p.region, p.path) for p in write_paths(w)] == [("r1", "writer"), ("r2", "none")]
    assert "(none" in write_path_problems(w, "active-active")[0]
    reachable = _facts([_db("r1", "writer", reachable_from=("r2",))], routing)
    assert [(p.region, p.path, p.to_region) for p in write_paths(reachable)] == [("r1", "writer", "r1"), ("r2", "remote", "r1")]
    assert write_path_problems(reachable, "active-active") == []


def test_only_active_active_needs_writes_in_every_serving_region():
    routing = Routing("failover", ("r1", "r2"), (), 60, "")
    w = _facts([_db("r1", "writer"), _db("r2", "secondary")], routing, strategy="warm-standby")
    assert serving_regions(w) == ["r1"]
    assert write_path_problems(w, "warm-standby") == []
    latency = _facts([_db("r1", "writer"), _db("r2", "secondary")], Routing("latency", ("r1", "r2"), (), 60, ""))
    assert write_path_problems(latency, "warm-standby") == [] and len(write_path_problems(latency, "active-active")) == 1

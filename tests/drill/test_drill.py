"""`blueprint drill` (issue 17): the commands that start a drill, from the plan; `blueprint drill record`
validates what a drill measured, writes the figure overrides, and `blueprint resilience` uses them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))

from blueprint.cli import app  # noqa: E402
from blueprint.plan.render import plan_json  # noqa: E402
from blueprint.analysis.figures import DEFAULT_FIGURES  # noqa: E402
from resilience_plans import ROOT, plan_file  # noqa: E402

DECLARE = DEFAULT_FIGURES.declare_disaster.seconds
SAMPLE = ROOT / "docs" / "examples" / "drills" / "prod-region-drill.yaml"


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout
    return result


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plans")
    out = {}
    for stack in ("prod", "prod-eu", "gcp-prod"):
        out[stack] = folder / f"{stack}.json"
        out[stack].write_text(json.dumps(plan_json(plan_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml"))), encoding="utf-8")
    return out


def test_prod_zone_drill_starts_the_fis_template_of_the_zone(saved):
    result = invoke("drill", "--plan", str(saved["prod"]), "--scenario", "zone", "--zone", "us-east-1b")
    assert result.exit_code == 0, result.stdout
    assert "jq -r '.\"us-east-1\".\"az-power-us-east-1b\"'" in result.stdout
    assert "pulumi stack output fis_experiment_templates --json" in result.stdout
    assert "experimentTemplates[?tags.Name=='prod-us-east-1-drills-az-power-us-east-1b'].id" in result.stdout
    assert 'aws fis start-experiment --region us-east-1 --experiment-template-id "$TEMPLATE_ID"' in result.stdout
    assert "database_promotion:" in result.stdout and "blueprint drill record" in result.stdout


def test_prod_region_drill_isolates_the_region_and_starts_the_plans(saved):
    result = invoke("drill", "--plan", str(saved["prod"]), "--scenario", "region", "--format", "json")
    drill = json.loads(result.stdout)
    commands = [c for step in drill["steps"] for c in step["commands"]]
    assert drill["target"] == "us-east-1" and any("cross-region-us-west-2" in c for c in commands)
    starts = [c for c in commands if c.startswith("aws arc-region-switch start-plan-execution")]
    assert any('."fraud-scoring"' in c and "--target-region us-east-1 --action deactivate" in c for c in starts)
    assert any('."recommendations"' in c and "--target-region us-west-2 --action activate" in c for c in starts)
    assert all("--mode ungraceful" in c for c in starts)


def test_gcp_prod_zone_and_region_drills_are_command_procedures(saved):
    zone = invoke("drill", "--plan", str(saved["gcp-prod"]), "--scenario", "zone", "--zone", "europe-west4-a").stdout
    assert "--network-endpoint-group-zone=europe-west4-a --capacity-scaler=0" in zone
    assert "kubectl drain -l topology.kubernetes.io/zone=europe-west4-a" in zone
    assert "gcloud sql instances failover prod-fraud-scoring-europe-west4" in zone
    region = invoke("drill", "--plan", str(saved["gcp-prod"]), "--scenario", "region").stdout
    # the GPU NEGs and the degraded mode's NEGs (service.fallback) of europe-west4's three zones
    assert region.count("--capacity-scaler=0") == 6
    assert "gcloud workflows run prod-fraud-scoring-failover --location=europe-west1" in region


def test_fails_an_unknown_zone_with_exit_2(saved):
    result = invoke("drill", "--plan", str(saved["prod"]), "--scenario", "zone", "--zone", "us-east-1z")
    assert result.exit_code == 2 and "--zone" in result.stderr and "us-east-1a" in result.stderr


def test_record_the_sample_changes_the_estimates(tmp_path, saved):
    out = tmp_path / "drills" / "prod.yaml"
    result = invoke("drill", "record", str(SAMPLE), "--plan", str(saved["prod"]), "--out", str(out))
    assert result.exit_code == 0, result.stdout
    recorded = yaml.safe_load(out.read_text())
    assert recorded["figures"]["aurora_global_failover"] == 48 and recorded["figures"]["dns_checker_latency"] == 35 - 20
    modeled = json.loads(invoke("resilience", "--plan", str(saved["prod"]), "--format", "json").stdout)
    measured = json.loads(invoke("resilience", "--plan", str(saved["prod"]), "--drills", str(out), "--format", "json").stdout)
    fraud_before = next(w for w in modeled["workloads"] if w["name"] == "fraud-scoring")
    fraud = next(w for w in measured["workloads"] if w["name"] == "fraud-scoring")
    # prod's plan is started by the failover probe in us-west-2 itself (53 s: 2 x 10 s probes + the last slot's 3 s
    # deadline + 30 s from StartPlanExecution to the first step), then the measured 48 s failover (the measured DNS
    # detection does not move the probe's start).
    assert fraud["rto_estimate_s"] == 53 + 48 != fraud_before["rto_estimate_s"] == 53 + 60
    assert fraud["rto_modeled_s"] == fraud_before["rto_estimate_s"]
    db = next(s for s in fraud["breakdown"] if s["step"].startswith("database"))
    assert db["measured_s"] == 48 and db["modeled_s"] == 60
    assert measured["drill"]["date"] == "2026-11-20"


def test_recorded_detection_does_not_move_the_probe_trigger(tmp_path, saved):
    """prod-eu (primary eu-central-1): its plans' trigger is the failover probe in eu-south-2, which does not
    wait for the Route 53 health check's verdict, so the measured DNS detection leaves it (docs/resilience.md)."""
    drill = tmp_path / "eu-drill.yaml"
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    drill.write_text(yaml.safe_dump({**sample, "region": "eu-central-1"}), encoding="utf-8")
    out = tmp_path / "drills" / "prod-eu.yaml"
    result = invoke("drill", "record", str(drill), "--plan", str(saved["prod-eu"]), "--out", str(out))
    assert result.exit_code == 0, result.stdout
    modeled = json.loads(invoke("resilience", "--plan", str(saved["prod-eu"]), "--format", "json").stdout)
    measured = json.loads(invoke("resilience", "--plan", str(saved["prod-eu"]), "--drills", str(out), "--format", "json").stdout)
    fraud_before = next(w for w in modeled["workloads"] if w["name"] == "fraud-scoring")
    fraud = next(w for w in measured["workloads"] if w["name"] == "fraud-scoring")
    # the probe's own start: 2 x 10 s probes + 3 s deadline + 30 s to the first step, then the measured 48 s failover
    assert fraud["rto_estimate_s"] == 53 + 48 != fraud_before["rto_estimate_s"] == 53 + 60
    assert fraud["orchestration"]["trigger_s"] == 53


def _drill_file(tmp_path: Path, **durations) -> Path:
    path = tmp_path / "drill.yaml"
    path.write_text(yaml.safe_dump({"scenario": "region", "region": "us-east-1", "date": "2026-11-21",
                                    "durations_s": durations}), encoding="utf-8")
    return path


def test_fails_a_database_promotion_slower_than_the_tier_allows(tmp_path, saved):
    result = invoke("drill", "record", str(_drill_file(tmp_path, database_promotion=400)), "--plan", str(saved["prod"]),
                    "--out", str(tmp_path / "prod.yaml"))
    assert result.exit_code == 1
    assert "MEASURED MISS: fraud-scoring: the measured step 'database: global failover to the secondary' (400 s" in result.stdout


def test_fails_a_malformed_drill_file_with_exit_2_naming_every_key(tmp_path, saved):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"scenario": "moon", "region": "us-east-1", "colour": "red",
                                    "durations_s": {"detection": -3, "database_promotion": "fast", "coffee": 1}}))
    result = invoke("drill", "record", str(path), "--plan", str(saved["prod"]))
    assert result.exit_code == 2
    for expected in ("colour: unknown key", "date: required key missing", "scenario: 'moon' is not one of zone, region",
                     "durations_s.detection: -3 is negative", "durations_s.database_promotion: 'fast' is not a number",
                     "durations_s.coffee: unknown step"):
        assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_zone_drill_needs_its_zone(tmp_path):
    from blueprint.drill import validate

    problems = validate({"scenario": "zone", "region": "us-east-1", "date": "2026-11-21", "durations_s": {"detection": 5}})
    assert [p.path for p in problems] == ["zone"]


def test_the_runbooks_drill_file_example_validates():
    """docs/runbooks/dr-drill.md's drill file example is a valid drill file (docs examples run)."""
    from blueprint.drill import validate

    text = (ROOT / "docs" / "runbooks" / "dr-drill.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert validate(yaml.safe_load(block)) == []
    assert validate(yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))) == []


def test_a_measured_plan_start_moves_the_probes_start(tmp_path, saved):
    """durations_s.plan_start (the probe's StartPlanExecution -> the first step, issue 17) replaces the 30 s
    planning value region_switch_api_start: 2 x 10 s + 3 s + 45 s = 68 s, + the 60 s failover = 128 s, a miss."""
    out = tmp_path / "drills" / "prod.yaml"
    result = invoke("drill", "record", str(_drill_file(tmp_path, plan_start=45)), "--plan", str(saved["prod"]), "--out", str(out))
    assert result.exit_code == 1, result.stdout  # the measured figure breaks mission-critical's 120 s
    assert "MEASURED MISS: fraud-scoring: the measured figures move its recovery to 128 s (modeled 113 s)" in result.stdout
    assert yaml.safe_load(out.read_text())["figures"] == {"region_switch_api_start": 45}
    measured = json.loads(invoke("resilience", "--plan", str(saved["prod"]), "--drills", str(out), "--format", "json").stdout)
    fraud = next(w for w in measured["workloads"] if w["name"] == "fraud-scoring")
    assert fraud["orchestration"]["trigger_s"] == 20 + 3 + 45 and fraud["rto_estimate_s"] == 128 and not fraud["meets"]

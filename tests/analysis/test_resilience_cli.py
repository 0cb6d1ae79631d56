"""`blueprint resilience` and the rebuild estimate in `blueprint plan`'s summary."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from blueprint.cli import app
from blueprint.plan.render import plan_json
from resilience_plans import ROOT, plan_file


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_saved_plan_json_exit_0_and_planted_fault_exit_1(tmp_path):
    plan = plan_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(plan_json(plan)), encoding="utf-8")
    result = invoke("resilience", "--plan", str(good), "--format", "json")
    report = json.loads(result.stdout)
    # prod misses RTO targets by its orchestration's timing (issue 17; tests/analysis/test_orchestration.py):
    # the exit code follows the report, and no single point of failure is forbidden.
    assert result.exit_code == (1 if any(not w["meets"] for w in report["workloads"]) else 0), result.stdout
    assert not [s for s in report["single_points_of_failure"] if s["forbidden"]]
    assert [w["name"] for w in report["workloads"]][0] == "fraud-scoring"
    text = invoke("resilience", "--plan", str(good))
    assert text.exit_code == result.exit_code and "region-loss breakdown" in text.stdout

    plan.resources = [r for r in plan.resources if r.name != "fraud-scoring-vault-replication-replication"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan.to_json()), encoding="utf-8")
    result = invoke("resilience", "--plan", str(bad), "--format", "json")
    assert result.exit_code == 1
    assert any(s["kind"] == "vault-without-replica" for s in json.loads(result.stdout)["single_points_of_failure"])


def test_invalid_input_exits_2_without_traceback(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    for args in (("resilience", "--plan", str(junk)), ("resilience", "--stack", "no-such-stack")):
        result = invoke(*args)
        assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_plan_summary_has_the_rebuild_estimate():
    data = plan_json(plan_file(ROOT / "stacks" / "Pulumi.dev.yaml"))
    assert data["summary"]["rebuild_region"] == "us-west-2"
    assert 600 <= data["summary"]["rebuild_estimate_s"] <= 2400

"""Deploy readiness in the CLI: `blueprint check` reports each readiness problem as a mandatory
violation (policy = the check's id) in every format, and `blueprint plan` prints them on stderr
after writing the plan and exits 1."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from blueprint.plan.model import Plan

ROOT = Path(__file__).resolve().parents[2]
LB = "aws:lb/loadBalancer:LoadBalancer"
LONG_NAME = "recommendations-us-east-1-lb-alb-0123456"  # 40 characters: over ELBv2's 32


def _tamper(data: dict) -> dict:
    """The first load balancer gets a 40-character name, as its autoname was before the fix."""
    lb = next(r for r in data["resources"] if r["type"] == LB)
    lb["inputs"]["name"] = LONG_NAME
    return lb


def _check(plan_path: Path, fmt: str) -> Any:
    result = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--plan", str(plan_path), "--format", fmt,
                                      "--skip-checkov"])
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_check_refuses_a_saved_plan_with_an_illegal_name(dev_plan: dict, tmp_path: Path, fmt: str) -> None:
    lb = _tamper(dev_plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan), encoding="utf-8")
    result = _check(path, fmt)
    assert result.exit_code == 1
    assert lb["urn"] in result.stdout and "deploy-name-limit" in result.stdout
    if fmt == "json":
        found = [v for v in json.loads(result.stdout)["violations"] if v["policy"] == "deploy-name-limit"]
        assert [(v["urn"], v["enforcement"]) for v in found] == [(lb["urn"], "mandatory")]
        assert LONG_NAME in found[0]["message"] and "32" in found[0]["message"]
    if fmt == "sarif":
        run = json.loads(result.stdout)["runs"][0]
        ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        (res,) = [r for r in run["results"] if r["ruleId"] == "deploy-name-limit"]
        assert ids[res["ruleIndex"]] == "deploy-name-limit" and res["level"] == "error"
    if fmt == "junit":
        failures = [c for c in ET.fromstring(result.stdout).iter("testcase") if c.find("failure") is not None]
        assert any(c.get("name", "").startswith("deploy-name-limit ") for c in failures)


def test_check_passes_the_clean_saved_plan(dev_plan_file: Path) -> None:
    result = _check(dev_plan_file, "json")
    report = json.loads(result.stdout)
    assert not [v for v in report["violations"] if v["policy"].startswith("deploy-")]
    assert {"deploy-name-limit"} <= {r["id"] for r in report["rules"]}


def test_plan_exits_1_on_readiness_problems_and_still_writes_the_plan(dev_plan: dict, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    lb = _tamper(dev_plan)
    monkeypatch.setattr("blueprint.plan.run.plan_stack", lambda root, ref: Plan.from_json(dev_plan))
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(app, ["plan", "--stack", "dev", "--project-dir", str(ROOT), "--format", "json", "--out", str(out)])
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["resources"]
    assert "deploy readiness [deploy-name-limit]" in result.stderr and lb["urn"] in result.stderr and LONG_NAME in result.stderr


def test_plan_of_a_clean_stack_exits_0(dev_plan_file: Path) -> None:
    """The session fixture ran `blueprint plan --stack dev` and asserted exit 0; the saved plan has no problem."""
    from blueprint.readiness import readiness_problems

    assert readiness_problems(Plan.from_json(json.loads(dev_plan_file.read_text(encoding="utf-8")))) == []

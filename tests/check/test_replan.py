"""``intent-replan`` (issue 16): a saved plan is compared, resource by resource, with a fresh plan of its stack
file (blueprint/check/replan.py); the fresh plan is memoized per process; a plan's ``stack`` must be its URNs'."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.check import replan
from blueprint.check.intent import StackIntent
from blueprint.cli import app
from blueprint.config.errors import ConfigError
from blueprint.plan.model import Plan

ROOT = Path(__file__).resolve().parents[2]


def test_first_difference_names_the_path_and_both_values() -> None:
    saved = {"inputs": {"tags": {"blueprint:tier": "standard"}, "zones": ["a", "b"]}}
    fresh = {"inputs": {"tags": {"blueprint:tier": "mission-critical"}, "zones": ["a", "b"]}}
    assert replan.first_difference(saved, fresh) == ('inputs.tags["blueprint:tier"]', "standard", "mission-critical")
    assert replan.first_difference({"z": ["a"]}, {"z": ["a", "b"]})[0] == "z[1]"
    assert replan.first_difference({"on": 1}, {"on": True}) == ("on", 1, True)  # 1 == True in Python, not here
    assert replan.first_difference({"n": [{"k": 1.0}]}, {"n": [{"k": 1.0}]}) is None


def _plan(resources: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {"stack": "s", "cloud": "aws", "residency": "us", "outputs": {}, "resources": resources, **top}


def _r(name: str, **fields: Any) -> dict[str, Any]:
    r = {"urn": f"urn:pulumi:s::p::t:m:R::{name}", "type": "t:m:R", "name": name, "parent": None, "dependencies": [],
         "region": "us-east-1", "zone": None, "workload": "w", "inputs": {"a": 1}, "custom": True, "provider": None,
         "id": name, "outputs": {}}
    return {**r, **fields}


def test_compare_reports_missing_extra_changed_and_top_level() -> None:
    fresh = _plan([_r("kept"), _r("gone"), _r("moved")])
    saved = Plan.from_json(_plan([_r("kept"), _r("moved", region="eu-west-1"), _r("added")], residency="any"))
    found = replan.compare(saved, json.loads(json.dumps(fresh)), "s")
    assert [(f.resource_name, f.enforcement, f.policy) for f in found] == [
        (None, "mandatory", "intent-replan"), ("gone", "mandatory", "intent-replan"),
        ("added", "mandatory", "intent-replan"), ("moved", "mandatory", "intent-replan")]
    assert '"any"' in found[0].message and '"us"' in found[0].message
    assert "missing from the saved plan" in found[1].message and "does not plan it" in found[2].message
    assert 'region is "eu-west-1" in the saved plan, "us-east-1" planned' in found[3].message
    assert "blueprint plan --stack s --format json --out F" in found[3].remediation


def test_compare_caps_the_findings() -> None:
    fresh = _plan([_r(f"r{i}") for i in range(80)])
    saved = Plan.from_json(_plan([_r(f"r{i}", workload=None) for i in range(80)]))
    found = replan.compare(saved, fresh, "s")
    assert len(found) == replan.MAX_FINDINGS + 1 and found[-1].message.startswith("and 30 more difference")


def test_fresh_plan_is_memoized_per_stack_file_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import blueprint.plan.run as run

    calls: list[str] = []

    def fake_plan_stack(project_dir: Path, ref: Any) -> Plan:
        calls.append(ref.name)
        return Plan.from_json(_plan([_r("only")]))

    monkeypatch.setattr(run, "plan_stack", fake_plan_stack)
    stack_file = tmp_path / "Pulumi.memo.yaml"
    stack_file.write_text("config: {}\n", encoding="utf-8")
    first = replan.fresh_plan_json(tmp_path, "memo", stack_file)
    assert replan.fresh_plan_json(tmp_path, "memo", stack_file) is first and calls == ["memo"]
    stack_file.write_text("config: {a: 1}\n", encoding="utf-8")  # another stack file: planned again
    replan.fresh_plan_json(tmp_path, "memo", stack_file)
    assert calls == ["memo", "memo"]


def test_hand_composed_or_unverified_intent_is_not_replanned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replan, "fresh_plan_json", lambda *a: pytest.fail("re-planned"))
    saved = Plan.from_json(_plan([_r("x")]))
    assert replan.replan_findings(saved, StackIntent(Path("Pulumi.dev.yaml"), "eu", None, "dev"), ROOT) == []
    assert replan.replan_findings(saved, StackIntent(None, "eu", None), ROOT) == []
    assert replan.replan_findings(saved, None, ROOT) == []


def _check(path: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--plan", str(path), "--skip-checkov",
                                    "--format", "json", *args])


def test_saved_dev_plan_passes_and_an_edited_one_fails(dev_plan: dict, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan), encoding="utf-8")
    assert _check(path, "--stack", "dev").exit_code == 0
    edited = copy.deepcopy(dev_plan)
    r = next(x for x in edited["resources"] if x["workload"] is not None)
    r["workload"] = None  # out of the tier rules' sight: only the re-plan sees it
    path.write_text(json.dumps(edited), encoding="utf-8")
    result = _check(path, "--stack", "dev")
    mandatory = [v for v in json.loads(result.stdout)["violations"] if v["enforcement"] == "mandatory"]
    assert result.exit_code == 1 and [(v["policy"], v["urn"]) for v in mandatory] == [("intent-replan", r["urn"])]
    assert "workload is null in the saved plan" in mandatory[0]["message"]


def test_fails_plan_whose_stack_is_not_its_urns_stack(dev_plan: dict, tmp_path: Path) -> None:
    from blueprint.plan.saved import read_saved_plan

    dev_plan["stack"] = "prod"  # relabelled: it would be checked against stacks/Pulumi.prod.yaml
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_saved_plan(path)
    assert "stack: differs from the stack in the plan's URNs ('dev'" in str(error.value) and "'prod'" in str(error.value)
    result = _check(path)
    assert result.exit_code == 2 and "differs from the stack in the plan's URNs" in result.stderr

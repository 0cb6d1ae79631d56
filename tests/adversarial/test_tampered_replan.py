"""Every tampered plan of tests/adversarial/tampered_replan.py fails ``blueprint check --plan F --stack S
--skip-checkov`` (exit 1) with ``intent-replan`` naming the resource: a saved plan must be exactly what its
stack file plans (issue 16; blueprint/check/replan.py). The fresh plans are memoized per process, so the
corpus costs one plan per stack (plus the module's own saved plans)."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tests.adversarial.tampered_replan import AWS_STACK, CASES, GCP_STACK

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def saved_plans() -> dict[str, dict[str, Any]]:
    """The plans `blueprint plan --stack S --format json` saves, through the check's own memoized re-plan."""
    from blueprint.check.replan import fresh_plan_json

    return {s: fresh_plan_json(ROOT, s, ROOT / "stacks" / f"Pulumi.{s}.yaml") for s in (AWS_STACK, GCP_STACK)}


def _check(tmp_path: Path, data: dict[str, Any], stack: str) -> Any:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--plan", str(path), "--stack", stack,
                                      "--skip-checkov", "--format", "json"])
    assert "Traceback" not in result.output
    return result


def test_corpus_covers_both_clouds() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 20
    per_stack = Counter(c.stack for c in CASES)
    assert per_stack[AWS_STACK] >= 10 and per_stack[GCP_STACK] >= 10


@pytest.mark.parametrize("stack", [AWS_STACK, GCP_STACK])
def test_untampered_saved_plan_passes(saved_plans: dict[str, Any], tmp_path: Path, stack: str) -> None:
    result = _check(tmp_path, saved_plans[stack], stack)
    assert result.exit_code == 0, result.output[-3000:]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fails_tampered_plan(saved_plans: dict[str, Any], tmp_path: Path, case: Any) -> None:
    data = copy.deepcopy(saved_plans[case.stack])
    urn = case.tamper(data)
    assert data != saved_plans[case.stack], f"{case.id}: the tampering changed nothing"
    result = _check(tmp_path, data, case.stack)
    assert result.exit_code == 1, (case.id, result.output[-3000:])
    replan = [v for v in json.loads(result.stdout)["violations"] if v["policy"] == "intent-replan"]
    named = [v for v in replan if v["urn"] == urn and v["enforcement"] == "mandatory"]
    assert named, (case.id, urn, [(v["urn"], v["message"]) for v in replan][:5])
    assert "blueprint plan --stack" in named[0]["remediation"]


def test_readme_states_the_tampered_replan_figure() -> None:
    import re

    text = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    per_stack = Counter(c.stack for c in CASES)
    assert f"{len(CASES)} more tampered plans that differ from what their stack file plans" in text
    assert f"({per_stack[AWS_STACK]} of a `prod`, {per_stack[GCP_STACK]} of a `gcp-prod` plan:" in text

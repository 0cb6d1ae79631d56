"""Every tampered plan of tests/adversarial/tampered_intent.py fails ``blueprint check --plan F --stack S
--skip-checkov`` (exit 1) naming the resource or workload: the stack file, not the plan, is the authority
(issue 16, "Policy bypasses")."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tests.adversarial.tampered_intent import AWS_STACK, CASES, GCP_STACK

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def saved_plans() -> dict[str, dict[str, Any]]:
    """The saved plans of the two stacks the corpus tampers with, planned once for the module."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    return {s: plan_stack(ROOT, resolve_stack(ROOT, s, None)).to_json() for s in (AWS_STACK, GCP_STACK)}


def _check(path: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--plan", str(path), "--skip-checkov",
                                      "--format", "json", *args])
    assert "Traceback" not in result.output
    return result


def _save(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_corpus_size_and_coverage() -> None:
    assert len(CASES) >= 16 and len({c.id for c in CASES}) == len(CASES)
    per_cloud = Counter(c.stack for c in CASES)
    assert per_cloud[AWS_STACK] >= 6 and per_cloud[GCP_STACK] >= 6


@pytest.mark.parametrize("stack", [AWS_STACK, GCP_STACK])
def test_untampered_saved_plan_passes(saved_plans: dict[str, Any], tmp_path: Path, stack: str) -> None:
    result = _check(_save(tmp_path, saved_plans[stack]), "--stack", stack)
    assert result.exit_code == 0, result.output[-3000:]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fails_tampered_plan(saved_plans: dict[str, Any], tmp_path: Path, case: Any) -> None:
    data = copy.deepcopy(saved_plans[case.stack])
    needle = case.tamper(data)
    result = _check(_save(tmp_path, data), "--stack", case.stack)
    assert result.exit_code == 1, (case.id, result.output[-3000:])
    violations = json.loads(result.stdout)["violations"]
    named = [v for v in violations if v["policy"] == case.policy and v["enforcement"] == "mandatory"
             and (needle == v["urn"] or needle in v["message"])]
    assert named, (case.id, needle, [(v["policy"], v["urn"], v["message"]) for v in violations][:10])


def test_readme_states_the_tampered_intent_figure() -> None:
    import re

    text = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    per_stack = Counter(c.stack for c in CASES)
    assert f"{len(CASES)} tampered plans that contradict their stack file" in text
    assert f"{per_stack[AWS_STACK]} each of a `prod` and a `gcp-prod` plan" in text and per_stack[AWS_STACK] == per_stack[GCP_STACK]

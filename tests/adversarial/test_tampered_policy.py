"""Tampered plans (issue 16, "Policy bypasses"): each fails `blueprint check` (exit 1) naming the resource,
without checkov (every case) and with it (a few: checkov takes ~5-10 s a run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.checkov.runner import CHECKOV_VENV
from blueprint.cli import app
from tests.adversarial.tampered_policy import AWS_TAMPERS, GCP_TAMPERS, TAMPERS, WITH_CHECKOV, Tamper, saved_plans, tampered

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / CHECKOV_VENV / "bin" / "checkov"
BY_ID = {case.id: case for case in TAMPERS}


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[str, Any]]:
    """The saved plans of dev, prod and gcp-prod, each planned once for the module."""
    return saved_plans()


def _check(plan: dict[str, Any], tmp_path: Path, *flags: str) -> tuple[int, dict[str, Any], str]:
    plan_file, report = tmp_path / "plan.json", tmp_path / "report.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--plan", str(plan_file), "--format", "json",
                                      "--out", str(report), *flags])
    data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
    return result.exit_code, data, result.output


def _assert_caught(case: Tamper, urn: str, code: int, data: dict[str, Any], output: str) -> None:
    assert code == 1, f"{case.id}: exit {code}\n{output}"
    mine = [v for v in data["violations"] if v["urn"] == urn and v["policy"] == case.rule]
    assert mine, f"{case.id}: {case.rule} did not name {urn}: {[(v['policy'], v['urn']) for v in data['violations']]}"
    assert all(v["enforcement"] == "mandatory" for v in mine)
    assert case.target in mine[0]["message"], mine[0]["message"]


def test_the_corpus_covers_both_clouds() -> None:
    assert len(TAMPERS) >= 20 and len(AWS_TAMPERS) >= 8 and len(GCP_TAMPERS) >= 8
    assert len(BY_ID) == len(TAMPERS), "case ids are unique"
    assert {c.stack for c in AWS_TAMPERS} == {"dev", "prod"} and {c.stack for c in GCP_TAMPERS} == {"gcp-prod"}


@pytest.mark.parametrize("stack", ["dev", "prod", "gcp-prod"])
def test_the_untampered_plans_pass(plans: dict[str, dict[str, Any]], stack: str, tmp_path: Path) -> None:
    code, data, output = _check(plans[stack], tmp_path, "--skip-checkov")
    assert code == 0, [v for v in data.get("violations", []) if v["enforcement"] == "mandatory"] or output


@pytest.mark.parametrize("case", TAMPERS, ids=lambda c: c.id)
def test_fails_tampered_plan_without_checkov(plans: dict[str, dict[str, Any]], case: Tamper, tmp_path: Path) -> None:
    plan, urn = tampered(case, plans)
    _assert_caught(case, urn, *_check(plan, tmp_path, "--skip-checkov"))


@pytest.mark.skipif(not CHECKOV.is_file(), reason=f"{CHECKOV} is absent: run `make setup` to create {CHECKOV_VENV}")
@pytest.mark.parametrize("case_id", WITH_CHECKOV)
def test_fails_tampered_plan_with_checkov(plans: dict[str, dict[str, Any]], case_id: str, tmp_path: Path) -> None:
    case = BY_ID[case_id]
    plan, urn = tampered(case, plans)
    code, data, output = _check(plan, tmp_path)
    _assert_caught(case, urn, code, data, output)
    assert data["checkov"]["ran"], "checkov must have run"

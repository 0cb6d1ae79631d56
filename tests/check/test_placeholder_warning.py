"""Placeholder deployer CIDRs (RFC 5737): `blueprint plan` and `blueprint check` warn on stderr,
naming the entries, and keep their exit code; real CIDRs raise no warning."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from blueprint.check.placeholders import placeholder_entries, placeholder_warning
from blueprint.cli import app
from blueprint.plan.model import Plan

ROOT = Path(__file__).resolve().parents[2]
EKS = "aws:eks/cluster:Cluster"


def _eks_cidrs(data: dict) -> list[list[str]]:
    return [r["inputs"]["vpcConfig"]["publicAccessCidrs"] for r in data["resources"] if r["type"] == EKS]


def _with_real_cidrs(data: dict) -> dict:
    for r in data["resources"]:
        if r["type"] == EKS:
            r["inputs"]["vpcConfig"]["publicAccessCidrs"] = ["8.8.4.0/24"]
    return data


def test_shipped_dev_plan_names_its_placeholders(dev_plan: dict) -> None:
    cidrs = {c for found in _eks_cidrs(dev_plan) for c in found}
    entries = placeholder_entries(Plan.from_json(dev_plan))
    assert entries and set(entries) <= cidrs
    warning = placeholder_warning(Plan.from_json(dev_plan))
    assert "replace them" in warning and "pulumi up" in warning and "docs/deploying.md" in warning
    assert all(repr(e) in warning for e in entries)


def test_no_warning_for_real_cidrs(dev_plan: dict) -> None:
    assert placeholder_warning(Plan.from_json(_with_real_cidrs(dev_plan))) is None


def test_plan_warns_and_still_exits_0() -> None:
    result = CliRunner().invoke(app, ["plan", "--stack", "dev", "--format", "json", "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "RFC 5737 documentation placeholders" in result.stderr and "203.0.113." in result.stderr


def test_check_warns_and_keeps_its_exit_code(dev_plan: dict, tmp_path: Path) -> None:
    args = ["check", "--project-dir", str(ROOT), "--skip-checkov", "--format", "json", "--plan"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan), encoding="utf-8")
    result = CliRunner().invoke(app, [*args, str(path)])
    assert result.exit_code == 0, result.output
    assert "RFC 5737 documentation placeholders" in result.stderr
    advisories = [v for v in json.loads(result.stdout)["violations"] if v["policy"] == "api-endpoint-placeholder-cidrs"]
    assert advisories and {v["enforcement"] for v in advisories} == {"advisory"}
    path.write_text(json.dumps(_with_real_cidrs(dev_plan)), encoding="utf-8")
    clean = CliRunner().invoke(app, [*args, str(path)])
    assert "placeholder" not in clean.stderr
    # The edited plan is no longer what stacks/Pulumi.dev.yaml plans (issue 16): only intent-replan fails it.
    mandatory = [v for v in json.loads(clean.stdout)["violations"] if v["enforcement"] == "mandatory"]
    assert clean.exit_code == 1 and mandatory and {v["policy"] for v in mandatory} == {"intent-replan"}
    assert {v["type"] for v in mandatory} == {EKS}

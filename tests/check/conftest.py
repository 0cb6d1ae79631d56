"""A saved dev plan and a fake checkov (a script printing a canned report) for the check tests."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_CHECKOV = '''#!{python}
"""Fake checkov: reads the Terraform plan it is given and reports every resource as passing
CKV_AWS_1, and (FAKE_CHECKOV_FAIL=1) the first S3 bucket as failing CKV_AWS_18."""
import json, os, sys
args = sys.argv[1:]
plan = json.load(open(args[args.index("--file") + 1]))
resources = plan["planned_values"]["root_module"]["resources"]
def check(check_id, address):
    return {{"check_id": check_id, "check_name": "fake " + check_id, "resource": address, "resource_address": address,
            "file_path": "/tfplan.json", "guideline": "https://example.com/" + check_id}}
passed = [check("CKV_AWS_1", r["address"]) for r in resources]
failed = []
if os.environ.get("FAKE_CHECKOV_FAIL") == "1":
    failed = [check("CKV_AWS_18", next(r["address"] for r in resources if r["type"] == "aws_s3_bucket"))]
print(json.dumps({{"check_type": "terraform_plan", "results": {{"passed_checks": passed, "failed_checks": failed,
                  "skipped_checks": [], "parsing_errors": []}},
                  "summary": {{"passed": len(passed), "failed": len(failed), "skipped": 0, "parsing_errors": 0,
                              "resource_count": len(resources), "checkov_version": "0.0.fake"}}}}))
'''


@pytest.fixture(scope="session")
def fake_checkov(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("checkov") / "checkov"
    path.write_text(FAKE_CHECKOV.format(python=sys.executable), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture(scope="session")
def dev_plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`blueprint plan --stack dev --format json --out FILE`, once per session."""
    from typer.testing import CliRunner

    from blueprint.cli import app

    path = tmp_path_factory.mktemp("plans") / "plan-dev.json"
    result = CliRunner().invoke(app, ["plan", "--stack", "dev", "--format", "json", "--out", str(path), "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def dev_plan(dev_plan_file: Path) -> dict:
    return json.loads(dev_plan_file.read_text(encoding="utf-8"))

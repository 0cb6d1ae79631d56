"""How `run_check` runs checkov beside the rules (issue 15): one export, one checkov process started
before the rules run, both results in the report, a checkov failure still reported. No timing is
asserted: the overlap is shown by checkov having started before the rules finish."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

import blueprint.check as check_module
import blueprint.export as export_module
from blueprint.check import load_plan_file, run_check

ROOT = Path(__file__).resolve().parents[2]

# A stand-in checkov: appends its argv to CALLS, writes its pid to STARTED, optionally sleeps, then
# prints a report (one failure with FAIL=1) or crashes (CRASH=1).
SCRIPT = '''#!{python}
import json, os, sys, time
with open({calls!r}, "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
open({started!r}, "w").write(str(os.getpid()))
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
if os.environ.get("FAKE_CRASH") == "1":
    sys.stderr.write("Traceback: checkov broke\\n")
    sys.exit(2)
plan = json.load(open(sys.argv[sys.argv.index("--file") + 1]))
address = next(r["address"] for r in plan["planned_values"]["root_module"]["resources"] if r["type"] == "aws_s3_bucket")
failed = [{{"check_id": "CKV_AWS_18", "check_name": "fake", "resource": address, "file_path": "/tfplan.json"}}]
print(json.dumps({{"check_type": "terraform_plan", "results": {{"passed_checks": [], "failed_checks": failed,
                  "skipped_checks": [], "parsing_errors": []}},
                  "summary": {{"resource_count": 1, "checkov_version": "0.0.fake"}}}}))
'''


@pytest.fixture
def fake(tmp_path: Path) -> dict[str, Path]:
    paths = {"bin": tmp_path / "checkov", "calls": tmp_path / "calls.jsonl", "started": tmp_path / "started"}
    paths["bin"].write_text(SCRIPT.format(python=sys.executable, calls=str(paths["calls"]), started=str(paths["started"])),
                            encoding="utf-8")
    paths["bin"].chmod(paths["bin"].stat().st_mode | stat.S_IXUSR)
    return paths


@pytest.fixture
def no_suppressions(tmp_path: Path) -> Path:
    path = tmp_path / "none.yaml"
    path.write_text("suppressions: []\n", encoding="utf-8")
    return path


def _wait_for(path: Path, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _check(dev_plan_file: Path, fake: dict[str, Path], suppressions: Path, jurisdiction: str = "us"):
    return run_check(load_plan_file(dev_plan_file), jurisdiction, project_dir=ROOT, suppressions=suppressions,
                     checkov_bin=fake["bin"])


def test_checkov_is_started_once_on_one_export_before_the_rules_run(dev_plan_file, fake, no_suppressions, monkeypatch):
    exports, seen_by_rules = [], []
    real_export, real_rules = export_module.export_plan, check_module._run_rules
    monkeypatch.setattr(export_module, "export_plan", lambda *a, **k: exports.append(a) or real_export(*a, **k))

    def rules(*args):
        # checkov must already be running: its first act is to write `started`.
        seen_by_rules.append(_wait_for(fake["started"]))
        real_rules(*args)

    monkeypatch.setattr(check_module, "_run_rules", rules)
    monkeypatch.setenv("FAKE_SLEEP", "0.5")
    report = _check(dev_plan_file, fake, no_suppressions)
    assert seen_by_rules == [True]
    assert len(exports) == 1
    assert len(fake["calls"].read_text().splitlines()) == 1
    assert report.checkov is not None and report.checkov_error is None


def test_rules_violations_and_checkov_failures_are_both_reported(dev_plan_file, fake, no_suppressions):
    report = _check(dev_plan_file, fake, no_suppressions, jurisdiction="uk")  # us regions: residency violations
    assert any(v.enforcement == "mandatory" for v in report.violations)
    assert [c.check_id for c in report.checkov.failed] == ["CKV_AWS_18"]
    assert report.checkov.failed[0].urn and report.checkov.failed[0].urn.startswith("urn:pulumi:dev::")
    assert report.rules and not report.ok


def test_a_checkov_crash_is_reported_beside_the_rules_results(dev_plan_file, fake, no_suppressions, monkeypatch):
    monkeypatch.setenv("FAKE_CRASH", "1")
    report = _check(dev_plan_file, fake, no_suppressions, jurisdiction="uk")
    assert report.checkov is None
    assert "checkov failed (exit 2)" in report.checkov_error and "checkov broke" in report.checkov_error
    assert any(v.enforcement == "mandatory" for v in report.violations)
    assert not report.ok


def test_a_missing_checkov_is_reported_and_the_rules_still_run(dev_plan_file, no_suppressions, tmp_path):
    report = run_check(load_plan_file(dev_plan_file), "us", project_dir=ROOT, suppressions=no_suppressions,
                       checkov_bin=tmp_path / "no-such-checkov")
    assert "checkov is not installed" in report.checkov_error
    assert report.rules and report.violations is not None and not report.ok


def test_checkov_is_stopped_when_the_rules_fail(dev_plan_file, fake, no_suppressions, monkeypatch):
    def broken(*args):
        assert _wait_for(fake["started"])
        raise RuntimeError("rule crashed")

    monkeypatch.setattr(check_module, "_run_rules", broken)
    monkeypatch.setenv("FAKE_SLEEP", "120")
    with pytest.raises(RuntimeError, match="rule crashed"):
        _check(dev_plan_file, fake, no_suppressions)
    pid = int(fake["started"].read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: no such process any more


def test_skip_checkov_runs_the_rules_only(dev_plan_file, fake, no_suppressions):
    report = run_check(load_plan_file(dev_plan_file), "us", project_dir=ROOT, checkov=False, checkov_bin=fake["bin"])
    assert report.rules and report.checkov is None and not fake["calls"].exists()
    assert report.notes == ["checkov was not run (--skip-checkov)"]
    assert json.loads(json.dumps(report.to_json()))["checkov"]["ran"] is False

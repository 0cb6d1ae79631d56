"""run_checkov without checkov: locating the executable, the offline command, report parsing and
URN mapping, errors. A stand-in executable records how it was called and prints a canned report."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from blueprint.checkov import CheckovError, CheckovNotInstalled, find_checkov, parse_report, run_checkov

BUCKET_URN = "urn:pulumi:t::blueprint::aws:s3/bucket:Bucket::data"
DEPLOYMENT_URN = "urn:pulumi:t::blueprint::kubernetes:apps/v1:Deployment::fraud"


def _raw(check_id: str, resource: str, file: str = "/tfplan.json", result: str = "FAILED") -> dict:
    return {"check_id": check_id, "check_name": f"name of {check_id}", "resource": resource, "file_path": file,
            "check_result": {"result": result}, "guideline": None, "severity": None}


REPORT = [
    {"check_type": "kubernetes",
     "results": {"passed_checks": [_raw("CKV_K8S_8", "Deployment.serving.fraud", "/deployment-serving-fraud.yaml", "PASSED")],
                 "failed_checks": [_raw("CKV_K8S_20", "Deployment.serving.fraud", "/deployment-serving-fraud.yaml")],
                 "skipped_checks": [], "parsing_errors": []},
     "summary": {"passed": 1, "failed": 1, "skipped": 0, "parsing_errors": 0, "resource_count": 1, "checkov_version": "3.3.30"}},
    {"check_type": "terraform_plan",
     "results": {"passed_checks": [_raw("CKV_AWS_21", "aws_s3_bucket.data", result="PASSED")],
                 "failed_checks": [_raw("CKV_AWS_145", "aws_s3_bucket.data"), _raw("CKV_AWS_18", "aws_s3_bucket.data")],
                 "skipped_checks": [], "parsing_errors": []},
     "summary": {"passed": 1, "failed": 2, "skipped": 0, "parsing_errors": 0, "resource_count": 1, "checkov_version": "3.3.30"}},
]


def _fake_checkov(tmp_path: Path, report, exit_code: int = 0) -> Path:
    """An executable that records its argv and environment, then prints ``report``."""
    calls = tmp_path / "calls.json"
    script = tmp_path / "checkov"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'env': dict(os.environ)}}, open({str(calls)!r}, 'w'))\n"
        f"sys.stdout.write({json.dumps(report)!r} if {exit_code} == 0 else 'Traceback: boom')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    out = tmp_path / "export"
    (out / "k8s").mkdir(parents=True)
    (out / "tfplan.json").write_text("{}")
    (out / "k8s" / "deployment-serving-fraud.yaml").write_text("kind: Deployment\n")
    (out / "export.json").write_text(json.dumps({"address_to_urn": {"aws_s3_bucket.data": BUCKET_URN},
                                                 "manifest_to_urn": {"deployment-serving-fraud.yaml": DEPLOYMENT_URN}}))
    return out


def test_runs_offline_with_both_frameworks_and_maps_findings_to_urns(tmp_path, export_dir, monkeypatch):
    monkeypatch.setenv("BC_API_KEY", "must-not-reach-checkov")
    checkov = _fake_checkov(tmp_path, REPORT)
    result = run_checkov(export_dir / "tfplan.json", export_dir / "k8s", checkov_bin=checkov)
    call = json.loads((tmp_path / "calls.json").read_text())
    argv = call["argv"]
    assert argv[argv.index("--file") + 1] == str(export_dir / "tfplan.json")
    assert argv[argv.index("--directory") + 1] == str(export_dir / "k8s")
    assert argv[argv.index("--framework") + 1: argv.index("--framework") + 3] == ["terraform_plan", "kubernetes"]
    assert argv[argv.index("--output") + 1] == "json"
    assert "--skip-download" in argv and "--soft-fail" in argv and "--quiet" not in argv
    assert call["env"]["BC_SKIP_MAPPING"] == "TRUE"
    assert call["env"]["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "TRUE"
    assert "BC_API_KEY" not in call["env"]
    assert result.version == "3.3.30"
    assert result.summary() == {"passed": 2, "failed": 3, "skipped": 0, "suppressed": 0, "parsing_errors": 0}
    assert [(c.framework, c.check_id, c.urn) for c in result.failed] == [
        ("kubernetes", "CKV_K8S_20", DEPLOYMENT_URN),
        ("terraform_plan", "CKV_AWS_145", BUCKET_URN),
        ("terraform_plan", "CKV_AWS_18", BUCKET_URN),
    ]
    assert result.failed[1].check_name == "name of CKV_AWS_145"
    assert result.command[0] == str(checkov)


def test_an_empty_manifests_directory_runs_terraform_plan_only(tmp_path, export_dir):
    (export_dir / "k8s" / "deployment-serving-fraud.yaml").unlink()
    checkov = _fake_checkov(tmp_path, REPORT[1])
    run_checkov(export_dir / "tfplan.json", export_dir / "k8s", checkov_bin=checkov)
    argv = json.loads((tmp_path / "calls.json").read_text())["argv"]
    assert "--directory" not in argv
    assert argv[argv.index("--framework") + 1:argv.index("--output")] == ["terraform_plan"]


def test_environment_variable_points_at_checkov(tmp_path, export_dir, monkeypatch):
    checkov = _fake_checkov(tmp_path, REPORT[1])
    monkeypatch.setenv("BLUEPRINT_CHECKOV", str(checkov))
    assert find_checkov() == checkov
    assert run_checkov(export_dir / "tfplan.json").summary()["failed"] == 2


def test_missing_checkov_environment_names_the_path_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("BLUEPRINT_CHECKOV", raising=False)
    with pytest.raises(CheckovNotInstalled) as raised:
        find_checkov(project_dir=tmp_path)
    message = str(raised.value)
    assert str(tmp_path / ".venv-checkov" / "bin" / "checkov") in message
    assert "make setup" in message and "BLUEPRINT_CHECKOV" in message
    assert isinstance(raised.value, FileNotFoundError)


def test_missing_plan_file_is_a_clear_error(tmp_path):
    with pytest.raises(CheckovError, match="blueprint export"):
        run_checkov(tmp_path / "tfplan.json", checkov_bin=sys.executable)


def test_checkov_crash_is_reported_with_its_output(tmp_path, export_dir):
    checkov = _fake_checkov(tmp_path, REPORT, exit_code=2)
    with pytest.raises(CheckovError) as raised:
        run_checkov(export_dir / "tfplan.json", checkov_bin=checkov)
    assert "exit 2" in str(raised.value) and "Traceback: boom" in str(raised.value)


def test_parse_the_bare_summary_checkov_prints_when_nothing_was_scanned():
    result = parse_report({"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0, "checkov_version": "3.3.30"})
    assert result.summary() == {"passed": 0, "failed": 0, "skipped": 0, "suppressed": 0, "parsing_errors": 0}
    assert result.version == "3.3.30" and result.ok


def test_findings_without_a_known_resource_keep_urn_none():
    result = parse_report(REPORT[1], urn_map={})
    assert {c.urn for c in result.failed} == {None}
    assert os.fspath(result.failed[0].file) == "/tfplan.json"


def test_scan_export_applies_the_projects_suppressions_file(tmp_path, export_dir):
    from blueprint.checkov import scan_export

    project = tmp_path / "project"
    (project / "policies").mkdir(parents=True)
    (project / "policies" / "checkov-suppressions.yaml").write_text(
        "suppressions:\n  - check_id: CKV_AWS_18\n    resource: aws_s3_bucket.data\n    reason: the test accepts it\n", encoding="utf-8")
    result = scan_export(export_dir, checkov_bin=_fake_checkov(tmp_path, REPORT), project_dir=project)
    assert [(c.check_id, c.suppression_reason) for c in result.suppressed] == [("CKV_AWS_18", "the test accepts it")]
    assert [c.check_id for c in result.failed] == ["CKV_K8S_20", "CKV_AWS_145"]
    # without a suppressions file in the project: nothing suppressed
    bare = scan_export(export_dir, checkov_bin=_fake_checkov(tmp_path, REPORT), project_dir=tmp_path / "elsewhere")
    assert bare.suppressed == [] and len(bare.failed) == 3

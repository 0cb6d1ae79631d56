"""`blueprint check`: rules + checkov on a plan, every output format, exit codes, never a traceback."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_suppressions(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests see only the suppressions they write, not the project's file."""
    global NO_SUPPRESSIONS
    NO_SUPPRESSIONS = tmp_path_factory.getbasetemp() / "no-suppressions.yaml"
    NO_SUPPRESSIONS.write_text("suppressions: []\n", encoding="utf-8")


NO_SUPPRESSIONS: Path
# The advisory every shipped stack raises on its RFC 5737 placeholder deployer CIDRs.
PLACEHOLDERS = "api-endpoint-placeholder-cidrs"


def check(*args: str, checkov: Any = None, fail: bool = False) -> Any:
    if "--suppressions" not in args:
        args = (*args, "--suppressions", str(NO_SUPPRESSIONS))
    env = {"FAKE_CHECKOV_FAIL": "1" if fail else "0"}
    if checkov is not None:
        env["BLUEPRINT_CHECKOV"] = str(checkov)
    result = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), *args], env=env)
    assert "Traceback" not in result.output
    return result


def save(tmp_path: Path, data: dict, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def named(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


def test_clean_plan_passes_with_design_json_shape(dev_plan_file: Path, fake_checkov: Path) -> None:
    result = check("--plan", str(dev_plan_file), "--format", "json", checkov=fake_checkov)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # Only the advisory on the shipped RFC 5737 placeholder deployer CIDRs (tests/check/test_placeholder_warning.py).
    assert {(v["policy"], v["enforcement"]) for v in report["violations"]} == {("api-endpoint-placeholder-cidrs", "advisory")}
    assert {"passed", "failed", "skipped", "failed_checks"} <= set(report["checkov"])
    assert report["checkov"]["passed"] > 50 and report["checkov"]["failed"] == 0
    assert report["jurisdiction"] == "us" and report["ok"] is True


def test_checkov_failure_fails_and_maps_to_urn(dev_plan_file: Path, fake_checkov: Path) -> None:
    result = check("--plan", str(dev_plan_file), "--format", "json", checkov=fake_checkov, fail=True)
    assert result.exit_code == 1
    failed = json.loads(result.stdout)["checkov"]["failed_checks"]
    assert len(failed) == 1 and failed[0]["check_id"] == "CKV_AWS_18"
    assert failed[0]["resource"].startswith("aws_s3_bucket.") and failed[0]["urn"].startswith("urn:pulumi:dev::")


def test_suppression_file_accepts_the_failure(dev_plan_file: Path, fake_checkov: Path, tmp_path: Path) -> None:
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text("suppressions:\n  - check_id: CKV_AWS_18\n    resource: aws_s3_bucket.*\n    reason: test\n", encoding="utf-8")
    result = check("--plan", str(dev_plan_file), "--format", "json", "--suppressions", str(suppressions), checkov=fake_checkov, fail=True)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["checkov"]
    assert report["failed"] == 0 and report["suppressed"] == 1


def test_fails_invalid_suppressions_file(dev_plan_file: Path, fake_checkov: Path, tmp_path: Path) -> None:
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text("suppressions:\n  - check_id: CKV_AWS_18\n    resource: aws_s3_bucket.*\n", encoding="utf-8")
    result = check("--plan", str(dev_plan_file), "--suppressions", str(suppressions), checkov=fake_checkov)
    assert result.exit_code == 2 and "reason is required" in result.stderr


def _move_out(data: dict) -> str:
    r = named(data, "dev-us-east-2-net-vpc")
    r["region"] = "eu-west-1"
    return r["urn"]


def _encryption_off(data: dict) -> str:
    r = next(x for x in data["resources"] if x["type"] == "aws:sns/topic:Topic")
    r["inputs"].pop("kmsMasterKeyId")
    return r["urn"]


def _weaker_lock(data: dict) -> str:
    # A workload vault's lock (the stack's audit-trail bucket is locked too since issue 18; the audit-trail rule judges it).
    r = next(x for x in data["resources"] if x["type"] == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
             and "blueprint:aws:BackupVault" in x["urn"])
    r["inputs"]["rule"]["defaultRetention"]["days"] = 1
    return r["urn"]


def _plain_http(data: dict) -> str:
    r = next(x for x in data["resources"] if x["type"] == "aws:lb/listener:Listener" and x["inputs"].get("protocol") == "HTTP")
    r["inputs"]["defaultActions"] = [{"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "200"}}]
    return r["urn"]


@pytest.mark.parametrize("tamper", [_move_out, _encryption_off, _weaker_lock, _plain_http])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_tampered_saved_plan_fails_naming_the_resource(dev_plan: dict, tmp_path: Path, tamper: Any, fmt: str) -> None:
    urn = tamper(dev_plan)
    result = check("--plan", save(tmp_path, dev_plan), "--format", fmt, "--skip-checkov")
    assert result.exit_code == 1
    assert urn in result.stdout
    if fmt == "json":
        violations = [v for v in json.loads(result.stdout)["violations"] if v["policy"] != PLACEHOLDERS]
        if tamper is _move_out:  # the VPC left us-east-2: the stack file's platform there lacks its network (issue 16)
            presence = [v for v in violations if v["policy"] == "intent-presence"]
            assert len(presence) == 1 and "us-east-2 lacks its network" in presence[0]["message"]
            violations = [v for v in violations if v["policy"] != "intent-presence"]
        assert {v["urn"] for v in violations} == {urn} and {v["enforcement"] for v in violations} == {"mandatory"}


def test_sarif_is_2_1_0_shaped(dev_plan: dict, tmp_path: Path, fake_checkov: Path) -> None:
    urn = _plain_http(dev_plan)
    out = tmp_path / "dev.sarif"
    result = check("--plan", save(tmp_path, dev_plan), "--format", "sarif", "--out", str(out), checkov=fake_checkov, fail=True)
    assert result.exit_code == 1 and result.stdout == ""
    sarif = json.loads(out.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    policies, checkov = sarif["runs"]
    assert policies["tool"]["driver"]["name"] == "blueprint-policies" and checkov["tool"]["driver"]["name"] == "checkov"
    rule_ids = [r["id"] for r in policies["tool"]["driver"]["rules"]]
    # The policy rules, then one rule per deploy-readiness check (blueprint.readiness.registry).
    from blueprint.readiness.registry import CHECKS
    from blueprint.policies import RULES

    # ... and intent-replan, the core's comparison of a saved plan with its stack file's (issue 16).
    assert "tls-listener" in rule_ids and "deploy-name-limit" in rule_ids and "intent-replan" in rule_ids
    assert len(rule_ids) == len(RULES) + 1 + len(CHECKS)
    for run in sarif["runs"]:
        ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        for result_ in run["results"]:
            assert result_["ruleId"] in ids and ids[result_["ruleIndex"]] == result_["ruleId"]
            assert result_["level"] in ("none", "note", "warning", "error") and result_["message"]["text"]
            location = result_["locations"][0]
            assert location["physicalLocation"]["artifactLocation"]["uri"]
            assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:")
    # The rule the edit breaks, and intent-replan: the edited plan is not what its stack file plans (issue 16).
    found = sorted((r for r in policies["results"] if r["ruleId"] != PLACEHOLDERS), key=lambda r: r["ruleId"])
    assert [(r["ruleId"], r["level"]) for r in found] == [("intent-replan", "error"), ("tls-listener", "error")]
    assert {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in found} == {urn}
    assert [r["ruleId"] for r in checkov["results"]] == ["CKV_AWS_18"]


def test_junit_has_a_suite_per_source_and_failures(dev_plan: dict, tmp_path: Path, fake_checkov: Path) -> None:
    urn = _weaker_lock(dev_plan)
    result = check("--plan", save(tmp_path, dev_plan), "--format", "junit", checkov=fake_checkov, fail=True)
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"blueprint-policies", "checkov"}
    failures = suites["blueprint-policies"].findall("testcase/failure")
    # The rule the edit breaks, and intent-replan (the edited plan is not what its stack file plans: issue 16).
    assert len(failures) == int(suites["blueprint-policies"].get("failures")) == 2
    assert all(urn in f.text for f in failures)
    assert int(suites["checkov"].get("failures")) == 1 and int(suites["checkov"].get("tests")) > 50
    assert int(root.get("failures")) == 3


def test_plans_the_stack_when_no_plan_is_given(fake_checkov: Path) -> None:
    result = check("--stack", "dev", "--format", "json", checkov=fake_checkov)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stack"] == "dev"


@pytest.mark.parametrize("content,message", [(None, "cannot read"), ("{not json", "not JSON"), ('{"stack": "x"}', "not a blueprint plan")])
def test_fails_invalid_plan_file(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = check("--plan", str(path), "--skip-checkov")
    assert result.exit_code == 2 and message in result.stderr


def test_jurisdiction_for_plans_saved_without_it(dev_plan: dict, tmp_path: Path) -> None:
    """The stack file is the authority (issue 16): found from the plan's stack name; without one the
    check is refused (exit 2) or, with --residency, run unverified and failed (intent-unverified)."""
    dev_plan.pop("residency")
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--format", "json")  # stacks/Pulumi.dev.yaml
    mandatory = [v for v in json.loads(result.stdout)["violations"] if v["enforcement"] == "mandatory"]
    # Checked against stacks/Pulumi.dev.yaml, which plans residency "us" (issue 16, intent-replan).
    assert result.exit_code == 1 and [(v["policy"], v["urn"]) for v in mandatory] == [("intent-replan", None)]
    assert "residency is null" in mandatory[0]["message"] and '"us"' in mandatory[0]["message"]
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--residency", "eu")
    assert result.exit_code == 2 and "refused" in result.stderr  # contradicts stacks/Pulumi.dev.yaml
    text = json.dumps(dev_plan).replace("urn:pulumi:dev::", "urn:pulumi:elsewhere::")
    dev_plan = json.loads(text.replace("pulumi:pulumi:Stack::blueprint-dev", "pulumi:pulumi:Stack::blueprint-elsewhere"))
    dev_plan["stack"] = "elsewhere"  # a stack with no stack file: its name and its URNs' stack
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov")
    assert result.exit_code == 2 and "pass --stack or --config" in result.stderr
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--residency", "us", "--format", "json")
    mandatory = [v for v in json.loads(result.stdout)["violations"] if v["enforcement"] == "mandatory"]
    assert result.exit_code == 1 and [v["policy"] for v in mandatory] == ["intent-unverified"]
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--residency", "eu", "--format", "json")
    assert result.exit_code == 1 and {"residency-region", "intent-unverified"} <= {v["policy"] for v in json.loads(result.stdout)["violations"]}
    assert check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--residency", "mars").exit_code == 2
    result = check("--plan", save(tmp_path, dev_plan), "--skip-checkov", "--stack", "dev", "--format", "json")
    # The stack file given: the plan of stack "elsewhere" is not what it plans (every URN differs).
    replan = [v for v in json.loads(result.stdout)["violations"] if v["policy"] == "intent-replan"]
    assert result.exit_code == 1 and len(replan) == 51 and "more difference" in replan[-1]["message"]


def test_missing_checkov_fails_the_check(dev_plan_file: Path, tmp_path: Path) -> None:
    result = check("--plan", str(dev_plan_file), checkov=tmp_path / "no-checkov")
    assert result.exit_code == 1 and "checkov is not installed" in result.output


def test_fails_unknown_format(dev_plan_file: Path) -> None:
    assert check("--plan", str(dev_plan_file), "--format", "html").exit_code == 2

"""Suppressions file: validation naming every bad entry, matching by address/URN glob, unused entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprint.checkov import CheckovResult, CheckResult, Suppression, SuppressionError, apply_suppressions, load_suppressions, parse_suppressions

ROOT = Path(__file__).resolve().parents[2]
BUCKET_URN = "urn:pulumi:prod::blueprint::blueprint:aws:WorkloadRegion$blueprint:aws:BackupVault$aws:s3/bucket:Bucket::fraud-us-east-1-vault-bucket"
LOGS_URN = "urn:pulumi:prod::blueprint::blueprint:aws:RegionalPlatform$blueprint:aws:AccessLogBucket$aws:s3/bucket:Bucket::prod-us-east-1-access-logs-bucket"


def _check(check_id: str, resource: str, urn: str | None) -> CheckResult:
    return CheckResult(check_id=check_id, check_name=check_id, resource=resource, urn=urn, framework="terraform_plan", file="/tfplan.json")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "checkov-suppressions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_suppressions_file_is_valid_and_every_entry_has_a_reason():
    entries = load_suppressions(ROOT / "policies" / "checkov-suppressions.yaml")
    assert entries
    assert all(len(e.reason) > 40 for e in entries)


def test_default_file_is_the_projects(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    assert load_suppressions() == load_suppressions(ROOT / "policies" / "checkov-suppressions.yaml")


def test_valid_entries_are_loaded(tmp_path):
    path = _write(tmp_path, """
suppressions:
  - check_id: CKV2_AWS_62
    resource: "urn:pulumi:*$blueprint:aws:BackupVault$aws:s3/bucket:Bucket::*"
    reason: Nothing consumes vault events.
  - check_id: CKV_AWS_18
    resource: aws_s3_bucket.logs
    reason: "  The log bucket itself.  "
""")
    assert load_suppressions(path) == [
        Suppression("CKV2_AWS_62", "urn:pulumi:*$blueprint:aws:BackupVault$aws:s3/bucket:Bucket::*", "Nothing consumes vault events."),
        Suppression("CKV_AWS_18", "aws_s3_bucket.logs", "The log bucket itself."),
    ]


def test_empty_file_means_no_suppressions(tmp_path):
    assert load_suppressions(_write(tmp_path, "")) == []
    assert load_suppressions(_write(tmp_path, "suppressions:\n")) == []


def test_fails_on_every_bad_entry_each_named(tmp_path):
    path = _write(tmp_path, """
suppressions:
  - check_id: CKV_AWS_18
    resource: aws_s3_bucket.ok
    reason: fine
  - check_id: CKV_AWS_145
    resource: aws_s3_bucket.logs
  - check_id: CKV_AWS_144
    resource: aws_s3_bucket.logs
    reason: "   "
  - check_id: not-a-check
    resource: aws_s3_bucket.logs
    reason: a reason
  - check_id: CKV_AWS_20
    resource: ""
    reason: a reason
    owner: me
  - just a string
  - check_id: CKV_AWS_18
    resource: aws_s3_bucket.ok
    reason: again
""")
    with pytest.raises(SuppressionError) as raised:
        load_suppressions(path)
    problems = raised.value.problems
    assert len(problems) == 6
    text = str(raised.value)
    assert str(path) in text
    assert "suppressions[1] (check_id 'CKV_AWS_145', resource 'aws_s3_bucket.logs'): reason is required" in text
    assert "suppressions[2] (check_id 'CKV_AWS_144'" in text and "got '   '" in text
    assert "suppressions[3] (check_id 'not-a-check'" in text and "check_id must be a checkov check ID" in text
    assert "suppressions[4]" in text and "resource must be a non-empty" in text and "unknown key(s) owner" in text
    assert "suppressions[5]: must be a mapping" in text
    assert "suppressions[6]" in text and "duplicates suppressions[0]" in text
    assert "suppressions[0]" not in text.replace("duplicates suppressions[0]", "")


@pytest.mark.parametrize("text, fragment", [
    ("- check_id: CKV_AWS_18\n", "must be a mapping with one key, 'suppressions'"),
    ("suppressions: {check_id: CKV_AWS_18}\n", "'suppressions' must be a list"),
    ("suppressions: []\nextra: 1\n", "must be a mapping with one key"),
    ("suppressions: [\n", "not valid YAML"),
])
def test_fails_on_a_malformed_file(tmp_path, text, fragment):
    with pytest.raises(SuppressionError) as raised:
        load_suppressions(_write(tmp_path, text))
    assert fragment in str(raised.value)


def test_fails_on_a_missing_explicit_file(tmp_path):
    with pytest.raises(SuppressionError, match="file not found"):
        load_suppressions(tmp_path / "nope.yaml")


def test_apply_moves_matching_failures_and_reports_unused_entries():
    result = CheckovResult(version="3.3.30", failed=[
        _check("CKV2_AWS_62", "aws_s3_bucket.fraud-us-east-1-vault-bucket", BUCKET_URN),
        _check("CKV_AWS_18", "aws_s3_bucket.prod-us-east-1-access-logs-bucket", LOGS_URN),
        _check("CKV_AWS_18", "aws_s3_bucket.fraud-us-east-1-vault-bucket", BUCKET_URN),
    ])
    entries = parse_suppressions({"suppressions": [
        {"check_id": "CKV2_AWS_62", "resource": "urn:pulumi:*$blueprint:aws:BackupVault$aws:s3/bucket:Bucket::*", "reason": "vault events unused"},
        {"check_id": "CKV_AWS_18", "resource": "aws_s3_bucket.*-access-logs-bucket", "reason": "log bucket"},
        {"check_id": "CKV_AWS_21", "resource": "*", "reason": "matches nothing"},
    ]})
    apply_suppressions(result, entries)
    assert [(c.check_id, c.resource) for c in result.failed] == [("CKV_AWS_18", "aws_s3_bucket.fraud-us-east-1-vault-bucket")]
    assert [(c.check_id, c.suppression_reason) for c in result.suppressed] == [("CKV2_AWS_62", "vault events unused"), ("CKV_AWS_18", "log bucket")]
    assert [s.check_id for s in result.unused_suppressions] == ["CKV_AWS_21"]
    summary = result.summary()
    assert summary["failed"] == 1 and summary["suppressed"] == 2
    data = result.to_json()
    assert data["failed_checks"] == [{"check_id": "CKV_AWS_18", "check_name": "CKV_AWS_18", "resource": "aws_s3_bucket.fraud-us-east-1-vault-bucket",
                                      "urn": BUCKET_URN, "framework": "terraform_plan", "file": "/tfplan.json", "guideline": None, "severity": None}]
    assert data["unused_suppressions"] == [{"check_id": "CKV_AWS_21", "resource": "*", "reason": "matches nothing"}]
    assert not result.ok


def test_check_id_must_match_exactly():
    entry = Suppression("CKV_AWS_1", "*", "reason")
    assert not entry.matches(_check("CKV_AWS_18", "aws_s3_bucket.a", None))
    assert entry.matches(_check("CKV_AWS_1", "aws_s3_bucket.a", None))

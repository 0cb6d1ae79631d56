"""standby-queue and audit-trail (issue 18, part 2): the shipped prod plans pass; saved plans without the
standby queue, without a DLQ, without the audit trail or with an unlocked / incomplete one fail, on each cloud."""

from __future__ import annotations

from typing import Any

from blueprint.policies import MANDATORY, RULES_BY_ID
from blueprint.types import aws, gcp

from policy_helpers import violations_of

RULE_IDS = ("standby-queue", "audit-trail")


def _found(data: dict[str, Any], rule_id: str) -> list[Any]:
    return violations_of(data, rule_id=rule_id)


def _without(data: dict[str, Any], drop) -> dict[str, Any]:
    data["resources"] = [r for r in data["resources"] if not drop(r)]
    return data


def test_both_mandatory():
    assert all(RULES_BY_ID[r].enforcement == MANDATORY for r in RULE_IDS)


def test_shipped_prod_passes(prod_data):
    assert [v for r in RULE_IDS for v in _found(prod_data, r)] == []


def test_shipped_gcp_prod_passes(gcp_data):
    assert [v for r in RULE_IDS for v in _found(gcp_data, r)] == []


def test_fails_aws_without_standby_queue(prod_data):
    found = _found(_without(prod_data, lambda r: r["type"] == aws.SQS_QUEUE and r["region"] == "us-west-2"), "standby-queue")
    messages = " ".join(v.message for v in found)
    assert "'fraud-scoring'" in messages and "'batch-embeddings'" in messages and "us-west-2" in messages


def test_fails_aws_queue_without_dlq(prod_data):
    dropped = _without(prod_data, lambda r: r["type"] == aws.SQS_QUEUE and r["name"] == "fraud-scoring-us-east-1-queue-dlq")
    (found,) = _found(dropped, "standby-queue")
    assert "no dead-letter queue" in found.message and "us-east-1" in found.message


def test_fails_gcp_without_standby_queue(gcp_data):
    found = _found(_without(gcp_data, lambda r: r["type"].startswith("gcp:pubsub/") and r["region"] == "europe-west1"
                            and r.get("workload") == "batch-embeddings"), "standby-queue")
    assert found and "'batch-embeddings'" in found[0].message and "europe-west1" in found[0].message


def test_fails_aws_without_trail(prod_data):
    (found,) = _found(_without(prod_data, lambda r: r["type"] == aws.CLOUDTRAIL_TRAIL), "audit-trail")
    assert "no audit trail" in found.message and "COMPLIANCE" in found.message


def test_fails_aws_trail_without_validation_or_lock(prod_data):
    trail = next(r for r in prod_data["resources"] if r["type"] == aws.CLOUDTRAIL_TRAIL)
    trail["inputs"]["enableLogFileValidation"] = False
    trail["inputs"]["isMultiRegionTrail"] = False
    bucket = trail["inputs"]["s3BucketName"]
    data = _without(prod_data, lambda r: r["type"] == aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION and r["inputs"].get("bucket") == bucket)
    (found,) = _found(data, "audit-trail")
    assert "multi-region" in found.message and "log file validation" in found.message and "Object-Locked" in found.message


def test_fails_gcp_without_sink(gcp_data):
    (found,) = _found(_without(gcp_data, lambda r: r["type"] == gcp.LOGGING_PROJECT_SINK), "audit-trail")
    assert "no audit trail" in found.message


def test_fails_gcp_unlocked_sink_bucket(gcp_data):
    sink = next(r for r in gcp_data["resources"] if r["type"] == gcp.LOGGING_PROJECT_SINK)
    name = sink["inputs"]["destination"].split("/", 1)[1]
    bucket = next(r for r in gcp_data["resources"] if r["type"] == gcp.STORAGE_BUCKET and r["outputs"].get("name") == name)
    bucket["inputs"]["retentionPolicy"]["isLocked"] = False
    (found,) = _found(gcp_data, "audit-trail")
    assert "COMPLIANCE lock" in found.message and "GOVERNANCE" in found.message


def test_best_effort_only_stack_needs_no_trail(prod_data):
    # Keep only research-notebooks (best-effort) and the platform; drop the trail: nothing to judge.
    data = _without(prod_data, lambda r: (r.get("workload") not in (None, "research-notebooks")) or r["type"] == aws.CLOUDTRAIL_TRAIL)
    assert _found(data, "audit-trail") == []


def test_fails_aws_trail_retention_below_the_tier(prod_data):
    trail = next(r for r in prod_data["resources"] if r["type"] == aws.CLOUDTRAIL_TRAIL)
    lock = next(r for r in prod_data["resources"] if r["type"] == aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION
                and r["inputs"].get("bucket") == trail["inputs"]["s3BucketName"])
    lock["inputs"]["rule"]["defaultRetention"]["days"] = 30
    (found,) = _found(prod_data, "audit-trail")
    assert "365 days of retention (its bucket keeps 30)" in found.message


def test_existing_encryption_rule_covers_the_trail(prod_data):
    """The registry names the trail's key input (blueprint/types/aws.py ENCRYPTION), so encryption-at-rest-cmk judges it."""
    trail = next(r for r in prod_data["resources"] if r["type"] == aws.CLOUDTRAIL_TRAIL)
    del trail["inputs"]["kmsKeyId"]
    found = _found(prod_data, "encryption-at-rest-cmk")
    assert [v.urn for v in found] == [trail["urn"]]


# ---- review finding 7: trails that look complete but do not meet the issue


def _trail(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["resources"] if r["type"] == aws.CLOUDTRAIL_TRAIL)


def test_fails_aws_trail_with_logging_off(prod_data):
    _trail(prod_data)["inputs"]["enableLogging"] = False
    (found,) = _found(prod_data, "audit-trail")
    assert "logging enabled" in found.message


def test_fails_aws_trail_without_a_vaults_data_events(prod_data):
    selectors = _trail(prod_data)["inputs"]["advancedEventSelectors"]
    data = next(s for s in selectors if any(f.get("field") == "resources.ARN" for f in s["fieldSelectors"]))
    arn = next(f for f in data["fieldSelectors"] if f["field"] == "resources.ARN")
    dropped = arn["startsWiths"].pop(0)
    (found,) = _found(prod_data, "audit-trail")
    assert "S3 data events of the vault and artifact buckets" in found.message
    assert dropped.split(":::", 1)[1].rstrip("/") in found.message


def test_fails_aws_trail_whose_data_events_are_reads_only(prod_data):
    selectors = _trail(prod_data)["inputs"]["advancedEventSelectors"]
    data = next(s for s in selectors if any(f.get("field") == "resources.ARN" for f in s["fieldSelectors"]))
    data["fieldSelectors"].append({"field": "readOnly", "equals": ["true"]})
    (found,) = _found(prod_data, "audit-trail")
    assert "S3 data events" in found.message


def _sink(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["resources"] if r["type"] == gcp.LOGGING_PROJECT_SINK)


def test_fails_gcp_sink_that_excludes_or_narrows_the_audit_logs(gcp_data):
    for bad in ('NOT logName:"cloudaudit.googleapis.com"', 'logName:"cloudaudit.googleapis.com%2Factivity"',
                'logName:"cloudaudit.googleapis.com" AND severity>=ERROR'):
        data = __import__("copy").deepcopy(gcp_data)
        _sink(data)["inputs"]["filter"] = bad
        (found,) = _found(data, "audit-trail")
        assert "a filter routing every audit log" in found.message, bad


def test_fails_gcp_disabled_sink(gcp_data):
    _sink(gcp_data)["inputs"]["disabled"] = True
    (found,) = _found(gcp_data, "audit-trail")
    assert "an enabled sink" in found.message


def test_gcp_sink_listing_every_audit_log_passes(gcp_data):
    _sink(gcp_data)["inputs"]["filter"] = " OR ".join(
        f'logName:"cloudaudit.googleapis.com%2F{kind}"' for kind in ("activity", "data_access", "system_event", "policy"))
    assert _found(gcp_data, "audit-trail") == []

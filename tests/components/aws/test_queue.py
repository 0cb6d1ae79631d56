"""WorkQueue: SQS queue + DLQ, redrive both ways, SSE-KMS with the CMK, TLS only; validation."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.queue import WorkQueue, WorkQueueArgs
from tests.components._helpers import child_names

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _args(**over) -> WorkQueueArgs:
    return WorkQueueArgs(**{"kms_key_arn": CMK, "max_receive_count": 5, "visibility_timeout_seconds": 300,
                            "tags": {"blueprint:workload": "fraud-scoring"}, **over})


@pytest.fixture(scope="module")
def plan():
    args = _args()
    return plan_program(lambda: WorkQueue("q", args), stack="test", config={"aws:region": "eu-central-1"})


def test_children(plan):
    assert child_names(plan, "blueprint:aws:WorkQueue") == {
        "q-dlq", "q-queue", "q-dlq-redrive-allow", "q-queue-policy", "q-dlq-policy"}


def test_queue_redrives_to_the_dlq(plan):
    queue, dlq = plan.named("q-queue").inputs, plan.named("q-dlq")
    redrive = json.loads(queue["redrivePolicy"])
    assert redrive["maxReceiveCount"] == 5
    assert redrive["deadLetterTargetArn"] == dlq.outputs["arn"]
    allow = json.loads(plan.named("q-dlq-redrive-allow").inputs["redriveAllowPolicy"])
    assert allow == {"redrivePermission": "byQueue", "sourceQueueArns": [plan.named("q-queue").outputs["arn"]]}


def test_encrypted_with_the_cmk_and_retention_defaults(plan):
    queue, dlq = plan.named("q-queue").inputs, plan.named("q-dlq").inputs
    for q in (queue, dlq):
        assert q["kmsMasterKeyId"] == CMK and q["kmsDataKeyReusePeriodSeconds"] == 300
        assert q.get("sqsManagedSseEnabled") in (None, False)
        assert q["visibilityTimeoutSeconds"] == 300 and q["receiveWaitTimeSeconds"] == 20
        assert q["tags"]["blueprint:workload"] == "fraud-scoring"
    assert queue["messageRetentionSeconds"] == 4 * 86400
    assert dlq["messageRetentionSeconds"] == 14 * 86400
    assert plan.named("q-queue").workload == "fraud-scoring" and plan.named("q-queue").region == "eu-central-1"


@pytest.mark.parametrize("role", ["queue", "dlq"])
def test_policy_denies_plain_http(plan, role):
    (stmt,) = json.loads(plan.named(f"q-{role}-policy").inputs["policy"])["Statement"]
    assert stmt["Effect"] == "Deny" and stmt["Principal"] == "*" and stmt["Action"] == "sqs:*"
    assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert stmt["Resource"] == plan.named(f"q-{role}").outputs["arn"]


@pytest.mark.parametrize("field,value,match", [
    ("max_receive_count", 0, r"max_receive_count: 0 is outside 1\.\.1000"),
    ("visibility_timeout_seconds", 43201, r"visibility_timeout_seconds: 43201 is outside"),
    ("kms_data_key_reuse_period_seconds", 30, r"kms_data_key_reuse_period_seconds: 30"),
    ("receive_wait_time_seconds", 21, r"receive_wait_time_seconds: 21"),
    ("message_retention_seconds", 30, r"message_retention_seconds: 30 is outside"),
    ("kms_key_arn", "alias/aws/sqs", r"kms_key_arn: .* is not a KMS key ARN"),
])
def test_fails_out_of_range(field, value, match):
    with pytest.raises(ValidationError, match=match):
        _args(**{field: value})


def test_fails_dlq_not_outliving_the_queue():
    with pytest.raises(ValidationError, match="dlq_message_retention_seconds: 345600 must exceed message_retention_seconds"):
        _args(dlq_message_retention_seconds=4 * 86400)

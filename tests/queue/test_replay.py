"""`blueprint queue replay` against moto: N messages moved, the bound respected, nothing lost on a send
failure, the idempotency attribute set, a dry run moves nothing; the CLI's exit codes; GCP commands."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from blueprint.analysis.queue_facts import Queue, aws_queues, gcp_queues
from blueprint.cli import app
from blueprint.components.aws.queue import WorkQueue, WorkQueueArgs
from blueprint.plan.engine import plan_program
from blueprint.queue.replay import (
    DEFAULT_MAX_MESSAGES, DEFAULT_MAX_SECONDS, REPLAY_ID_ATTRIBUTE, ReplayError, replay_sqs, select_queue,
)

REGION = "us-east-1"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture
def sqs(monkeypatch):
    for var, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(var, value)
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def _queues(client, source="wl-us-east-1-queue-queue-0a1b2c3", dlq="wl-us-east-1-queue-dlq-4d5e6f7"):
    return client.create_queue(QueueName=source)["QueueUrl"], client.create_queue(QueueName=dlq)["QueueUrl"]


def _fill(client, url, n):
    return [client.send_message(QueueUrl=url, MessageBody=f"request-{i}")["MessageId"] for i in range(n)]


def _drain(client, url):
    found = []
    while True:
        batch = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
        if not batch:
            return found
        for m in batch:
            found.append(m)
            client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_defaults_documented():
    assert (DEFAULT_MAX_MESSAGES, DEFAULT_MAX_SECONDS, REPLAY_ID_ATTRIBUTE) == (100, 300, "blueprint-replay-id")


def test_replays_every_message_with_the_idempotency_key(sqs):
    source, dlq = _queues(sqs)
    ids = _fill(sqs, dlq, 7)
    result = replay_sqs(sqs, source, dlq)
    assert (result.moved, result.failed, result.kept) == (7, 0, 0)
    moved = _drain(sqs, source)
    assert sorted(m["Body"] for m in moved) == sorted(f"request-{i}" for i in range(7))
    assert sorted(m["MessageAttributes"][REPLAY_ID_ATTRIBUTE]["StringValue"] for m in moved) == sorted(ids)
    assert _drain(sqs, dlq) == []


def test_bound_respected(sqs):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 25)
    assert replay_sqs(sqs, source, dlq, max_messages=12).moved == 12
    assert len(_drain(sqs, source)) == 12
    attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 13


def test_time_bound_stops_receiving(sqs):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 5)
    ticks = iter([0.0, 10.0])  # the deadline is computed at 0, the first loop check is past it
    assert replay_sqs(sqs, source, dlq, max_seconds=5, clock=lambda: next(ticks)).moved == 0


def test_key_kept_on_a_second_replay(sqs):
    source, dlq = _queues(sqs)
    sqs.send_message(QueueUrl=dlq, MessageBody="x", MessageAttributes={REPLAY_ID_ATTRIBUTE: {"DataType": "String", "StringValue": "first-id"}})
    replay_sqs(sqs, source, dlq)
    (moved,) = _drain(sqs, source)
    assert moved["MessageAttributes"][REPLAY_ID_ATTRIBUTE]["StringValue"] == "first-id"


def test_nothing_lost_when_a_send_fails(sqs):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 3)

    class Failing:
        def __getattr__(self, name):
            return getattr(sqs, name)

        def send_message(self, **kwargs):
            raise RuntimeError("throttled")

    result = replay_sqs(Failing(), source, dlq)
    assert (result.moved, result.failed) == (0, 3) and len(result.errors) == 3
    attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 3
    assert _drain(sqs, source) == []


def test_dry_run_moves_nothing(sqs):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 4)
    result = replay_sqs(sqs, source, dlq, dry_run=True)
    assert result.waiting == 4 and result.moved == 0
    assert _drain(sqs, source) == [] and len(_drain(sqs, dlq)) == 4


def test_fifo_queue_gets_the_key_as_deduplication_id(sqs):
    source = sqs.create_queue(QueueName="wl-q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq = sqs.create_queue(QueueName="wl-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="x", MessageGroupId="g1", MessageDeduplicationId="d1")
    assert replay_sqs(sqs, source, dlq).moved == 1
    (moved,) = sqs.receive_message(QueueUrl=source, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"])["Messages"]
    assert moved["Attributes"]["MessageGroupId"] == "g1"
    assert moved["Attributes"]["MessageDeduplicationId"] == moved["MessageAttributes"][REPLAY_ID_ATTRIBUTE]["StringValue"]


def test_fails_select_unknown_workload_or_region():
    queues = [Queue("u", "wl", REGION, "wl-q", "wl-dlq")]
    with pytest.raises(ReplayError, match="^--workload: 'other'"):
        select_queue(queues, "other", REGION)
    with pytest.raises(ReplayError, match="^--region: .*'eu-west-1'.*us-east-1"):
        select_queue(queues, "wl", "eu-west-1")


# --- the CLI on a plan of the real WorkQueue component ---------------------------------------------

@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    args = WorkQueueArgs(kms_key_arn=KEY, tags={"blueprint:workload": "wl"})
    plan = plan_program(lambda: WorkQueue("wl-us-east-1-queue", args), stack="test", config={"aws:region": REGION})
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(json.dumps(plan.to_json()))
    return path


def test_read_model_joins_the_queue_and_its_dlq(plan_file):
    from blueprint.plan.model import Plan

    (queue,) = aws_queues(Plan.from_json(json.loads(plan_file.read_text())).resources)
    assert (queue.workload, queue.region, queue.name, queue.dead_letter) == ("wl", REGION, "wl-us-east-1-queue-queue", "wl-us-east-1-queue-dlq")


def test_cli_replays_from_the_plan(sqs, plan_file):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 3)
    result = CliRunner().invoke(app, ["queue", "replay", "--plan", str(plan_file), "--workload", "wl", "--region", REGION,
                                      "--max-messages", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["moved"] == 2 and len(_drain(sqs, source)) == 2


def test_cli_dry_run(sqs, plan_file):
    _, dlq = _queues(sqs)
    _fill(sqs, dlq, 2)
    result = CliRunner().invoke(app, ["queue", "replay", "--plan", str(plan_file), "-w", "wl", "-r", REGION, "--dry-run"])
    assert result.exit_code == 0 and "dry run: 2 dead letter(s)" in result.stdout


@pytest.mark.parametrize("argv, flag", [
    (["--workload", "nope", "--region", REGION], "--workload"),
    (["--workload", "wl", "--region", "eu-west-1"], "--region"),
    (["--workload", "wl", "--region", REGION, "--max-messages", "0"], "--max-messages"),
    (["--workload", "wl", "--region", REGION, "--max-seconds", "99999"], "--max-seconds"),
])
def test_fails_bad_input_exits_2_naming_the_flag(plan_file, argv, flag):
    result = CliRunner().invoke(app, ["queue", "replay", "--plan", str(plan_file), *argv])
    assert result.exit_code == 2 and flag in result.output and "Traceback" not in result.output


def test_fails_undeployed_queue_exits_2(sqs, plan_file):
    result = CliRunner().invoke(app, ["queue", "replay", "--plan", str(plan_file), "-w", "wl", "-r", REGION])
    assert result.exit_code == 2 and "deploy the stack first" in result.output


# The GCP procedure (gcloud_commands) is run against fake gcloud/curl in tests/queue/test_replay_gcp.py.


def test_gcp_read_model_joins_subscription_and_dead_letters():
    from blueprint.components.gcp.pubsub_queue import PubSubQueue, PubSubQueueArgs

    args = PubSubQueueArgs(topic_name="prod-wl-europe-west4", region="europe-west4",
                           kms_key_id="projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
                           pubsub_service_agent="service-1@gcp-sa-pubsub.iam.gserviceaccount.com", labels={"blueprint-workload": "wl"})
    plan = plan_program(lambda: PubSubQueue("q", args), stack="test", config={"gcp:project": "p", "gcp:region": "europe-west4"})
    (queue,) = gcp_queues(plan.resources)
    assert (queue.name, queue.dead_letter) == ("prod-wl-europe-west4", "prod-wl-europe-west4-dead-letter")
    assert queue.topic.endswith("/topics/prod-wl-europe-west4")


def test_queue_is_a_command_group_with_replay():
    top = CliRunner().invoke(app, ["--help"])
    assert top.exit_code == 0 and "queue" in top.output
    group = CliRunner().invoke(app, ["queue", "replay", "--help"])
    assert group.exit_code == 0 and "--max-messages" in group.output and "--dry-run" in group.output


def test_fails_missing_workload_flag_exits_2(plan_file):
    result = CliRunner().invoke(app, ["queue", "replay", "--plan", str(plan_file), "--region", REGION])
    assert result.exit_code == 2 and "Traceback" not in result.output


def _client_error(operation: str):
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, operation)


def test_a_failed_message_is_not_counted_again_when_it_reappears(sqs):
    """Review finding 12: a dead letter that failed is visible again after the timeout; it must not use up the bound."""
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 2)

    class Reappearing:
        """Every receive returns the same two messages (as after their visibility timeout)."""

        def __init__(self):
            self.first = None

        def __getattr__(self, name):
            return getattr(sqs, name)

        def receive_message(self, **kwargs):
            if self.first is None:
                self.first = sqs.receive_message(**{**kwargs, "MaxNumberOfMessages": 10})
            return self.first

        def send_message(self, **kwargs):
            raise RuntimeError("throttled")

    result = replay_sqs(Reappearing(), source, dlq, max_messages=50)
    assert (result.moved, result.failed, result.kept) == (0, 2, 0) and len(result.errors) == 2


def test_receive_and_delete_errors_are_recorded_not_raised(sqs):
    source, dlq = _queues(sqs)
    _fill(sqs, dlq, 2)

    class NoDelete:
        def __getattr__(self, name):
            return getattr(sqs, name)

        def delete_message(self, **kwargs):
            raise _client_error("DeleteMessage")

    result = replay_sqs(NoDelete(), source, dlq)
    assert (result.moved, result.failed) == (0, 2) and all("delete from the DLQ failed" in e for e in result.errors)

    class NoReceive:
        def __getattr__(self, name):
            return getattr(sqs, name)

        def receive_message(self, **kwargs):
            raise _client_error("ReceiveMessage")

    result = replay_sqs(NoReceive(), source, dlq)
    assert result.moved == 0 and result.errors == [f"receive from the DLQ failed, stopping: {_client_error('ReceiveMessage')}"]


def test_fails_queue_lookup_error_as_a_replay_error(sqs):
    from blueprint.queue.replay import resolve_sqs_url

    class NoList:
        def list_queues(self, **kwargs):
            raise _client_error("ListQueues")

    with pytest.raises(ReplayError, match="--region: listing SQS queues"):
        resolve_sqs_url(NoList(), "wl-us-east-1-queue-queue")

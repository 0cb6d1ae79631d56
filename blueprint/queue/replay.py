"""Dead letters back into the work queue, bounded, with an idempotency key (`blueprint queue replay`).

AWS (boto3, SQS API): ReceiveMessage on the DLQ (at most 10 a call, long poll of ``WAIT_SECONDS``,
``MessageAttributeNames=["All"]``, ``MessageSystemAttributeNames=["All"]``), SendMessage of the same body
and attributes to the work queue, and DeleteMessage on the DLQ only after that send succeeded: a failed
send leaves the message in the DLQ, visible again after the receive's visibility timeout
(``VISIBILITY_TIMEOUT_S``), so nothing is lost (Amazon SQS API Reference: ReceiveMessage, SendMessage,
DeleteMessage).

Idempotency key: every replayed message carries the message attribute ``blueprint-replay-id`` (String):
the ``MessageId`` SQS gave the message when it was first sent, kept unchanged when a message is replayed
again. Consumers dedupe on it: a replay whose send succeeded but whose delete failed is sent again, with
the same key. FIFO work queues get it as ``MessageDeduplicationId`` too (with the original
``MessageGroupId``), so SQS itself drops a second copy inside its 5-minute deduplication interval.
SQS allows at most 10 message attributes (Amazon SQS developer guide, "Amazon SQS message attributes"):
a dead letter already holding 10 others cannot carry the key and is left in the DLQ, counted as kept.

Bounds: at most ``max_messages`` moved and no new receive after ``max_seconds``. A dead letter is handled
once per run: one that failed or was kept becomes visible again after ``VISIBILITY_TIMEOUT_S`` and is
skipped (by ``MessageId``) instead of being counted again; a receive that returns nothing new ends the run.
SQS errors (botocore ``ClientError``/``BotoCoreError``) of the receive, the delete or the queue lookup are
recorded in the result (or, for the lookup, a ReplayError naming ``--region``), never a traceback: a
failed delete after a successful send leaves the message in the DLQ (counted ``failed``; a later replay
sends it again with the same key).

GCP: Pub/Sub has no moto and the google-cloud-pubsub client is not a dependency of blueprint, so for
GCP stacks the command prints a bash script of the same procedure (``gcloud_commands``): pull at most
``GCP_MAX_PULL`` from the dead-letter subscription, extend their ack deadline to 600 s, publish each to
the work topic through the REST API with its base64 data, attributes and orderingKey unchanged plus the
key, and ack in one batch only the published ones. Not ``gcloud pubsub topics publish --message``: that
takes the payload as a shell string, which loses NUL bytes and trailing newlines of binary data.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from blueprint.analysis.queue_facts import Queue

REPLAY_ID_ATTRIBUTE = "blueprint-replay-id"
# SQS: at most 10 message attributes per message; a receive returns at most 10 messages.
MAX_MESSAGE_ATTRIBUTES = 10
MAX_RECEIVE_BATCH = 10
# Defaults of the CLI (docs/runbooks/region-rebuild.md, "Replay dead letters").
DEFAULT_MAX_MESSAGES = 100
DEFAULT_MAX_SECONDS = 300
# Long poll per receive (SQS allows 0..20 s) and how long a received dead letter stays invisible while
# it is sent on; after a failed send it is visible again in the DLQ after this many seconds.
WAIT_SECONDS = 1
VISIBILITY_TIMEOUT_S = 60
# Pulumi's auto-name: the logical name, '-', seven random lowercase hex characters.
_AUTONAME = re.compile(r"^-[0-9a-f]{7}$")


class ReplayError(ValueError):
    """An input the command cannot serve; the message starts with the flag it names."""


@dataclass
class ReplayResult:
    source: str
    dead_letter: str
    dry_run: bool
    moved: int = 0
    failed: int = 0
    kept: int = 0
    waiting: Optional[int] = None  # the DLQ's ApproximateNumberOfMessages (dry run)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "dead_letter": self.dead_letter, "dry_run": self.dry_run, "moved": self.moved,
                "failed": self.failed, "kept": self.kept, "waiting": self.waiting, "errors": self.errors,
                "idempotency_attribute": REPLAY_ID_ATTRIBUTE}


def select_queue(queues: list[Queue], workload: str, region: str) -> Queue:
    """The workload's queue in the region, or a ReplayError naming the flag and what the plan has."""
    ours = [q for q in queues if q.workload == workload]
    if not ours:
        known = sorted({q.workload for q in queues}) or ["none"]
        raise ReplayError(f"--workload: {workload!r} has no queue in the plan; queued workloads: {', '.join(known)}")
    found = next((q for q in ours if q.region == region), None)
    if found is None or not found.dead_letter:
        raise ReplayError(f"--region: workload {workload!r} has no queue with a dead-letter queue in {region!r}; "
                          f"its queues are in: {', '.join(sorted(q.region for q in ours))}")
    return found


def resolve_sqs_url(client: Any, logical: str) -> str:
    """The URL of the queue Pulumi created for ``logical`` (its Name tag): the one queue named
    ``logical`` or ``logical-<7 hex>``."""
    try:
        urls = client.list_queues(QueueNamePrefix=logical).get("QueueUrls", [])
    except _sqs_errors() as error:
        raise ReplayError(f"--region: listing SQS queues named {logical!r} failed ({error}); check --region and the credentials") from None
    matches = [u for u in urls if u.rsplit("/", 1)[-1] == logical or _AUTONAME.match(u.rsplit("/", 1)[-1][len(logical):])]
    if len(matches) != 1:
        raise ReplayError(f"--region: {len(matches)} SQS queues named {logical!r} (or its Pulumi auto-name) in this "
                          "account and region; deploy the stack first, or check --region and the credentials")
    return matches[0]


def _outgoing(message: dict, fifo: bool) -> Optional[dict]:
    """SendMessage arguments for a dead letter, with the idempotency key; None if it cannot carry it."""
    attributes = dict(message.get("MessageAttributes") or {})
    if REPLAY_ID_ATTRIBUTE not in attributes:
        if len(attributes) >= MAX_MESSAGE_ATTRIBUTES:
            return None
        attributes[REPLAY_ID_ATTRIBUTE] = {"DataType": "String", "StringValue": message["MessageId"]}
    for value in attributes.values():  # ReceiveMessage also returns list fields SendMessage refuses when empty
        for key in ("StringListValues", "BinaryListValues"):
            if not value.get(key):
                value.pop(key, None)
    send: dict[str, Any] = {"MessageBody": message["Body"], "MessageAttributes": attributes}
    if fifo:
        system = message.get("Attributes") or {}
        send["MessageGroupId"] = system.get("MessageGroupId", "replay")
        send["MessageDeduplicationId"] = attributes[REPLAY_ID_ATTRIBUTE]["StringValue"]
    return send


def replay_sqs(client: Any, source_url: str, dlq_url: str, *, max_messages: int = DEFAULT_MAX_MESSAGES,
               max_seconds: float = DEFAULT_MAX_SECONDS, dry_run: bool = False,
               clock: Callable[[], float] = time.monotonic) -> ReplayResult:
    """Move at most ``max_messages`` dead letters from ``dlq_url`` to ``source_url`` (module docstring)."""
    result = ReplayResult(source_url, dlq_url, dry_run)
    errors = _sqs_errors()
    if dry_run:
        try:
            attrs = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        except errors as error:
            result.errors.append(f"reading the DLQ's message count failed: {error}")
            return result
        result.waiting = int(attrs.get("ApproximateNumberOfMessages", 0))
        return result
    fifo = source_url.endswith(".fifo")
    deadline = clock() + max_seconds
    seen: set[str] = set()
    while len(seen) < max_messages and clock() < deadline:
        try:
            batch = client.receive_message(
                QueueUrl=dlq_url, MaxNumberOfMessages=min(MAX_RECEIVE_BATCH, max_messages - len(seen)),
                WaitTimeSeconds=WAIT_SECONDS, VisibilityTimeout=VISIBILITY_TIMEOUT_S,
                MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"],
            ).get("Messages", [])
        except errors as error:
            result.errors.append(f"receive from the DLQ failed, stopping: {error}")
            break
        fresh = [m for m in batch if m["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            seen.add(message["MessageId"])
            _move(client, source_url, dlq_url, message, fifo, result)
    return result


def _sqs_errors() -> tuple[type[Exception], ...]:
    """The errors boto3's SQS client raises for a refused or failed call (botocore.exceptions)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError)


def _move(client: Any, source_url: str, dlq_url: str, message: dict, fifo: bool, result: ReplayResult) -> None:
    outgoing = _outgoing(message, fifo)
    if outgoing is None:
        result.kept += 1
        result.errors.append(f"{message['MessageId']}: already has {MAX_MESSAGE_ATTRIBUTES} message attributes; left in the DLQ")
        return
    try:
        client.send_message(QueueUrl=source_url, **outgoing)
    except Exception as error:  # noqa: BLE001 - any failed send leaves the message in the DLQ
        result.failed += 1
        result.errors.append(f"{message['MessageId']}: send failed, left in the DLQ: {error}")
        return
    try:
        client.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    except _sqs_errors() as error:
        result.failed += 1
        result.errors.append(f"{message['MessageId']}: sent, but the delete from the DLQ failed (a later replay sends it again "
                             f"with the same {REPLAY_ID_ATTRIBUTE}): {error}")
        return
    result.moved += 1


# GCP procedure bounds. The pulled messages' ack deadline is first set to the API maximum of 600 s
# (projects.subscriptions.modifyAckDeadline: "The maximum deadline you can specify in a single request is
# 600 seconds", https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/modifyAckDeadline;
# gcloud pubsub subscriptions modify-message-ack-deadline --ack-deadline --ack-ids), whatever the dead-letter
# subscription's own ackDeadlineSeconds (10..600). Each publish is one curl call of at most
# PUBLISH_TIMEOUT_S, so GCP_MAX_PULL messages take at most 50 x 10 = 500 s, leaving 100 s for the token,
# jq and the final ack: every ack id is still valid when acked, so nothing is redelivered as a duplicate.
GCP_ACK_DEADLINE_S = 600
GCP_MAX_PULL = 50
PUBLISH_TIMEOUT_S = 10
# jq: one line per pulled message: its ackId and the topics.publish body. ``data`` is passed on as the
# same base64 string the pull returned (PubsubMessage.data is "A base64-encoded string" and publish takes
# the same PubsubMessage JSON: https://cloud.google.com/pubsub/docs/reference/rest/v1/PubsubMessage,
# https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish), so binary payloads are
# published byte for byte; the original attributes and orderingKey are kept and the key is added.
_PUBLISH_BODY = (
    ".[] | {ackId, body: {messages: [.message | "
    f"{{attributes: ((.attributes // {{}}) + {{\"{REPLAY_ID_ATTRIBUTE}\": (.attributes[\"{REPLAY_ID_ATTRIBUTE}\"] // .messageId)}})}}"
    " + (if (.data // \"\") != \"\" then {data} else {} end)"
    " + (if (.orderingKey // \"\") != \"\" then {orderingKey} else {} end)]}}"
)


def gcloud_commands(queue: Queue, max_messages: int) -> list[str]:
    """A bash script replaying at most ``min(max_messages, GCP_MAX_PULL)`` dead letters of a Pub/Sub queue:
    pull (``gcloud pubsub subscriptions pull --format=json``: ackId and the message with base64 data,
    attributes, messageId, orderingKey), extend their ack deadline to 600 s, publish each unchanged plus the
    key through the REST API (``POST https://pubsub.googleapis.com/v1/{topic}:publish`` with a
    ``gcloud auth print-access-token`` bearer token), then ack in one batch only the published ones
    (``gcloud pubsub subscriptions ack --ack-ids``, https://cloud.google.com/sdk/gcloud/reference/pubsub/).
    A failed publish leaves its message in the dead-letter subscription, redelivered after the deadline."""
    topic = queue.topic or "<work topic id>"
    project = topic.split("/")[1] if topic.startswith("projects/") else "<project>"
    limit = min(max_messages, GCP_MAX_PULL)
    return [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        f"sub='projects/{project}/subscriptions/{queue.dead_letter}'",
        f"topic='{topic}'",
        f"gcloud pubsub subscriptions pull \"$sub\" --limit={limit} --format=json > dead-letters.json",
        "pulled=$(jq -r '[.[].ackId] | join(\",\")' dead-letters.json)",
        "if [ -z \"$pulled\" ]; then echo 'no dead letters'; exit 0; fi",
        f"gcloud pubsub subscriptions modify-message-ack-deadline \"$sub\" --ack-deadline={GCP_ACK_DEADLINE_S} --ack-ids=\"$pulled\"",
        "token=$(gcloud auth print-access-token)",
        ": > published-ack-ids.txt",
        f"jq -c '{_PUBLISH_BODY}' dead-letters.json | while IFS= read -r m; do",
        f"  if jq -c .body <<<\"$m\" | curl -sS --fail --max-time {PUBLISH_TIMEOUT_S} -o /dev/null -X POST \\",
        "      -H \"Authorization: Bearer $token\" -H 'Content-Type: application/json' --data-binary @- \\",
        "      \"https://pubsub.googleapis.com/v1/${topic}:publish\"; then",
        "    jq -r .ackId <<<\"$m\" >> published-ack-ids.txt",
        "  else",
        f"    echo \"publish failed, left in the dead-letter subscription: $(jq -r '.body.messages[0].attributes[\"{REPLAY_ID_ATTRIBUTE}\"]' <<<\"$m\")\" >&2",
        "  fi",
        "done",
        "if [ -s published-ack-ids.txt ]; then",
        "  gcloud pubsub subscriptions ack \"$sub\" --ack-ids=\"$(paste -sd, published-ack-ids.txt)\"",
        "fi",
        "echo \"replayed $(wc -l < published-ack-ids.txt) of $(jq length dead-letters.json)\"",
    ]

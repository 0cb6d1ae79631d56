"""The GCP replay procedure `blueprint queue replay` prints, run by bash against fake `gcloud` and `curl`
on PATH (no Pub/Sub here): binary data published byte for byte (base64 unchanged), original attributes and
orderingKey kept plus blueprint-replay-id, the ack deadline extended before publishing, one batch ack of
only the published messages after their publish, and the pull capped to fit the ack deadline."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess

import pytest

from blueprint.analysis.queue_facts import Queue
from blueprint.queue.replay import GCP_ACK_DEADLINE_S, GCP_MAX_PULL, PUBLISH_TIMEOUT_S, REPLAY_ID_ATTRIBUTE, gcloud_commands

pytestmark = pytest.mark.skipif(not (shutil.which("bash") and shutil.which("jq")), reason="needs bash and jq")

QUEUE = Queue("u", "wl", "europe-west4", "prod-wl-europe-west4", "prod-wl-europe-west4-dead-letter",
              topic="projects/acme/topics/prod-wl-europe-west4")
BINARY = b"\x00\x01model\x00weights\n\n"  # NUL bytes and trailing newlines: what a shell string loses
PULLED = [
    {"ackId": "ack-1", "message": {"data": base64.b64encode(BINARY).decode(), "messageId": "m1",
                                   "attributes": {"tenant": "a", "content-type": "application/x-protobuf"}, "orderingKey": "user-7"}},
    {"ackId": "ack-2", "message": {"data": base64.b64encode(b"again").decode(), "messageId": "m2",
                                   "attributes": {REPLAY_ID_ATTRIBUTE: "first-id"}}},
    {"ackId": "ack-3", "message": {"data": base64.b64encode(b"refused").decode(), "messageId": "m3", "attributes": {"fail": "yes"}}},
]
# Fakes: every call appends a line to events.log; curl stores the body it was given and refuses a body
# marked "fail" (as the API would answer HTTP 4xx: curl --fail exits 22).
FAKE_GCLOUD = """#!/usr/bin/env bash
echo "gcloud $*" >> "$LOG_DIR/events.log"
case "$*" in
  "pubsub subscriptions pull"*) cat "$LOG_DIR/pull.json" ;;
  "auth print-access-token"*) echo fake-token ;;
esac
"""
FAKE_CURL = """#!/usr/bin/env bash
body=$(cat)
echo "curl $*" >> "$LOG_DIR/events.log"
if grep -q '"fail"' <<<"$body"; then exit 22; fi
echo "$body" >> "$LOG_DIR/published.jsonl"
"""


def _run(tmp_path, pulled, max_messages=100):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("gcloud", FAKE_GCLOUD), ("curl", FAKE_CURL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (tmp_path / "pull.json").write_text(json.dumps(pulled))
    script = tmp_path / "replay.sh"
    script.write_text("\n".join(gcloud_commands(QUEUE, max_messages)) + "\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG_DIR": str(tmp_path)}
    done = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    events = (tmp_path / "events.log").read_text().splitlines()
    published = tmp_path / "published.jsonl"
    bodies = [json.loads(line) for line in published.read_text().splitlines()] if published.exists() else []
    return done, events, bodies


def test_publishes_binary_data_unchanged_with_attributes_and_ordering_key(tmp_path):
    done, _, bodies = _run(tmp_path, PULLED)
    assert done.returncode == 0, done.stderr
    first, second = (body["messages"] for body in bodies)
    assert first == [{"data": PULLED[0]["message"]["data"], "orderingKey": "user-7",
                      "attributes": {"tenant": "a", "content-type": "application/x-protobuf", REPLAY_ID_ATTRIBUTE: "m1"}}]
    assert base64.b64decode(first[0]["data"]) == BINARY
    # A message replayed before keeps its first key; no orderingKey when it had none.
    assert second == [{"data": PULLED[1]["message"]["data"], "attributes": {REPLAY_ID_ATTRIBUTE: "first-id"}}]


def test_acks_in_one_batch_only_the_published_after_publishing(tmp_path):
    done, events, _ = _run(tmp_path, PULLED)
    assert "publish failed, left in the dead-letter subscription: m3" in done.stderr and "replayed 2 of 3" in done.stdout
    sub = "projects/acme/subscriptions/prod-wl-europe-west4-dead-letter"
    assert events[0] == f"gcloud pubsub subscriptions pull {sub} --limit={GCP_MAX_PULL} --format=json"
    assert events[1] == f"gcloud pubsub subscriptions modify-message-ack-deadline {sub} --ack-deadline={GCP_ACK_DEADLINE_S} --ack-ids=ack-1,ack-2,ack-3"
    curls = [i for i, e in enumerate(events) if e.startswith("curl ")]
    assert len(curls) == 3 and all("https://pubsub.googleapis.com/v1/projects/acme/topics/prod-wl-europe-west4:publish" in events[i] for i in curls)
    assert all("Bearer fake-token" in events[i] for i in curls)
    acks = [i for i, e in enumerate(events) if e.startswith("gcloud pubsub subscriptions ack")]
    assert len(acks) == 1 and acks[0] > max(curls) and events[acks[0]] == f"gcloud pubsub subscriptions ack {sub} --ack-ids=ack-1,ack-2"


def test_fails_nothing_published_nothing_acked(tmp_path):
    done, events, bodies = _run(tmp_path, [PULLED[2]])
    assert done.returncode == 0 and bodies == [] and "replayed 0 of 1" in done.stdout
    assert not [e for e in events if e.startswith("gcloud pubsub subscriptions ack")]


def test_empty_dead_letter_subscription_publishes_nothing(tmp_path):
    done, events, _ = _run(tmp_path, [], max_messages=5)
    assert done.returncode == 0 and "no dead letters" in done.stdout
    assert events == ["gcloud pubsub subscriptions pull projects/acme/subscriptions/prod-wl-europe-west4-dead-letter --limit=5 --format=json"]


def test_pull_bound_fits_the_ack_deadline():
    # Every publish of a full pull, at its curl --max-time, ends inside the 600 s deadline with a margin.
    assert GCP_MAX_PULL * PUBLISH_TIMEOUT_S <= GCP_ACK_DEADLINE_S - 100
    script = "\n".join(gcloud_commands(QUEUE, 100000))
    assert f"--limit={GCP_MAX_PULL} " in script and f"--max-time {PUBLISH_TIMEOUT_S} " in script
    assert "--message=" not in script and "base64 -d" not in script  # the payload never passes through a shell string

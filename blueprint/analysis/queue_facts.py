"""Queue facts of issue 18 (part 2), read from a plan: each workload's queues (with their dead-letter
queues) per region, for `blueprint queue replay`, the resilience scenarios (requests buffered in a
surviving region) and the standby-queue rule (blueprint/policies/recovery_stack.py).

Joined by the identifiers the plan records, not by names: an SQS work queue names its DLQ in its
``redrivePolicy`` (``deadLetterTargetArn``); a Pub/Sub work subscription names its dead-letter topic
(``deadLetterPolicy.deadLetterTopic``), which the dead-letter subscription subscribes to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from blueprint.plan.model import PlannedResource
from blueprint.types import aws, gcp


@dataclass(frozen=True)
class Queue:
    """A workload's work queue in one region and its dead-letter queue.

    AWS: ``name`` / ``dead_letter`` are the queues' ``Name`` tags (their logical names; the physical
    name is Pulumi's auto-name ``<Name>-<7 chars>``, which `blueprint queue replay` looks up by that
    prefix). GCP: the work and dead-letter subscription ids, ``topic`` the work topic's id
    (``projects/<p>/topics/<t>``) replayed dead letters are published to."""

    urn: str
    workload: str
    region: str
    name: str
    dead_letter: Optional[str]
    topic: Optional[str] = None
    fifo: bool = False


def _json(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _name_tag(r: PlannedResource) -> str:
    tags = r.inputs.get("tags")
    return str(tags.get("Name")) if isinstance(tags, dict) and tags.get("Name") else r.name


def aws_queues(resources: Iterable[PlannedResource]) -> list[Queue]:
    """SQS work queues (those with a redrive policy) of workloads, each with the DLQ its policy names."""
    queues = [r for r in resources if r.type == aws.SQS_QUEUE and r.workload]
    by_arn = {q.outputs.get("arn"): q for q in queues if q.outputs.get("arn")}
    found = []
    for q in queues:
        target = _json(q.inputs.get("redrivePolicy")).get("deadLetterTargetArn")
        if not target:
            continue  # a DLQ itself (or a queue without one)
        dlq = by_arn.get(target)
        found.append(Queue(q.urn, q.workload, q.region or "", _name_tag(q), _name_tag(dlq) if dlq is not None else None,
                           fifo=bool(q.inputs.get("fifoQueue"))))
    return sorted(found, key=lambda x: (x.workload, x.region))


def gcp_queues(resources: Iterable[PlannedResource]) -> list[Queue]:
    """Pub/Sub work subscriptions (those with a dead-letter policy) of workloads, each with the
    subscription of the dead-letter topic its policy names."""
    subs = [r for r in resources if r.type == gcp.PUBSUB_SUBSCRIPTION and r.workload]
    by_topic: dict[Any, PlannedResource] = {}
    for s in subs:
        by_topic.setdefault(s.inputs.get("topic"), s)
    found = []
    for s in subs:
        dead_topic = (s.inputs.get("deadLetterPolicy") or {}).get("deadLetterTopic")
        if not dead_topic:
            continue
        dead = by_topic.get(dead_topic)
        dead_name = (dead.inputs.get("name") or dead.name) if dead is not None else None
        found.append(Queue(s.urn, s.workload, s.region or "", str(s.inputs.get("name") or s.name), dead_name,
                           topic=s.inputs.get("topic")))
    return sorted(found, key=lambda x: (x.workload, x.region))


def queues_of(cloud: str, resources: Iterable[PlannedResource]) -> list[Queue]:
    return gcp_queues(resources) if cloud == "gcp" else aws_queues(resources)

"""Resilience scenarios name the regions whose queue (with its DLQ) survives and keeps buffering (issue 18)."""

from __future__ import annotations

from blueprint.analysis.facts import PlanFacts, WorkloadFacts
from blueprint.analysis.queue_facts import Queue
from blueprint.analysis.resilience import scenarios


def _facts(queues):
    w = WorkloadFacts("wl", "standard", "pilot-light", "us-east-1", "us-west-2")
    facts = PlanFacts(cloud="aws", stack="t", primary_region="us-east-1", secondary_region="us-west-2",
                      zones={"us-east-1": ("us-east-1a",), "us-west-2": ("us-west-2a",)}, workloads=[w], egress=[], platform={},
                      queues=queues)
    return w, facts


def test_the_survivors_queue_buffers_after_a_region_loss():
    w, facts = _facts([Queue("u1", "wl", "us-east-1", "q", "q-dlq"), Queue("u2", "wl", "us-west-2", "q2", "q2-dlq")])
    by = {s.scenario: s for s in scenarios(w, facts)}
    assert by["region-loss:us-east-1"].queue_regions == ["us-west-2"]
    assert by["zone-loss:us-east-1a"].queue_regions == ["us-east-1", "us-west-2"]
    assert by["region-loss:us-east-1"].to_json()["queue_buffering"] == ["us-west-2"]


def test_fails_to_buffer_without_a_standby_queue_and_null_without_queues():
    w, facts = _facts([Queue("u1", "wl", "us-east-1", "q", "q-dlq")])
    assert {s.scenario: s for s in scenarios(w, facts)}["region-loss:us-east-1"].queue_regions == []
    w, facts = _facts([])
    assert all(s.queue_regions is None for s in scenarios(w, facts))

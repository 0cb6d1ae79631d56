"""The canonical order of a plan's resources (issue 16: plan JSON is byte-stable run to run).

The SDK registers resources as their inputs resolve, so the registration order depends on asyncio's
scheduling and changes from run to run. A saved plan's PR diff must show only real changes, so the
engine lists resources in one canonical order instead: a topological order of the edges the
registration order always respected (a resource comes after its parent, its explicit provider and
its dependencies: the SDK waits for their URNs before registering it), ties broken by URN. Any
consumer that relied on "earlier registrations first" (placement: providers before the resources
they serve; parents before children) still can.
"""

from __future__ import annotations

import heapq
from typing import Iterable, Mapping, Optional, Protocol


class _Node(Protocol):
    parent: Optional[str]
    provider: Optional[str]
    dependencies: list[str]


def canonical_order(records: Mapping[str, _Node]) -> list[str]:
    """The URNs of ``records`` (URN -> registration) in canonical order (see the module docstring)."""
    waiting: dict[str, int] = {}
    unblocks: dict[str, list[str]] = {urn: [] for urn in records}
    for urn, record in records.items():
        before = _before(urn, record, records)
        waiting[urn] = len(before)
        for earlier in before:
            unblocks[earlier].append(urn)
    ready = [urn for urn, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        urn = heapq.heappop(ready)
        order.append(urn)
        for later in unblocks[urn]:
            waiting[later] -= 1
            if waiting[later] == 0:
                heapq.heappush(ready, later)
    if len(order) < len(records):  # a cycle: the SDK cannot register one, but never drop a resource
        placed = set(order)
        order += sorted(urn for urn in records if urn not in placed)
    return order


def _before(urn: str, record: _Node, records: Mapping[str, _Node]) -> set[str]:
    """The planned resources ``urn`` was registered after (the root stack is not one of them)."""
    edges: Iterable[Optional[str]] = (record.parent, record.provider, *record.dependencies)
    return {e for e in edges if e is not None and e != urn and e in records}

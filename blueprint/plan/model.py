"""The planned-resource graph: what `blueprint plan --format json` prints and every analysis reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator, Optional


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: Optional[str]  # the root stack's URN for top-level resources
    dependencies: list[str]  # explicit depends_on and those implied by Output inputs
    region: Optional[str]  # a region, or "global" for global services
    zone: Optional[str]  # the zone of zonal resources, else None
    workload: Optional[str]  # the workload served, else None (shared platform)
    inputs: dict[str, Any]
    custom: bool = True
    provider: Optional[str] = None  # URN of the explicit provider, if any

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return data


@dataclass
class Plan:
    stack: str
    cloud: Optional[str]
    resources: list[PlannedResource]
    stack_urn: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[PlannedResource]:
        return iter(self.resources)

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> PlannedResource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"no planned resource named {name!r}")

    def by_urn(self, urn: str) -> PlannedResource:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise KeyError(urn)

    def children(self, urn: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == urn]

    def summary(self) -> dict[str, Any]:
        return {
            "resources": len(self.resources),
            "by_region": dict(sorted(Counter(r.region or "unknown" for r in self.resources).items())),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "cloud": self.cloud,
            "resources": [r.to_json() for r in self.resources],
            "summary": self.summary(),
            "outputs": self.outputs,
        }

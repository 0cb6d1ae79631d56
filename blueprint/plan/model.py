"""The planned-resource graph: what `blueprint plan --format json` prints and every analysis reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, Iterator, Optional


def _json_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_json_copy(v) for v in value)
    return value


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
    # What the mocks answered for a custom resource: its physical ID and its output state (inputs
    # plus the attributes the cloud would compute: ARNs, endpoints, ...); secrets redacted. The
    # exporters use them to turn equal values back into references (blueprint.export).
    id: Optional[str] = None
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # What dataclasses.asdict returns (a fresh copy, fields in order), without its generic deep
        # copy: the values are plain JSON already (engine._plain); 3x faster on a large plan.
        return {f.name: _json_copy(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PlannedResource":
        """The inverse of :meth:`to_json`; keys a newer writer added are ignored, missing optional
        ones (plans saved before ``id``/``outputs`` existed) take their defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Plan:
    stack: str
    cloud: Optional[str]
    resources: list[PlannedResource]
    stack_urn: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    # The stack's blueprint:residency jurisdiction, so a saved plan can be checked on its own
    # (`blueprint check --plan`); None for plans of programs run without it.
    residency: Optional[str] = None

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
            "residency": self.residency,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Plan":
        """A plan's JSON (``to_json``) loaded back in process: the trusted path (tests, tools that
        built the JSON themselves), which must run where pydantic is absent (the CrossGuard pack's
        environment, tests/policies/test_packaging.py) and lets a test build a partial plan. A FILE
        is read with ``blueprint.plan.saved.read_saved_plan``, which validates shape and consistency."""
        if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
            raise ValueError("not a blueprint plan: expected a JSON object with a 'resources' list")
        return cls.from_valid_json(data)

    @classmethod
    def from_valid_json(cls, data: dict[str, Any]) -> "Plan":
        """``from_json`` of JSON already validated (blueprint.plan.saved). The root stack's URN is
        not saved; it is the parent of the top-level resources."""
        resources = [PlannedResource.from_json(r) for r in data["resources"]]
        urns = {r.urn for r in resources}
        stack_urn = next((r.parent for r in resources if r.parent and r.parent not in urns), "")
        return cls(stack=data.get("stack", ""), cloud=data.get("cloud"), resources=resources,
                   stack_urn=stack_urn, outputs=dict(data.get("outputs") or {}),
                   residency=data.get("residency") if isinstance(data.get("residency"), str) else None)

"""Builders of small hand-made plans for the deploy-readiness tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from blueprint.plan.model import Plan, PlannedResource

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def resource(name: str, type_: str, inputs: Optional[dict[str, Any]] = None, *, stack: str = "t",
             dependencies: Optional[list[str]] = None, parent: Optional[str] = None, provider: Optional[str] = None,
             region: Optional[str] = None, id: Optional[str] = None, outputs: Optional[dict[str, Any]] = None,
             custom: bool = True) -> PlannedResource:
    """A planned resource with a URN built the way Pulumi builds it (parent types omitted)."""
    return PlannedResource(
        urn=urn(name, type_, stack=stack), type=type_, name=name, parent=parent,
        dependencies=list(dependencies or []), region=region, zone=None, workload=None,
        inputs=dict(inputs or {}), custom=custom, provider=provider, id=id, outputs=dict(outputs or {}),
    )


def urn(name: str, type_: str, *, stack: str = "t") -> str:
    return f"urn:pulumi:{stack}::blueprint::{type_}::{name}"


def plan_of(*resources: PlannedResource) -> Plan:
    return Plan(stack="t", cloud=None, resources=list(resources))

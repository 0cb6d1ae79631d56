"""Plan-graph helpers the readiness checks share: nested input lookup, the cluster behind a
Kubernetes provider, and what a resource waits for (its dependency closure)."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws, gcp

EKS_CLUSTER = aws.EKS_CLUSTER
GKE_CLUSTER = gcp.CONTAINER_CLUSTER
CLUSTER_TYPES = (EKS_CLUSTER, GKE_CLUSTER)


def get(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for ``path`` "a.b", or None when a step is missing or not a mapping."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def find(plan: Plan, urn: Optional[str]) -> Optional[PlannedResource]:
    """The planned resource of ``urn``, or None (an unknown or absent URN)."""
    if not urn:
        return None
    try:
        return plan.by_urn(urn)
    except KeyError:
        return None


def provider_cluster(plan: Plan, provider: Optional[PlannedResource],
                     types: Iterable[str] = CLUSTER_TYPES) -> Optional[PlannedResource]:
    """The cluster a Kubernetes provider's kubeconfig is built from: its dependency of a cluster type."""
    wanted = tuple(types)
    for urn in (provider.dependencies if provider else []):
        dep = find(plan, urn)
        if dep is not None and dep.type in wanted:
            return dep
    return None


def cluster_of(plan: Plan, resource: PlannedResource, types: Iterable[str] = CLUSTER_TYPES) -> Optional[PlannedResource]:
    """The cluster a Kubernetes object is created in (through its provider)."""
    return provider_cluster(plan, find(plan, resource.provider), types)


def edges(plan: Plan) -> dict[str, set[str]]:
    """What each resource waits for directly: its dependencies and its parent."""
    return {r.urn: set(r.dependencies) | ({r.parent} if r.parent else set()) for r in plan}


def waits_for(plan: Plan, start: PlannedResource) -> set[str]:
    """Every URN ``start`` waits for, transitively."""
    graph = edges(plan)
    seen: set[str] = set()
    stack = list(graph.get(start.urn, ()))
    while stack:
        urn = stack.pop()
        if urn not in seen:
            seen.add(urn)
            stack.extend(graph.get(urn, ()))
    return seen


def chain(graph: dict[str, set[str]], start: str, target: str) -> list[str]:
    """A dependency chain start -> ... -> target, or [] when start does not wait for target."""
    seen, stack = {start}, [[start]]
    while stack:
        path = stack.pop()
        for nxt in graph.get(path[-1], ()):
            if nxt == target:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append(path + [nxt])
    return []


def physical_cluster_name(cluster: PlannedResource) -> Optional[str]:
    """The cluster's name as its other resources (node groups, add-ons) refer to it."""
    for value in (cluster.inputs.get("name"), cluster.outputs.get("name"), cluster.id):
        if isinstance(value, str) and value:
            return value
    return None

"""Critical path of a set of planned resources: how long `pulumi up` takes to create them.

Pulumi creates a resource once everything it depends on exists, in parallel otherwise, so the
time to create a set is its longest dependency chain, each resource weighted by its type's
provisioning figure. Dependencies outside the set are taken as existing already.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

from blueprint.analysis.figures import DEFAULT_FIGURES, Figures, provisioning_seconds
from blueprint.plan.model import Plan, PlannedResource


@dataclass(frozen=True)
class CriticalPath:
    seconds: float
    urns: tuple[str, ...]  # first created first

    def describe(self, by_urn: Mapping[str, PlannedResource], limit: int = 6) -> str:
        names = [by_urn[u].type.rsplit(":", 1)[-1] for u in self.urns if u in by_urn]
        kept = [n for n in names if n]
        return " -> ".join(kept if len(kept) <= limit else kept[:2] + ["..."] + kept[-(limit - 3):])


def critical_path(
    resources: Iterable[PlannedResource],
    figures: Figures = DEFAULT_FIGURES,
    weight: Optional[Callable[[PlannedResource], float]] = None,
) -> CriticalPath:
    nodes = {r.urn: r for r in resources if r.custom}
    weigh = weight or (lambda r: provisioning_seconds(r.type, figures))
    finish: dict[str, float] = {}
    previous: dict[str, Optional[str]] = {}
    visiting: set[str] = set()

    def visit(urn: str) -> float:
        if urn in finish:
            return finish[urn]
        if urn in visiting:  # a cycle cannot be planned; break it rather than recurse forever
            return 0.0
        visiting.add(urn)
        best, best_dep = 0.0, None
        for dep in nodes[urn].dependencies:
            if dep in nodes and dep != urn:
                t = visit(dep)
                if t > best:
                    best, best_dep = t, dep
        visiting.discard(urn)
        finish[urn] = best + weigh(nodes[urn])
        previous[urn] = best_dep
        return finish[urn]

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(nodes) + 100))
    try:
        for urn in nodes:
            visit(urn)
    finally:
        sys.setrecursionlimit(limit)
    if not finish:
        return CriticalPath(0.0, ())
    end = max(finish, key=lambda u: (finish[u], u))
    chain = []
    cursor: Optional[str] = end
    while cursor is not None:
        chain.append(cursor)
        cursor = previous.get(cursor)
    return CriticalPath(finish[end], tuple(reversed(chain)))


def region_roles(plan: Plan) -> tuple[str, Optional[str]]:
    """(primary, secondary) region of a plan: from the stack outputs' ``regions`` roles, else the
    ``blueprint:region-role`` tags (labels ``blueprint-region-role`` on GCP), else sorted names."""
    roles: dict[str, str] = {}
    for region, info in (plan.outputs.get("regions") or {}).items():
        if isinstance(info, dict) and info.get("role"):
            roles.setdefault(str(info["role"]), region)
    for r in plan.resources:
        if not r.custom or not r.region or r.region == "global":
            continue
        for key, marks in (("tags", "blueprint:region-role"), ("labels", "blueprint-region-role")):
            values = r.inputs.get(key)
            if isinstance(values, dict) and values.get(marks):
                roles.setdefault(str(values[marks]), r.region)
    regions = sorted({r.region for r in plan.resources if r.custom and r.region and r.region != "global"})
    primary = roles.get("primary") or (regions[0] if regions else "")
    secondary = roles.get("secondary") or next((r for r in regions if r != primary), None)
    return primary, secondary


def rebuild_region(plan: Plan) -> Optional[str]:
    """The region a rebuild targets: the stack's secondary region, else its only region."""
    primary, secondary = region_roles(plan)
    return secondary or primary or None


def rebuild_estimate(plan: Plan, figures: Figures = DEFAULT_FIGURES, region: Optional[str] = None) -> CriticalPath:
    """How long `pulumi up` of the second region takes: the critical path over the resources
    planned in ``region`` (default: :func:`rebuild_region`)."""
    region = region or rebuild_region(plan)
    return critical_path((r for r in plan.resources if r.region == region), figures)

"""The stack file is the authority (issue 16): the plan is checked against what its stack file requires.

``blueprint check`` attaches the stack's intent (blueprint.check.intent.StackIntent: the stack file's
jurisdiction and validated configuration) to the context (read_model.attach_intent). These rules
compare the plan with it:

* ``intent-unverified``: no stack file was known (``check --plan F --residency X``): never a pass;
* ``intent-residency``: the plan's own ``residency`` differs from the stack file's;
* ``intent-tier``: a workload's resource states (tags / labels) another tier or strategy than the
  stack file configures (the tier rules judge each workload by its configured tier: read_model);
* ``intent-presence``: what the footprint (blueprint/footprint.py) places per workload and region
  is in the plan: the workload, its locked vaults, its database and replica, its load balancer and
  health checks, each platform region's cluster and network; no workload the stack file lacks.

They read the cloud-neutral read model (blueprint.analysis facts), so they check AWS and GCP alike and
name no resource type. Without an attached intent (CrossGuard, Python callers) they find nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, Optional

from blueprint.analysis.facts import PlanFacts, WorkloadFacts
from blueprint.policies.model import MANDATORY, STRATEGY_TAG, TIER_TAG, Context, Resource, Rule
from blueprint.policies.read_model import configured_workloads, facts_of, intent_of

Finding = tuple[Optional[str], str]


def check_unverified(ctx: Context) -> Iterable[Finding]:
    intent = intent_of(ctx)
    if intent is not None and not intent.verified:
        yield None, (f"the plan was checked without its stack file (jurisdiction {intent.residency!r} from "
                     "--residency): its residency, tiers and required resources are not verified against the "
                     "stack's intent; a saved plan is checked against its stack file's intent: pass --stack or --config")


def check_residency(ctx: Context) -> Iterable[Finding]:
    intent = intent_of(ctx)
    declared = getattr(ctx.plan, "residency", None)
    if intent is None or not intent.verified or not declared or declared == intent.residency:
        return
    yield None, (f"the plan declares residency {declared!r} but its stack file {intent.stack_file} sets "
                 f"blueprint:residency {intent.residency!r}: the stack file's jurisdiction applies, and the plan "
                 "does not match its stack")


# The workload identity every resource of a workload carries (blueprint/components/composition.py
# placement_labels): AWS tags "blueprint:<key>", GCP and Kubernetes labels "blueprint-<key>", wherever its
# type keeps them (tags, labels, userLabels, resourceLabels, metadata.labels, ...).
TIER_KEYS = (TIER_TAG, TIER_TAG.replace(":", "-"))
STRATEGY_KEYS = (STRATEGY_TAG, STRATEGY_TAG.replace(":", "-"))


def stated(value: Any, keys: tuple[str, ...], depth: int = 0) -> set[str]:
    """Every value ``keys`` take anywhere in ``value`` (a resource's declared properties)."""
    found: set[str] = set()
    if depth > 64:  # plan documents are bounded (blueprint.plan.model); this only guards the recursion
        return found
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                found.add(item)
            else:
                found |= stated(item, keys, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= stated(item, keys, depth + 1)
    return found


def _mismatches(r: Resource, workload: str, tier: str, strategy: str) -> Iterable[str]:
    label = f"{r.type} {r.name!r} of workload {workload!r}"
    for what, keys, wanted in (("tier", TIER_KEYS, tier), ("strategy", STRATEGY_KEYS, strategy)):
        for value in sorted(stated(r.props, keys) - {wanted}):
            yield (f"{label} is tagged {what} {value!r} but the stack file configures {what} {wanted!r}; the "
                   f"configured {what} applies")


def check_tier(ctx: Context) -> Iterable[Finding]:
    configured = configured_workloads(ctx)
    if configured is None:
        return
    from blueprint.config.models import effective_strategy

    for w in facts_of(ctx).workloads:
        wanted = configured.get(w.name)
        if wanted is None:
            continue  # not in the stack file: intent-presence reports it
        tier, strategy = wanted.tier.value, effective_strategy(wanted).value
        for urn in w.resources:
            resource = ctx.by_urn(urn)
            for message in _mismatches(resource, w.name, tier, strategy) if resource is not None else ():
                yield urn, message


# ---- intent-presence ------------------------------------------------------------------------------

def _regions_of(ctx: Context, w: WorkloadFacts) -> set[str]:
    return {r.region for r in (ctx.by_urn(u) for u in w.resources) if r is not None and r.region}


def _placement_gaps(ctx: Context, w: WorkloadFacts, placement: Any) -> Iterable[str]:
    """The kinds the footprint places for ``w`` in ``placement.region`` that the plan lacks."""
    region, workload = placement.region, placement.workload
    primary = placement.region_role.value == "primary"
    if placement.runs_here and region not in _regions_of(ctx, w):
        yield "the workload's resources"
    if not any(v.kind == "objects" and v.region == region for v in w.vaults):
        yield "its locked object vault"
    if workload.database is not None and placement.runs_here:
        role = "writer" if primary else "secondary"
        if not any(d.region == region and d.role == role for d in w.databases):
            yield "its database" if primary else "its database replica"
    if workload.service is not None and placement.runs_here:
        if not any(b.region == region for b in w.balancers):
            yield "its load balancer"
        probes = w.routing.probes if w.routing is not None else ()
        if w.routing is None or (w.routing.policy != "single" and not any(p.region == region for p in probes)):
            yield "its health check"


def _workload_gaps(ctx: Context, w: WorkloadFacts, placements: list[Any]) -> Iterable[Finding]:
    anchor = w.resources[0] if w.resources else None
    tier = placements[0].workload.tier.value
    for placement in placements:
        for kind in _placement_gaps(ctx, w, placement):
            yield anchor, (f"workload {w.name!r} ({tier}) lacks {kind} in {placement.region} "
                           f"({placement.region_role.value} region): the stack file's footprint places it there")
    if placements[0].workload.database is not None and not any(v.kind == "recovery-points" for v in w.vaults):
        yield anchor, f"workload {w.name!r} ({tier}) lacks its database's locked recovery-point vault (backups)"


def _platform_gaps(facts: PlanFacts, footprint: Any) -> Iterable[Finding]:
    for region in footprint.regions:
        if not region.runs_platform:
            continue
        needs = ", ".join(sorted({p.name for p in footprint.in_region(region.name) if p.runs_here}))
        for kind, present in (("cluster", any(c.region == region.name for c in facts.clusters)),
                              ("network", bool(facts.networks.get(region.name)))):
            if not present:
                yield None, (f"the {region.role.value} region {region.name} lacks its {kind}: the stack file's "
                             f"footprint runs a platform there (for workloads: {needs or 'none'})")


def check_presence(ctx: Context) -> Iterable[Finding]:
    intent = intent_of(ctx)
    configured = configured_workloads(ctx)
    if configured is None:
        return
    from blueprint.footprint import build_footprint

    footprint = build_footprint(intent.config)
    facts = facts_of(ctx)
    planned = {w.name: w for w in facts.workloads}
    for name, w in sorted(planned.items()):
        if name not in configured:
            yield (w.resources[0] if w.resources else None), (
                f"workload {name!r} is in the plan but not in the stack file's blueprint:workloads "
                f"({', '.join(sorted(configured))})")
    for name in configured:
        placements = [p for p in footprint.placements if p.name == name]
        if name not in planned:
            yield None, (f"workload {name!r} ({placements[0].workload.tier.value}) is missing from the plan: the stack "
                         f"file places it in {', '.join(p.region for p in placements)}")
            continue
        yield from _workload_gaps(ctx, planned[name], placements)
    yield from _platform_gaps(facts, footprint)


_FIX = ("Check the plan `blueprint plan` makes from this stack file (`blueprint check --stack NAME`), or pass the "
        "stack file the plan was made from (--stack/--config); a saved plan that differs from it was edited.")

RULES = (
    Rule(
        id="intent-unverified",
        description="A saved plan is checked against its stack file; checked with --residency only (no stack file "
                    "known), its residency, tiers and resources cannot be verified, so the check fails.",
        enforcement=MANDATORY, remediation="Pass --stack NAME or --config FILE with --plan.",
        category="intent", scope="stack", check=check_unverified,
    ),
    Rule(
        id="intent-residency",
        description="The plan's declared residency equals the stack file's blueprint:residency (which the "
                    "residency rules apply whatever the plan declares).",
        enforcement=MANDATORY, remediation=_FIX, category="intent", scope="stack", check=check_residency,
    ),
    Rule(
        id="intent-tier",
        description="Every resource of a workload states (tags / labels) the tier and strategy the stack file "
                    "configures for it; the tier rules judge each workload by its configured tier.",
        enforcement=MANDATORY, remediation=_FIX, category="intent", scope="stack", check=check_tier,
    ),
    Rule(
        id="intent-presence",
        description="The plan holds what the stack file's footprint places: each workload in each region it runs "
                    "in, its locked vaults, its database (and replica), its load balancer and health checks, each "
                    "platform region's cluster and network; and no workload the stack file lacks.",
        enforcement=MANDATORY, remediation=_FIX, category="intent", scope="stack", check=check_presence,
    ),
)

"""The tier rules' view of a stack: blueprint's cloud-neutral read model (``blueprint.analysis.facts``).

The resilience analysis reads a plan through :class:`~blueprint.analysis.facts.PlanFacts`, built by
one module per cloud (``aws_facts``, ``gcp_facts``) that holds the type-specific knowledge; the tier
rules read the same model, so they check AWS and GCP stacks alike and name no resource type.

Built once per :class:`~blueprint.policies.model.Context` (``ctx.memo``): from the plan itself under
``blueprint check``, from the proposed resources under CrossGuard (the rules cannot tell the
difference). Values ``pulumi preview`` does not know yet become absent; a workload with such
values is not judged by the tier rules (they run again at ``pulumi up`` with everything known).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from blueprint.analysis.facts import PlanFacts, WorkloadFacts
from blueprint.catalogs.tiers import Strategy, TierSpec, tier_spec
from blueprint.plan.model import Plan, PlannedResource
from blueprint.plan.placement import consensus

from blueprint.policies.model import Context, Resource, is_unknown

# How strong a vault's lock is (blueprint.analysis.facts.Vault.lock), weakest first.
LOCK_RANK = {"NONE": 0, "GOVERNANCE": 1, "COMPLIANCE": 2}


@dataclass(frozen=True)
class TierWorkload:
    """A workload of the stack with the tier it declares: its facts, the tier's spec and strategy."""

    facts: WorkloadFacts
    spec: TierSpec
    strategy: Strategy
    # The stack file's primary region when its intent is known (blueprint.check.intent), else the plan's.
    primary_region: Optional[str] = None

    @property
    def name(self) -> str:
        return self.facts.name

    @property
    def primary(self) -> str:
        return self.primary_region or self.facts.primary_region

    @property
    def label(self) -> str:
        return f"workload {self.name!r} ({self.spec.tier.value}, {self.strategy.value})"


def _known(value: Any) -> Any:
    """A value with the parts ``pulumi preview`` does not know yet left out."""
    if is_unknown(value):
        return None
    if isinstance(value, Mapping):
        return {k: _known(v) for k, v in value.items() if not is_unknown(v)}
    if isinstance(value, (list, tuple)):
        return [_known(v) for v in value]
    return value


def _has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_unknown(v) for v in value)
    return False


def _workloads(resources: list[Resource]) -> dict[str, Any]:
    """URN -> the workload each resource serves, placed as ``blueprint plan`` places it
    (blueprint/plan/engine.py): its own tag or label, else (components) the one workload of its
    descendants, else its nearest ancestor's. CrossGuard hands over only each resource's own tags."""
    children: dict[Any, list[str]] = {}
    for r in resources:
        children.setdefault(r.parent, []).append(r.urn)
    own = {r.urn: r.workload for r in resources}

    def below(urn: str) -> list[str]:
        found = []
        for child in children.get(urn, ()):
            found += [child, *below(child)]
        return found

    placed = {urn: value if value is not None else consensus(own[d] for d in below(urn))[0] for urn, value in own.items()}
    parent = {r.urn: r.parent for r in resources}
    for urn in placed:
        ancestor = parent.get(urn)
        while placed[urn] is None and ancestor in placed:
            placed[urn], ancestor = placed[ancestor], parent.get(ancestor)
    return placed


def _planned(r: Resource, workload: Any) -> PlannedResource:
    ident = _known(r.state.get("id"))
    return PlannedResource(urn=r.urn, type=r.type, name=r.name, parent=r.parent, dependencies=list(r.dependencies),
                           region=r.region, zone=r.zone, workload=workload, inputs=_known(r.props), custom=r.custom,
                           id=ident if isinstance(ident, str) and ident else None, outputs=_known(r.state))


def _bridge(ctx: Context) -> Plan:
    workloads = _workloads(ctx.resources)
    return Plan(stack=ctx.stack, cloud=ctx.cloud, resources=[_planned(r, workloads[r.urn]) for r in ctx.resources],
                residency=ctx.jurisdiction)


def plan_of(ctx: Context) -> Plan:
    """The plan the context was built from, else one made of its resources (CrossGuard)."""
    if ctx.plan is not None:
        return ctx.plan
    return ctx.memo("plan", lambda: _bridge(ctx))


def facts_of(ctx: Context) -> PlanFacts:
    """The stack's cloud-neutral facts, extracted once per context by the plan's cloud module."""
    from blueprint.analysis.report import extract_facts

    return ctx.memo("facts", lambda: extract_facts(plan_of(ctx)))


def uncertain(ctx: Context) -> frozenset[str]:
    """URNs of the resources with values not known yet (CrossGuard during ``pulumi preview``)."""
    return ctx.memo("uncertain", lambda: frozenset(r.urn for r in ctx.resources if _has_unknown(r.props)))


def any_uncertain(ctx: Context, urns: Iterable[str]) -> bool:
    unknown = uncertain(ctx)
    return bool(unknown) and any(u in unknown for u in urns)


# ---- the stack's intent (issue 16): the stack file, not the plan, is the authority ------------------

_INTENT = "intent"


def attach_intent(ctx: Context, intent: Any) -> None:
    """Check ``ctx`` against ``intent`` (blueprint.check.intent.StackIntent): ``blueprint check`` only;
    under CrossGuard the program itself read the stack's config, so there is nothing to cross-check."""
    ctx.memo(_INTENT, lambda: intent)


def intent_of(ctx: Context) -> Any:
    """The attached StackIntent, or None (the plan is then read on its own, tiers from its tags)."""
    return ctx.memo(_INTENT, lambda: None)


def configured_workloads(ctx: Context) -> Optional[dict[str, Any]]:
    """Name -> the stack file's workload (blueprint.config.models.Workload) when the intent carries
    blueprint's configuration; None otherwise."""
    intent = intent_of(ctx)
    config = getattr(intent, "config", None)
    if config is None:
        return None
    return {w.name: w for w in config.workloads}


def _tier_of(ctx: Context, w: WorkloadFacts) -> Optional[TierWorkload]:
    """The workload with its configured tier and strategy (stack file), else the ones its tags state."""
    configured = (configured_workloads(ctx) or {}).get(w.name)
    try:
        if configured is not None:
            from blueprint.config.models import effective_strategy

            return TierWorkload(w, tier_spec(configured.tier), effective_strategy(configured),
                                intent_of(ctx).config.primary_region)
        spec = tier_spec(w.tier)
        return TierWorkload(w, spec, Strategy(w.strategy or spec.default_strategy.value))
    except (ValueError, KeyError):
        return None


def tier_workloads(ctx: Context) -> list[TierWorkload]:
    """The workloads with their tier and strategy: the stack file's when its intent is attached
    (attach_intent), else those the plan's tags state (or the tier's default strategy); only those
    all of whose resources are known; sorted by name."""
    found = []
    for w in facts_of(ctx).workloads:
        tw = _tier_of(ctx, w)
        if tw is not None and not any_uncertain(ctx, w.resources):
            found.append(tw)
    return sorted(found, key=lambda t: t.name)


def single_region_jurisdiction(ctx: Context) -> bool:
    """The stack's jurisdiction has one region of its cloud: nothing can go to a second region."""
    from blueprint.catalogs.residency import JURISDICTIONS

    jurisdiction = JURISDICTIONS.get(ctx.jurisdiction or "")
    return bool(jurisdiction and ctx.cloud in ("aws", "gcp") and ctx.jurisdiction != "any"
                and len(jurisdiction.regions(ctx.cloud)) < 2)

"""Failover orchestration present (issue 17): a workload above best-effort that runs in a second
region fails over by a planned orchestration, not by a runbook alone, and on AWS its regions have
drill templates.

- AWS: an ARC Region switch plan (blueprint.components.aws.region_switch_plan) of the workload whose
  ``regions`` are the workload's two regions, and FIS experiment templates
  (blueprint.components.aws.fis_experiments) in each region the workload runs in. Mission-critical
  only: the plan has a trigger that survives the primary's loss (an alarm evaluated outside the
  primary region on a probe there, blueprint.components.aws.failover_probe); a manual approval or a
  trigger evaluated in the primary itself fails, and so does a trigger without a ``green`` condition
  (the surviving region's self-check: one probe's ``red`` alone is a single signal).
- GCP: a Cloud Workflows failover workflow of the workload (blueprint.components.gcp.failover_workflow).
  GCP has no managed fault-injection service like FIS: drills are started with ``blueprint drill``
  (docs/runbooks/dr-drill.md), so no drill resource is required there.

A workload with nothing to fail over (no database and no service: e.g. a batch workload whose
second region holds only an empty node pool) needs no orchestration: the footprint builds none.

Two rules share the check: ``orchestration-present`` (mandatory) judges mission-critical
workloads, ``orchestration-present-advisory`` the business-critical and standard ones.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from blueprint.catalogs.tiers import Tier
from blueprint.types import aws, gcp

from blueprint.policies.model import ADVISORY, GLOBAL, MANDATORY, Context, Rule
from blueprint.policies.read_model import TierWorkload, plan_of, tier_workloads

Finding = tuple[Optional[str], str]


def _regions(ctx: Context, tw: TierWorkload) -> list[str]:
    """The stack's primary and secondary regions that the workload's planned resources live in (not
    the regions of documented exemptions, e.g. Route 53 health-check alarms in us-east-1)."""
    urns = set(tw.facts.resources)
    placed = {r.region for r in plan_of(ctx).resources if r.urn in urns and r.region and r.region != GLOBAL}
    return sorted(placed & {tw.facts.primary_region, tw.facts.secondary_region})


def _orchestrations(ctx: Context, workload: str, type_: str) -> list:
    return [r for r in plan_of(ctx).resources if r.type == type_ and r.workload == workload]


def _needs_orchestration(tw: TierWorkload, regions: list[str]) -> bool:
    """Above best-effort, in two regions, with a database or a service to fail over."""
    if not tw.strategy.deploys_second_region or len(regions) < 2:
        return False
    return bool(tw.facts.databases) or tw.facts.has_service or bool(tw.facts.balancers)


def _anchor(tw: TierWorkload) -> Optional[str]:
    return tw.facts.resources[0] if tw.facts.resources else None


def _aws_findings(ctx: Context, tw: TierWorkload, regions: list[str]) -> Iterable[Finding]:
    plans = _orchestrations(ctx, tw.name, aws.ARCREGIONSWITCH_PLAN)
    covering = [p for p in plans if set(regions) <= set(p.inputs.get("regions") or ())]
    if not covering:
        found = f" (plans found for {[sorted(p.inputs.get('regions') or ()) for p in plans]})" if plans else ""
        yield _anchor(tw), (f"{tw.label} runs in {', '.join(regions)} but has no ARC Region switch plan "
                            f"(aws:arcregionswitch/plan) over these regions{found}: its failover is not orchestrated")
    if covering and tw.spec.tier is Tier.MISSION_CRITICAL:
        yield from _trigger_findings(tw, covering[0].urn)
        yield from _single_signal_findings(tw, covering[0])
    templates = {r.region for r in plan_of(ctx).resources if r.type == aws.FIS_EXPERIMENT_TEMPLATE}
    for region in regions:
        if region not in templates:
            yield _anchor(tw), (f"{tw.label} runs in {region}, which has no FIS experiment template "
                                "(aws:fis/experimentTemplate): no drill rehearses its failure")


def _trigger_findings(tw: TierWorkload, plan_urn: str) -> Iterable[Finding]:
    """Mission-critical: its 120 s RTO leaves no time to declare a disaster, so the plan must start by
    itself on the primary's loss: a trigger alarm evaluated outside the primary region, fed by a probe
    there (the resilience model's trigger credit, blueprint/analysis/aws_orchestration.py)."""
    orch = tw.facts.orchestration
    if orch is not None and orch.urn == plan_urn and orch.trigger_s is not None:
        return
    why = orch.trigger_source if orch is not None else "the plan was not read"
    yield plan_urn, (f"{tw.label}'s Region switch plan has no trigger that survives the loss of its primary region "
                     f"{tw.primary} ({why}): a mission-critical failover must start by itself, on an alarm evaluated "
                     "outside the region it watches (blueprint.components.aws.FailoverProbe)")


def _single_signal_findings(tw: TierWorkload, plan: object) -> Iterable[Finding]:
    """Mission-critical: every trigger of the plan also needs a ``green`` condition (the surviving region's
    self-check, blueprint.components.aws.FailoverProbe ``self_host``): one probe's ``red`` alone fails the
    workload over on a fault both regions share (a bad release, a WAF block of the probe, a partition)."""
    for trigger in getattr(plan, "inputs", {}).get("triggers") or []:
        conditions = (trigger or {}).get("conditions") or []
        if not any((c or {}).get("condition") == "green" for c in conditions):
            names = [(c or {}).get("associatedAlarmName") for c in conditions]
            yield plan.urn, (f"{tw.label}'s Region switch plan trigger towards {(trigger or {}).get('targetRegion')} fires on "
                             f"{names} red alone: add the surviving region's self-check alarm as a 'green' condition "
                             "(API_Trigger: all conditions must be met), so a fault both regions share fails nothing over")


def _gcp_findings(ctx: Context, tw: TierWorkload, regions: list[str]) -> Iterable[Finding]:
    if not _orchestrations(ctx, tw.name, gcp.WORKFLOWS_WORKFLOW):
        standby = next((r for r in regions if r != tw.primary), regions[-1])
        yield _anchor(tw), (f"{tw.label} runs in {', '.join(regions)} but has no failover workflow "
                            f"(gcp:workflows/workflow) for its standby region {standby}: its failover is not orchestrated")


def _check(ctx: Context, judged: Callable[[Tier], bool]) -> Iterable[Finding]:
    for tw in tier_workloads(ctx):
        if not judged(tw.spec.tier):
            continue
        regions = _regions(ctx, tw)
        if not _needs_orchestration(tw, regions):
            continue
        if ctx.cloud == "aws":
            yield from _aws_findings(ctx, tw, regions)
        elif ctx.cloud == "gcp":
            yield from _gcp_findings(ctx, tw, regions)


def check_mission_critical(ctx: Context) -> Iterable[Finding]:
    return _check(ctx, lambda tier: tier is Tier.MISSION_CRITICAL)


def check_other_tiers(ctx: Context) -> Iterable[Finding]:
    return _check(ctx, lambda tier: tier is not Tier.MISSION_CRITICAL)


_DESCRIPTION = ("A workload above best-effort that runs in a second region and has a database or a service to fail over "
                "has a failover orchestration over both regions (AWS: an ARC Region switch plan; GCP: a Cloud Workflows "
                "failover workflow) and, on AWS, FIS experiment templates in each of its regions (GCP: drills run with "
                "`blueprint drill`).")
_REMEDIATION = ("Let the composer build the orchestration (set blueprint:secondaryRegion; do not set failoverApproval on a "
                "tier without a second region); by hand: blueprint.components.aws.RegionSwitchPlan and blueprint.components.aws.FisExperiments "
                "per region, blueprint.components.gcp.FailoverWorkflow in the standby region.")

RULES = (
    Rule(id="orchestration-present", description=f"Mission-critical: {_DESCRIPTION}", enforcement=MANDATORY,
         remediation=_REMEDIATION, category="tier-conformance", scope="stack", check=check_mission_critical),
    Rule(id="orchestration-present-advisory", description=f"Business-critical and standard: {_DESCRIPTION}",
         enforcement=ADVISORY, remediation=_REMEDIATION, category="tier-conformance", scope="stack",
         check=check_other_tiers),
)

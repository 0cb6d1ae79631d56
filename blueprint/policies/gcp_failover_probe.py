"""Out-of-region failover probe present (GCP, issue 17): a mission-critical workload that fails over by
a Cloud Workflows workflow and is served through the global load balancer has a FailoverProbe
(blueprint/components/gcp/failover_probe.py) outside its primary region that the workflow acts on.

Why: without it the workflow starts on a Cloud Monitoring alert only, and the fastest alert that sees a
lost region (Cloud SQL ``database/up`` silent) opens minutes later (the metric's visibility delay, the
condition's duration, the alignment period: docs/resilience.md), beyond a 120 s RTO; and a probe in
the primary region is lost with it. A workload without a load balancer has no health verdicts for a
probe to read: not judged (its trigger is the primary-down alert). The probe also needs its heartbeat
alert (a metric-absence condition on its ``<probe>-heartbeat`` log-based metric): a crashed or blind
probe would otherwise leave the fast trigger off without anyone knowing.

The AWS counterpart lives with the other orchestration checks (blueprint/policies/orchestration.py).
"""

from __future__ import annotations

from typing import Iterable, Optional

from blueprint.analysis.gcp_orchestration import LABEL_PROBE, trigger_probe_names
from blueprint.catalogs.tiers import Tier
from blueprint.types import gcp

from blueprint.policies.model import MANDATORY, Context, Rule
from blueprint.policies.read_model import TierWorkload, plan_of, tier_workloads

Finding = tuple[Optional[str], str]


def _probe_findings(ctx: Context, tw: TierWorkload) -> Iterable[Finding]:
    resources = [r for r in plan_of(ctx).resources if r.workload == tw.name]
    workflows = [r for r in resources if r.type == gcp.WORKFLOWS_WORKFLOW]
    if not workflows or not tw.facts.balancers:
        return  # no workflow: orchestration-present says so; no load balancer: nothing for a probe to read
    named = {n for wf in workflows for n in trigger_probe_names(str(wf.inputs.get("sourceContents") or ""))}
    probes = [r for r in resources if r.type == gcp.CLOUDRUNV2_WORKER_POOL and (r.inputs.get("labels") or {}).get(LABEL_PROBE)]
    usable = [p for p in probes if p.inputs["labels"][LABEL_PROBE] in named and p.region != tw.primary]
    if usable:
        yield from _heartbeat_findings(ctx, tw, usable)
        return
    where = [f"{p.inputs['labels'][LABEL_PROBE]} in {p.region}" for p in probes]
    found = f" (probes found: {where}; the workflow acts on {sorted(named)})" if probes else ""
    yield workflows[0].urn, (f"{tw.label}: its failover workflow has no failover probe outside {tw.primary} to start it{found}: "
                             "the alerts that can see a lost region open minutes later, beyond its RTO")


def _heartbeat_findings(ctx: Context, tw: TierWorkload, probes: list) -> Iterable[Finding]:
    """Each usable probe's heartbeat alert: a policy whose absence condition reads ``<probe>-heartbeat``."""
    absences = [str(((c or {}).get("conditionAbsent") or {}).get("filter") or "") for r in plan_of(ctx).resources
                if r.type == gcp.MONITORING_ALERT_POLICY for c in r.inputs.get("conditions") or []]
    for probe in probes:
        name = probe.inputs["labels"][LABEL_PROBE]
        if not any(f"/user/{name}-heartbeat" in f for f in absences):
            yield probe.urn, (f"{tw.label}: failover probe {name} has no heartbeat alert (a metric-absence condition on "
                              f"logging.googleapis.com/user/{name}-heartbeat): if it stops, the fast failover trigger is off unseen")


def check(ctx: Context) -> Iterable[Finding]:
    if ctx.cloud != "gcp":
        return
    for tw in tier_workloads(ctx):
        if tw.spec.tier is Tier.MISSION_CRITICAL and tw.strategy.deploys_second_region:
            yield from _probe_findings(ctx, tw)


RULES = (
    Rule(id="gcp-failover-probe", enforcement=MANDATORY, category="tier-conformance", scope="stack", check=check,
         description="GCP, mission-critical: a workload whose failover workflow serves a load-balanced service is started by a "
                     "failover probe (Cloud Run worker pool) outside its primary region, named in the workflow's trigger_probes, "
                     "with a heartbeat alert.",
         remediation="Let the composer build it (blueprint/components/gcp/platform.py); by hand: blueprint.components.gcp.FailoverProbe "
                     "in the standby region, its probe_name in FailoverWorkflowArgs.trigger_probes and its topic the workflow's alert_topic."),
)

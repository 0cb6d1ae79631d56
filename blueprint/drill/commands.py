"""`blueprint drill`: the exact commands that start a drill of a scenario, read from the plan, and what to measure.

AWS: the stack's FIS experiment templates (blueprint/components/aws/fis_experiments.py: ``<env>-<region>-drills-az-power-<zone>``
and ``<env>-<region>-drills-cross-region-<peer>``, each tagged ``Name`` with its logical name). A template's id
exists only after ``pulumi up``: read it from the stack output ``fis_experiment_templates`` (region -> key -> id,
blueprint/components/aws/platform.py) or look it up by its ``Name`` tag (``aws fis list-experiment-templates``), then
``aws fis start-experiment --experiment-template-id`` (AWS CLI reference, fis start-experiment,
https://docs.aws.amazon.com/cli/latest/reference/fis/start-experiment.html).

GCP has no fault-injection service: the drill is a procedure of commands over the planned resources: drain the
zone's (region's) NEG backends with ``gcloud compute backend-services update-backend ... --capacity-scaler=0``
(gcloud reference, compute backend-services update-backend), cordon and drain the zone's GPU nodes (kubectl),
fail a REGIONAL Cloud SQL instance over to its standby zone (``gcloud sql instances failover``), and for a region
start the failover workflow (``gcloud workflows run``, blueprint/components/gcp/failover_workflow.py) after draining.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws, gcp

# What every drill measures, in the keys of a drill file (blueprint/drill/record.py).
MEASURE = {
    "detection": "seconds from the fault until the health check is unhealthy / the alert opens (Route 53 "
                 "HealthCheckStatus, ALB UnHealthyHostCount; GCP backend health, the alert policy's incident)",
    "traffic_shift": "seconds until clients reach the surviving zone or region (probe the public name every second)",
    "database_promotion": "seconds until the surviving database accepts writes (a write every second from a client)",
    "gpu_node_ready": "seconds from the scale-up request until a new GPU node is Ready (kubectl get nodes -w)",
    "model_ready": "seconds from the node Ready until a pod on it passes its readiness probe (kubectl get pods -w)",
    "plan_start": "AWS: seconds from the failover probe's 'StartPlanExecution ... -> started' log line until the plan "
                  "execution's first step starts (aws arc-region-switch list-plan-execution-events)",
}


@dataclass
class Drill:
    stack: str
    cloud: str
    scenario: str  # "zone" | "region"
    target: str  # the zone or region taken down
    steps: list[tuple[str, list[str]]] = field(default_factory=list)  # (what, commands)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"stack": self.stack, "cloud": self.cloud, "scenario": self.scenario, "target": self.target,
                "steps": [{"step": what, "commands": cmds} for what, cmds in self.steps], "measure": MEASURE, "notes": self.notes}


class DrillError(ValueError):
    """An argument the plan cannot serve (unknown region or zone); the message names it and what is allowed."""


def drill(plan: Plan, scenario: str, region: Optional[str], zone: Optional[str]) -> Drill:
    from blueprint.analysis.graph import region_roles

    primary, secondary = region_roles(plan)
    regions = [r for r in (primary, secondary) if r]
    region = region or (zone.rsplit("-", 1)[0] if zone and (plan.cloud or "aws") == "gcp" else None) or (
        next((r for r in regions if zone and zone.startswith(r)), None)) or primary
    if region not in regions:
        raise DrillError(f"--region: {region!r} is not a region of stack {plan.stack} (allowed: {', '.join(regions)})")
    if scenario == "zone":
        zones = sorted({r.zone for r in plan.resources if r.region == region and r.zone})
        zone = zone or (zones[0] if zones else None)
        if zone not in zones:
            raise DrillError(f"--zone: {zone!r} is not a zone the stack uses in {region} (allowed: {', '.join(zones) or 'none'})")
    peer = next((r for r in regions if r != region), None)
    out = Drill(plan.stack, plan.cloud or "aws", scenario, zone if scenario == "zone" else region)
    if out.cloud == "gcp":
        _gcp(plan, out, region, zone, peer)
    else:
        _aws(plan, out, region, zone, peer)
    out.steps.append(("record what you measured", [f"blueprint drill record drill-{out.target}.yaml --stack {plan.stack}"]))
    return out


def _aws(plan: Plan, out: Drill, region: str, zone: Optional[str], peer: Optional[str]) -> None:
    key = f"az-power-{zone}" if out.scenario == "zone" else f"cross-region-{peer}"
    template = next((r for r in plan.resources if r.type == aws.FIS_EXPERIMENT_TEMPLATE and r.region == region
                     and r.name.endswith(f"-drills-{key}")), None)
    if template is None:
        out.notes.append(f"the plan has no FIS experiment template {key} in {region}: nothing to start "
                         "(the stack builds drill templates for regions where tiers above best-effort run)")
        return
    name = str((template.inputs.get("tags") or {}).get("Name") or template.name)
    lookup = (f"TEMPLATE_ID=$(pulumi stack output fis_experiment_templates --json | "
              f"jq -r '.\"{region}\".\"{key}\"')")
    by_tag = (f"aws fis list-experiment-templates --region {region} "
              f"--query \"experimentTemplates[?tags.Name=='{name}'].id\" --output text")
    out.steps.append((f"find the id of the template {name} ({template.inputs.get('description') or key})", [lookup, f"# or: {by_tag}"]))
    out.steps.append(("start the experiment (its stop condition: the workloads' impact alarms)",
                      [f"aws fis start-experiment --region {region} --experiment-template-id \"$TEMPLATE_ID\""]))
    out.steps.append(("watch it", ["aws fis get-experiment --region " + region + " --id <experiment id printed above>"]))
    if out.scenario == "region":
        _region_switch(plan, out, region, peer)


def _region_switch(plan: Plan, out: Drill, region: str, peer: Optional[str]) -> None:
    """The isolation cuts the region's private subnets from the peer; the Route 53 checkers still reach its public
    endpoints, so the plans' triggers may not fire: start each workload's Region switch plan (stack output
    ``region_switch_plans``; AWS CLI arc-region-switch start-plan-execution: --plan-arn, --target-region, --action;
    --mode ungraceful, as for an impaired region: the execution modes are graceful | ungraceful, API_AbbreviatedExecution,
    https://docs.aws.amazon.com/arc-region-switch/latest/api/API_AbbreviatedExecution.html)."""
    cmds = []
    for r in (r for r in plan.resources if r.type == aws.ARCREGIONSWITCH_PLAN and r.workload):
        active = r.inputs.get("recoveryApproach") == "activeActive"
        target, action = (region, "deactivate") if active else (peer, "activate")
        cmds.append(f"aws arc-region-switch start-plan-execution --plan-arn \"$(pulumi stack output region_switch_plans --json | "
                    f"jq -r '.\"{r.workload}\"')\" --target-region {target} --action {action} --mode ungraceful "
                    f"--comment 'drill of {region}'")
    if cmds:
        out.steps.append(("fail the workloads over: start their Region switch plans (manual ones wait for approval)", cmds))


def _gcp(plan: Plan, out: Drill, region: str, zone: Optional[str], peer: Optional[str]) -> None:
    project = next((str(r.inputs["project"]) for r in plan.resources if r.inputs.get("project")), "<project>")
    cmds = []
    for backend in (r for r in plan.resources if r.type == gcp.COMPUTE_BACKEND_SERVICE):
        for b in backend.inputs.get("backends") or []:
            group = str(b.get("group") or "")
            neg_zone = group.split("/zones/")[-1].split("/")[0] if "/zones/" in group else ""
            if neg_zone and (neg_zone == zone or (out.scenario == "region" and neg_zone.startswith(region + "-"))):
                cmds.append(f"gcloud compute backend-services update-backend {_name(backend)} --global --project={project} "
                            f"--network-endpoint-group={group.rsplit('/', 1)[-1]} --network-endpoint-group-zone={neg_zone} "
                            "--capacity-scaler=0")
    out.steps.append(("drain the load balancer's backends there", cmds or ["# no NEG backend there"]))
    selector = f"topology.kubernetes.io/zone={zone}" if out.scenario == "zone" else "cloud.google.com/gke-nodepool"
    cluster = next((str(r.inputs.get("name")) for r in plan.resources if r.type == gcp.CONTAINER_CLUSTER and r.region == region), "<cluster>")
    out.steps.append((f"cordon and drain the nodes there (cluster {cluster})", [
        f"gcloud container clusters get-credentials {cluster} --region={region} --project={project}",
        f"kubectl cordon -l {selector}", f"kubectl drain -l {selector} --ignore-daemonsets --delete-emptydir-data"]))
    sql = [r for r in plan.resources if r.type == gcp.SQL_DATABASE_INSTANCE and r.region == region]
    if out.scenario == "zone":
        ha = [r for r in sql if (r.inputs.get("settings") or {}).get("availabilityType") == "REGIONAL" and not r.inputs.get("masterInstanceName")]
        out.steps.append(("fail the regional Cloud SQL primaries over to their standby zone",
                          [f"gcloud sql instances failover {r.inputs.get('name')} --project={project}" for r in ha] or ["# none"]))
        return
    flows = [r for r in plan.resources if r.type == gcp.WORKFLOWS_WORKFLOW]
    out.steps.append(("start each workload's failover workflow (a declared disaster: no approval wait)", [
        f"gcloud workflows run {r.inputs.get('name')} --location={r.inputs.get('region') or peer} --project={project} "
        "--data='{\"declared_by\": \"<your name> (drill)\"}'" for r in flows] or ["# no failover workflow in the plan"]))


def _name(r: PlannedResource) -> str:
    return str(r.outputs.get("name") or r.inputs.get("name") or r.id or r.name)

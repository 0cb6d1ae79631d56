"""The GCP composer's failover orchestration (blueprint.components.gcp.platform.GcpSteps): which alert policies
start a workload's FailoverWorkflow and which actions it takes, from the footprint's plain values.

Per workload with a second region whose ``intent.failover_approval`` is set:

- triggers: the workload's FailoverProbe (blueprint/components/gcp/failover_probe.py) where it has a
  load balancer to read health verdicts from: in the standby region, it publishes to the failover
  topic seconds after the primary region's backends all fail (the fast, region-level signal). With
  ``automatic`` approval the only alert that also acts is a region-loss signal that survives the
  region, ``primary-down`` (the primary Cloud SQL instance down or silent for
  ``intent.primary_down_minutes``, which outlasts an in-region HA failover): the
  slower second trigger. Without either, the primary region's queue backlog and the load balancer's
  5xx (they cannot see a lost region: a lost region publishes no queue metrics, and the load balancer
  moves its traffic; the resilience model credits them nothing). With ``manual`` approval every
  signal asks a human (the human decides).
- actions: the standby's Cloud SQL replica (replica failover when it is the designated DR replica,
  else promotion); the standby GPU NEGs' capacity and preference (a serving region's) where the load
  balancer keeps them drained (pilot light) or DEFAULT beside the standby's fallback NEGs; each standby GPU pool whose minimum is below the primary's. A workload whose standby
  needs none of them (e.g. active-active without a database: the global load balancer already
  serves from both regions at full capacity) gets no workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi

from blueprint.footprint import RegionRole, WorkloadPlacement
from blueprint.components.gcp.failover_probe import FailoverProbe, FailoverProbeArgs
from blueprint.components.gcp.failover_workflow import DatabaseFailover, FailoverWorkflow, FailoverWorkflowArgs, GpuFloor, TrafficFailover
from blueprint.components.gcp.load_balancer import ROLE_CAPACITY, ROLE_PREFERENCE, GlobalLoadBalancer
from blueprint.components.gcp._names import fit_name
from blueprint.components.gcp.workload_region import WorkloadRegion
from blueprint.components.gpu_pool_rules import capacity_split

PRIMARY_DOWN = "primary-down"


def standby(placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> Optional[tuple[WorkloadPlacement, WorkloadRegion]]:
    """The workload's second region, when it runs there and the workload is to be orchestrated."""
    for placement, region in zip(placements, built):
        if placement.region_role is not RegionRole.PRIMARY and placement.runs_here and placement.intent.failover_approval:
            return placement, region
    return None


def trigger_roles(approval: str, alert_roles: list[str], primary_region: str, probed: bool = False) -> list[str]:
    """The WorkloadAlerts roles whose open incidents start the failover (module docstring); ``probed``:
    a FailoverProbe also starts it, so an automatic failover needs no alert that cannot see a lost region."""
    signals = [r for r in (PRIMARY_DOWN, f"{primary_region}-queue-age", "lb-5xx") if r in alert_roles]
    if approval == "automatic" and (PRIMARY_DOWN in signals or probed):
        return [r for r in signals if r == PRIMARY_DOWN]
    return signals


def gpu_floors(project: str, placement: WorkloadPlacement, region: WorkloadRegion, cluster_name: Any) -> list[GpuFloor]:
    """Standby pools whose minimum is below the primary's: raised to it (same split per capacity)."""
    gpu = placement.workload.gpu
    if region.gpu_pool is None or placement.gpu is None or gpu is None:
        return []
    ours = {c: (low, high) for c, low, high in capacity_split(gpu.capacity.value, placement.gpu.min_nodes_per_zone, placement.gpu.max_nodes_per_zone)}
    theirs = {c: low for c, low, _ in capacity_split(gpu.capacity.value, gpu.min_nodes_per_zone, gpu.max_nodes_per_zone)}
    floors = []
    for capacity, (low, high) in ours.items():
        target = theirs.get(capacity, low)
        if target > low:
            pool_id = pulumi.Output.concat("projects/", project, "/locations/", placement.region, "/clusters/", cluster_name,
                                           "/nodePools/", region.gpu_pool.node_pool_names[capacity])
            floors.append(GpuFloor(capacity=capacity, node_pool_id=pool_id, min_nodes_per_zone=target, max_nodes_per_zone=max(high, target),
                                   location_policy="ANY" if capacity == "spot" else "BALANCED"))
    return floors


@dataclass(frozen=True)
class FailoverActions:
    """What a workload's failover does in its standby region (``placement``)."""

    placement: WorkloadPlacement
    database: Optional[DatabaseFailover]
    traffic: Optional[TrafficFailover]
    floors: list[GpuFloor]
    primary_database: Any  # the primary's CloudSqlDatabase, or None
    primary_region: str


def failover_actions(project: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], lb: Optional[GlobalLoadBalancer],
                     platform_of: Any, designated: bool) -> Optional[FailoverActions]:
    """The standby's actions, or None when the workload has no orchestration or nothing to do."""
    found = standby(placements, built)
    if found is None:
        return None
    placement, region = found
    primary = next(r for p, r in zip(placements, built) if p.region_role is RegionRole.PRIMARY)
    database = DatabaseFailover(instance=region.database.name, failover=designated) if region.database is not None else None
    traffic = None
    # A drained standby (pilot light), or a DEFAULT one beside its own DEFAULT fallback NEGs (which would keep a
    # share of its requests after the GPU pods are back): the step makes its GPU NEGs a serving region's.
    beside_fallback = region.fallback_negs is not None and ROLE_PREFERENCE[placement.service_role] != "PREFERRED"
    if lb is not None and region.negs is not None and (ROLE_CAPACITY[placement.service_role] == 0.0 or beside_fallback):
        traffic = TrafficFailover(backend_service_name=lb.backend_service_name, zones=tuple(region.negs.zones),
                                  neg_name=region.negs.neg_name)
    cluster = platform_of(placement.region).cluster
    floors = gpu_floors(project, placement, region, cluster.name) if cluster is not None else []
    if database is None and traffic is None and not floors:
        return None
    return FailoverActions(placement, database, traffic, floors, primary.database, placements[0].region)


def failover_probe(env: str, project: str, actions: FailoverActions, lb: Optional[GlobalLoadBalancer], placements: list[WorkloadPlacement],
                   built: list[WorkloadRegion], channel: Any, key_id: Any, run_agent: Any, key_grant: Any, labels: dict[str, str],
                   opts: pulumi.ResourceOptions, notification_channels: Optional[list[Any]] = None) -> Optional[FailoverProbe]:
    """The workload's probe in its standby region, watching the primary's NEGs through the load balancer's
    health verdicts and the primary Cloud SQL instance's state (the second signal); None without a load
    balancer (nothing to read) or for a tier without one. ``notification_channels``: its heartbeat alert's."""
    primary = next((r for p, r in zip(placements, built) if p.region_role is RegionRole.PRIMARY), None)
    standby = actions.placement
    spec = standby.intent.gcp_failover_probe
    ours = next((r for p, r in zip(placements, built) if p is standby), None)
    if lb is None or spec is None or primary is None or primary.negs is None:
        return None
    return FailoverProbe(
        f"{standby.name}-probe",
        FailoverProbeArgs(
            workload=standby.name, tier=standby.intent.tier_label, project=project, region=standby.region,
            watched_region=actions.primary_region, backend_service_name=lb.backend_service_name,
            watched_groups=list(primary.negs.neg_ids), standby_groups=list(ours.negs.neg_ids) if ours is not None and ours.negs else [],
            topic_id=channel.topic_id, interval_s=spec.interval_s, failures=spec.failures, hold_failures=spec.hold_failures,
            kms_key_id=key_id, run_agent=run_agent, key_grant=key_grant,
            primary_instance=actions.primary_database.name if actions.primary_database is not None else None,
            notification_channels=list(notification_channels or []),
            # Project-unique like the workflow: fit_name keeps it within the worker pool's 49 and, when it
            # must shorten, ends it with a hash of the whole name, so two long workloads sharing a prefix
            # keep distinct probes and service accounts.
            probe_name=fit_name(env, standby.name, "probe", max_length=49), labels=labels),
        opts,
    )


def failover_workflow(env: str, project: str, actions: FailoverActions, trigger_policies: list[str], channel: Any, key_id: Any,
                      workflows_agent: Any, key_grant: Any, labels: dict[str, str], opts: pulumi.ResourceOptions,
                      trigger_probes: Optional[list[str]] = None) -> FailoverWorkflow:
    """The workload's FailoverWorkflow in its standby region."""
    placement = actions.placement
    name, intent = placement.name, placement.intent
    return FailoverWorkflow(
        f"{name}-failover",
        FailoverWorkflowArgs(
            workload=name, tier=intent.tier_label, project=project, region=placement.region,
            primary_region=actions.primary_region,
            approval=intent.failover_approval, rto_s=intent.rto_s, trigger_policies=trigger_policies,
            trigger_probes=list(trigger_probes or []),
            alert_topic=channel.topic_id, kms_key_id=key_id, workflows_agent=workflows_agent, key_grant=key_grant,
            database=actions.database, traffic=actions.traffic, gpu_floors=actions.floors,
            # Project-unique: stacks of several environments may share a project (env <= 20, name <= 31).
            workflow_name=f"{env}-{name}-failover", role_id=f"{env}_{name}_failover".replace("-", "_"), labels=labels),
        opts,
    )

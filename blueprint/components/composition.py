"""The composers' shared skeleton, cloud-neutral: both clouds build a footprint (blueprint.footprint)
in the same order, each with its own steps (blueprint.components.aws.platform.AwsSteps,
blueprint.components.gcp.platform.GcpSteps):

1. per region, the regional platform (key, network, cluster, ...);
2. the stack's services that need those platforms (alarm topics, notification channels, keys);
3. per workload: its regions (primary first, so a secondary can follow the primary's database),
   then the cross-region links (vault replication, database backups and replicas), then the global
   entry (DNS failover or the global load balancer, and per-workload alerts).

It also builds the parts both clouds build alike from a placement: the InferenceService's
arguments (the tier's values come resolved in ``placement.intent``) and the workload's labels.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol

from blueprint.footprint import Footprint, RegionPlan, WorkloadPlacement
from blueprint.components.k8s.inference_service import InferenceServiceArgs, service_sizing
from blueprint.components.k8s.traffic_scaling import TrafficScaling


class CompositionSteps(Protocol):
    """One cloud's steps; each keeps what later steps need (providers, platforms) on itself."""

    def regional_platform(self, region: RegionPlan) -> Any: ...

    def stack_services(self, platforms: dict[str, Any]) -> None: ...

    def workload_regions(self, placements: list[WorkloadPlacement]) -> list[Any]: ...

    def cross_region_links(self, placements: list[WorkloadPlacement], built: list[Any]) -> None: ...

    def global_entry(self, placements: list[WorkloadPlacement], built: list[Any]) -> None: ...

    def outputs(self) -> dict[str, Any]: ...


def compose(footprint: Footprint, steps: CompositionSteps) -> dict[str, Any]:
    """Regional platforms -> stack services -> per workload: regions, cross-region links, global entry."""
    platforms = {region.name: steps.regional_platform(region) for region in footprint.regions}
    steps.stack_services(platforms)
    for workload in footprint.config.workloads:
        placements = [p for p in footprint.placements if p.name == workload.name]
        built = steps.workload_regions(placements)
        steps.cross_region_links(placements, built)
        steps.global_entry(placements, built)
    return steps.outputs()


def placement_labels(placement: WorkloadPlacement, prefix: str) -> dict[str, str]:
    """The workload's identity on every resource it owns: ``<prefix>workload``, ``tier`` (a label),
    ``strategy`` and ``region-role`` (AWS tags ``blueprint:``, GCP labels ``blueprint-``)."""
    return {
        f"{prefix}workload": placement.name,
        f"{prefix}tier": placement.intent.tier_label,
        f"{prefix}strategy": placement.strategy.value,
        f"{prefix}region-role": placement.region_role.value,
    }


def inference_service_args(
    placement: WorkloadPlacement,
    *,
    zones: int,
    gpus: int,
    shape: Optional[tuple[int, int]],
    node_affinity: bool,
    priority_class_name: Any,
    ingress_cidrs: list[Any],
    traffic_scaling: Optional[TrafficScaling],
    image: Any = None,
    **binding: Any,
) -> InferenceServiceArgs:
    """The InferenceService of a placement: replicas and pod size by the region's role (service_sizing),
    the tier's disruption budget, CPU target and probe timing (``placement.intent``), and the cloud's
    load balancer ``binding`` (load_balancer_binding and its fields)."""
    workload, service, intent = placement.workload, placement.workload.service, placement.intent
    replicas, max_replicas, cpu, memory = service_sizing(
        placement.service_role, service.replicas_per_zone, zones, gpus, placement.gpu.max_nodes_per_zone if gpus else 0, shape
    )
    return InferenceServiceArgs(
        workload=workload.name,
        # The region's own replica of the workload's image when the composer resolved one (issue 18).
        image=image if image is not None else service.image,
        port=service.port,
        readiness_path=service.readiness_path,
        liveness_path=service.liveness_path,
        replicas=replicas,
        max_replicas=max_replicas,
        gpus_per_pod=1 if gpus else 0,
        cpu_millicores=cpu,
        memory_mib=memory,
        node_affinity=node_affinity,
        priority_class_name=priority_class_name,
        disruption_budget=intent.disruption_budget,
        cpu_target_percent=intent.cpu_target_percent,
        # In-pod readiness checks as fast as the load balancer's.
        readiness_period_s=intent.probe.lb_interval_s,
        readiness_timeout_s=intent.probe.lb_timeout_s,
        ingress_cidrs=ingress_cidrs,
        labels={"blueprint-tier": intent.tier_label},
        traffic_scaling=traffic_scaling,
        **binding,
    )


def fallback_service_args(placement: WorkloadPlacement, *, zones: int, namespace: Any, ingress_cidrs: list[Any],
                          image: Any = None, node_selector: Optional[dict[str, str]] = None, **binding: Any) -> Any:
    """The FallbackService of a placement whose ``fallback`` is planned (blueprint.footprint.FallbackPlan):
    replicasPerZone x zones in every region it runs in, standbys included (it must answer at once while
    the GPU pods scale), the tier's disruption budget, CPU target and probe timing, and the cloud's
    ``binding`` (gke_neg / neg_name, or aws_target_group_arn / aws_security_group_id)."""
    from blueprint.components.k8s.fallback_service import FallbackServiceArgs

    plan, intent = placement.fallback, placement.intent
    if plan is None:
        raise ValueError(f"{placement.name}: no fallback is planned in {placement.region} (placement.fallback is None)")
    return FallbackServiceArgs(
        workload=placement.name, namespace=namespace,
        # The region's own replica of the fallback image when the composer resolved one (issue 18).
        image=image if image is not None else plan.image,
        port=plan.port, readiness_path=plan.readiness_path, liveness_path=plan.liveness_path,
        replicas=plan.replicas_per_zone * zones, zones=zones, cpu=plan.cpu, memory=plan.memory,
        cpu_target_percent=intent.cpu_target_percent, disruption_budget=intent.disruption_budget,
        readiness_period_s=intent.probe.lb_interval_s, readiness_timeout_s=intent.probe.lb_timeout_s,
        ingress_cidrs=ingress_cidrs, node_selector=dict(node_selector or {}), labels={"blueprint-tier": intent.tier_label},
        **binding,
    )

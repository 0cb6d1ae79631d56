"""AWS degraded-serving facts (issue 18, ``service.fallback``): which regions' fallback gets traffic.

A workload's fallback counts in a region (``WorkloadFacts.fallback_regions``, blueprint/analysis/fallback_facts.py)
only when the whole path is planned there, joined by IDs and ARNs rather than names:

    fallback Deployment (label blueprint-role: fallback) in the region
    <- TargetGroupBinding (same label) registering the pods in a target group (spec.targetGroupARN)
    <- an HTTPS listener forwarding to that target group, on a load balancer (the fallback ALB)
    <- a weighted Route 53 record of weight 0 aliasing that load balancer, with a health check the plan creates
       (Route 53 considers the zero-weighted records once every nonzero record is unhealthy:
       https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html;
       blueprint/components/aws/dns_failover.py)
    <- a record of the same zone at ``<name>`` aliasing that weight-0 record's name ``<region>.<name>`` (the routed
       record users resolve; DnsFailover's weighted_name): a weight-0 record nothing routes to serves nobody

The fallback load balancers (:func:`fallback_balancers`) are not GPU serving capacity: the AWS facts leave
them out of the workload's balancers, as the GCP facts leave the fallback NEGs out of its backends.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

from blueprint.analysis import fallback_facts
from blueprint.plan.model import PlannedResource
from blueprint.types import aws, k8s


# WorkloadFacts.fallback_trigger of a fallback behind a weight-0 record: it answers only while the region's GPU
# endpoint (every nonzero record) is unhealthy - not while the GPU pods are merely saturated.
GPU_ENDPOINT_DOWN = "gpu-endpoint-down"


def _arn(r: PlannedResource) -> Any:
    return r.outputs.get("arn") or r.id


def fallback_balancers(by_type: Mapping[str, list[PlannedResource]]) -> dict[str, tuple[PlannedResource, PlannedResource]]:
    """Load balancer URN -> (the fallback TargetGroupBinding, the load balancer) for every load balancer with an
    HTTPS listener forwarding to a target group a fallback TargetGroupBinding registers pods in."""
    bindings = {str((b.inputs.get("spec") or {}).get("targetGroupARN")): b
                for b in by_type.get(k8s.TARGET_GROUP_BINDING, []) if fallback_facts.is_fallback(b)}
    groups = {_arn(g): bindings[_arn(g)] for g in by_type.get(aws.LB_TARGET_GROUP, []) if _arn(g) in bindings}
    lbs = {_arn(lb): lb for lb in by_type.get(aws.LB_LOAD_BALANCER, [])}
    found: dict[str, tuple[PlannedResource, PlannedResource]] = {}
    for listener in (x for t in aws.LISTENER_TYPES for x in by_type.get(t, [])):
        if str(listener.inputs.get("protocol", "")).upper() != "HTTPS":
            continue
        lb = lbs.get(listener.inputs.get("loadBalancerArn"))
        for action in listener.inputs.get("defaultActions") or []:
            binding = groups.get(action.get("targetGroupArn")) if isinstance(action, dict) and action.get("type") == "forward" else None
            if binding is not None and lb is not None:
                found[lb.urn] = (binding, lb)
    return found


def _weight(record: PlannedResource) -> float:
    policies = record.inputs.get("weightedRoutingPolicies") or []
    try:
        return float(policies[0].get("weight")) if policies and isinstance(policies[0], dict) else -1.0
    except (TypeError, ValueError):
        return -1.0


def _name(value: Any) -> str:
    return str(value or "").rstrip(".").lower()


def _parents(records: list[PlannedResource]) -> dict[tuple[str, str], dict[str, PlannedResource]]:
    """(zone, aliased name) -> {name of the aliasing record: that record}, for alias records to names in their own zone."""
    found: dict[tuple[str, str], dict[str, PlannedResource]] = defaultdict(dict)
    for record in records:
        zone = str(record.inputs.get("zoneId"))
        for alias in record.inputs.get("aliases") or []:
            if isinstance(alias, dict) and str(alias.get("zoneId")) == zone:
                found[(zone, _name(alias.get("name")))][_name(record.inputs.get("name"))] = record
    return found


def read(workloads: Mapping[str, Any], resources: list[PlannedResource], by_type: Mapping[str, list[PlannedResource]],
         health_by_id: Mapping[Any, PlannedResource]) -> None:
    """Fill fallback_regions / fallback_unrouted / fallback_source of every workload with a fallback Deployment."""
    balancers = fallback_balancers(by_type)
    by_dns = {str(lb.outputs.get("dnsName", "")).rstrip(".").lower(): (binding, lb) for binding, lb in balancers.values()
              if lb.outputs.get("dnsName")}
    routed: dict[str, dict[str, str]] = defaultdict(dict)
    parents = _parents(by_type.get(aws.ROUTE53_RECORD, []))
    for record in by_type.get(aws.ROUTE53_RECORD, []):
        check = health_by_id.get(record.inputs.get("healthCheckId"))
        if _weight(record) != 0 or check is None:
            continue
        above = parents.get((str(record.inputs.get("zoneId")), _name(record.inputs.get("name"))), {})
        for alias in record.inputs.get("aliases") or []:
            hit = by_dns.get(str(alias.get("name", "")).rstrip(".").lower()) if isinstance(alias, dict) else None
            if hit is None:
                continue
            binding, lb = hit
            parent = next((p for n, p in above.items() if _name(record.inputs.get("name")) == f"{lb.region}.{n}"), None)
            if binding.workload and lb.region and binding.region == lb.region and parent is not None:
                routed[binding.workload][lb.region] = (
                    f"{parent.urn} -> {record.urn} (weight 0, health check {check.urn}) -> {lb.urn} <- TargetGroupBinding {binding.urn}")
    deployments = fallback_facts.fallback_deployments(resources)
    fallback_facts.apply(workloads, deployments, routed)
    for name in deployments:
        if name in workloads:
            workloads[name].fallback_trigger = GPU_ENDPOINT_DOWN


def balancer_urns(by_type: Mapping[str, list[PlannedResource]]) -> set[str]:
    """URNs of the fallback load balancers (left out of the workloads' GPU balancers)."""
    return set(fallback_balancers(by_type))

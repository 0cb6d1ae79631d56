"""A plan -> the read model's RebuildRecords (blueprint.analysis.facts): what the region-rebuild runbook
(blueprint/rebuild) names in its commands. Only the plan's inputs, in plan order; the runbook decides
what to do with them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from blueprint.analysis.facts import (
    REBUILD_DB_CLUSTER, REBUILD_DB_INSTANCE, REBUILD_HEALTH_CHECK, REBUILD_K8S_CLUSTER, REBUILD_NODE_GROUP,
    REBUILD_NODE_POOL, REBUILD_RECOVERY_VAULT, REBUILD_SQL_INSTANCE, BackendEntry, BackendServiceEntry,
    DnsRecordEntry, Named, RebuildRecords, ReplicaScaler, SwitchPlanEntry,
)
from blueprint.plan.model import PlannedResource
from blueprint.types import aws, gcp, k8s

ByType = Mapping[str, list[PlannedResource]]
# The Region switch plan's IAM approver role ends with this (blueprint/components/aws/region_switch_plan.py).
_APPROVER_SUFFIX = "-approver-role"


def _str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _named(kind: str, r: PlannedResource, physical: Any = None, detail: Any = None) -> Named:
    return Named(kind, r.name, _str(physical), r.region or "", r.workload, _str(detail))


def _scalers(by_type: ByType) -> list[ReplicaScaler]:
    out = []
    for type_, kind, floor_key in ((k8s.KEDA_SCALED_OBJECT, "scaledobject", "minReplicaCount"),
                                   (k8s.HORIZONTAL_POD_AUTOSCALER, "hpa", "minReplicas")):
        for r in by_type.get(type_, []):
            meta, spec = r.inputs.get("metadata") or {}, r.inputs.get("spec") or {}
            out.append(ReplicaScaler(kind, meta.get("name"), meta.get("namespace"), spec.get(floor_key), r.region or "", r.workload))
    return out


def read_aws(by_type: ByType, resources: Iterable[PlannedResource]) -> RebuildRecords:
    """``by_type``: the plan's custom resources by type token; ``resources``: all of them in plan order."""
    g = by_type.get
    named = [_named(REBUILD_DB_CLUSTER, r, r.inputs.get("clusterIdentifier"), r.inputs.get("engine")) for r in g(aws.RDS_CLUSTER, [])]
    named += [_named(REBUILD_DB_INSTANCE, r, None, r.inputs.get("instanceClass")) for r in g(aws.RDS_CLUSTER_INSTANCE, [])]
    named += [_named(REBUILD_RECOVERY_VAULT, r, r.inputs.get("name")) for r in g(aws.BACKUP_VAULT, [])]
    named += [_named(REBUILD_HEALTH_CHECK, r) for r in g(aws.ROUTE53_HEALTH_CHECK, [])]
    named += [_named(REBUILD_NODE_GROUP, r, r.inputs.get("nodeGroupName") or r.inputs.get("nodeGroupNamePrefix"))
              for r in g(aws.EKS_NODE_GROUP, [])]
    named += [_named(REBUILD_K8S_CLUSTER, r, r.inputs.get("name")) for r in g(aws.EKS_CLUSTER, [])]
    records = [DnsRecordEntry(_str(r.inputs.get("name")), _str(r.inputs.get("setIdentifier")), r.region or "", r.workload)
               for r in g(aws.ROUTE53_RECORD, [])]
    plans = [SwitchPlanEntry(r.workload, _str(r.inputs.get("name")), r.region or "", r.inputs.get("recoveryApproach"),
                             r.inputs.get("primaryRegion"), bool(r.inputs.get("triggers")),
                             tuple(str(step.get("name")) for w in (r.inputs.get("workflows") or []) for step in (w.get("steps") or [])))
             for r in g(aws.ARCREGIONSWITCH_PLAN, [])]
    approvers: dict[str, str] = {}
    for r in g(aws.IAM_ROLE, []):
        if r.workload and r.name.endswith(_APPROVER_SUFFIX):
            approvers.setdefault(r.workload, str(r.inputs.get("namePrefix") or r.name))
    names: dict[str, list[str]] = {}
    for r in resources:
        if r.region and r.type.startswith(aws.PACKAGE_PREFIX):
            names.setdefault(r.region, []).append(r.name)
    return RebuildRecords(named=named, dns_records=records, scalers=_scalers(by_type), orchestrations=plans,
                          approver_prefixes=approvers, names_by_region=names)


def read_gcp(by_type: ByType, dr_replicas: Iterable[str]) -> RebuildRecords:
    g = by_type.get
    named = [_named(REBUILD_SQL_INSTANCE, r, r.inputs.get("name"), r.inputs.get("masterInstanceName"))
             for r in g(gcp.SQL_DATABASE_INSTANCE, [])]
    named += [_named(REBUILD_NODE_POOL, r, r.inputs.get("name"), str(r.inputs.get("cluster", "")).split("/")[-1])
              for r in g(gcp.CONTAINER_NODE_POOL, [])]
    # An unset capacityScaler is 1 ("The default value is 1", compute v1 Backend.capacity_scaler,
    # https://docs.cloud.google.com/php/docs/reference/cloud-compute/latest/V1.Backend); 0 drains the backend.
    services = [BackendServiceEntry(r.name, r.workload, tuple(
        BackendEntry(str(be.get("group")), None if be.get("capacityScaler", 1.0) is None else float(be.get("capacityScaler", 1.0)))
        for be in (r.inputs.get("backends") or []))) for r in g(gcp.COMPUTE_BACKEND_SERVICE, [])]
    flows = [SwitchPlanEntry(r.workload, _str(r.inputs.get("name")), r.region or "", labels=dict(r.inputs.get("labels") or {}))
             for r in g(gcp.WORKFLOWS_WORKFLOW, [])]
    return RebuildRecords(named=named, scalers=_scalers(by_type), orchestrations=flows, backend_services=services,
                          dr_replicas=tuple(dr_replicas))

"""AWS plan -> cloud-neutral facts (blueprint.analysis.facts).

Reads the pulumi-aws 7 inputs as the engine receives them (camelCase) and the physical IDs and
computed outputs the plan recorded, joining resources by those IDs (subnet IDs -> zones, health
check IDs, ALB DNS names, bucket names, backup vault ARNs) rather than by naming conventions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Optional

from blueprint.analysis.facts import (
    by_region,
    Balancer, Cluster, Copy, Database, DbInstance, Egress, HealthProbe, PlanFacts, Pool, Routing, Vault, workloads_of,
)
from blueprint.analysis import aws_fallback_facts, aws_inventory, aws_orchestration, rebuild_records, recovery_facts
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures
from blueprint.analysis.graph import region_roles
from blueprint.analysis.audit_facts import aws_break_glass, aws_trails
from blueprint.analysis.queue_facts import aws_queues
from blueprint.analysis.schedule import schedule_interval_s
from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws, k8s

T_SUBNET = aws.EC2_SUBNET
T_NAT = aws.EC2_NAT_GATEWAY
T_ROUTE = aws.EC2_ROUTE
T_RTA = aws.EC2_ROUTE_TABLE_ASSOCIATION
T_NODEGROUP = aws.EKS_NODE_GROUP
T_LB = aws.LB_LOAD_BALANCER
T_RECORD = aws.ROUTE53_RECORD
T_HEALTH = aws.ROUTE53_HEALTH_CHECK
T_DB = aws.RDS_CLUSTER
T_DB_INSTANCE = aws.RDS_CLUSTER_INSTANCE
T_DB_SUBNETS = aws.RDS_SUBNET_GROUP
T_BUCKET = aws.S3_BUCKET
T_OBJECT_LOCK = aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION
T_REPLICATION = aws.S3_BUCKET_REPLICATION_CONFIG
T_BACKUP_VAULT = aws.BACKUP_VAULT
T_BACKUP_PLAN = aws.BACKUP_PLAN
T_HELM = k8s.HELM_RELEASE
T_SCALED_OBJECT = k8s.KEDA_SCALED_OBJECT
T_EKS = aws.EKS_CLUSTER
T_VAULT_LOCK = aws.BACKUP_VAULT_LOCK_CONFIGURATION
T_PLAN = aws.ARCREGIONSWITCH_PLAN
T_ALARM = aws.CLOUDWATCH_METRIC_ALARM
# GPU node groups hand their size to cluster-autoscaler (blueprint.components.aws.cluster_autoscaler).
AUTOSCALER_CHART = "cluster-autoscaler"
AUTOSCALER_TAG = "k8s.io/cluster-autoscaler/enabled"

TAG_TIER = "blueprint:tier"
TAG_STRATEGY = "blueprint:strategy"


def _tags(r: PlannedResource) -> dict[str, Any]:
    tags = r.inputs.get("tags")
    return tags if isinstance(tags, dict) else {}


def _phys(r: PlannedResource) -> Optional[str]:
    return r.id


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _region_of_arn(arn: Any) -> Optional[str]:
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[3] if len(parts) > 3 and parts[3] else None


def extract(plan: Plan, figures: Figures = DEFAULT_FIGURES) -> PlanFacts:
    custom = [r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    by_type: dict[str, list[PlannedResource]] = defaultdict(list)
    for r in custom:
        by_type[r.type].append(r)

    primary, secondary = region_roles(plan)
    subnet_zone = {_phys(s): (s.zone or s.inputs.get("availabilityZone")) for s in by_type[T_SUBNET]}
    zones: dict[str, set[str]] = defaultdict(set)
    for s in by_type[T_SUBNET]:
        if s.region and subnet_zone.get(_phys(s)):
            zones[s.region].add(subnet_zone[_phys(s)])

    def zones_of(subnet_ids: Any) -> tuple[str, ...]:
        ids = subnet_ids if isinstance(subnet_ids, list) else []
        return tuple(sorted({subnet_zone[i] for i in ids if subnet_zone.get(i)}))

    lb_by_dns = {}
    for lb in by_type[T_LB]:
        dns = lb.outputs.get("dnsName")
        if dns:
            lb_by_dns[dns.rstrip(".").lower()] = lb
    health_by_id = {_phys(h): h for h in by_type[T_HEALTH]}
    bucket_by_name: dict[str, PlannedResource] = {}
    for b in by_type[T_BUCKET]:
        for key in (b.outputs.get("bucket"), b.inputs.get("bucket"), _phys(b)):
            if key:
                bucket_by_name[key] = b
    locked_buckets = {ol.inputs.get("bucket") for ol in by_type[T_OBJECT_LOCK]}

    workloads = workloads_of(custom, primary, secondary, _tags, TAG_TIER, TAG_STRATEGY)
    _pools(workloads, by_type, zones_of, figures)

    # Degraded-serving load balancers are not the workload's GPU serving (aws_fallback_facts).
    fallback_lbs = aws_fallback_facts.balancer_urns(by_type)
    for lb in by_type[T_LB]:
        w = workloads.get(lb.workload or "")
        if w is not None and lb.urn not in fallback_lbs:
            w.has_service = True
            w.balancers.append(Balancer(lb.urn, lb.region or "", zones_of(lb.inputs.get("subnets"))))

    _routing(workloads, by_type[T_RECORD], lb_by_dns, health_by_id, figures)
    # Degraded serving (issue 18): the regions whose fallback a zero-weight record reaches.
    aws_fallback_facts.read(workloads, custom, by_type, health_by_id)
    # After routing: the trigger alarms are read against the health checks the routing probes.
    aws_orchestration.read(workloads, by_type[T_PLAN], by_type[T_ALARM], health_by_id, figures, by_type[aws.LAMBDA_FUNCTION],
                           by_type[aws.SSM_PARAMETER])
    _databases(workloads, by_type, zones_of)
    _vaults(workloads, by_type, bucket_by_name, locked_buckets, figures)
    # Images, model artifacts and secrets (issue 18): Vault kinds images / artifacts / secrets.
    recovery_facts.read_aws(workloads, by_type, _tags)

    egress = _egress(by_type, subnet_zone)
    platform: dict[str, list[str]] = defaultdict(list)
    for r in custom:
        if r.workload is None and r.region and r.region != "global":
            platform[r.region].append(r.urn)
    return PlanFacts(
        cloud=plan.cloud or "aws", stack=plan.stack, primary_region=primary, secondary_region=secondary,
        zones={k: tuple(sorted(v)) for k, v in zones.items()}, workloads=list(workloads.values()),
        egress=egress, platform=dict(platform), clusters=_clusters(by_type[T_EKS], zones_of),
        inventory=aws_inventory.read(by_type), rebuild=rebuild_records.read_aws(by_type, custom),
        queues=aws_queues(custom), audit_trails=aws_trails(custom), break_glass=aws_break_glass(custom),
        networks=by_region(by_type[aws.EC2_VPC]),
    )


def _pools(workloads, by_type, zones_of, figures: Figures) -> None:
    """Each node group as a Pool of its workload, with the time to start its nodes when the region's
    cluster-autoscaler adds them without an operator step."""
    autoscaled = {r.region for r in by_type[T_HELM] if r.inputs.get("chart") == AUTOSCALER_CHART}
    # Workloads whose pods scale on their load balancer's request rate in a region (KEDA ScaledObject).
    traffic_scaled = {(r.workload, r.region) for r in by_type[T_SCALED_OBJECT]}

    for ng in by_type[T_NODEGROUP]:
        w = workloads.get(ng.workload or "")
        if w is None:
            continue
        scaling = ng.inputs.get("scalingConfig") or {}
        labels = ng.inputs.get("labels") or {}
        taints = ng.inputs.get("taints") or []
        gpu = any("accelerator" in str(k) for k in labels) or any(t.get("key") == "nvidia.com/gpu" for t in taints if isinstance(t, dict))
        pool_zones = zones_of(ng.inputs.get("subnetIds")) or ((ng.zone,) if ng.zone else ())
        start: tuple[Optional[float], str] = (None, "")
        if ng.region in autoscaled and str(_tags(ng).get(AUTOSCALER_TAG, "")).lower() == "true":
            # The region's cluster-autoscaler adds the nodes the HPA's pending pods need, up to the
            # group's maximum: no operator step. With a ScaledObject the failed-over requests drive it
            # (eks_request_rate_reaction); CPU-only, only if the load raises CPU (eks_autoscale_reaction's
            # source says so), else the runbook's pre-provisioning step.
            reaction = (figures.eks_request_rate_reaction if (ng.workload, ng.region) in traffic_scaled
                        else figures.eks_autoscale_reaction)
            start = (reaction.seconds + figures.gpu_node_start.seconds, f"{reaction.source}; {figures.gpu_node_start.source}")
        w.pools.append(Pool(ng.urn, ng.region or "", pool_zones, _int(scaling.get("minSize")), _int(scaling.get("maxSize")), gpu,
                            *start))


def _routing(workloads, records: Iterable[PlannedResource], lb_by_dns, health_by_id, figures: Figures) -> None:
    records = list(records)
    # Records another record aliases (a degraded-serving region's weighted records, blueprint/components/aws/dns_failover.py)
    # are read through the routed record that aliases them, not as routed records of their own.
    below = _aliased_groups(records)
    grouped: dict[str, list[PlannedResource]] = defaultdict(list)
    for rec in records:
        if rec.workload in workloads and rec.inputs.get("setIdentifier") and _record_name(rec) not in below:
            grouped[rec.workload].append(rec)
    for name, w in workloads.items():
        recs = grouped.get(name, [])
        if not recs:
            if w.balancers:
                regions = tuple(sorted({b.region for b in w.balancers if b.region == w.primary_region} or {w.balancers[0].region}))
                w.routing = Routing("single", regions, (), figures.alias_ttl_elb.seconds, figures.alias_ttl_elb.source)
            continue
        policy = "failover" if any(r.inputs.get("failoverRoutingPolicies") for r in recs) else (
            "latency" if any(r.inputs.get("latencyRoutingPolicies") for r in recs) else "weighted")
        regions, probes, shift, source, controlled = [], [], 0.0, "", False
        for rec in recs:
            group = [t for a in rec.inputs.get("aliases") or [] if isinstance(a, dict)
                     for t in below.get(str(a.get("name", "")).rstrip(".").lower(), [])]
            # Through a weighted group: its nonzero records are the region's GPU endpoint (the zero ones its fallback).
            leaves = [t for t in group if _weight(t) != 0] or group or [rec]
            region = None
            for leaf in leaves:
                for alias in leaf.inputs.get("aliases") or []:
                    lb = lb_by_dns.get(str(alias.get("name", "")).rstrip(".").lower())
                    if lb is not None:
                        region = lb.region
                        shift, source = max(shift, figures.alias_ttl_elb.seconds), figures.alias_ttl_elb.source
            if region is None:
                latency = rec.inputs.get("latencyRoutingPolicies") or []
                region = (latency[0].get("region") if latency else None) or rec.inputs.get("setIdentifier")
                ttl = float(rec.inputs.get("ttl") or 0)
                if ttl > shift:
                    shift, source = ttl, "record TTL in the plan"
            regions.append(region)
            checks, control = _record_checks(rec, group, leaves, health_by_id)
            controlled = controlled or control
            for hc in checks:
                target = lb_by_dns.get(str(hc.inputs.get("fqdn", "")).rstrip(".").lower())
                probes.append(HealthProbe(hc.urn, target.region if target is not None else region,
                                          float(hc.inputs.get("requestInterval") or 30), _int(hc.inputs.get("failureThreshold"), 3)))
        w.routing = Routing(policy, tuple(r for r in regions if r), tuple(probes), shift, source, tuple(r.urn for r in recs),
                            controlled=controlled)


def _record_name(r: PlannedResource) -> str:
    return str(r.inputs.get("name", "")).rstrip(".").lower()


def _weight(r: PlannedResource) -> float:
    """A weighted record's weight; -1 for a record without a weighted routing policy."""
    policies = r.inputs.get("weightedRoutingPolicies") or []
    return float(policies[0].get("weight") or 0) if policies and isinstance(policies[0], dict) else -1.0


def _aliased_groups(records: list[PlannedResource]) -> dict[str, list[PlannedResource]]:
    """Record name -> the records of that name, for the names another record's alias targets (same zone)."""
    targets = {str(a.get("name", "")).rstrip(".").lower() for r in records for a in r.inputs.get("aliases") or [] if isinstance(a, dict)}
    found: dict[str, list[PlannedResource]] = defaultdict(list)
    for r in records:
        if _record_name(r) in targets:
            found[_record_name(r)].append(r)
    return dict(found)


def _record_checks(rec: PlannedResource, group: list[PlannedResource], leaves: list[PlannedResource],
                   health_by_id) -> tuple[list[PlannedResource], bool]:
    """The endpoint checks that decide a routed record's region, and whether a check the plan does not create gates
    it. Directly on an endpoint: _endpoint_check. Through weighted records: the nonzero records' checks (detection is
    of the GPU endpoint), gated when the routed record itself carries a check the plan does not create (a failover
    orchestration's: blueprint/components/aws/dns_failover.py puts it there for a degraded-serving region)."""
    if not group:
        hc, control = _endpoint_check(health_by_id.get(rec.inputs.get("healthCheckId")), health_by_id)
        return ([hc] if hc is not None else []), control
    own = rec.inputs.get("healthCheckId")
    checks = [health_by_id[t.inputs.get("healthCheckId")] for t in leaves if t.inputs.get("healthCheckId") in health_by_id]
    return checks, bool(own) and own not in health_by_id


def _endpoint_check(hc: Optional[PlannedResource], health_by_id) -> tuple[Optional[PlannedResource], bool]:
    """The endpoint (HTTPS) check behind a record's check, and whether a check the plan does not create is ANDed
    with it: a CALCULATED check with ``childHealthThreshold`` = all its children (blueprint/components/aws/dns_failover.py)
    whose other child is a failover orchestration's control check (created by the Region switch plan itself)."""
    if hc is None or str(hc.inputs.get("type", "")).upper() != "CALCULATED":
        return hc, False
    children = [c for c in hc.inputs.get("childHealthchecks") or []]
    planned = [health_by_id[c] for c in children if c in health_by_id]
    threshold = _int(hc.inputs.get("childHealthThreshold"), 1)
    controlled = len(planned) < len(children) and threshold >= len(children)
    return (planned[0] if planned else None), controlled


def _databases(workloads, by_type, zones_of) -> None:
    subnet_groups = {(g.region, _phys(g)): g for g in by_type[T_DB_SUBNETS]}
    instances: dict[tuple, list[PlannedResource]] = defaultdict(list)
    for inst in by_type[T_DB_INSTANCE]:
        instances[(inst.region, inst.inputs.get("clusterIdentifier") or inst.outputs.get("clusterIdentifier"))].append(inst)
    for cluster in by_type[T_DB]:
        w = workloads.get(cluster.workload or "")
        if w is None:
            continue
        ident = cluster.inputs.get("clusterIdentifier") or _phys(cluster)
        members = instances.get((cluster.region, ident), [])
        member_urns = {m.urn for m in members}
        # A cluster that replicates from elsewhere (global secondary, cross-region replica) has
        # no master credentials of its own and cannot write until promoted.
        replica = bool(cluster.inputs.get("replicationSourceIdentifier")) or (
            bool(cluster.inputs.get("globalClusterIdentifier")) and not cluster.inputs.get("masterUsername")
            and not cluster.inputs.get("manageMasterUserPassword") and not cluster.inputs.get("snapshotIdentifier"))
        role = "secondary" if replica else "writer"
        db_instances = tuple(
            DbInstance(m.urn, m.zone or m.inputs.get("availabilityZone"),
                       writer=(role == "writer" and not any(d in member_urns for d in m.dependencies)))
            for m in members
        )
        group = subnet_groups.get((cluster.region, cluster.inputs.get("dbSubnetGroupName")))
        w.databases.append(Database(
            cluster.urn, cluster.region or "", role, db_instances, cluster.inputs.get("globalClusterIdentifier"),
            zones_of(group.inputs.get("subnetIds")) if group is not None else (), group.urn if group is not None else None,
            # A global secondary takes writes only with enableGlobalWriteForwarding (forwarded to the
            # primary's writer); without it the region is read-only until a global failover.
            write_forwarding=role == "secondary" and cluster.inputs.get("enableGlobalWriteForwarding") is True,
        ))


def _clusters(clusters: Iterable[PlannedResource], zones_of) -> list[Cluster]:
    """EKS clusters: the control plane always spans three Availability Zones of the region ("at least
    two API server instances and three etcd instances that run across three Availability Zones",
    https://docs.aws.amazon.com/eks/latest/userguide/disaster-recovery-resiliency.html), so regional;
    the zones are those of its ``vpcConfig.subnetIds``."""
    return [Cluster(c.urn, c.region or "", zones_of((c.inputs.get("vpcConfig") or {}).get("subnetIds")), regional=True)
            for c in clusters]


def _object_lock_modes(by_type) -> dict[Any, str]:
    """Bucket name -> its Object Lock default retention mode (COMPLIANCE | GOVERNANCE), "NONE" without one."""
    modes: dict[Any, str] = {}
    for ol in by_type[T_OBJECT_LOCK]:
        retention = ((ol.inputs.get("rule") or {}).get("defaultRetention") or {})
        modes[ol.inputs.get("bucket")] = str(retention.get("mode") or "NONE").upper()
    return modes


def _backup_lock_modes(by_type) -> dict[tuple, str]:
    """(region, vault name) -> its Vault Lock mode: with ``changeableForDays`` the lock becomes
    immutable (compliance mode), without it stays removable (governance mode), per
    https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html."""
    return {(lock.region, lock.inputs.get("backupVaultName")): "COMPLIANCE" if lock.inputs.get("changeableForDays") is not None
            else "GOVERNANCE" for lock in by_type[T_VAULT_LOCK]}


def _vaults(workloads, by_type, bucket_by_name, locked_buckets, figures: Figures) -> None:
    object_locks, backup_locks = _object_lock_modes(by_type), _backup_lock_modes(by_type)
    for b in by_type[T_BUCKET]:
        w = workloads.get(b.workload or "")
        name = b.outputs.get("bucket") or _phys(b) or b.name
        if w is not None and (name in locked_buckets or b.inputs.get("objectLockEnabled")):
            w.vaults.append(Vault(b.urn, b.region or "", "objects", name, lock=object_locks.get(name, "NONE")))
    backup_vault_region: dict[str, str] = {}
    backup_vault_urn: dict[str, str] = {}
    for v in by_type[T_BACKUP_VAULT]:
        w = workloads.get(v.workload or "")
        name = v.inputs.get("name") or _phys(v) or v.name
        backup_vault_region[name] = v.region or ""
        for key in (name, v.outputs.get("arn")):
            if key:
                backup_vault_urn[key] = v.urn
        if w is not None:
            w.vaults.append(Vault(v.urn, v.region or "", "recovery-points", name, lock=backup_locks.get((v.region, name), "NONE")))
    for rep in by_type[T_REPLICATION]:
        w = workloads.get(rep.workload or "")
        source = bucket_by_name.get(rep.inputs.get("bucket"))
        if w is None or source is None:
            continue
        for rule in rep.inputs.get("rules") or []:
            if not isinstance(rule, dict) or rule.get("status", "Enabled") != "Enabled":
                continue
            dest_arn = str((rule.get("destination") or {}).get("bucket", ""))
            dest = bucket_by_name.get(dest_arn.split(":::")[-1])
            rtc = (rule.get("destination") or {}).get("replicationTime") or {}
            if rtc.get("status") == "Enabled":
                lag, src = float(((rtc.get("time") or {}).get("minutes") or 15)) * 60, figures.s3_rtc.source
            else:
                lag, src = figures.s3_rtc.seconds, "S3 replication without RTC: no SLA; RTC's 15 min used as the planning value"
            w.copies.append(Copy(rep.urn, source.region or "", (dest.region if dest is not None else None) or "", "objects", lag, src,
                                 source_urn=source.urn, dest_urn=dest.urn if dest is not None else None))
    for plan in by_type[T_BACKUP_PLAN]:
        w = workloads.get(plan.workload or "")
        if w is None:
            continue
        for rule in plan.inputs.get("rules") or []:
            interval = schedule_interval_s(rule.get("schedule"))
            source_region = backup_vault_region.get(rule.get("targetVaultName"), plan.region or "")
            for action in rule.get("copyActions") or []:
                dest_region = _region_of_arn(action.get("destinationVaultArn")) or ""
                lag = interval + figures.backup_copy.seconds
                w.copies.append(Copy(plan.urn, source_region, dest_region, "recovery-points", lag,
                                     f"schedule {rule.get('schedule')} every {interval:g} s + {figures.backup_copy.source}",
                                     source_urn=backup_vault_urn.get(rule.get("targetVaultName")),
                                     dest_urn=backup_vault_urn.get(action.get("destinationVaultArn"))))


def _egress(by_type, subnet_zone) -> list[Egress]:
    nat_by_id = {_phys(n): n for n in by_type[T_NAT]}
    table_nat: dict[str, str] = {}
    for route in by_type[T_ROUTE]:
        nat = route.inputs.get("natGatewayId")
        if nat in nat_by_id and route.inputs.get("destinationCidrBlock") == "0.0.0.0/0":
            table_nat[route.inputs.get("routeTableId")] = nat
    served: dict[str, set[str]] = defaultdict(set)
    for rta in by_type[T_RTA]:
        nat = table_nat.get(rta.inputs.get("routeTableId"))
        zone = subnet_zone.get(rta.inputs.get("subnetId"))
        if nat and zone:
            served[nat].add(zone)
    return [Egress(n.urn, n.region or "", n.zone or subnet_zone.get(n.inputs.get("subnetId")), tuple(sorted(served.get(nid, ()))))
            for nid, n in nat_by_id.items()]

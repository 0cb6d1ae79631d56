"""Tier conformance: zones, second region, replicas and vault replication as each tier's strategy needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from blueprint.catalogs.residency import JURISDICTIONS
from blueprint.catalogs.tiers import TIERS, SECOND_REGION_ROLE, SecondRegionRole, Strategy, Tier, TierSpec

from policies.rules.immutability import is_vault_bucket
from policies.rules.model import (
    GLOBAL, MANDATORY, REGION_ROLE_TAG, S3_BUCKET_TYPES, STRATEGY_TAG, TIER_TAG, WORKLOAD_TAG, Context, Resource, Rule,
    arn_region, is_unknown, number,
)

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


@dataclass
class Workload:
    name: str
    spec: TierSpec
    strategy: Strategy
    primary: Optional[str] = None
    resources: list[Resource] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]


def workloads(ctx: Context) -> list[Workload]:
    """The workloads the stack serves, from the blueprint:workload/tier/strategy tags."""
    found: dict[str, Workload] = {}
    members: dict[str, list[Resource]] = defaultdict(list)
    for r in ctx.resources:
        name = r.tags.get(WORKLOAD_TAG) or r.workload
        if isinstance(name, str) and r.is_cloud_resource:
            members[name].append(r)
        tags = r.tags
        if isinstance(tags.get(WORKLOAD_TAG), str) and tags.get(TIER_TAG) and tags[WORKLOAD_TAG] not in found:
            try:
                spec = TIERS[Tier(tags[TIER_TAG])]
                strategy = Strategy(tags.get(STRATEGY_TAG) or spec.default_strategy.value)
            except ValueError:
                continue
            found[tags[WORKLOAD_TAG]] = Workload(tags[WORKLOAD_TAG], spec, strategy)
    for name, w in found.items():
        w.resources = members[name]
        roles = [r.region for r in w.resources if r.tags.get(REGION_ROLE_TAG) == "primary" and r.region not in (None, GLOBAL)]
        w.primary = max(set(roles), key=roles.count) if roles else None
    return sorted(found.values(), key=lambda w: w.name)


def zone_of(r: Resource, ctx: Context) -> Optional[str]:
    """The resource's zone, or that of the subnets it is placed in when they share one."""
    if r.zone:
        return r.zone
    zone = r.props.get("availabilityZone")
    if isinstance(zone, str) and zone:
        return zone
    ids = r.props.get("subnetIds")
    if not isinstance(ids, list) or not ids:
        return None
    zones = set()
    for subnet in ctx.of_type("aws:ec2/subnet:Subnet"):
        if subnet.ident("id") in ids:
            zones.add(subnet.zone or subnet.ident("availabilityZone"))
    return zones.pop() if len(zones) == 1 else None


def _min_size(r: Resource) -> float:
    return number((r.props.get("scalingConfig") or {}).get("minSize")) or 0


def check_zones(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    for w in workloads(ctx):
        by_region: dict[str, set[str]] = defaultdict(set)
        first: dict[str, Resource] = {}
        for ng in w.of_type(NODE_GROUP):
            zone = zone_of(ng, ctx)
            if zone and ng.region:
                by_region[ng.region].add(zone)
                first.setdefault(ng.region, ng)
        for region, zones in sorted(by_region.items()):
            if len(zones) < w.spec.min_zones:
                yield first[region].urn, (f"workload {w.name!r} ({w.spec.tier.value}) has GPU node groups in {len(zones)} zone(s) of "
                                          f"{region} ({', '.join(sorted(zones))}); the tier needs >= {w.spec.min_zones}")
        db_zones: dict[str, set[str]] = defaultdict(set)
        for inst in w.of_type(DB_INSTANCE):
            zone = zone_of(inst, ctx)
            if zone and inst.region:
                db_zones[inst.region].add(zone)
        if w.primary and w.of_type(DB_CLUSTER) and w.primary in db_zones and len(db_zones[w.primary]) < 2:
            cluster = next(c for c in w.of_type(DB_CLUSTER))
            yield cluster.urn, (f"workload {w.name!r}: the database writer region {w.primary} has instances in "
                                f"{len(db_zones[w.primary])} zone; a reader in a second zone is needed for zone failover")
    # Networks: every region's subnets span the zones its most demanding workload needs.
    need: dict[str, int] = defaultdict(int)
    for w in workloads(ctx):
        for region in {r.region for r in w.of_type(NODE_GROUP)}:
            if region:
                need[region] = max(need[region], w.spec.min_zones)
    for region, minimum in sorted(need.items()):
        subnets = [s for s in ctx.of_type("aws:ec2/subnet:Subnet") if s.region == region]
        zones = {zone_of(s, ctx) for s in subnets} - {None}
        if subnets and len(zones) < minimum:
            yield subnets[0].urn, f"the network in {region} spans {len(zones)} zone(s); its workloads' tiers need >= {minimum}"


def check_second_region(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    single_region = bool(ctx.jurisdiction and ctx.jurisdiction in JURISDICTIONS and ctx.cloud in ("aws", "gcp")
                         and len(JURISDICTIONS[ctx.jurisdiction].regions(ctx.cloud)) < 2)
    clusters = {r.region for r in ctx.of_type("aws:eks/cluster:Cluster") if r.region}
    for w in workloads(ctx):
        role = SECOND_REGION_ROLE[w.strategy]
        anchor = (w.resources[0].urn if w.resources else None)
        if w.strategy.deploys_second_region:
            groups = w.of_type(NODE_GROUP)
            primary_groups = [g for g in groups if g.region == w.primary]
            secondary_groups = [g for g in groups if g.region not in (w.primary, None, GLOBAL)]
            if ctx.of_type("aws:eks/cluster:Cluster") and len(clusters) < 2:
                yield anchor, f"workload {w.name!r} ({w.strategy.value}) needs a cluster in a second region; the stack has clusters in {sorted(clusters)}"
            if primary_groups and not secondary_groups:
                yield primary_groups[0].urn, f"workload {w.name!r} ({w.strategy.value}) has GPU node groups only in {w.primary}; the tier needs them in a second region"
            elif primary_groups:
                primary_min = sum(_min_size(g) for g in primary_groups)
                secondary_min = sum(_min_size(g) for g in secondary_groups)
                if role is SecondRegionRole.SERVING and secondary_min < primary_min:
                    yield secondary_groups[0].urn, (f"workload {w.name!r} is active-active but the second region keeps {secondary_min:g} "
                                                    f"GPU nodes minimum against {primary_min:g} in {w.primary}: full capacity is required")
                if role is SecondRegionRole.WARM and primary_min > 0 and secondary_min <= 0:
                    yield secondary_groups[0].urn, f"workload {w.name!r} is warm standby but keeps no GPU node running in the second region"
            dbs = w.of_type(DB_CLUSTER)
            if dbs:
                regions = {c.region for c in dbs}
                members = [c for c in dbs if c.props.get("globalClusterIdentifier")]
                if len(regions) < 2 or not members:
                    yield dbs[0].urn, (f"workload {w.name!r} ({w.strategy.value}) needs a database replica in a second region "
                                       f"(an Aurora global database member); it has clusters in {sorted(r for r in regions if r)}")
            lbs = w.of_type("aws:lb/loadBalancer:LoadBalancer")
            if lbs and role in (SecondRegionRole.SERVING, SecondRegionRole.WARM) and len({l.region for l in lbs}) < 2:
                yield lbs[0].urn, f"workload {w.name!r} ({w.strategy.value}) serves from {lbs[0].region} only; the tier needs a load balancer in the second region"
        elif w.of_type(DB_CLUSTER) and not single_region:
            plans = w.of_type("aws:backup/plan:Plan")
            copies = [c for p in plans for rule in (p.get("rules", default=[]) or []) for c in ((rule or {}).get("copyActions") or [])]
            foreign = [c for c in copies if arn_region((c or {}).get("destinationVaultArn")) not in (None, "", w.primary)
                       or is_unknown((c or {}).get("destinationVaultArn"))]
            if not foreign:
                target = plans[0].urn if plans else w.of_type(DB_CLUSTER)[0].urn
                yield target, f"workload {w.name!r} ({w.strategy.value}) copies no database backups to a second region"


def check_vault_replication(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    if ctx.jurisdiction in JURISDICTIONS and len(JURISDICTIONS[ctx.jurisdiction].aws) < 2 and ctx.jurisdiction != "any":
        return  # single-region jurisdiction: the copies stay in-region (docs/configuration.md)
    for w in workloads(ctx):
        for bucket in [b for b in w.resources if b.type in S3_BUCKET_TYPES and is_vault_bucket(b) and b.region == w.primary]:
            configs = ctx.for_bucket(bucket, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
            ok = False
            for config in configs:
                for rule in config.get("rules", default=[]) or []:
                    rule = rule or {}
                    target = (rule.get("destination") or {}).get("bucket")
                    if is_unknown(target) or is_unknown(rule.get("status")):
                        ok = True
                        continue
                    dest = ctx.s3_bucket(target)
                    if rule.get("status") == "Enabled" and dest is not None and dest.region != bucket.region and is_vault_bucket(dest):
                        ok = True
            if not ok:
                yield (configs[0].urn if configs else bucket.urn), (
                    f"vault bucket {bucket.name!r} of workload {w.name!r} is not replicated (rule Enabled) to a locked vault "
                    "bucket in the second region")


RULES = (
    Rule(
        id="tier-zones",
        description="Each workload's GPU node groups span at least the tier's zones in every region they run in "
                    "(>= 3 for mission- and business-critical, >= 2 otherwise), the networks span them too, and the "
                    "database writer region has instances in >= 2 zones.",
        enforcement=MANDATORY,
        remediation="Set blueprint:zonesPerRegion >= the tier's zones; one node group per zone (components.aws.GpuNodePool); "
                    "an Aurora reader in another zone.",
        category="tier-conformance", scope="stack", check=check_zones,
    ),
    Rule(
        id="tier-second-region",
        description="Pilot light and stronger run in a second region: a cluster, node groups (full capacity for "
                    "active-active, some for warm standby), an Aurora global-database member and, for serving/warm, a "
                    "load balancer; backup-restore copies database backups to the second region.",
        enforcement=MANDATORY,
        remediation="Set blueprint:secondaryRegion and let the composer place the tier's second-region footprint "
                    "(components.aws.WorkloadRegion, AuroraGlobalCluster, DatabaseBackupPlan copy actions).",
        category="tier-conformance", scope="stack", check=check_second_region,
    ),
    Rule(
        id="tier-vault-replication",
        description="Each workload's primary backup vault replicates to a locked vault in the second region "
                    "(except in single-region jurisdictions).",
        enforcement=MANDATORY,
        remediation="Add components.aws.VaultReplication from the primary vault to the second region's vault.",
        category="tier-conformance", scope="stack", check=check_vault_replication,
    ),
)

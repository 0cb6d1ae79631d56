"""Tier conformance: zones, second region, replicas and vault replication as each tier's strategy needs.

The rules read the cloud-neutral read model (``blueprint.policies.read_model``: node pools, clusters,
balancers, databases, vaults and copies, built per cloud by ``blueprint.analysis.aws_facts`` /
``gcp_facts``), so each one checks AWS and GCP stacks alike and names no resource type; what each
checks on each cloud is in docs/policies.md ("Tier rules on AWS and GCP").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

from blueprint.analysis.facts import PlanFacts, Vault
from blueprint.catalogs.tiers import SECOND_REGION_ROLE, SecondRegionRole

from blueprint.policies.model import GLOBAL, MANDATORY, Context, Rule
from blueprint.policies.read_model import (
    LOCK_RANK, TierWorkload, any_uncertain, facts_of, single_region_jurisdiction, tier_workloads,
)

Finding = tuple[Optional[str], str]


def _regional(region: Optional[str]) -> bool:
    return bool(region) and region != GLOBAL


# ---- tier-zones -----------------------------------------------------------------------------------

def _pool_zones(tw: TierWorkload) -> Iterable[Finding]:
    """The workload's node pools span the tier's zones in every region they run in."""
    zones: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for pool in tw.facts.pools:
        if _regional(pool.region) and pool.zones:  # zones unknown: not judged
            zones[pool.region].update(pool.zones)
            first.setdefault(pool.region, pool.urn)
    for region, found in sorted(zones.items()):
        if len(found) < tw.spec.min_zones:
            yield first[region], (f"{tw.label} has node pools in {len(found)} zone(s) of {region} "
                                  f"({', '.join(sorted(found))}); the tier needs >= {tw.spec.min_zones}")


def _writer_zones(tw: TierWorkload) -> Iterable[Finding]:
    """The primary database writer survives the loss of its zone: a standby (Cloud SQL REGIONAL) or
    an instance (Aurora reader) in a second zone."""
    writer = next((d for d in tw.facts.databases if d.role == "writer" and d.region == tw.primary), None)
    if writer is None or writer.zone_redundant is True:
        return
    zones = {i.zone for i in writer.instances if i.zone}
    if writer.zone_redundant is False or (zones and len(zones) < 2):
        yield writer.urn, (f"{tw.label}: the database writer in {writer.region} runs in one zone "
                           f"({', '.join(sorted(zones)) or 'no standby'}); a reader or standby in a second zone is needed "
                           "for zone failover")


def _platform_zones(ctx: Context, facts: PlanFacts, workloads: list[TierWorkload]) -> Iterable[Finding]:
    """Each region's network and cluster span the zones its most demanding workload needs, and the
    cluster's control plane is not confined to one zone."""
    need: dict[str, int] = defaultdict(int)
    for tw in workloads:
        for pool in tw.facts.pools:
            if _regional(pool.region):
                need[pool.region] = max(need[pool.region], tw.spec.min_zones)
    for region, minimum in sorted(need.items()):
        clusters = [c for c in facts.clusters if c.region == region]
        if any_uncertain(ctx, [c.urn for c in clusters]):
            continue
        zones = facts.zones.get(region, ())
        anchor = clusters[0].urn if clusters else next(iter(facts.platform.get(region, ())), None)
        if zones and len(zones) < minimum:
            yield anchor, (f"the network in {region} spans {len(zones)} zone(s) ({', '.join(zones)}); its workloads' "
                           f"tiers need >= {minimum}")
        for cluster in clusters:
            if not cluster.regional:
                yield cluster.urn, (f"the cluster in {region} is zonal: its control plane runs in one zone "
                                    f"({', '.join(cluster.zones)}) and stops with it; its workloads' tiers need a regional cluster")
            elif cluster.zones and len(cluster.zones) < minimum:
                yield cluster.urn, (f"the cluster in {region} places nodes in {len(cluster.zones)} zone(s) "
                                    f"({', '.join(cluster.zones)}); its workloads' tiers need >= {minimum}")


def check_zones(ctx: Context) -> Iterable[Finding]:
    workloads = tier_workloads(ctx)
    for tw in workloads:
        yield from _pool_zones(tw)
        yield from _writer_zones(tw)
    yield from _platform_zones(ctx, facts_of(ctx), workloads)


# ---- tier-second-region ---------------------------------------------------------------------------

def _second_region_pools(tw: TierWorkload) -> Iterable[Finding]:
    primary = [p for p in tw.facts.pools if p.region == tw.primary]
    secondary = [p for p in tw.facts.pools if _regional(p.region) and p.region != tw.primary]
    if not primary:
        return
    if not secondary:
        yield primary[0].urn, f"{tw.label} has node pools only in {tw.primary}; the tier needs them in a second region"
        return
    primary_min = sum(p.min_nodes for p in primary)
    secondary_min = sum(p.min_nodes for p in secondary)
    role = SECOND_REGION_ROLE[tw.strategy]
    if role is SecondRegionRole.SERVING and secondary_min < primary_min:
        yield secondary[0].urn, (f"{tw.label} keeps {secondary_min} nodes minimum in the second region against "
                                 f"{primary_min} in {tw.primary}: full capacity is required")
    if role is SecondRegionRole.WARM and primary_min > 0 and secondary_min <= 0:
        yield secondary[0].urn, f"{tw.label} is a warm standby but keeps no node running in the second region"


def _second_region_database(tw: TierWorkload) -> Iterable[Finding]:
    databases = tw.facts.databases
    if not databases:
        return
    regions = sorted({d.region for d in databases if d.region})
    replicas = [d for d in databases if d.role == "secondary" and d.region != tw.primary]
    if len(regions) < 2 or not replicas:
        writer = next((d for d in databases if d.role == "writer"), databases[0])
        yield writer.urn, (f"{tw.label} needs a database replica in a second region (an Aurora global-database "
                           f"secondary, a Cloud SQL cross-region replica); it has databases in {regions}")


def _second_region_entry(tw: TierWorkload, facts: PlanFacts) -> Iterable[Finding]:
    if facts.clusters and len({c.region for c in facts.clusters}) < 2:
        anchor = tw.facts.resources[0] if tw.facts.resources else None
        yield anchor, (f"{tw.label} needs a cluster in a second region; the stack has clusters in "
                       f"{sorted({c.region for c in facts.clusters})}")
    balancers = tw.facts.balancers
    role = SECOND_REGION_ROLE[tw.strategy]
    if balancers and role in (SecondRegionRole.SERVING, SecondRegionRole.WARM) and len({b.region for b in balancers}) < 2:
        yield balancers[0].urn, (f"{tw.label} serves from {balancers[0].region} only; the tier needs a load balancer "
                                 "(GCP: backends of the global load balancer) in the second region")


def _backup_copies(tw: TierWorkload) -> Iterable[Finding]:
    """Backup-restore: the primary's database backups are copied (or stored) outside its region."""
    copies = [c for c in tw.facts.copies
              if c.kind == "recovery-points" and c.source_region == tw.primary and c.dest_region not in ("", tw.primary)]
    if copies:
        return
    vault = next((v.urn for v in tw.facts.vaults if v.kind == "recovery-points" and v.region == tw.primary), None)
    writer = next((d.urn for d in tw.facts.databases if d.role == "writer"), tw.facts.databases[0].urn)
    yield vault or writer, f"{tw.label} copies no database backups out of {tw.primary} to a second region"


def check_second_region(ctx: Context) -> Iterable[Finding]:
    facts = facts_of(ctx)
    for tw in tier_workloads(ctx):
        if tw.strategy.deploys_second_region:
            yield from _second_region_entry(tw, facts)
            yield from _second_region_pools(tw)
            yield from _second_region_database(tw)
        elif tw.facts.databases and not single_region_jurisdiction(ctx):
            yield from _backup_copies(tw)


# ---- tier-vault-replication -----------------------------------------------------------------------

def _replication_problem(tw: TierWorkload, vault: Vault) -> Optional[str]:
    """Why ``vault`` is not replicated to a vault in another region locked at least in the tier's mode."""
    required = tw.spec.lock_mode.value
    outgoing = [c for c in tw.facts.copies if c.kind == "objects" and c.dest_region not in ("", vault.region)
                and (c.source_urn == vault.urn if c.source_urn else c.source_region == vault.region)]
    if not outgoing:
        return (f"vault {vault.name!r} of {tw.label} is not replicated (replication enabled) to a vault in another "
                "region")
    weaker = []
    for copy in outgoing:
        for dest in tw.facts.vaults:
            if dest.kind == "objects" and dest.region == copy.dest_region and copy.dest_urn in (None, dest.urn):
                if dest.lock is None or LOCK_RANK.get(dest.lock, 0) >= LOCK_RANK[required]:
                    return None
                weaker.append(f"{dest.name} in {dest.region} ({dest.lock})")
    if not weaker:
        return (f"vault {vault.name!r} of {tw.label} replicates to {', '.join(sorted({c.dest_region for c in outgoing}))} "
                "but not into a locked vault there")
    return (f"vault {vault.name!r} of {tw.label} replicates only to vaults locked weaker than the tier's {required} "
            f"mode: {', '.join(sorted(set(weaker)))}")


def check_vault_replication(ctx: Context) -> Iterable[Finding]:
    if single_region_jurisdiction(ctx):
        return  # single-region jurisdiction: the copies stay in-region (docs/configuration.md)
    for tw in tier_workloads(ctx):
        vaults = [v for v in tw.facts.vaults if v.kind == "objects" and v.region == tw.primary]
        if not vaults:
            anchor = tw.facts.resources[0] if tw.facts.resources else None
            yield anchor, f"{tw.label} keeps no locked object vault in its primary region {tw.primary}"
        for vault in vaults:
            problem = _replication_problem(tw, vault)
            if problem:
                yield vault.urn, problem


RULES = (
    Rule(
        id="tier-zones",
        description="Each workload's node pools span at least the tier's zones in every region they run in "
                    "(>= 3 for mission- and business-critical, >= 2 otherwise), so do the networks and clusters "
                    "(a regional control plane), and the database writer survives the loss of its zone.",
        enforcement=MANDATORY,
        remediation="Set blueprint:zonesPerRegion >= the tier's zones; AWS: one node group per zone "
                    "(blueprint.components.aws.GpuNodePool), an Aurora reader in another zone; GCP: a regional GKE cluster, "
                    "node pool nodeLocations in the tier's zones, Cloud SQL availabilityType REGIONAL.",
        category="tier-conformance", scope="stack", check=check_zones,
    ),
    Rule(
        id="tier-second-region",
        description="Pilot light and stronger run in a second region: a cluster, node pools (full capacity for "
                    "active-active, some for warm standby), a database replica (Aurora global-database secondary, "
                    "Cloud SQL cross-region replica) and, for serving/warm, a load balancer there; backup-restore "
                    "copies (or stores) database backups outside the primary region.",
        enforcement=MANDATORY,
        remediation="Set blueprint:secondaryRegion and let the composer place the tier's second-region footprint "
                    "(AWS: blueprint.components.aws.WorkloadRegion, AuroraGlobalCluster, DatabaseBackupPlan copy actions; "
                    "GCP: the second region's cluster, node pools, Cloud SQL replica and load-balancer backends).",
        category="tier-conformance", scope="stack", check=check_second_region,
    ),
    Rule(
        id="tier-vault-replication",
        description="Each workload's object vault in its primary region replicates to a vault in another region "
                    "locked at least in the tier's mode (S3 replication to an Object Lock bucket; a GCS dual-region "
                    "or replicated bucket with a retention policy, locked for compliance tiers), except in "
                    "single-region jurisdictions.",
        enforcement=MANDATORY,
        remediation="AWS: blueprint.components.aws.VaultReplication from the primary vault to the second region's vault; "
                    "GCP: a dual-region vault bucket (customPlacementConfig) whose retention policy is locked "
                    "(isLocked) for compliance tiers.",
        category="tier-conformance", scope="stack", check=check_vault_replication,
    ),
)

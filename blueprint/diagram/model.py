"""What the diagram shows, built from the read model only (PlanFacts, blueprint/analysis/facts.py) and,
for a failure, the resilience analysis's own scenario (blueprint/analysis/resilience.py ``scenarios``):
nothing here reads the plan's resources or recomputes what survives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from blueprint.analysis.facts import Copy, Database, PlanFacts, Vault, WorkloadFacts
from blueprint.analysis.resilience import Scenario, scenarios, serving_regions
from blueprint.catalogs.tiers import Tier

# Item kinds drawn in a workload's regional row, and the styles the renderer colours them by.
LB, DB, VAULT = "lb", "db", "vault"


@dataclass(frozen=True)
class PoolView:
    """One box per group of node pools sharing the same zones: how many pools, their summed node range."""

    zones: tuple[str, ...]  # () : the pool's zones are not in the plan (drawn across the region)
    pools: int
    min_nodes: int
    max_nodes: int
    gpu: bool


@dataclass(frozen=True)
class ItemView:
    kind: str  # LB | DB | VAULT
    key: str  # "<region>|<URN>" of what it stands for (links point at it)
    label: str
    detail: str
    style: str  # lb, lb-standby, db-writer, db-replica, db-headless, vault


@dataclass(frozen=True)
class LinkView:
    source: str  # ItemView.key
    dest: str
    label: str


@dataclass(frozen=True)
class Outcome:
    """A workload under the chosen failure, as the resilience scenario reports it."""

    state: str  # "serving" | "recovering" | "down"
    text: str
    detail: str


@dataclass(frozen=True)
class WorkloadView:
    name: str
    tier: str
    strategy: str
    front: str  # how its public name routes (DNS / global LB), or that it has none
    routed: tuple[str, ...]  # regions the front can send traffic to
    serving: tuple[str, ...]  # of those, the ones that take traffic while nothing has failed
    pools: dict[str, tuple[PoolView, ...]]
    items: dict[str, tuple[ItemView, ...]]
    links: tuple[LinkView, ...]
    outcome: Optional[Outcome] = None


@dataclass(frozen=True)
class RegionView:
    name: str
    role: str  # "primary" | "secondary" | "location" (a multi-region vault location such as GCS "eu")
    zones: tuple[str, ...]


class ScenarioError(ValueError):
    """A --scenario value the plan has no failure for; the message names what is allowed."""


@dataclass(frozen=True)
class Failure:
    label: str  # "zone-loss:<zone>" | "region-loss:<region>"
    region: str
    zone: Optional[str]


@dataclass(frozen=True)
class Diagram:
    stack: str
    cloud: str
    regions: tuple[RegionView, ...]
    workloads: tuple[WorkloadView, ...]
    failure: Optional[Failure] = None


def build(facts: PlanFacts, failure: Optional[Failure] = None) -> Diagram:
    """The diagram of a plan's facts; with ``failure``, each workload's outcome from its resilience scenario."""
    tiers = [t.value for t in Tier]
    ordered = sorted(facts.workloads, key=lambda w: (tiers.index(w.tier) if w.tier in tiers else len(tiers), w.name))
    workloads = tuple(_workload(w, facts, failure) for w in ordered)
    return Diagram(facts.stack, facts.cloud, _regions(facts), workloads, failure)


def _regions(facts: PlanFacts) -> tuple[RegionView, ...]:
    roles = {facts.primary_region: "primary"}
    if facts.secondary_region:
        roles[facts.secondary_region] = "secondary"
    out = [RegionView(r, roles[r], tuple(facts.zones.get(r, ()))) for r in facts.regions]
    # Vaults in a location that is no region of the stack (a multi-region bucket or backup vault) get a column too.
    extra = sorted({v.region for w in facts.workloads for v in w.vaults} - set(roles) - {"global", ""})
    return tuple(out + [RegionView(r, "location", ()) for r in extra])


def _workload(w: WorkloadFacts, facts: PlanFacts, failure: Optional[Failure]) -> WorkloadView:
    routed = tuple(w.routing.regions) if w.routing else ()
    serving = tuple(serving_regions(w)) if w.has_service else ()
    items = {r.name: tuple(_items(w, r.name)) for r in _regions(facts)}
    outcome = _outcome(w, facts, failure) if failure else None
    return WorkloadView(w.name, w.tier, w.strategy, front_text(w), routed, serving, _pools(w), items, _links(w, items), outcome)


def front_text(w: WorkloadFacts) -> str:
    """How the workload's public name reaches its regions (the Routing fact)."""
    if not w.has_service:
        return "no public endpoint"
    r = w.routing
    if r is None:
        return "load balancer only (no DNS routing)"
    if r.policy == "failover":
        others = [x for x in _ordered(r.regions, w) if x != w.primary_region]
        return f"DNS failover: {w.primary_region} -> {', '.join(others)}" if others else f"DNS failover: {w.primary_region}"
    regions = _ordered(r.regions, w)
    if r.policy == "latency":
        return f"DNS latency routing: {', '.join(regions)}"
    if r.policy == "global-lb":
        live = [x for x in regions if x not in r.standby_regions]
        standby = f" (standby: {', '.join(_ordered(r.standby_regions, w))})" if r.standby_regions else ""
        return f"global LB: {', '.join(live)}{standby}"
    return f"DNS: {', '.join(regions)}"


def _ordered(regions, w: WorkloadFacts) -> list[str]:
    """Primary first, then secondary, then by name: the picture does not depend on the plan's record order."""
    return sorted(regions, key=lambda x: (x != w.primary_region, x != w.secondary_region, x))


def _pools(w: WorkloadFacts) -> dict[str, tuple[PoolView, ...]]:
    groups: dict[tuple[str, tuple[str, ...], bool], list] = {}
    for p in w.pools:
        groups.setdefault((p.region, tuple(p.zones), p.gpu), []).append(p)
    out: dict[str, list[PoolView]] = {}
    for (region, zones, gpu), pools in groups.items():
        view = PoolView(zones, len(pools), sum(p.min_nodes for p in pools), sum(p.max_nodes for p in pools), gpu)
        out.setdefault(region, []).append(view)
    return {region: tuple(sorted(views, key=lambda v: (v.zones, not v.gpu))) for region, views in out.items()}


def _items(w: WorkloadFacts, region: str) -> list[ItemView]:
    """The workload's regional row: load balancer, database, vaults. Keys are region|URN: one resource
    may stand in several regions (a replicated secret, a dual-region bucket)."""
    items = []
    for b in (b for b in w.balancers if b.region == region):
        standby = w.routing is not None and region in w.routing.standby_regions
        label = "LB backend" if w.routing is not None and w.routing.policy == "global-lb" else "load balancer"
        detail = ("standby (drained)" if standby else f"{len(b.zones)} zones") if b.zones or standby else ""
        items.append(ItemView(LB, f"{region}|{b.urn}", label, detail, "lb-standby" if standby else "lb"))
    items += [_database(d, region) for d in w.databases if d.region == region]
    items += [_vault(v, region) for v in w.vaults if v.region == region]
    return sorted(items, key=_item_order)


def _item_order(item: ItemView) -> tuple:
    """Load balancer, database, then vaults by kind: the same row whatever order the plan recorded them in."""
    labels = list(VAULT_LABELS.values())
    return ((LB, DB, VAULT).index(item.kind), labels.index(item.label) if item.label in labels else len(labels), item.label, item.key)


def _database(d: Database, region: str) -> ItemView:
    """The database role: writer, replica, or headless (storage-only) replica."""
    if d.role == "writer":
        standby = "HA standby" if d.zone_redundant else f"{len(d.instances) - 1} standby" if len(d.instances) > 1 else "single instance"
        return ItemView(DB, f"{region}|{d.urn}", "DB writer", standby, "db-writer")
    if d.headless:
        return ItemView(DB, f"{region}|{d.urn}", "DB headless replica", "storage only", "db-headless")
    detail = "write forwarding" if d.write_forwarding else f"{len(d.instances)} instance{'s' if len(d.instances) != 1 else ''}"
    return ItemView(DB, f"{region}|{d.urn}", "DB replica", detail, "db-replica")


# Vault kinds of the read model (facts.Vault.kind; images / artifacts / secrets: recovery_facts.py) -> label.
VAULT_LABELS = {"objects": "object vault", "recovery-points": "backup vault", "artifacts": "artifact vault",
                "images": "image registry", "secrets": "secret"}


def _vault(v: Vault, region: str) -> ItemView:
    label = VAULT_LABELS.get(v.kind, f"{v.kind} vault")
    lock = (v.lock or "").upper()
    detail = {"": "", "NONE": "no lock", "IMMUTABLE": "immutable tags", "MUTABLE": "mutable tags"}.get(lock, f"{lock.lower()} lock")
    return ItemView(VAULT, f"{region}|{v.urn}", label, detail, "vault")


def _links(w: WorkloadFacts, items: dict[str, tuple[ItemView, ...]]) -> tuple[LinkView, ...]:
    """Database replication (writer -> each secondary) and every vault copy between regions."""
    links = []
    writer = next((d for d in w.databases if d.role == "writer"), None)
    for d in w.databases:
        if writer is not None and d.role != "writer" and d.region != writer.region:
            links.append(LinkView(f"{writer.region}|{writer.urn}", f"{d.region}|{d.urn}", "DB replication"))
    for c in w.copies:
        source, dest = _end(c, items, c.source_region, c.source_urn), _end(c, items, c.dest_region, c.dest_urn)
        if source and dest and source != dest:
            links.append(LinkView(source, dest, f"{VAULT_LABELS.get(c.kind, c.kind).split()[0]} copy"))
    place = {i.key: (n, r) for r, row in enumerate(items.values()) for n, i in enumerate(row)}
    unique = dict.fromkeys(links)  # one arrow per source, destination and kind
    return tuple(sorted(unique, key=lambda l: (l.label != "DB replication", place.get(l.source), place.get(l.dest), l.label)))


def _end(c: Copy, items: dict[str, tuple[ItemView, ...]], region: str, urn: Optional[str]) -> Optional[str]:
    """The item a copy leaves or reaches: the named vault, else the region's vault of that kind, else
    (recovery points of a database's automated backups) the region's database."""
    here = items.get(region, ())
    if urn and any(i.key == f"{region}|{urn}" for i in here):
        return f"{region}|{urn}"
    label = VAULT_LABELS.get(c.kind, f"{c.kind} vault")
    match = next((i for i in here if i.kind == VAULT and i.label == label), None)
    match = match or (next((i for i in here if i.kind == DB), None) if c.kind == "recovery-points" else None)
    return match.key if match else None


def _outcome(w: WorkloadFacts, facts: PlanFacts, failure: Failure) -> Outcome:
    """The workload's resilience scenario for the failure, as `blueprint resilience` reports it."""
    found: Optional[Scenario] = next((s for s in scenarios(w, facts) if s.scenario == failure.label), None)
    if found is None:  # parse_failure accepts only labels the analysis produces for this plan
        raise ScenarioError(f"the resilience analysis has no scenario {failure.label!r} for workload {w.name}")
    gpu = "" if found.gpu_capacity_pct is None else f"GPU {found.gpu_capacity_pct:g}% now"
    writer = "" if found.db_writer is None else f"DB writer: {found.db_writer}"
    detail = ", ".join(x for x in (gpu, writer) if x)
    if found.serving_now:
        return Outcome("serving", "keeps serving", detail)
    if found.serving:
        return Outcome("recovering", f"serves after {found.recovery}", detail)
    return Outcome("down", f"down: {found.recovery}", detail)

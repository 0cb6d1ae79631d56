"""Cloud-neutral facts the resilience analysis, the tier policies (policies/rules/read_model.py)
and the audit (blueprint/audit/expected.py, via ``PlanFacts.inventory``) read, extracted from a plan by a cloud module
(``aws_facts.py``; a ``gcp_facts.py`` fills the same model for GCP plans).

Only what the plan says: node-pool sizes, load-balancer zones, routing policy, health-check
settings, database topology, backup copies. Nothing is derived from the tier label except the
targets and the tier's zone rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional


@dataclass(frozen=True)
class Pool:
    """A node pool (EKS managed node group, GKE node pool) serving one workload."""

    urn: str
    region: str
    zones: tuple[str, ...]
    min_nodes: int
    max_nodes: int
    gpu: bool
    # How long a new node of this pool takes to join and run pods; None: Figures.gpu_node_start.
    start_s: Optional[float] = None
    start_source: str = ""


@dataclass(frozen=True)
class Balancer:
    urn: str
    region: str
    zones: tuple[str, ...]


@dataclass(frozen=True)
class HealthProbe:
    """A DNS (or global load balancer) health check that decides which region gets traffic."""

    urn: str
    region: str  # the region whose endpoint it probes
    interval_s: float
    failure_threshold: int
    # Added latency before the verdict acts on traffic; None: Figures.dns_checker_latency (Route 53).
    latency_s: Optional[float] = None
    latency_source: str = ""


@dataclass(frozen=True)
class Routing:
    """How the workload's public name routes between regions."""

    policy: str  # "latency" | "failover" | "single" | "global-lb"
    regions: tuple[str, ...]  # regions the name can route to
    probes: tuple[HealthProbe, ...]
    shift_s: float  # how long resolvers keep the old answer (alias TTL / LB failover)
    shift_source: str
    record_urns: tuple[str, ...] = ()
    # Regions attached but drained (GCP backends at capacity_scaler 0): they take traffic only
    # after an operator promotes them, so failing over to them starts with declaring a disaster.
    standby_regions: tuple[str, ...] = ()
    standby_source: str = ""
    # The records also answer only while a failover orchestration's own health check of their region is healthy
    # (AWS: a calculated check ANDs the endpoint check with the Region switch plan's): with failover routing, the
    # standby takes traffic only once the orchestration's traffic step activates it.
    controlled: bool = False


@dataclass(frozen=True)
class DbInstance:
    urn: str
    zone: Optional[str]
    writer: bool


@dataclass(frozen=True)
class Database:
    """One regional database cluster of a workload."""

    urn: str
    region: str
    role: str  # "writer" | "secondary" (replica of a global/cross-region database)
    instances: tuple[DbInstance, ...]
    global_id: Optional[str]
    subnet_zones: tuple[str, ...]
    subnet_group_urn: Optional[str] = None
    # Mechanism figures set by the cloud module (None: the Aurora figures): promoting this
    # secondary to writer, and its replication lag behind the writer.
    promote_s: Optional[float] = None
    promote_source: str = ""
    # How the promotion is named in the breakdown (e.g. Cloud SQL replica failover to a DR replica).
    promote_step: str = "promote the cross-region replica"
    lag_s: Optional[float] = None
    lag_source: str = ""
    # True: the service keeps a synchronous standby in another zone itself (Cloud SQL REGIONAL),
    # whatever the instance list says; False: confined to one zone; None: judge by the instances.
    zone_redundant: Optional[bool] = None
    # A secondary whose sessions may write: it forwards their writes to the writer cluster while
    # that one is up (Aurora global write forwarding). False: read-only until promoted.
    write_forwarding: bool = False
    # A writer whose private address the workload's pods in these other regions reach directly
    # (GCP: Cloud SQL private IP over the global VPC, "You can connect to private IP addresses across
    # regions"): their sessions write across regions while it is up. Empty: only its own region
    # (AWS: each region's VPC is separate and nothing routes between them).
    reachable_from: tuple[str, ...] = ()

    @property
    def headless(self) -> bool:
        return not self.instances


@dataclass(frozen=True)
class Vault:
    """An object vault (versioned, locked bucket) or a recovery-point vault."""

    urn: str
    region: str
    kind: str  # "objects" | "recovery-points"
    name: str
    # How the vault's content is locked against deletion, for the tier rules (policies/rules/tiers.py):
    # "COMPLIANCE" (nobody can shorten or lift it), "GOVERNANCE" (privileged principals can),
    # "NONE"; None when the cloud module does not say (e.g. Cloud SQL automated backups).
    lock: Optional[str] = None


@dataclass(frozen=True)
class Copy:
    """A copy of a vault's content into another vault (bucket replication, backup copy)."""

    urn: str
    source_region: str
    dest_region: str
    kind: str  # "objects" | "recovery-points"
    lag_s: float  # the worst-case age of the newest copy (RTC, or schedule + copy time)
    lag_source: str
    # The vaults copied from and into (Vault.urn), when the plan says which; None: only the regions are known.
    source_urn: Optional[str] = None
    dest_urn: Optional[str] = None


# Recovery steps an orchestration can automate (the estimate's parallel steps it replaces).
STEP_DATABASE, STEP_GPU, STEP_TRAFFIC = "database", "gpu", "traffic"


@dataclass(frozen=True)
class Orchestration:
    """A planned resource that executes the workload's failover (AWS ARC Region switch plan, GCP Cloud
    Workflows workflow), read from the plan: who approves, which recovery steps it runs, and when an
    automatic one starts."""

    urn: str
    kind: str  # how the report names it, e.g. "Region switch plan", "Cloud Workflows workflow"
    approval: str  # "automatic" (its trigger starts it) | "manual" (a human declares the disaster first)
    # Recovery step (STEP_*) -> the orchestration's own step name that runs it (e.g. "promote-database").
    steps: Mapping[str, str]
    # Seconds from the failure until its trigger starts it (automatic), and why; None: no trigger in the plan.
    trigger_s: Optional[float] = None
    trigger_source: str = ""
    # Why a step may wait for another step of the same workflow (e.g. AWS activeActive runs the traffic step first).
    ordering: str = ""


@dataclass
class WorkloadFacts:
    name: str
    tier: str
    strategy: str
    primary_region: str
    secondary_region: Optional[str]
    has_service: bool = False
    pools: list[Pool] = field(default_factory=list)
    balancers: list[Balancer] = field(default_factory=list)
    routing: Optional[Routing] = None
    databases: list[Database] = field(default_factory=list)
    vaults: list[Vault] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # URNs of the workload's custom resources
    # The planned failover orchestration of the workload (None: nothing in the plan executes its failover).
    orchestration: Optional[Orchestration] = None

    def pools_in(self, region: str, gpu_only: bool = False) -> list[Pool]:
        return [p for p in self.pools if p.region == region and (p.gpu or not gpu_only)]

    def database_in(self, region: str) -> Optional[Database]:
        return next((d for d in self.databases if d.region == region), None)

    @property
    def has_gpu(self) -> bool:
        return any(p.gpu for p in self.pools)


def workloads_of(resources: Iterable[Any], primary: str, secondary: Optional[str],
                 metadata: Callable[[Any], Mapping[str, Any]], tier_key: str, strategy_key: str) -> dict[str, WorkloadFacts]:
    """One WorkloadFacts per workload the planned resources serve, with its URNs, and its tier and
    strategy from the first resource carrying them in ``metadata`` (AWS tags, GCP labels)."""
    workloads: dict[str, WorkloadFacts] = {}
    for r in resources:
        if not r.workload:
            continue
        w = workloads.get(r.workload)
        if w is None:
            w = workloads[r.workload] = WorkloadFacts(r.workload, "", "", primary, secondary)
        w.resources.append(r.urn)
        meta = metadata(r)
        if not w.tier and meta.get(tier_key):
            w.tier = str(meta[tier_key])
        if not w.strategy and meta.get(strategy_key):
            w.strategy = str(meta[strategy_key])
    return workloads


@dataclass(frozen=True)
class Cluster:
    """A Kubernetes cluster (EKS, GKE) of the shared platform in one region."""

    urn: str
    region: str
    zones: tuple[str, ...]  # zones its nodes can be placed in; () when the plan does not say
    # False: the control plane runs in one zone (a GKE zonal cluster) and is lost with it.
    regional: bool = True


@dataclass(frozen=True)
class Egress:
    """A NAT gateway (or Cloud NAT) and the zones whose private subnets route through it."""

    urn: str
    region: str
    zone: Optional[str]
    serves_zones: tuple[str, ...]


@dataclass
class PlanFacts:
    cloud: str
    stack: str
    primary_region: str
    secondary_region: Optional[str]
    zones: dict[str, tuple[str, ...]]  # region -> zones in use
    workloads: list[WorkloadFacts]
    egress: list[Egress]
    platform: dict[str, list[str]]  # region -> URNs of shared platform resources
    clusters: list[Cluster] = field(default_factory=list)
    # What a live account must hold, for the audit (Inventory, below); empty unless the cloud module fills it.
    inventory: "Inventory" = field(default_factory=lambda: Inventory())

    @property
    def regions(self) -> list[str]:
        return [r for r in (self.primary_region, self.secondary_region) if r]


# What a live account must hold, keyed by what it shares with the plan (the audit, blueprint/audit):
# physical names in a plan are the mocks' auto-names, so these carry the Name tag (the logical name every
# taggable child carries, components/aws/_tags.py) and the identifiers the components set explicitly.
@dataclass(frozen=True)
class VaultRecord:
    """A locked object vault (object-lock enabled bucket): its lock as planned, and where it replicates."""

    name_tag: str
    region: str
    workload: Optional[str]
    lock_mode: Optional[str]
    lock_days: Optional[int]
    replicate_to: Optional[tuple[str, str]] = None  # (Name tag, region) of the destination vault


@dataclass(frozen=True)
class GlobalDatabase:
    """A global database (Aurora global cluster) by its identifier, and its regional member clusters."""

    identifier: str
    workload: Optional[str]
    region: str
    member_regions: tuple[str, ...]
    writer_region: Optional[str]


@dataclass(frozen=True)
class ProbeRecord:
    """An endpoint health check (calculated checks left out: they have no interval, threshold or path)."""

    name_tag: str
    workload: Optional[str]
    interval: Optional[int]
    threshold: Optional[int]
    path: Optional[str]
    type: Optional[str]


@dataclass(frozen=True)
class BalancerRecord:
    """A load balancer by Name tag, with the zones of its subnets."""

    name_tag: str
    region: str
    workload: Optional[str]
    zones: tuple[str, ...]


@dataclass(frozen=True)
class BackupSchedule:
    """One rule of a backup plan: the vault it writes to and the vaults it copies into."""

    name: str
    region: str
    workload: Optional[str]
    vault: str
    copy_to: tuple[tuple[str, str], ...] = ()  # (region, vault name)


@dataclass
class Inventory:
    """Every record in plan order; empty for a cloud whose module does not fill it (GCP: the audit is AWS only)."""

    vaults: list[VaultRecord] = field(default_factory=list)
    global_databases: list[GlobalDatabase] = field(default_factory=list)
    probes: list[ProbeRecord] = field(default_factory=list)
    balancers: list[BalancerRecord] = field(default_factory=list)
    backup_schedules: list[BackupSchedule] = field(default_factory=list)

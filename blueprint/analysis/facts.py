"""Cloud-neutral facts the resilience analysis, the tier policies (blueprint/policies/read_model.py)
the audit (blueprint/audit/expected.py, via ``PlanFacts.inventory``) and the region-rebuild runbook
(blueprint/rebuild, via ``PlanFacts.rebuild``: rebuild_records.py) read, extracted from a plan by a cloud module
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
    kind: str  # "objects" | "recovery-points" | recovery data (issue 18): "images" | "artifacts" | "secrets"
    name: str
    # How the vault's content is locked against deletion, for the tier rules (blueprint/policies/tiers.py):
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
    # The failover workflow's recovery steps (STEP_*) in the order it runs them: each inner tuple runs
    # together, the next starts when it ends. Empty: every automated step starts with the orchestration.
    stages: tuple = ()


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
    # Degraded serving (issue 18, service.fallback): the regions where the workload's fallback runs AND gets
    # traffic, i.e. its Deployment (labelled blueprint-role: fallback) and its routing are both planned there
    # (blueprint/analysis/fallback_facts.py; GCP: a backend of the workload's backend service on the fallback
    # Service's NEGs with capacity > 0; AWS: filled by aws_facts). () = no routed fallback.
    fallback_regions: tuple[str, ...] = ()
    fallback_source: str = ""
    # Regions with a fallback Deployment the routing does not reach (never counted as serving).
    fallback_unrouted: tuple[str, ...] = ()
    # When the routing sends the fallback requests: "overflow" (what the GPU backends cannot take: GCP's
    # preference DEFAULT behind PREFERRED) or "gpu-endpoint-down" (AWS: a weight-0 Route 53 record, answered only
    # while every nonzero record of the region, its GPU endpoint, is unhealthy; blueprint/analysis/aws_fallback_facts.py).
    fallback_trigger: str = "overflow"
    # GCP: regions whose fallback backends share a preference layer with the region's GPU backends (both DEFAULT:
    # a warm or pilot standby), where the load balancer splits requests between them in proportion to capacity,
    # and the orchestration step that makes those GPU backends PREFERRED after a failover ("" none).
    fallback_shares_layer: tuple[str, ...] = ()
    fallback_promoted_by: str = ""

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


def by_region(resources: Iterable[Any]) -> dict[str, list[str]]:
    """Region -> URNs of ``resources`` (those placed in a region: not "global", not unknown)."""
    found: dict[str, list[str]] = {}
    for r in resources:
        if r.region and r.region != "global":
            found.setdefault(r.region, []).append(r.urn)
    return found


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
    # What the region-rebuild runbook names (RebuildRecords, below); empty unless the cloud module fills it.
    rebuild: "RebuildRecords" = field(default_factory=lambda: RebuildRecords())
    # Issue 18 (part 2): every workload's queues with their DLQs (blueprint/analysis/queue_facts.py) and the
    # stack's audit trails (blueprint/analysis/audit_facts.py); filled by both cloud modules.
    queues: list = field(default_factory=list)
    audit_trails: list = field(default_factory=list)
    break_glass: list = field(default_factory=list)  # audit_facts.BreakGlassAccess
    # Region -> URNs of the network there (AWS VPC, GCP subnetwork: its VPC network is global); issue 16,
    # the intent rules check that every region the footprint runs a platform in has one.
    networks: dict[str, list[str]] = field(default_factory=dict)

    @property
    def regions(self) -> list[str]:
        return [r for r in (self.primary_region, self.secondary_region) if r]


# What a live account must hold, keyed by what it shares with the plan (the audit, blueprint/audit):
# physical names in a plan are the mocks' auto-names, so these carry the Name tag (the logical name every
# taggable child carries, blueprint/components/aws/_tags.py) and the identifiers the components set explicitly.
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


# What the region-rebuild runbook (blueprint/rebuild) names in its commands: identifiers the components
# set (or the logical names the runbook looks physical names up by), per workload and region, in plan order.
@dataclass(frozen=True)
class Named:
    """A resource the runbook names: its logical name and, when the component sets one, its physical name
    (``name``/identifier input; node groups: ``nodeGroupName`` or ``nodeGroupNamePrefix``)."""

    kind: str  # REBUILD_* below
    logical: str
    physical: Optional[str]
    region: str
    workload: Optional[str]
    # One more value the runbook's command needs: a DB cluster's engine, a DB instance's class, a Cloud SQL
    # replica's primary (masterInstanceName), a GKE node pool's cluster name.
    detail: Optional[str] = None


# Kinds of Named records.
(REBUILD_DB_CLUSTER, REBUILD_DB_INSTANCE, REBUILD_RECOVERY_VAULT, REBUILD_HEALTH_CHECK, REBUILD_NODE_GROUP,
 REBUILD_K8S_CLUSTER, REBUILD_SQL_INSTANCE, REBUILD_NODE_POOL) = (
    "db-cluster", "db-instance", "recovery-vault", "health-check", "node-group", "k8s-cluster", "sql-instance", "node-pool")


@dataclass(frozen=True)
class DnsRecordEntry:
    """A DNS record of a workload's public name: its name and routing set identifier."""

    name: Optional[str]
    set_identifier: Optional[str]
    region: str
    workload: Optional[str]


@dataclass(frozen=True)
class ReplicaScaler:
    """A workload's pod autoscaler in a region: "scaledobject" (KEDA) or "hpa", its metadata name and
    namespace, and its replica floor (minReplicaCount / minReplicas; None when unset)."""

    kind: str
    name: Optional[str]
    namespace: Optional[str]
    floor: Optional[float]
    region: str
    workload: Optional[str]


@dataclass(frozen=True)
class SwitchPlanEntry:
    """A failover orchestration's resource (AWS Region switch plan, GCP workflow) as the runbook starts it."""

    workload: Optional[str]
    name: Optional[str]
    region: str
    approach: Optional[str] = None  # AWS recoveryApproach
    primary_region: Optional[str] = None
    triggered: bool = False
    step_names: tuple[str, ...] = ()
    labels: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BackendEntry:
    """A global backend service's backend: its group (NEG URL) and capacity scaler (1.0 when unset)."""

    group: str
    capacity: Optional[float]


@dataclass(frozen=True)
class BackendServiceEntry:
    logical: str
    workload: Optional[str]
    backends: tuple[BackendEntry, ...]


@dataclass
class RebuildRecords:
    """Everything the rebuild runbook reads from a plan; empty unless the cloud module fills it."""

    named: list[Named] = field(default_factory=list)
    dns_records: list[DnsRecordEntry] = field(default_factory=list)
    scalers: list[ReplicaScaler] = field(default_factory=list)
    orchestrations: list[SwitchPlanEntry] = field(default_factory=list)
    backend_services: list[BackendServiceEntry] = field(default_factory=list)
    # Workload -> the name prefix of its Region switch plan's approver role (IAM adds a suffix).
    approver_prefixes: dict[str, str] = field(default_factory=dict)
    # Cloud SQL replica names designated as their primary's DR replica (gcp_facts.designated_dr_replicas).
    dr_replicas: tuple[str, ...] = ()
    # Region -> logical names of the cloud provider's resources planned there (AWS: us-east-1-pinned ones).
    names_by_region: dict[str, list[str]] = field(default_factory=dict)

    def of(self, kind: str, workload: Optional[str] = None, region: Optional[str] = None) -> list[Named]:
        return [n for n in self.named if n.kind == kind and (workload is None or n.workload == workload)
                and (region is None or n.region == region)]

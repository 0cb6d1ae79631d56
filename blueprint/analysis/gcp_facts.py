"""GCP plan -> cloud-neutral facts (blueprint.analysis.facts).

Reads the pulumi-gcp inputs as the engine receives them (camelCase) and the IDs and self links the
plan recorded, joining resources by those references (backend ``group`` -> NEG self link,
``healthChecks`` -> health check id, node pool ``cluster`` -> cluster id) rather than by names.

How the GCP mechanisms map onto the model (docs/resilience.md, "GCP"):

- Global external Application Load Balancer: one anycast IP for every region, so failing over needs
  no DNS change. Regions whose backends (zonal NEGs) have ``capacityScaler`` > 0 take traffic and
  the load balancer moves it to the next region with capacity once the health check marks the dead
  region's endpoints unhealthy: detection = ``checkIntervalSec`` x ``unhealthyThreshold`` + the
  health state's propagation, traffic shift = the backend service's connection draining. Backends
  at ``capacityScaler`` 0 (pilot light) get no traffic until an operator promotes
  them (``gcloud compute backend-services update-backend --capacity-scaler=1``): a standby region,
  so the failover starts with declaring the disaster (pilot light). A warm standby's backends have
  capacity but ``preference`` DEFAULT: they take traffic by themselves once the PREFERRED primary
  backends fail their health checks, so its detection is the health check, like active-active.
- Cloud SQL: ``availabilityType`` REGIONAL keeps a synchronous standby in another zone (zone loss
  costs an automatic failover); an instance with ``masterInstanceName`` is a cross-region
  asynchronous replica, promoted by hand (``gcloud sql instances promote-replica``); a replica the
  primary designates as its DR replica (Enterprise Plus advanced DR) takes over by replica failover,
  and the write endpoint follows it. The designation is made after the replica exists by a
  ``command:local:Command`` (blueprint.components.gcp.dr_replica_designation) whose ``environment`` names the
  primary and the replica; the primary's own inputs never name the replica (that would be a
  create-order cycle, which Cloud SQL refuses). A primary on private IP
  (``settings.ipConfiguration.privateNetwork``) is reachable from every region of that VPC network
  (Cloud SQL "Learn about using private IP": "You can connect to private IP addresses across
  regions"): the regions whose GKE clusters are on that network write to it across regions (the
  "remote" write path) while it is up. Automated
  backups are daily, stored in ``backupConfiguration.location`` or, by default, the multi-region
  that contains the instance's region.
- Cloud Storage: a configurable dual-region (``customPlacementConfig.dataLocations``) holds every
  object in both regions; replication lag is 15 min with ``rpo`` ASYNC_TURBO, else up to 12 h. A
  multi-region bucket (EU, US, ASIA) spans regions Google picks; a regional bucket has no copy.
- Cloud NAT is a regional, distributed service, not a gateway in one zone: no zonal egress SPOF.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Optional

from blueprint.analysis.facts import (
    by_region,
    Balancer, Cluster, Copy, Database, DbInstance, Egress, HealthProbe, PlanFacts, Pool, Routing, Vault, workloads_of,
)
from blueprint.analysis import fallback_facts, gcp_orchestration, rebuild_records, recovery_facts
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures
from blueprint.analysis.graph import region_roles
from blueprint.analysis.audit_facts import gcp_break_glass, gcp_trails
from blueprint.analysis.queue_facts import gcp_queues
from blueprint.plan.model import Plan, PlannedResource
from blueprint.plan.placement import own_zone
from blueprint.types import command, gcp

T_CLUSTER = gcp.CONTAINER_CLUSTER
T_NODE_POOL = gcp.CONTAINER_NODE_POOL
T_NEG = gcp.COMPUTE_NETWORK_ENDPOINT_GROUP
T_BACKEND = gcp.COMPUTE_BACKEND_SERVICE
T_HEALTH = gcp.COMPUTE_HEALTH_CHECK
T_RECORD = gcp.DNS_RECORD_SET
T_SQL = gcp.SQL_DATABASE_INSTANCE
T_BUCKET = gcp.STORAGE_BUCKET
T_TRANSFER_JOB = gcp.STORAGE_TRANSFER_JOB
T_NAT = gcp.COMPUTE_ROUTER_NAT
T_COMMAND = command.LOCAL_COMMAND
# The structured inputs of a DR replica designation (blueprint/components/gcp/dr_replica_designation.py).
ENV_PRIMARY = "BLUEPRINT_PRIMARY_INSTANCE"
ENV_DR_REPLICA = "BLUEPRINT_DR_REPLICA"

LABEL_TIER = "blueprint-tier"
LABEL_STRATEGY = "blueprint-strategy"

# Multi-region location codes of Cloud Storage and Cloud SQL backups, by region prefix: where
# Cloud SQL keeps backups when ``backupConfiguration.location`` is unset ("the multi-region
# closest to the instance"). A multi-region is never lost with one region.
_MULTI_REGION = {"europe": "eu", "us": "us", "northamerica": "us", "southamerica": "us", "asia": "asia",
                 "australia": "asia"}
_GCS_MULTI_REGIONS = {"eu", "us", "asia"}


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _keys(r: PlannedResource) -> set[str]:
    """Every string another resource may use to reference ``r``: id, self link, name, and the
    self link's ``projects/...`` tail."""
    keys = set()
    for value in (r.id, r.outputs.get("selfLink"), r.outputs.get("id"), r.outputs.get("name"), r.inputs.get("name")):
        if isinstance(value, str) and value:
            keys.add(value)
            if "/projects/" in value:
                keys.add("projects/" + value.split("/projects/", 1)[1])
    return keys


def _ref(value: Any) -> set[str]:
    text = value if isinstance(value, str) else ""
    out = {text} if text else set()
    if "/projects/" in text:
        out.add("projects/" + text.split("/projects/", 1)[1])
    return out


def _labels(r: PlannedResource) -> dict[str, Any]:
    for getter in (lambda: r.inputs.get("labels"), lambda: (r.inputs.get("settings") or {}).get("userLabels"),
                   lambda: (r.inputs.get("nodeConfig") or {}).get("resourceLabels"), lambda: r.inputs.get("resourceLabels")):
        values = getter()
        if isinstance(values, dict) and values:
            return values
    return {}


def multi_region_of(region: str) -> str:
    """The multi-region (eu, us, asia) containing ``region``: Cloud SQL's default backup location."""
    return _MULTI_REGION.get(region.split("-", 1)[0], f"multi-region near {region}")


def extract(plan: Plan, figures: Figures = DEFAULT_FIGURES) -> PlanFacts:
    custom = [r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    by_type: dict[str, list[PlannedResource]] = defaultdict(list)
    for r in custom:
        by_type[r.type].append(r)

    primary, secondary = region_roles(plan)
    zones: dict[str, set[str]] = defaultdict(set)
    cluster_zones: dict[str, tuple[str, ...]] = {}
    # Region -> the VPC networks its GKE clusters (the workloads' pods) are on.
    cluster_networks: dict[str, set[str]] = defaultdict(set)
    for c in by_type[T_CLUSTER]:
        if c.region:
            cluster_networks[c.region] |= _ref(c.inputs.get("network"))
        locations = tuple(c.inputs.get("nodeLocations") or ())
        for key in _keys(c):
            cluster_zones[key] = locations
        if c.region:
            zones[c.region].update(locations)

    workloads = workloads_of(custom, primary, secondary, _labels, LABEL_TIER, LABEL_STRATEGY)

    _pools(workloads, by_type[T_NODE_POOL], cluster_zones, zones, figures)
    # The degraded mode's NEGs (issue 18) are not GPU capacity: the routing facts leave them out, and
    # fallback_facts reads them into WorkloadFacts.fallback_regions.
    fallback_keys = fallback_facts.gcp_fallback_neg_keys(custom, _keys)
    _load_balancers(workloads, by_type, zones, secondary, figures, skip=fallback_keys)
    fallback_facts.read_gcp(workloads, custom, {k: n for n in by_type[T_NEG] for k in _keys(n)}, by_type[T_BACKEND], _ref)
    _databases(workloads, by_type[T_SQL], figures, designated_dr_replicas(custom), cluster_networks)
    gcp_orchestration.read(workloads, by_type[gcp.WORKFLOWS_WORKFLOW], by_type[gcp.MONITORING_ALERT_POLICY],
                           by_type[gcp.CLOUDRUNV2_WORKER_POOL], figures)
    fallback_facts.read_gcp_promotion(workloads, by_type[gcp.WORKFLOWS_WORKFLOW])
    _buckets(workloads, by_type[T_BUCKET], figures)
    _bucket_replication(workloads, by_type[T_BUCKET], by_type[T_TRANSFER_JOB], figures)
    # Images, model artifacts and secrets (issue 18): Vault kinds images / artifacts / secrets.
    recovery_facts.read_gcp(workloads, by_type, _labels)

    # Cloud NAT is regional and distributed (no NAT instance in a zone): it serves every zone of
    # its region and fails with the region only.
    egress = [Egress(n.urn, n.region or "", None, ()) for n in by_type[T_NAT]]
    platform: dict[str, list[str]] = defaultdict(list)
    for r in custom:
        if r.workload is None and r.region and r.region != "global":
            platform[r.region].append(r.urn)
    return PlanFacts(
        cloud=plan.cloud or "gcp", stack=plan.stack, primary_region=primary, secondary_region=secondary,
        zones={k: tuple(sorted(v)) for k, v in zones.items() if v}, workloads=list(workloads.values()),
        egress=egress, platform=dict(platform), clusters=_clusters(by_type[T_CLUSTER]),
        rebuild=rebuild_records.read_gcp(by_type, designated_dr_replicas(custom)),
        queues=gcp_queues(custom), audit_trails=gcp_trails(custom), break_glass=gcp_break_glass(custom),
        # The VPC network is global; each region's subnetwork is its network there.
        networks=by_region(by_type[gcp.COMPUTE_SUBNETWORK]),
    )


def _clusters(clusters: Iterable[PlannedResource]) -> list[Cluster]:
    """GKE clusters. ``location`` a zone: a zonal cluster, "the cluster master is only present in a
    single zone"; a region: "cluster master nodes are present in multiple zones in the region"
    (pulumi-gcp container.Cluster ``nodeLocations``,
    https://www.pulumi.com/registry/packages/gcp/api-docs/container/cluster/). Nodes go to
    ``nodeLocations`` (plus the cluster's zone when zonal); () when unset (GKE picks)."""
    found = []
    for c in clusters:
        zone = own_zone(c.type, c.inputs)
        locations = tuple(c.inputs.get("nodeLocations") or ())
        zones = tuple(sorted(set(locations) | ({zone} if zone else set())))
        found.append(Cluster(c.urn, c.region or "", zones, regional=zone is None))
    return found


def _pools(workloads, pools: Iterable[PlannedResource], cluster_zones, zones, figures: Figures) -> None:
    for np in pools:
        w = workloads.get(np.workload or "")
        if w is None:
            continue
        pool_zones = tuple(np.inputs.get("nodeLocations") or ())
        if not pool_zones:
            pool_zones = next((cluster_zones[k] for k in _ref(np.inputs.get("cluster")) if k in cluster_zones), ())
        if np.region:
            zones[np.region].update(pool_zones)
        scaling = np.inputs.get("autoscaling") or {}
        per_zone = max(1, len(pool_zones))
        # GKE autoscaling: min/maxNodeCount are per zone; totalMin/MaxNodeCount for the whole pool.
        if scaling.get("totalMinNodeCount") is not None or scaling.get("totalMaxNodeCount") is not None:
            low, high = _int(scaling.get("totalMinNodeCount")), _int(scaling.get("totalMaxNodeCount"))
        elif scaling:
            low, high = _int(scaling.get("minNodeCount")) * per_zone, _int(scaling.get("maxNodeCount")) * per_zone
        else:
            count = _int(np.inputs.get("nodeCount"), _int(np.inputs.get("initialNodeCount"))) * per_zone
            low = high = count
        config = np.inputs.get("nodeConfig") or {}
        gpu = bool(config.get("guestAccelerators")) or any(
            isinstance(t, dict) and t.get("key") == "nvidia.com/gpu" for t in config.get("taints") or [])
        w.pools.append(Pool(np.urn, np.region or "", pool_zones, low, high, gpu,
                            figures.gke_gpu_node_start.seconds, figures.gke_gpu_node_start.source))


def _load_balancers(workloads, by_type, zones, secondary: Optional[str], figures: Figures, skip: frozenset = frozenset()) -> None:
    negs: dict[str, PlannedResource] = {}
    for neg in by_type[T_NEG]:
        for key in _keys(neg):
            negs.setdefault(key, neg)
        zone = neg.zone or neg.inputs.get("zone")
        if neg.region and zone:
            zones[neg.region].add(zone)
    health: dict[str, PlannedResource] = {}
    for hc in by_type[T_HEALTH]:
        for key in _keys(hc):
            health.setdefault(key, hc)
    records: dict[str, list[str]] = defaultdict(list)
    for rec in by_type[T_RECORD]:
        if rec.workload:
            records[rec.workload].append(rec.urn)

    for bs in by_type[T_BACKEND]:
        w = workloads.get(bs.workload or "")
        if w is None:
            continue
        w.has_service = True
        region_zones: dict[str, set[str]] = defaultdict(set)
        capacity: dict[str, float] = defaultdict(float)
        preference: dict[str, str] = {}
        for backend in bs.inputs.get("backends") or []:
            if not isinstance(backend, dict) or _ref(backend.get("group")) & skip:
                continue
            neg = next((negs[k] for k in _ref(backend.get("group")) if k in negs), None)
            if neg is None or not neg.region:
                continue
            zone = neg.zone or neg.inputs.get("zone")
            if zone:
                region_zones[neg.region].add(zone)
            # The API's default capacityScaler is 1.0; 0 drains the backend (no new requests).
            scaler = backend.get("capacityScaler")
            capacity[neg.region] = max(capacity[neg.region], _float(scaler, 1.0) if scaler is not None else 1.0)
            # PREFERRED backends are filled first; DEFAULT (the API's default) take what they cannot.
            if preference.get(neg.region) != "PREFERRED":
                preference[neg.region] = str(backend.get("preference") or "DEFAULT")
        for region in sorted(region_zones):
            w.balancers.append(Balancer(bs.urn, region, tuple(sorted(region_zones[region]))))

        checks = bs.inputs.get("healthChecks")
        checks = checks if isinstance(checks, list) else [checks]
        hc = next((health[k] for c in checks for k in _ref(c) if k in health), None)
        serving = [r for r in sorted(region_zones) if capacity[r] > 0]
        standby = tuple(r for r in sorted(region_zones) if capacity[r] <= 0)
        probes = ()
        if hc is not None:
            interval = _float(hc.inputs.get("checkIntervalSec"), 5.0)  # API defaults: 5 s, 2 failures
            threshold = _int(hc.inputs.get("unhealthyThreshold"), 2)
            probes = tuple(HealthProbe(hc.urn, r, interval, threshold, figures.glb_health_latency.seconds,
                                       figures.glb_health_latency.source) for r in serving)
        if secondary in standby:
            shift_s, shift_source = figures.glb_standby_promotion.seconds, figures.glb_standby_promotion.source
        else:
            drain = bs.inputs.get("connectionDrainingTimeoutSec")
            if drain is None:
                shift_s, shift_source = figures.glb_default_drain.seconds, figures.glb_default_drain.source
            else:
                shift_s = _float(drain, figures.glb_default_drain.seconds)
                shift_source = (f"global external Application Load Balancer (anycast IP, no DNS change): in-flight requests "
                                f"drain for connectionDrainingTimeoutSec {shift_s:g} s of {bs.urn}")
            if secondary in serving and preference.get(secondary) == "DEFAULT" and any(
                    preference.get(r) == "PREFERRED" for r in serving if r != secondary):
                shift_source = (f"{secondary}'s backends have preference DEFAULT: the load balancer sends them traffic by itself "
                                f"once the PREFERRED backends fail their health checks (failover without an operator); "
                                + shift_source)
        w.routing = Routing(
            "global-lb", tuple(sorted(region_zones)), probes, shift_s, shift_source, tuple(records.get(w.name, ())),
            standby_regions=standby,
            standby_source=(f"backends of {', '.join(standby)} at capacityScaler 0 in {bs.urn}: the load balancer sends "
                            "them nothing until an operator runs `gcloud compute backend-services update-backend "
                            "--capacity-scaler=1`" if standby else ""),
        )


def designated_dr_replicas(resources: Iterable[PlannedResource]) -> dict[str, str]:
    """Replica instance name -> URN of the designation that makes it its primary's DR replica: a
    ``command:local:Command`` whose ``environment`` has BLUEPRINT_PRIMARY_INSTANCE and
    BLUEPRINT_DR_REPLICA ('<project>:<instance>'), counted only when that replica planned here
    follows that primary (``masterInstanceName``) and the command depends on the replica (runs after it)."""
    resources = list(resources)
    replicas = {str(r.inputs.get("name")): r for r in resources
                if r.type == T_SQL and r.inputs.get("masterInstanceName") and r.inputs.get("name")}
    designated: dict[str, str] = {}
    for cmd in resources:
        env = cmd.inputs.get("environment") if cmd.type == T_COMMAND else None
        if not isinstance(env, dict) or not isinstance(env.get(ENV_DR_REPLICA), str):
            continue
        name = env[ENV_DR_REPLICA].rsplit(":", 1)[-1]
        replica = replicas.get(name)
        if replica is not None and replica.inputs.get("masterInstanceName") == env.get(ENV_PRIMARY) \
                and replica.urn in cmd.dependencies:
            designated[name] = cmd.urn
    return designated


def _reachable_from(settings: dict[str, Any], region: str, cluster_networks: dict[str, set[str]]) -> tuple[str, ...]:
    """Other regions whose GKE clusters share the instance's private network: their pods reach its
    private IP across regions (private services access is per VPC network, not per region)."""
    network = _ref((settings.get("ipConfiguration") or {}).get("privateNetwork"))
    if not network:
        return ()
    return tuple(sorted(r for r, nets in cluster_networks.items() if r != region and network & nets))


def _databases(workloads, instances: Iterable[PlannedResource], figures: Figures, designated: dict[str, str],
               cluster_networks: Optional[dict[str, set[str]]] = None) -> None:
    instances = list(instances)
    for inst in instances:
        w = workloads.get(inst.workload or "")
        if w is None:
            continue
        settings = inst.inputs.get("settings") or {}
        replica = bool(inst.inputs.get("masterInstanceName"))
        role = "secondary" if replica else "writer"
        regional = settings.get("availabilityType") == "REGIONAL"
        preference = settings.get("locationPreference") or {}
        zone = preference.get("zone") if isinstance(preference, dict) else None
        region = inst.region or inst.inputs.get("region") or ""
        designated_by = designated.get(str(inst.inputs.get("name") or "")) if replica else None
        promote = (figures.cloudsql_dr_replica_failover if designated_by else figures.cloudsql_promote_replica) if replica else None
        promote_source = ""
        if promote is not None:
            promote_source = (f"DR replica designated by {designated_by}: {promote.source}" if designated_by
                              else f"not designated as a DR replica (no DR replica designation in the plan): {promote.source}")
        lag = figures.cloudsql_replication_lag if replica else None
        w.databases.append(Database(
            inst.urn, region, role, (DbInstance(inst.urn, zone, writer=not replica),), None, (), None,
            promote_s=promote.seconds if promote else None, promote_source=promote_source,
            promote_step="replica failover to the designated DR replica" if designated_by else "promote the cross-region replica",
            lag_s=lag.seconds if lag else None,
            lag_source=(f"asynchronous replication from {inst.inputs.get('masterInstanceName')}: {lag.source}" if lag else ""),
            zone_redundant=regional,
            reachable_from=() if replica else _reachable_from(settings, region, cluster_networks or {}),
        ))
        backup = settings.get("backupConfiguration") or {}
        if replica or not backup.get("enabled"):
            continue
        location = str(backup.get("location") or multi_region_of(region))
        name = f"{inst.inputs.get('name') or inst.id or inst.name} backups"
        w.vaults.append(Vault(inst.urn, location, "recovery-points", name))
        if location != region:
            interval = figures.cloudsql_backup_interval
            w.copies.append(Copy(inst.urn, region, location, "recovery-points", interval.seconds,
                                 f"automated backups stored in {location}: {interval.source}",
                                 source_urn=inst.urn, dest_urn=inst.urn))


def _bucket_replication(workloads, buckets: Iterable[PlannedResource], jobs: Iterable[PlannedResource], figures: Figures) -> None:
    """Cross-bucket replication jobs (Storage Transfer Service ``replicationSpec``) between two
    regional vaults: a copy from the source bucket's region to the sink's."""
    by_name = {str(b.outputs.get("name") or b.id or b.name): b for b in buckets}
    lag = figures.gcs_cross_bucket_replication
    for job in jobs:
        spec = job.inputs.get("replicationSpec") or {}
        source = by_name.get(str((spec.get("gcsDataSource") or {}).get("bucketName")))
        sink = by_name.get(str((spec.get("gcsDataSink") or {}).get("bucketName")))
        if source is None or sink is None or job.inputs.get("status", "ENABLED") != "ENABLED":
            continue
        w = workloads.get(source.workload or "")
        if w is None:
            continue
        src_region = str(source.inputs.get("location") or source.region or "").lower()
        dest_region = str(sink.inputs.get("location") or sink.region or "").lower()
        w.copies.append(Copy(source.urn, src_region, dest_region, "objects", lag.seconds, f"cross-bucket replication: {lag.source}",
                             source_urn=source.urn, dest_urn=sink.urn))


def _buckets(workloads, buckets: Iterable[PlannedResource], figures: Figures) -> None:
    for b in buckets:
        w = workloads.get(b.workload or "")
        if w is None or not b.inputs.get("retentionPolicy"):
            continue
        name = b.outputs.get("name") or b.id or b.name
        location = str(b.inputs.get("location") or b.region or "").lower()
        placement = (b.inputs.get("customPlacementConfig") or {}).get("dataLocations") or []
        data_regions = [str(r).lower() for r in placement]
        turbo = b.inputs.get("rpo") == "ASYNC_TURBO"
        lock = _bucket_lock(b.inputs.get("retentionPolicy"))
        lag = figures.gcs_turbo_replication if turbo else figures.gcs_default_replication
        if len(data_regions) >= 2:
            # A dual-region bucket: one bucket, its objects in both regions, readable and writable
            # from either; replication runs both ways.
            for region in data_regions:
                w.vaults.append(Vault(b.urn, region, "objects", name, lock=lock))
            for src in data_regions:
                for dest in data_regions:
                    if src != dest:
                        w.copies.append(Copy(b.urn, src, dest, "objects", lag.seconds, f"dual-region {location.upper()}: {lag.source}",
                                             source_urn=b.urn, dest_urn=b.urn))
        elif location in _GCS_MULTI_REGIONS:
            # Multi-region: Google picks the regions; written in the writer's region first, then
            # replicated by default replication (turbo replication is for dual-regions only).
            origin = b.region if b.region and b.region != "global" else w.primary_region
            w.vaults.append(Vault(b.urn, origin, "objects", name, lock=lock))
            w.vaults.append(Vault(b.urn, location, "objects", name, lock=lock))
            default = figures.gcs_default_replication
            w.copies.append(Copy(b.urn, origin, location, "objects", default.seconds, f"multi-region {location.upper()}: {default.source}",
                                 source_urn=b.urn, dest_urn=b.urn))
        else:
            w.vaults.append(Vault(b.urn, location or (b.region or ""), "objects", name, lock=lock))


def _bucket_lock(policy: Any) -> str:
    """A bucket retention policy locked (``isLocked``) can never be removed or shortened, "Locking a
    bucket is an irreversible action" (https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy):
    COMPLIANCE; unlocked, a storage admin can remove it: GOVERNANCE (as the immutability rule reads it)."""
    if not isinstance(policy, dict):
        return "NONE"
    return "COMPLIANCE" if policy.get("isLocked") is True else "GOVERNANCE"

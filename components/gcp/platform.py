"""The GCP composer: a footprint (blueprint.footprint) -> components, the same roles as on AWS.

Per stack: one global VPC, private services access for Cloud SQL, the project's service agents
(from the provider's lookups, components.gcp.service_agents).
Per region: a CMEK key (every service agent that stores data may use it), a subnet with Cloud NAT
and a regional GKE cluster where workloads run. Per workload: the vault (a dual-region bucket with
turbo replication where the two regions form a configurable dual-region, else a bucket in each
region), GPU pools, NEGs and Cloud SQL per region, the designation of its cross-region Cloud SQL
replica as the primary's DR replica once that replica exists (DrReplicaDesignation, unless
``blueprint:designateDrReplicas: false``), and one global external Application Load Balancer in
front of the serving regions (standby regions attached with capacity 0).

In-cluster (issue 5): each cluster's Kubernetes provider and serving PriorityClass
(RegionalPlatform), the InferenceService bound to the NEGs and a Pub/Sub queue per serving region
(WorkloadRegion); per workload, Cloud Monitoring alert policies (WorkloadAlerts: queue age and dead
letters, Cloud SQL replica lag above the RPO, load balancer 5xx).
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp

from blueprint.catalogs.tiers import SecondRegionRole, Strategy, probe_spec, tier_spec
from blueprint.footprint import Footprint, RegionRole, WorkloadPlacement
from components.gcp.alert_channel import AlertChannel, AlertChannelArgs
from components.gcp.backup_bucket import BackupBucket, BackupBucketArgs, dual_region_location
from components.gcp.data_access_audit_logs import DataAccessAuditLogs, DataAccessAuditLogsArgs
from components.gcp.dr_replica_designation import DrReplicaDesignation, DrReplicaDesignationArgs
from components.gcp.kms_key import KmsKey, KmsKeyArgs
from components.gcp.service_agents import project_service_agents
from components.gcp.load_balancer import GlobalLoadBalancer, GlobalLoadBalancerArgs, NegBackend
from components.gcp.network import Network, NetworkArgs
from components.gcp.private_service_access import PrivateServiceAccess, PrivateServiceAccessArgs
from components.gcp.regional_platform import RegionalPlatform, RegionalPlatformArgs
from components.gcp.vault_replication import VaultReplication, VaultReplicationArgs
from components.gcp.pubsub_queue import ack_deadline_for
from components.gcp.workload_alerts import WorkloadAlerts, WorkloadAlertsArgs
from components.gcp.workload_region import WorkloadRegion, WorkloadRegionArgs

# The load balancer's view of each region (components.gcp.load_balancer): the primary and an
# active-active second region are filled first; a warm standby takes traffic by itself when the
# primary fails its health checks; a pilot light stays drained until promoted.
BACKEND_ROLE = {
    SecondRegionRole.SERVING: "serving",
    SecondRegionRole.WARM: "warm",
    SecondRegionRole.PILOT: "pilot",
}


def build_gcp(footprint: Footprint) -> dict[str, Any]:
    """Declare the stack's GCP resources; returns the stack outputs."""
    config = footprint.config
    env, project = config.environment, config.gcp_project
    labels = {"blueprint-environment": env, "blueprint-stack": _label(pulumi.get_stack()), "managed-by": "pulumi"}
    providers = {
        r.name: gcp.Provider(f"gcp-{r.name}", project=project, region=r.name, default_labels=labels)
        for r in footprint.regions
    }
    primary = footprint.regions[0].name
    on_primary = pulumi.ResourceOptions(providers=[providers[primary]])

    number = gcp.organizations.get_project_output(project_id=project, opts=pulumi.InvokeOutputOptions(provider=providers[primary])).number
    # Service agents from the provider's lookups, which also create an agent that does not exist yet
    # (components/gcp/service_agents.py); grants then never name a missing account.
    agents = project_service_agents(env, project, number, providers[primary])
    key_users = (agents["gke"], agents["compute"], agents["cloudsql"], agents["gcs"], agents["pubsub"])

    # Data Access audit logs for Cloud Storage and Cloud SQL: who read or wrote the vaults and the
    # databases (pgAudit's entries land here too).
    DataAccessAuditLogs(f"{env}-audit-logs", DataAccessAuditLogsArgs(project=project), on_primary)

    served = any(w.service is not None for w in config.workloads)
    network = Network(f"{env}-vpc", NetworkArgs(name=f"{env}-vpc"[:43], health_check_ports=tuple(sorted({w.service.port for w in config.workloads if w.service})) or (8080,)), on_primary)
    psa = None
    if any(w.database is not None for w in config.workloads):
        psa = PrivateServiceAccess(f"{env}-private-services", PrivateServiceAccessArgs(network_id=network.id), on_primary)

    platforms = {
        r.name: RegionalPlatform(
            f"{env}-{r.name}",
            RegionalPlatformArgs(environment=env, region=r.name, region_index=index, zones=r.zones, network_id=network.id,
                                 key_users=key_users, runs_platform=r.runs_platform,
                                 # `pulumi up` reaches the control plane from the declared deployers
                                 # only (blueprint:deployerCidrs, docs/deploying.md).
                                 master_authorized_cidrs=config.deployer_cidrs,
                                 # KEDA where a served workload states its per-pod capacity (blueprint.footprint).
                                 traffic_scaling=r.traffic_scaling and r.runs_platform,
                                 labels={"blueprint-region-role": r.role.value}),
            pulumi.ResourceOptions(providers=[providers[r.name]]),
        )
        for index, r in enumerate(footprint.regions)
    }
    # The stack's notification channel (the counterpart of AWS's encrypted SNS alarm topic).
    alerts = AlertChannel(
        f"{env}-alerts",
        AlertChannelArgs(topic_name=f"{env}-alerts", region=primary, kms_key_id=platforms[primary].key.id,
                         monitoring_agent=agents["monitoring"]),
        pulumi.ResourceOptions(providers=[providers[primary]]),
    )
    secondary = footprint.regions[1].name if len(footprint.regions) > 1 else None
    dual = dual_region_location(primary, secondary) if secondary else None
    multi_region_key = None
    if dual is not None:
        # A dual-region bucket's CMEK key lives in the matching multi-region KMS location.
        multi_region_key = KmsKey(
            f"{env}-{dual[1]}-key",
            KmsKeyArgs(key_ring_name=f"blueprint-{env}-{dual[1]}", key_name="vaults", location=dual[1], encrypter_members=(agents["gcs"],)),
            on_primary,
        )

    outputs: dict[str, Any] = {
        "regions": {name: {"role": footprint.region(name).role.value, "kms_key_id": p.key.id,
                           **({"cluster_name": p.cluster.name} if p.cluster else {})} for name, p in platforms.items()},
        "clusters": {name: p.cluster.name for name, p in platforms.items() if p.cluster},
        "kubeconfigs": {name: p.cluster.kubeconfig for name, p in platforms.items() if p.cluster},
        "vaults": {}, "databases": {}, "endpoints": {}, "alert_topic": alerts.topic_id,
    }
    for workload in config.workloads:
        placements = [p for p in footprint.placements if p.name == workload.name]
        first = placements[0]
        tags = _labels(first)
        for region, bucket in _vaults(first, secondary, dual, platforms, multi_region_key, providers, tags, project).items():
            outputs["vaults"][f"{workload.name}/{region}"] = bucket.name
        built: list[WorkloadRegion] = []
        for placement in placements:
            previous = built[0].database if built and built[0].database is not None else None
            built.append(
                WorkloadRegion(
                    f"{workload.name}-{placement.region}",
                    WorkloadRegionArgs(
                        environment=env, placement=placement, platform=platforms[placement.region], network_id=network.id,
                        private_ip_range=psa.range_name if psa else None,
                        database_depends_on=[d for d in (psa.connection if psa else None, previous) if d is not None],
                        primary_instance_name=previous.name if previous is not None else None,
                        backup_location=secondary if first.strategy is Strategy.BACKUP_RESTORE else None,
                        pubsub_service_agent=agents["pubsub"],
                        labels=_labels(placement),
                    ),
                    pulumi.ResourceOptions(providers=[providers[placement.region]]),
                )
            )
        _designate_dr_replica(config, placements, built, project, on_primary)
        for placement, region in zip(placements, built):
            if region.database is not None:
                outputs["databases"].setdefault(workload.name, {})[placement.region] = region.database.connection_name
                if region.database.role == "primary":
                    # The DNS name clients should use: it follows the primary through replica failover.
                    outputs.setdefault("database_write_endpoints", {})[workload.name] = region.database.write_endpoint
        lb = None
        if workload.service is not None and served and config.dns_zone:
            lb = _load_balancer(env, workload.name, placements, built, config.dns_zone, network, on_primary)
            outputs["endpoints"][workload.name] = {"ip": lb.ip_address, "domain": lb.domain_name}
        _alerts(workload.name, placements, built, lb, project, alerts.channel_id, on_primary)
    return outputs


def _designate_dr_replica(config: Any, placements: list[WorkloadPlacement], built: list[WorkloadRegion], project: str,
                          opts: pulumi.ResourceOptions) -> Optional[DrReplicaDesignation]:
    """The primary designates the workload's cross-region replica as its DR replica (replica failover,
    write endpoint) once both exist, in the same `pulumi up` (DrReplicaDesignation), unless the stack
    opts out (``blueprint:designateDrReplicas: false``: no designation, plain promotion)."""
    if not config.dr_replicas_designated:
        return None
    dbs = [(p, r.database) for p, r in zip(placements, built) if r.database is not None]
    primary = next((db for p, db in dbs if p.region_role is RegionRole.PRIMARY), None)
    replica = next((db for p, db in dbs if p.region_role is not RegionRole.PRIMARY), None)
    if primary is None or replica is None:
        return None
    return DrReplicaDesignation(
        f"{placements[0].name}-dr-replica",
        DrReplicaDesignationArgs(project=project, primary_instance=primary.name, replica_instance=replica.name),
        opts,
    )


def _vaults(first: WorkloadPlacement, secondary: Optional[str], dual: Optional[tuple[str, str]],
            platforms: dict[str, RegionalPlatform], multi_region_key: Optional[KmsKey],
            providers: dict[str, gcp.Provider], labels: dict[str, str], project: str) -> dict[str, BackupBucket]:
    """One dual-region vault (turbo replication, 15 min RPO) when the pair allows it; else a vault
    in each region, the first replicated to the second by Storage Transfer Service."""
    common = dict(lock_mode=first.vault.lock_mode.value, retention_days=first.vault.retention_days, labels=labels)
    if dual is not None and multi_region_key is not None:
        vault = BackupBucket(
            f"{first.name}-vault",
            BackupBucketArgs(region=first.region, replica_region=secondary, kms_key_id=multi_region_key.id, **common),
            pulumi.ResourceOptions(providers=[providers[first.region]]),
        )
        return {first.region: vault, secondary: vault}
    regions = [first.region] + ([secondary] if secondary else [])
    vaults = {
        region: BackupBucket(
            f"{first.name}-{region}-vault",
            BackupBucketArgs(region=region, kms_key_id=platforms[region].key.id, **common),
            pulumi.ResourceOptions(providers=[providers[region]]),
        )
        for region in regions
    }
    if secondary:
        VaultReplication(
            f"{first.name}-vault-replication",
            VaultReplicationArgs(
                project=project,
                source_bucket=vaults[first.region].name, source_kms_key_id=platforms[first.region].key.id,
                destination_bucket=vaults[secondary].name, destination_kms_key_id=platforms[secondary].key.id,
                destination_region=secondary,
            ),
            pulumi.ResourceOptions(providers=[providers[first.region]]),
        )
    return vaults


def _load_balancer(env: str, name: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], dns_zone: str,
                   network: Network, opts: pulumi.ResourceOptions) -> GlobalLoadBalancer:
    first = placements[0]
    probe = probe_spec(first.tier)
    backends = [
        NegBackend(region=p.region, role="primary" if p.region_role is RegionRole.PRIMARY else BACKEND_ROLE[p.role], neg_ids=r.negs.neg_ids)
        for p, r in zip(placements, built)
        if r.negs is not None
    ]
    return GlobalLoadBalancer(
        f"{name}-lb",
        GlobalLoadBalancerArgs(
            workload=name, dns_zone=dns_zone, service_port=first.workload.service.port,
            readiness_path=first.workload.service.readiness_path,
            health_check_interval_s=probe.lb_interval_s, health_check_timeout_s=probe.lb_timeout_s,
            healthy_threshold=probe.lb_healthy_threshold, unhealthy_threshold=probe.lb_unhealthy_threshold,
            backends=backends, health_check_network=network.id, labels=_labels(first),
            # Project-unique: stacks of several environments may share a project (env <= 20, name <= 31).
            lb_policy_name=f"{env}-{name}-lb-policy",
        ),
        opts,
    )


def _alerts(name: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], lb: Optional[GlobalLoadBalancer],
            project: str, channel_id: Any, opts: pulumi.ResourceOptions) -> Optional[WorkloadAlerts]:
    """The workload's alert policies (Cloud Monitoring is project-wide: one component per workload)."""
    first = placements[0]
    workload, spec = first.workload, tier_spec(first.tier)
    kwargs: dict[str, Any] = {}
    queues = {p.region: r.queue for p, r in zip(placements, built) if r.queue is not None}
    if queues:
        rto = workload.rto_seconds or spec.rto_target_s
        # The workload's RTO (config may only tighten the tier's), never below two ack deadlines.
        kwargs.update(
            queue_subscriptions={region: q.subscription_name for region, q in queues.items()},
            dead_letter_subscriptions={region: q.dead_letter_subscription_name for region, q in queues.items()},
            queue_age_threshold_s=max(rto, 2 * ack_deadline_for(workload.queue.visibility_timeout_seconds)),
        )
    replicas = {p.region: r.database for p, r in zip(placements, built) if r.database is not None and r.database.role == "replica"}
    if replicas:
        rpo = workload.rpo_seconds if workload.rpo_seconds is not None else spec.rpo_target_s
        kwargs.update(
            replica_database_ids={region: pulumi.Output.concat(project, ":", db.name) for region, db in replicas.items()},
            replica_lag_threshold_s=max(rpo, 1),
        )
    if lb is not None:
        kwargs["url_map_name"] = lb.url_map_id.apply(lambda i: i.rsplit("/", 1)[-1])
    if not kwargs:
        return None
    return WorkloadAlerts(
        f"{name}-alerts",
        WorkloadAlertsArgs(workload=name, tier=first.tier.value, notification_channels=[channel_id], labels=_labels(first), **kwargs),
        opts,
    )


def _labels(placement: WorkloadPlacement) -> dict[str, str]:
    return {
        "blueprint-workload": placement.name,
        "blueprint-tier": placement.tier.value,
        "blueprint-strategy": placement.strategy.value,
        "blueprint-region-role": placement.region_role.value,
    }


def _label(text: str) -> str:
    from components.gcp._labels import label_value

    return label_value(text)

"""The GCP composer: a footprint (blueprint.footprint) -> components, the same roles as on AWS.

Per stack: one global VPC, private services access for Cloud SQL, the project's service agents
(from the provider's lookups, blueprint.components.gcp.service_agents).
Per region: a CMEK key (every service agent that stores data may use it), a subnet with Cloud NAT
and a regional GKE cluster where workloads run. Per workload: the vault (a dual-region bucket with
turbo replication where the two regions form a configurable dual-region, else a bucket in each
region), GPU pools, NEGs and Cloud SQL per region, the designation of its cross-region Cloud SQL
replica as the primary's DR replica once that replica exists (DrReplicaDesignation, unless
``blueprint:designateDrReplicas: false``), and one global external Application Load Balancer in
front of the serving regions (standby regions attached with capacity 0).

In-cluster (issue 5): each cluster's Kubernetes provider and serving PriorityClass
(RegionalPlatform), the InferenceService bound to the NEGs and a Pub/Sub queue in every region that
can serve the workload, standby included (WorkloadRegion); per workload, Cloud Monitoring alert
policies (WorkloadAlerts: queue age and depth, dead letters and their age, Cloud SQL replica lag above
the RPO, load balancer 5xx). Stack-wide (issue 18): the audit-log sink and the break-glass PAM
entitlement (blueprint.components.gcp.recovery_stack).

Failover orchestration (issue 17, blueprint/components/gcp/_failover_wiring.py): per workload with a second
region whose ``intent.failover_approval`` is set and something to act on there, a FailoverWorkflow in
the standby region (Cloud SQL failover, standby backend capacity, GPU pool floors; a manual approval
first where the strategy asks for one), started through the failover alerts' channel (its topic in
the standby region) by the workload's FailoverProbe (the standby region reading the primary's
backend health every few seconds) and its ``primary-down`` alert (and, for manual approval, its
other primary-region signals).
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp

from blueprint.footprint import Footprint, RegionPlan, RegionRole, WorkloadPlacement, stack_recovery
from blueprint.components.gcp import recovery_stack
from blueprint.components.gcp.alert_channel import AlertChannel, AlertChannelArgs
from blueprint.components.gcp.backup_bucket import BackupBucket, BackupBucketArgs, dual_region_location
from blueprint.components.gcp.data_access_audit_logs import DataAccessAuditLogs, DataAccessAuditLogsArgs
from blueprint.components.gcp.dr_replica_designation import DrReplicaDesignation, DrReplicaDesignationArgs
from blueprint.components.gcp.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.gcp.service_agents import project_service_agents
from blueprint.components.gcp.load_balancer import GlobalLoadBalancer, GlobalLoadBalancerArgs, NegBackend
from blueprint.components.gcp.network import Network, NetworkArgs
from blueprint.components.gcp.private_service_access import PrivateServiceAccess, PrivateServiceAccessArgs
from blueprint.components.gcp.recovery_data import GcpRecoveryBuilder
from blueprint.components.gcp.regional_platform import RegionalPlatform, RegionalPlatformArgs
from blueprint.components.gcp.vault_replication import VaultReplication, VaultReplicationArgs
from blueprint.components.gcp.pubsub_queue import ack_deadline_for
from blueprint.components.gcp.workload_alerts import WorkloadAlerts, WorkloadAlertsArgs
from blueprint.components.gcp.workload_region import WorkloadRegion, WorkloadRegionArgs
from blueprint.components.gcp import _failover_wiring as failover
from blueprint.components.gcp.failover_workflow import KEY_ROLE as WORKFLOWS_KEY_ROLE
from blueprint.components.composition import compose, placement_labels

# The load balancer's view of each region (blueprint.components.gcp.load_balancer) is the placement's
# service_role: the primary and an active-active second region ("serving") are filled first; a warm
# standby takes traffic by itself when the primary fails its health checks; a pilot light stays
# drained until promoted.


def build_gcp(footprint: Footprint) -> dict[str, Any]:
    """Declare the stack's GCP resources; returns the stack outputs."""
    return compose(footprint, GcpSteps(footprint))


class GcpSteps:
    """The GCP steps of the shared skeleton (blueprint.components.composition.compose)."""

    def __init__(self, footprint: Footprint):
        config = footprint.config
        self.footprint, self.config = footprint, config
        self.env, self.project = config.environment, config.gcp_project
        labels = {"blueprint-environment": self.env, "blueprint-stack": _label(pulumi.get_stack()), "managed-by": "pulumi"}
        self.providers = {
            r.name: gcp.Provider(f"gcp-{r.name}", project=self.project, region=r.name, default_labels=labels)
            for r in footprint.regions
        }
        self.primary = footprint.regions[0].name
        self.secondary = footprint.regions[1].name if len(footprint.regions) > 1 else None
        self.on_primary = pulumi.ResourceOptions(providers=[self.providers[self.primary]])
        self._key_grants: dict[str, gcp.kms.CryptoKeyIAMMember] = {}  # _workflows_key_grant, by region
        self._run_key_grants: dict[str, gcp.kms.CryptoKeyIAMMember] = {}  # _failover_probe, by region
        number = gcp.organizations.get_project_output(
            project_id=self.project, opts=pulumi.InvokeOutputOptions(provider=self.providers[self.primary])).number
        self.project_number = number  # Workload Identity principals of the serving pods (recovery data, issue 18)
        # Service agents from the provider's lookups, which also create an agent that does not exist yet
        # (blueprint/components/gcp/service_agents.py); grants then never name a missing account.
        self.agents = project_service_agents(self.env, self.project, number, self.providers[self.primary])
        self._stack_network()
        self.platforms: dict[str, RegionalPlatform] = {}
        self._outputs: dict[str, Any] = {}

    def _stack_network(self) -> None:
        """Data Access audit logs, the global VPC and private services access (Cloud SQL)."""
        env, config = self.env, self.config
        # Data Access audit logs for Cloud Storage and Cloud SQL: who read or wrote the vaults and the
        # databases (pgAudit's entries land here too).
        DataAccessAuditLogs(f"{env}-audit-logs", DataAccessAuditLogsArgs(project=self.project), self.on_primary)
        self.served = any(w.service is not None for w in config.workloads)
        ports = tuple(sorted({w.service.port for w in config.workloads if w.service})) or (8080,)
        self.network = Network(f"{env}-vpc", NetworkArgs(name=f"{env}-vpc"[:43], health_check_ports=ports), self.on_primary)
        self.psa = None
        if any(w.database is not None for w in config.workloads):
            self.psa = PrivateServiceAccess(f"{env}-private-services", PrivateServiceAccessArgs(network_id=self.network.id), self.on_primary)

    def regional_platform(self, r: RegionPlan) -> RegionalPlatform:
        agents = self.agents
        return RegionalPlatform(
            f"{self.env}-{r.name}",
            RegionalPlatformArgs(environment=self.env, region=r.name, region_index=self.footprint.regions.index(r), zones=r.zones,
                                 network_id=self.network.id,
                                 key_users=(agents["gke"], agents["compute"], agents["cloudsql"], agents["gcs"], agents["pubsub"]),
                                 runs_platform=r.runs_platform,
                                 # `pulumi up` reaches the control plane from the declared deployers
                                 # only (blueprint:deployerCidrs, docs/deploying.md).
                                 master_authorized_cidrs=self.config.deployer_cidrs,
                                 # KEDA where a served workload states its per-pod capacity (blueprint.footprint).
                                 traffic_scaling=r.traffic_scaling and r.runs_platform,
                                 labels={"blueprint-region-role": r.role.value}),
            pulumi.ResourceOptions(providers=[self.providers[r.name]]),
        )

    def stack_services(self, platforms: dict[str, RegionalPlatform]) -> None:
        """The notification channel (the counterpart of AWS's encrypted SNS alarm topic) and the
        multi-region key of dual-region vaults."""
        env, primary, secondary = self.env, self.primary, self.secondary
        self.platforms = platforms
        self.alerts = AlertChannel(
            f"{env}-alerts",
            AlertChannelArgs(topic_name=f"{env}-alerts", region=primary, kms_key_id=platforms[primary].key.id,
                             monitoring_agent=self.agents["monitoring"]),
            pulumi.ResourceOptions(providers=[self.providers[primary]]),
        )
        self.failover_channel, self.workflows_agent = self._failover_channel(platforms)
        self.dual = dual_region_location(primary, secondary) if secondary else None
        self.multi_region_key = None
        if self.dual is not None:
            # A dual-region bucket's CMEK key lives in the matching multi-region KMS location.
            self.multi_region_key = KmsKey(
                f"{env}-{self.dual[1]}-key",
                KmsKeyArgs(key_ring_name=f"blueprint-{env}-{self.dual[1]}", key_name="vaults", location=self.dual[1],
                           encrypter_members=(self.agents["gcs"],)),
                self.on_primary,
            )
        self._outputs = {
            "regions": {name: {"role": self.footprint.region(name).role.value, "kms_key_id": p.key.id,
                               **({"cluster_name": p.cluster.name} if p.cluster else {})} for name, p in platforms.items()},
            "clusters": {name: p.cluster.name for name, p in platforms.items() if p.cluster},
            "kubeconfigs": {name: p.cluster.kubeconfig for name, p in platforms.items() if p.cluster},
            "vaults": {}, "databases": {}, "endpoints": {}, "alert_topic": self.alerts.topic_id,
        }
        # The audit logs' locked bucket and the break-glass entitlement (issue 18, part 2).
        sink, _ = recovery_stack.build(env, self.project, stack_recovery(self.config), primary, platforms[primary].key.id,
                                       self.config.break_glass_principals, self.alerts.channel_id, self.on_primary,
                                       standby_channel=self._break_glass_channel if secondary else None)
        if sink is not None:
            self._outputs["audit_log_bucket"] = sink.bucket_name
        # Images, model artifacts and secrets of each workload (blueprint.components.gcp.recovery_data).
        self.recovery = GcpRecoveryBuilder(env, self.project, self.project_number, [r.name for r in self.footprint.regions],
                                           self.dual, platforms, self.multi_region_key, self.providers)

    def _break_glass_channel(self) -> Any:
        """The break-glass grant alert's channel in the second region (its topic stores messages there, with
        that region's key): a grant requested while the primary is lost still notifies (gcp/recovery_stack.py).
        Not the failover channel: its messages start failover workflows."""
        secondary = self.secondary
        channel = AlertChannel(
            f"{self.env}-break-glass-alerts",
            AlertChannelArgs(topic_name=f"{self.env}-break-glass-alerts", region=secondary, kms_key_id=self.platforms[secondary].key.id,
                             monitoring_agent=self.agents["monitoring"], labels={"blueprint-purpose": "break-glass"}),
            pulumi.ResourceOptions(providers=[self.providers[secondary]]),
        )
        self._outputs["break_glass_alert_topics"] = {self.primary: self.alerts.topic_id, secondary: channel.topic_id}
        return channel.channel_id

    def _failover_channel(self, platforms: dict[str, RegionalPlatform]) -> tuple[Optional[AlertChannel], Any]:
        """With an orchestrated workload (FailoverWorkflow): the failover alerts' channel, its topic in
        the *standby* region (the stack's alert topic stores messages in the primary only, which a lost
        primary could not take), and the Workflows service agent (the workflows' CMEK key)."""
        secondary = self.secondary
        if secondary is None or not any(p.intent.failover_approval for p in self.footprint.placements):
            return None, None
        channel = AlertChannel(
            f"{self.env}-failover-alerts",
            AlertChannelArgs(topic_name=f"{self.env}-failover-alerts", region=secondary, kms_key_id=platforms[secondary].key.id,
                             monitoring_agent=self.agents["monitoring"]),
            pulumi.ResourceOptions(providers=[self.providers[secondary]]),
        )
        agent = gcp.projects.ServiceIdentity(f"{self.env}-workflows-agent", project=self.project, service="workflows.googleapis.com",
                                             opts=self.on_primary)
        # The Cloud Run service agent: the failover probes' worker pools use the region's CMEK key.
        self.run_agent = gcp.projects.ServiceIdentity(f"{self.env}-run-agent", project=self.project, service="run.googleapis.com",
                                                      opts=self.on_primary).email
        return channel, agent.email

    def workload_regions(self, placements: list[WorkloadPlacement]) -> list[WorkloadRegion]:
        first = placements[0]
        vaults = _vaults(first, self.secondary, self.dual, self.platforms, self.multi_region_key, self.providers, _labels(first), self.project)
        for region, bucket in vaults.items():
            self._outputs["vaults"][f"{first.name}/{region}"] = bucket.name
        # Before the regions: each region's InferenceService pulls from a repository that survives the other's loss.
        recovery = self.recovery.build(placements, _labels(first))
        _recovery_outputs(self._outputs, first.name, recovery)
        psa = self.psa
        built: list[WorkloadRegion] = []
        for placement in placements:
            previous = built[0].database if built and built[0].database is not None else None
            built.append(
                WorkloadRegion(
                    f"{placement.name}-{placement.region}",
                    WorkloadRegionArgs(
                        environment=self.env, placement=placement, platform=self.platforms[placement.region], network_id=self.network.id,
                        private_ip_range=psa.range_name if psa else None,
                        database_depends_on=[d for d in (psa.connection if psa else None, previous) if d is not None],
                        primary_instance_name=previous.name if previous is not None else None,
                        # Backup-restore (no second-region deployment) keeps its backups in the second region.
                        backup_location=self.secondary if not first.strategy.deploys_second_region else None,
                        pubsub_service_agent=self.agents["pubsub"],
                        service_image=recovery.service_image(placement),
                        fallback_image=_fallback_image(recovery, placement),
                        labels=_labels(placement),
                    ),
                    pulumi.ResourceOptions(providers=[self.providers[placement.region]]),
                )
            )
        return built

    def cross_region_links(self, placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> None:
        _designate_dr_replica(self.config, placements, built, self.project, self.on_primary)
        name = placements[0].name
        for placement, region in zip(placements, built):
            if region.database is not None:
                self._outputs["databases"].setdefault(name, {})[placement.region] = region.database.connection_name
                if region.database.role == "primary":
                    # The DNS name clients should use: it follows the primary through replica failover.
                    self._outputs.setdefault("database_write_endpoints", {})[name] = region.database.write_endpoint

    def global_entry(self, placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> None:
        workload, config = placements[0].workload, self.config
        lb = None
        if workload.service is not None and self.served and config.dns_zone:
            lb = _load_balancer(self.env, workload.name, placements, built, config.dns_zone, self.network, self.on_primary)
            self._outputs["endpoints"][workload.name] = {"ip": lb.ip_address, "domain": lb.domain_name}
        actions = failover.failover_actions(self.project, placements, built, lb, lambda r: self.platforms[r],
                                            config.dr_replicas_designated) if self.failover_channel else None
        probe = self._failover_probe(actions, lb, placements, built) if actions is not None else None
        alerts, roles = _alerts(workload.name, placements, built, lb, self.project, self.alerts.channel_id, self.on_primary,
                                actions, self.failover_channel, probed=probe is not None)
        if actions is not None and ((alerts is not None and roles) or probe is not None):
            standby = actions.placement
            flow = failover.failover_workflow(
                self.env, self.project, actions, [alerts.display_names[r] for r in roles] if alerts is not None else [],
                self.failover_channel, self.platforms[standby.region].key.id, self.workflows_agent,
                self._workflows_key_grant(standby.region), _labels(standby),
                pulumi.ResourceOptions(providers=[self.providers[standby.region]]),
                trigger_probes=[probe.probe_name] if probe is not None else [])
            self._outputs.setdefault("failover_workflows", {})[workload.name] = flow.workflow_id

    def _failover_probe(self, actions: failover.FailoverActions, lb: Optional[GlobalLoadBalancer], placements: list[WorkloadPlacement],
                        built: list[WorkloadRegion]) -> Any:
        """The workload's FailoverProbe in its standby region (blueprint/components/gcp/failover_probe.py), or None."""
        region = actions.placement.region
        key = self.platforms[region].key.id
        if region not in self._run_key_grants:
            # Once per region for every probe there (one binding member: see _workflows_key_grant).
            self._run_key_grants[region] = gcp.kms.CryptoKeyIAMMember(
                f"{self.env}-{region}-run-key-user", crypto_key_id=key, role=WORKFLOWS_KEY_ROLE,
                member=pulumi.Output.concat("serviceAccount:", self.run_agent),
                opts=pulumi.ResourceOptions(providers=[self.providers[region]]))
        return failover.failover_probe(self.env, self.project, actions, lb, placements, built, self.failover_channel, key,
                                       self.run_agent, self._run_key_grants[region], _labels(actions.placement),
                                       pulumi.ResourceOptions(providers=[self.providers[region]]),
                                       notification_channels=[self.alerts.channel_id])

    def _workflows_key_grant(self, region: str) -> gcp.kms.CryptoKeyIAMMember:
        """The Workflows agent's use of ``region``'s key, once per region for every workflow there (a
        per-workflow copy is the same binding member: destroying one would take the key from the rest)."""
        grants = self._key_grants
        if region not in grants:
            grants[region] = gcp.kms.CryptoKeyIAMMember(
                f"{self.env}-{region}-workflows-key-user", crypto_key_id=self.platforms[region].key.id, role=WORKFLOWS_KEY_ROLE,
                member=pulumi.Output.concat("serviceAccount:", self.workflows_agent),
                opts=pulumi.ResourceOptions(providers=[self.providers[region]]))
        return grants[region]

    def outputs(self) -> dict[str, Any]:
        return self._outputs


def _recovery_outputs(outputs: dict[str, Any], name: str, recovery: Any) -> None:
    """Stack outputs of a workload's recovery data: image URL prefixes, artifact buckets, secret ids (issue 18)."""
    if recovery.image_hosts:
        outputs.setdefault("image_repositories", {})[name] = dict(recovery.image_hosts)
    for region, store in recovery.artifacts.items():
        outputs.setdefault("artifact_stores", {}).setdefault(name, {})[region] = store.name
    if recovery.secrets is not None:
        outputs.setdefault("secrets", {})[name] = dict(recovery.secrets.ids)


def _fallback_image(recovery: Any, placement: WorkloadPlacement) -> Any:
    """The fallback image as the region pulls it: from the region's own repository (as the service image,
    GcpRecoveryData.service_image) unless pinned by digest or the workload declares no images."""
    plan = placement.fallback
    if plan is None:
        return None
    hosts = recovery.image_hosts
    prefix = hosts.get(placement.region) or next(iter(hosts.values()), None)
    return plan.image if prefix is None or "@sha256:" in plan.image else f"{prefix}/{plan.image}"


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
    probe = first.intent.probe
    backends = [
        NegBackend(region=p.region, role="primary" if p.region_role is RegionRole.PRIMARY else p.service_role, neg_ids=r.negs.neg_ids,
                   # The degraded mode's NEGs (issue 18): DEFAULT behind the GPU NEGs (load_balancer.FALLBACK_PREFERENCE).
                   fallback_neg_ids=r.fallback_negs.neg_ids if r.fallback_negs is not None else [])
        for p, r in zip(placements, built)
        if r.negs is not None
    ]
    # Each pod's capacity as the stack states it: a GPU pod's service.requestsPerSecondPerPod (unset: the load
    # balancer's default, 100/s) and a fallback pod's own rate (FallbackPlan, default 1/s), so PREFERRED GPU
    # backends count as full at the rate their pods serve and the fallback is not sent a GPU pod's share.
    rates: dict[str, float] = {}
    if first.requests_per_second_per_pod is not None:
        rates["max_rate_per_endpoint"] = first.requests_per_second_per_pod
    if first.fallback is not None:
        rates["fallback_max_rate_per_endpoint"] = first.fallback.requests_per_second_per_pod
    return GlobalLoadBalancer(
        f"{name}-lb",
        GlobalLoadBalancerArgs(
            workload=name, dns_zone=dns_zone, service_port=first.workload.service.port,
            readiness_path=first.workload.service.readiness_path,
            health_check_interval_s=probe.lb_interval_s, health_check_timeout_s=probe.lb_timeout_s,
            healthy_threshold=probe.lb_healthy_threshold, unhealthy_threshold=probe.lb_unhealthy_threshold,
            backends=backends, health_check_network=network.id, labels=_labels(first),
            fallback_port=first.fallback.port if first.fallback is not None else None,
            # Project-unique: stacks of several environments may share a project (env <= 20, name <= 31).
            lb_policy_name=f"{env}-{name}-lb-policy", **rates,
        ),
        opts,
    )


def _alerts(name: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], lb: Optional[GlobalLoadBalancer],
            project: str, channel_id: Any, opts: pulumi.ResourceOptions, actions: Optional[failover.FailoverActions] = None,
            failover_channel: Optional[AlertChannel] = None, probed: bool = False) -> tuple[Optional[WorkloadAlerts], list[str]]:
    """The workload's alert policies (Cloud Monitoring is project-wide: one component per workload),
    and the roles of those that start its failover (they also notify ``failover_channel``)."""
    first = placements[0]
    workload, intent = first.workload, first.intent
    kwargs: dict[str, Any] = {}
    queues = {p.region: r.queue for p, r in zip(placements, built) if r.queue is not None}
    if queues:
        # The workload's RTO (config may only tighten the tier's), never below two ack deadlines.
        kwargs.update(
            queue_subscriptions={region: q.subscription_name for region, q in queues.items()},
            dead_letter_subscriptions={region: q.dead_letter_subscription_name for region, q in queues.items()},
            queue_age_threshold_s=intent.queue_age_threshold_s(ack_deadline_for(workload.queue.visibility_timeout_seconds)),
            queue_depth_threshold=intent.queue_depth_threshold, dead_letter_age_threshold_s=intent.dead_letter_age_threshold_s,
        )
    replicas = {p.region: r.database for p, r in zip(placements, built) if r.database is not None and r.database.role == "replica"}
    if replicas:
        kwargs.update(
            replica_database_ids={region: pulumi.Output.concat(project, ":", db.name) for region, db in replicas.items()},
            replica_lag_threshold_s=intent.replication_lag_threshold_s,
        )
    if lb is not None:
        kwargs["url_map_name"] = lb.url_map_id.apply(lambda i: i.rsplit("/", 1)[-1])
    if actions is not None and actions.primary_database is not None:
        kwargs["primary_database_id"] = pulumi.Output.concat(project, ":", actions.primary_database.name)
        kwargs["primary_down_minutes"] = intent.primary_down_minutes
    if not kwargs:
        return None, []
    common = dict(workload=name, tier=intent.tier_label, evaluation_minutes=intent.alert_evaluation_minutes,
                  severity=intent.alert_severity, notification_channels=[channel_id], labels=_labels(first), **kwargs)
    roles: list[str] = []
    if actions is not None and failover_channel is not None:
        roles = failover.trigger_roles(actions.placement.intent.failover_approval, WorkloadAlertsArgs(**common).roles(), first.region,
                                       probed)
    if roles:
        common.update(failover_channels=[failover_channel.channel_id], failover_roles=roles)
    return WorkloadAlerts(f"{name}-alerts", WorkloadAlertsArgs(**common), opts), roles


def _labels(placement: WorkloadPlacement) -> dict[str, str]:
    return placement_labels(placement, "blueprint-")


def _label(text: str) -> str:
    from blueprint.components.gcp._labels import label_value

    return label_value(text)

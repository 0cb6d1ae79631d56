"""The AWS composer: a footprint (blueprint.footprint) -> components, one explicit provider per
region so every resource knows where it lives.

Order of construction, per stack:
1. per region, the shared platform (key, network, EKS cluster, access-log bucket - wherever a
   vault or load balancer is -, WAF web ACL where load balancers are, alarm topic);
2. per workload: the Aurora global cluster when the strategy keeps a database replica, the
   workload in each region (primary first, so the secondary cluster can follow the primary), then
   the cross-region links: vault replication, AWS Backup plans of every Aurora cluster with copies
   to the other region, DNS failover (weighted GPU / fallback records where a region runs the workload's
   fallback, blueprint/components/aws/dns_failover.py; it owns the served name's ACM validation record; the
   load balancers built before it get that record's FQDN through a deferred output), then its
   failover orchestration: the ARC Region switch plan and zonal autoshift (blueprint.components.aws.orchestration);
3. last, per region, the FIS drills over every workload there (blueprint.components.aws.orchestration).
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from blueprint.footprint import Footprint, RegionPlan, RegionRole, WorkloadPlacement, stack_recovery
from blueprint.components.aws import recovery_stack
from blueprint.components.aws.aurora_global_cluster import AuroraGlobalCluster, AuroraGlobalClusterArgs
from blueprint.components.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from blueprint.components.aws.database_backup_plan import DatabaseBackupPlan, DatabaseBackupPlanArgs
from blueprint.components.aws.dns_failover import DnsEndpoint, DnsFailover, DnsFailoverArgs, DnsFallbackTarget
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.aws.orchestration import DrillTargets, fis_experiments, region_switch_plan, traffic_step_regions, zonal_autoshifts
from blueprint.components.aws.recovery_data import RecoveryData, account_id, build_recovery_data, registry_replication_prefixes
from blueprint.components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs
from blueprint.components.aws.registry_replication import RegistryReplication, RegistryReplicationArgs
from blueprint.components.aws.vault_replication import VaultReplication, VaultReplicationArgs
from blueprint.components.aws.workload_region import WorkloadRegion, WorkloadRegionArgs, gpu_offerings
from blueprint.components.composition import compose, placement_labels

# Distinct VPC ranges per region role, so the two regions can be peered without overlap.
REGION_CIDRS = {RegionRole.PRIMARY: "10.0.0.0/16", RegionRole.SECONDARY: "10.1.0.0/16"}

# Route 53 publishes health-check metrics only in us-east-1, so alarms on them (and the topic
# they notify) must live there whatever the stack's jurisdiction. They hold no customer data;
# the residency policy lists this exemption (policies/README.md).
ROUTE53_METRICS_REGION = "us-east-1"
RESIDENCY_EXEMPTION_TAG = "blueprint:residency-exemption"

# Environments whose load balancers may be deleted freely; every other environment is treated
# as production (deletion protection on), so a new name is protected by default.
NON_PRODUCTION_ENVIRONMENTS = frozenset({"dev", "test", "ci", "sandbox", "preview", "local"})

# DNS routing and the second region's database write path follow the strategy
# (blueprint.catalogs.operations ROUTING and WRITE_FORWARDING, resolved in placement.intent).


def is_production(environment: str) -> bool:
    return environment not in NON_PRODUCTION_ENVIRONMENTS and not environment.startswith(tuple(f"{e}-" for e in NON_PRODUCTION_ENVIRONMENTS))


def build_aws(footprint: Footprint) -> dict[str, Any]:
    """Declare the stack's AWS resources; returns the stack outputs."""
    return compose(footprint, AwsSteps(footprint))


class AwsSteps:
    """The AWS steps of the shared skeleton (blueprint.components.composition.compose)."""

    def __init__(self, footprint: Footprint):
        config = footprint.config
        self.footprint, self.config, self.env = footprint, config, config.environment
        common_tags = {"blueprint:environment": self.env, "blueprint:stack": pulumi.get_stack(), "managed-by": "pulumi"}
        self.providers = {
            region.name: aws.Provider(f"aws-{region.name}", region=region.name, default_tags=aws.ProviderDefaultTagsArgs(tags=common_tags))
            for region in footprint.regions
        }
        # Each region's GPU instance-type offerings: one lookup for all its pools, before anything is
        # declared (a synchronous invoke's cost grows with what came before it; workload_region.gpu_offerings).
        self.gpu_offerings = {region.name: gpu_offerings(footprint.in_region(region.name), region.zones, self.providers[region.name])
                              for region in footprint.regions}
        self.served = [w for w in config.workloads if w.service is not None]
        self.primary = footprint.regions[0].name
        self.hosted_zone_id = None
        if self.served and config.dns_zone:
            self.hosted_zone_id = aws.route53.get_zone_output(
                name=config.dns_zone, private_zone=False, opts=pulumi.InvokeOutputOptions(provider=self.providers[self.primary])
            ).zone_id
        self.platforms: dict[str, RegionalPlatform] = {}
        self.alarm_region: Optional[_AlarmTarget] = None
        self._outputs: dict[str, Any] = {}
        # Per workload: the deferred FQDN of its shared ACM validation record and its resolver.
        self._validation: dict[str, tuple[Any, Any]] = {}
        # Per workload: its Aurora global cluster (the failover orchestration promotes it).
        self._global_dbs: dict[str, AuroraGlobalCluster] = {}
        # Per region: what its drills target and stop on (blueprint.components.aws.orchestration).
        self._drills = DrillTargets()
        # Per workload: its images, artifacts, secrets and serving roles (issue 18).
        self._recovery: dict[str, RecoveryData] = {}
        # The break-glass DR role first (the clusters grant it admin); the audit trail last (issue 18 part 2).
        self._stack_recovery = recovery_stack.break_glass(self.env, stack_recovery(config), [r.name for r in footprint.regions],
                                                          config.break_glass_principals, self.providers[self.primary],
                                                          hosted_zone_id=self.hosted_zone_id, regional_providers=self.providers)

    def regional_platform(self, region: RegionPlan) -> RegionalPlatform:
        role = self._stack_recovery.role if self._stack_recovery is not None else None
        return _platform(self.env, region, self.footprint, self.providers[region.name], role.arn if role is not None else None)

    def stack_services(self, platforms: dict[str, RegionalPlatform]) -> None:
        self.platforms = platforms
        self._outputs = _platform_outputs(self.footprint, platforms)
        if self._stack_recovery is not None and self._stack_recovery.alarms:
            # Subscribe the security on-call to each: every break-glass assumption pages in its region.
            self._outputs["break_glass_alarm_topics"] = {r: a.topic_arn for r, a in self._stack_recovery.alarms.items()}
        self.alarm_region = _route53_alarms(self.env, platforms, self.providers, bool(self.served))

    def workload_regions(self, placements: list[WorkloadPlacement]) -> list[WorkloadRegion]:
        workload = placements[0].workload
        # The global name's ACM validation record is owned once, by the workload's DnsFailover
        # (built after the load balancers, from their certificate): every region's load balancer
        # validates with it, and removing a region leaves it in place (load_balancer.py module doc).
        shared_validation = workload.service is not None and self.alarm_region is not None
        validation_fqdn, resolve_validation = pulumi.deferred_output() if shared_validation else (None, None)
        self._validation[workload.name] = (validation_fqdn, resolve_validation)
        # Before the regions: each region's InferenceService pulls from that region's repository.
        recovery = self._recovery[workload.name] = build_recovery_data(self.env, placements, self.platforms, self.providers, _tags)
        _recovery_outputs(self._outputs, workload.name, recovery)
        if self._stack_recovery is not None:
            # The model artifact stores are vaults too: the audit trail logs their object reads and writes.
            self._stack_recovery.vault_arns.extend(store.arn for store in recovery.artifacts.values())
        built = _workload_regions(self.env, placements, self.platforms, self.providers, self.config.dns_zone,
                                  self.hosted_zone_id, self.footprint, validation_fqdn, self._global_dbs,
                                  {p.region: recovery.service_image(p) for p in placements}, self.gpu_offerings,
                                  {region: identity.ready for region, identity in recovery.identities.items()},
                                  {p.region: _fallback_image(recovery, p) for p in placements})
        for placement, region in zip(placements, built):
            self._outputs["vaults"][f"{workload.name}/{placement.region}"] = region.vault.bucket
            if self._stack_recovery is not None:
                self._stack_recovery.vault_arns.append(region.vault.arn)
            if region.load_balancer is not None:
                self._outputs["endpoints"].setdefault(workload.name, {})[placement.region] = region.load_balancer.dns_name
            if region.database is not None:
                self._outputs["databases"].setdefault(workload.name, {})[placement.region] = region.database.endpoint
                self._outputs["database_reader_endpoints"].setdefault(workload.name, {})[placement.region] = region.database.reader_endpoint
        return built

    def cross_region_links(self, placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> None:
        _vault_replication(placements, built, self.platforms, self.providers)
        _database_backups(placements[0].name, placements, built, self.providers)

    def global_entry(self, placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> None:
        name = placements[0].name
        validation_fqdn, resolve_validation = self._validation[name]
        # The records use the Region switch plan's health checks, which exist only once the plan
        # does, and the plan needs the records' endpoint checks: deferred ids break the Python-side
        # circle (no resource cycle: plan -> look-up -> calculated checks -> records).
        control = {r: pulumi.deferred_output() for r in traffic_step_regions(placements, built, resolve_validation is not None)}
        dns = None
        if resolve_validation is not None:
            dns = _dns(name, placements, built, self.config.dns_zone, self.alarm_region, self.providers[self.primary],
                       {r: ids for r, (ids, _) in control.items()})
            resolve_validation(dns.validation_record_fqdn)
            self._outputs["failover_records"][name] = dns.fqdn
        # The failover orchestration needs the workload's regions, database and records built.
        plan = region_switch_plan(self.env, placements, built, self.platforms, self.providers[self.primary], _tags(placements[0]),
                                  global_db=self._global_dbs.get(name), dns=dns, hosted_zone_id=self.hosted_zone_id,
                                  dns_zone=self.config.dns_zone, alarms=self.alarm_region, providers=self.providers)
        checks = plan.traffic_health_check_ids if plan is not None else {}
        if set(checks) != set(control):
            raise AssertionError(f"{name}: the Region switch plan's traffic regions {sorted(checks)} differ from the "
                                 f"records' {sorted(control)} (blueprint.components.aws.orchestration.traffic_step_regions)")
        for region, (_, resolve) in control.items():
            resolve(checks[region])
        if plan is not None:
            self._outputs.setdefault("region_switch_plans", {})[name] = plan.plan_arn
        zonal_autoshifts(placements, built, self.providers, _tags)
        self._drills.add(placements, built)

    def outputs(self) -> dict[str, Any]:
        _registry_replication(self.env, self.footprint, self._recovery, self.providers)
        trail = recovery_stack.finish(self.env, self._stack_recovery, self.platforms[self.primary], self.providers[self.primary])
        if trail is not None:
            self._outputs["audit_trail"] = trail.trail_arn
        # The last step of compose(): every workload is built, so each region's drills see them all.
        drills = fis_experiments(self.env, self.footprint, self.platforms, self.providers, self._drills)
        if drills:
            self._outputs["fis_experiment_templates"] = {r: d.template_ids for r, d in drills.items()}
        return self._outputs


def _platform_outputs(footprint: Footprint, platforms: dict[str, RegionalPlatform]) -> dict[str, Any]:
    return {
        "regions": {
            name: {
                "role": footprint.region(name).role.value,
                "kms_key_arn": p.key.arn,
                **({"vpc_id": p.network.vpc_id} if p.network else {}),
                **({"cluster_name": p.cluster.cluster_name} if p.cluster else {}),
            }
            for name, p in platforms.items()
        },
        "clusters": {name: p.cluster.cluster_name for name, p in platforms.items() if p.cluster},
        "kubeconfigs": {name: p.cluster.kubeconfig for name, p in platforms.items() if p.cluster},
        "vaults": {},
        "endpoints": {},
        "databases": {},
        # Where each region's sessions connect for reads (and, on a forwarding secondary, writes).
        "database_reader_endpoints": {},
        "failover_records": {},
    }


def _platform(env: str, region: RegionPlan, footprint: Footprint, provider: aws.Provider, break_glass_role_arn: Any = None) -> RegionalPlatform:
    here = footprint.in_region(region.name)
    serves = any(
        p.workload.service is not None and p.runs_here
        for p in here
    )
    return RegionalPlatform(
        f"{env}-{region.name}",
        RegionalPlatformArgs(
            environment=env,
            zones=region.zones,
            cidr_block=REGION_CIDRS[region.role],
            nat_gateways="per-zone" if region.nat_per_zone else "single",
            network=region.runs_platform,
            cluster=region.runs_platform,
            # The program creates Kubernetes objects through this cluster's API from wherever
            # `pulumi up` runs: the public endpoint answers the declared deployers only
            # (blueprint:deployerCidrs, docs/deploying.md); nodes use the private endpoint.
            public_api_cidrs=footprint.config.deployer_cidrs,
            # Every workload keeps a vault in every region it is placed in: their S3 server access
            # logs, and the load balancers' access logs, go to the region's access-log bucket.
            access_logs=serves or bool(here),
            load_balancers=serves,
            # KEDA where a served workload states its per-pod capacity (blueprint.footprint).
            traffic_scaling=region.traffic_scaling and region.runs_platform,
            tags={"blueprint:region-role": region.role.value},
            break_glass_role_arn=break_glass_role_arn,
        ),
        pulumi.ResourceOptions(providers=[provider]),
    )


class _AlarmTarget:
    """Where Route 53 health-check alarms go: a provider in us-east-1 and the topic there."""

    def __init__(self, provider: aws.Provider, topic_arn: pulumi.Output[str]):
        self.provider = provider
        self.topic_arn = topic_arn


def _route53_alarms(env: str, platforms: dict[str, RegionalPlatform], providers: dict[str, aws.Provider], needed: bool) -> Optional[_AlarmTarget]:
    if not needed:
        return None
    own = platforms.get(ROUTE53_METRICS_REGION)
    if own is not None and own.alarm_topic is not None:
        return _AlarmTarget(providers[ROUTE53_METRICS_REGION], own.alarm_topic.arn)
    # The stack does not run in us-east-1: a key and topic there for the health-check alarms only.
    tags = {RESIDENCY_EXEMPTION_TAG: "route53-health-check-metrics"}
    provider = aws.Provider(
        f"aws-{ROUTE53_METRICS_REGION}-route53-alarms",
        region=ROUTE53_METRICS_REGION,
        default_tags=aws.ProviderDefaultTagsArgs(tags={"blueprint:environment": env, "blueprint:stack": pulumi.get_stack(), "managed-by": "pulumi"}),
    )
    in_region = pulumi.ResourceOptions(providers=[provider])
    key = KmsKey(f"{env}-route53-alarms-key", KmsKeyArgs(alias_name=f"blueprint/{env}-route53-alarms", description=f"blueprint {env}: Route 53 health-check alarm topic", tags=tags), in_region)
    topic = AlarmTopic(f"{env}-route53-alarms", AlarmTopicArgs(kms_key_arn=key.arn, tags=tags), in_region)
    return _AlarmTarget(provider, topic.arn)


def _workload_regions(
    env: str,
    placements: list[WorkloadPlacement],
    platforms: dict[str, RegionalPlatform],
    providers: dict[str, aws.Provider],
    dns_zone: Optional[str],
    hosted_zone_id: Any,
    footprint: Footprint,
    validation_fqdn: Any = None,
    global_dbs: Optional[dict[str, AuroraGlobalCluster]] = None,
    service_images: Optional[dict[str, Any]] = None,
    offerings: Optional[dict[str, Any]] = None,
    service_ready: Optional[dict[str, list[Any]]] = None,
    fallback_images: Optional[dict[str, Any]] = None,
) -> list[WorkloadRegion]:
    first = placements[0]
    workload, strategy = first.workload, first.strategy
    second = placements[1] if len(placements) > 1 else None
    global_db = None
    if workload.database is not None and second is not None and strategy.deploys_second_region:
        global_db = AuroraGlobalCluster(
            f"{workload.name}-global-db",
            AuroraGlobalClusterArgs(global_cluster_identifier=f"{env}-{workload.name}", engine=workload.database.engine.value, tags=_tags(first)),
            pulumi.ResourceOptions(providers=[providers[first.region]]),
        )
        if global_dbs is not None:
            global_dbs[workload.name] = global_db

    built: list[WorkloadRegion] = []
    for placement in placements:
        region = footprint.region(placement.region)
        previous_db = built[0].database if built and built[0].database is not None else None
        built.append(
            WorkloadRegion(
                f"{workload.name}-{placement.region}",
                WorkloadRegionArgs(
                    environment=env,
                    placement=placement,
                    platform=platforms[placement.region],
                    vpc_cidr_block=REGION_CIDRS[region.role],
                    dns_zone=dns_zone,
                    hosted_zone_id=hosted_zone_id,
                    domain_validation_record_fqdn=validation_fqdn,
                    global_cluster_identifier=global_db.id if global_db is not None else None,
                    database_depends_on=[previous_db] if previous_db is not None else [],
                    database_write_forwarding=global_db is not None and first.intent.database_write_forwarding,
                    database_secret_replica_region=second.region if second is not None and global_db is not None else None,
                    database_secret_replica_kms_key_arn=platforms[second.region].key.arn if second is not None and global_db is not None else None,
                    deletion_protection=is_production(env),
                    # Every database is in an AWS Backup plan, into a locked vault in its region.
                    recovery_vault=workload.database is not None,
                    service_image=(service_images or {}).get(placement.region),
                    gpu_offerings=(offerings or {}).get(placement.region),
                    # The serving pods start only once their Pod Identity association exists (issue 18).
                    service_ready=(service_ready or {}).get(placement.region, []),
                    fallback_image=(fallback_images or {}).get(placement.region),
                    tags=_tags(placement),
                ),
                pulumi.ResourceOptions(providers=[providers[placement.region]]),
            )
        )

    return built


def _recovery_outputs(outputs: dict[str, Any], name: str, recovery: RecoveryData) -> None:
    """Stack outputs of a workload's recovery data: repository URLs, artifact buckets, secret ARNs (issue 18)."""
    for region, repositories in recovery.images.items():
        outputs.setdefault("image_repositories", {}).setdefault(name, {})[region] = repositories.urls
    for region, store in recovery.artifacts.items():
        outputs.setdefault("artifact_stores", {}).setdefault(name, {})[region] = store.bucket
    if recovery.secrets is not None:
        outputs.setdefault("secrets", {})[name] = recovery.secrets.arns


def _registry_replication(env: str, footprint: Footprint, recovery: dict[str, RecoveryData],
                          providers: dict[str, aws.Provider]) -> Optional[RegistryReplication]:
    """The registry's ONE replication configuration (account + region wide), in the primary region: every
    replicated workload's repository prefix -> the second region (blueprint.components.aws.registry_replication)."""
    prefixes = registry_replication_prefixes(list(recovery.values()))
    if not prefixes or len(footprint.regions) < 2:
        return None
    primary, second = footprint.regions[0].name, footprint.regions[1].name
    return RegistryReplication(
        f"{env}-registry-replication",
        RegistryReplicationArgs(destination_regions=(second,), registry_id=account_id(providers[primary]),
                                repository_prefixes=tuple(prefixes)),
        pulumi.ResourceOptions(providers=[providers[primary]]),
    )


def _vault_replication(placements: list[WorkloadPlacement], built: list[WorkloadRegion],
                       platforms: dict[str, RegionalPlatform], providers: dict[str, aws.Provider]) -> None:
    """The primary's vault replicates into the second region's (when there is one)."""
    if len(placements) < 2:
        return
    first, second = placements[0], placements[1]
    workload = first.workload
    source, destination = built
    VaultReplication(
        f"{workload.name}-vault-replication",
        VaultReplicationArgs(
            source_bucket=source.vault.bucket,
            source_bucket_arn=source.vault.arn,
            source_kms_key_arn=platforms[first.region].key.arn,
            destination_bucket_arn=destination.vault.arn,
            destination_kms_key_arn=platforms[second.region].key.arn,
            destination_region=second.region,
            tags=_tags(first),
        ),
        pulumi.ResourceOptions(providers=[providers[first.region]], depends_on=[source.vault.versioning, destination.vault.versioning]),
    )


def _database_backups(
    name: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], providers: dict[str, aws.Provider]
) -> list[DatabaseBackupPlan]:
    """An AWS Backup plan for every Aurora cluster of the workload, in the cluster's region, each
    backup copied to the other region's locked vault when there is one.

    The primary's plan (``<workload>-db-backup``) is the backup-restore tier's only cross-region
    copy of the database; for the stronger strategies it guards against logical corruption, which
    the global database replicates within a second. The global secondary's own plan
    (``<workload>-standby-db-backup``, copying back to the primary region) keeps backups running
    after a failover promotes it, without a runbook step.
    """
    plans: list[DatabaseBackupPlan] = []
    for index, (placement, region) in enumerate(zip(placements, built)):
        if region.database is None or region.recovery_vault is None:
            continue
        others = [b for i, b in enumerate(built) if i != index and b.recovery_vault is not None]
        copy_to = others[0].recovery_vault if others else None
        plans.append(
            DatabaseBackupPlan(
                f"{name}-db-backup" if index == 0 else f"{name}-standby-db-backup",
                DatabaseBackupPlanArgs(
                    vault_name=region.recovery_vault.name,
                    copy_destination_vault_arn=copy_to.arn if copy_to is not None else None,
                    resource_arns=[region.database.arn],
                    retention_days=placement.vault.retention_days,
                    tags=_tags(placement),
                    region=placement.region,  # its provider's region: no get_region invoke
                ),
                pulumi.ResourceOptions(providers=[providers[placement.region]]),
            )
        )
    return plans


def _dns(
    name: str, placements: list[WorkloadPlacement], built: list[WorkloadRegion], dns_zone: Optional[str], alarms: _AlarmTarget, provider: aws.Provider,
    traffic_control: Optional[dict[str, Any]] = None,
) -> DnsFailover:
    """Route 53 is global; its resources go through the primary region's provider."""
    first = placements[0]
    probe = first.intent.probe
    endpoints = [
        DnsEndpoint(
            region=placement.region,
            role=placement.region_role.value,
            alb_dns_name=region.load_balancer.dns_name,
            alb_zone_id=region.load_balancer.zone_id,
            # Degraded serving where the region runs the workload's fallback (issue 18): weighted records, weight 0.
            fallback=_fallback_target(placement, region),
        )
        for placement, region in zip(placements, built)
        if region.load_balancer is not None
    ]
    routing = first.intent.dns_routing if len(endpoints) > 1 else "simple"
    return DnsFailover(
        f"{name}-dns",
        DnsFailoverArgs(
            zone_name=dns_zone,
            record_name=f"{name}.{dns_zone}",
            routing=routing,
            endpoints=endpoints,
            readiness_path=first.workload.service.readiness_path,
            health_check_interval_s=probe.dns_interval_s,
            failure_threshold=probe.dns_failure_threshold,
            alarm_topic_arns=[alarms.topic_arn],
            alarm_provider=alarms.provider,
            # Any region's certificate gives the same record (ACM: per name and account); the
            # first load balancer's is used; its name and value stay the same when a region is added,
            # removed or promoted, so the record is never replaced.
            validation_option=next(r.load_balancer for r in built if r.load_balancer is not None).domain_validation_option,
            traffic_control_health_check_ids=dict(traffic_control or {}),
            tags=_tags(first),
        ),
        pulumi.ResourceOptions(providers=[provider]),
    )


def _fallback_image(recovery: RecoveryData, placement: WorkloadPlacement) -> Any:
    """The fallback's image in ``placement``'s region, resolved like the service's (RecoveryData.service_image):
    ``<image>:<tag>`` -> the region's repository of that image; a digest or an image outside ``images`` as configured."""
    plan = placement.fallback
    repositories = recovery.images.get(placement.region) or next(iter(recovery.images.values()), None)
    if plan is None or repositories is None or "@sha256:" in plan.image:
        return plan.image if plan is not None else None
    name, tag = plan.image.rsplit(":", 1)
    url = repositories.urls.get(name)
    return pulumi.Output.concat(url, ":", tag) if url is not None else plan.image


def _fallback_target(placement: WorkloadPlacement, region: WorkloadRegion) -> Optional[DnsFallbackTarget]:
    lb = region.fallback_load_balancer
    if lb is None or placement.fallback is None:
        return None
    return DnsFallbackTarget(alb_dns_name=lb.dns_name, alb_zone_id=lb.zone_id, readiness_path=placement.fallback.readiness_path)


def _tags(placement: WorkloadPlacement) -> dict[str, str]:
    return placement_labels(placement, "blueprint:")

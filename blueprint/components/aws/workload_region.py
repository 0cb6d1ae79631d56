"""One workload's footprint in one region, as its placement (blueprint.footprint) decides.

- every region: the workload's immutable backup vault;
- regions that run it (the primary; the second region unless it only holds backup copies):
  GPU node groups (minimums scaled by the region's role), the load balancer of a served workload,
  and its Aurora cluster (primary writer + readers; or the global secondary: readers for
  active-active and warm standby, headless for pilot light; the composer's
  ``database_write_forwarding`` makes an active-active secondary forward writes to the primary);
- workloads with a database: a locked AWS Backup vault (``recovery_vault``) in every region where
  the composer asks for one - every region of such a workload (recovery points of each region's
  cluster are kept there and copied across; ``blueprint.components.aws.platform``);
- served workloads where they run: the ``InferenceService`` in the region's cluster (replicas by the
  region's role: ``blueprint.components.k8s.inference_service.replicas_for``), bound to the load balancer's
  target group; with service.requestsPerSecondPerPod (and the platform's ``Keda``) it scales on the
  target group's request count (``blueprint.components.aws.traffic_trigger``), CPU second, else on CPU only; queued workloads in each region that can serve them (standby included: ``WorkloadPlacement.has_queue``): a ``WorkQueue``;
- where the footprint runs the workload's degraded mode (``placement.fallback``, issue 18): a second
  ``LoadBalancer`` (``<name>-fallback-lb``: the GPU one's settings and certificate) and the
  ``FallbackService`` (blueprint/components/k8s/fallback_service.py) bound to its target group; the
  composer's ``DnsFailover`` sends it traffic only while the GPU endpoint is unhealthy (weight 0);
- where anything runs: ``WorkloadAlarms`` to the region's alarm topic (queue age and dead letters,
  replication lag of a global secondary, ALB unhealthy hosts and 5xx, GPU nodes below the minimum).

Cross-region links (vault replication, the global database, backup copies, DNS) are wired by the
composer (``blueprint.components.aws.platform``), which sees both regions.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from blueprint.catalogs.accelerators import aws_instance_for
from blueprint.footprint import RegionRole, WorkloadPlacement
from blueprint.components.aws.aurora_database import AuroraDatabase, AuroraDatabaseArgs
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.gpu_node_pool import (
    GpuNodePool,
    GpuNodePoolArgs,
    InstanceTypeOfferings,
    candidate_instance_types,
    instance_type_offerings,
)
from blueprint.components.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from blueprint.components.aws.queue import WorkQueue, WorkQueueArgs
from blueprint.components.aws.recovery_point_vault import RecoveryPointVault, RecoveryPointVaultArgs
from blueprint.components.aws.regional_platform import RegionalPlatform
from blueprint.components.aws.traffic_trigger import AlbRequestRateTriggerArgs, alb_request_rate_trigger
from blueprint.components.aws.workload_alarms import WorkloadAlarms, WorkloadAlarmsArgs
from blueprint.components.composition import fallback_service_args, inference_service_args
from blueprint.components.k8s.fallback_service import FallbackService
from blueprint.components.k8s.inference_service import InferenceService
from blueprint.components.k8s.traffic_scaling import TrafficScaling

# The label EksCluster puts on its system node group (blueprint/components/aws/eks_cluster.py, the system
# NodeGroup's labels): where the fallback pods (no GPU) run.
SYSTEM_NODE_LABEL = "blueprint.dev/node-role"


def gpu_offerings(placements: list[WorkloadPlacement], zones: tuple[str, ...],
                  provider: pulumi.ProviderResource) -> Optional[InstanceTypeOfferings]:
    """One instance-type offerings lookup (a synchronous invoke, through ``provider``) for every GPU
    pool ``placements`` run in a region with ``zones``: their candidate types over the region's zones;
    None when no placement runs a pool there. The composer asks before declaring anything: each
    synchronous invoke pumps the program's event loop at a cost that grows with what was declared
    before it (benchmarks/README.md), so one early lookup per region replaces one per pool."""
    types: list[str] = []
    for placement in placements:
        gpu = placement.workload.gpu
        option = aws_instance_for(gpu.accelerator.value, gpu.gpus_per_node) if gpu is not None else None
        if placement.runs_here and placement.gpu is not None and option is not None:
            types += candidate_instance_types(gpu.accelerator.value, option.instance_type, gpu.gpus_per_node, gpu.capacity.value)
    if not types or not zones:
        return None
    return instance_type_offerings(list(zones), types, pulumi.InvokeOptions(provider=provider))


class WorkloadRegionArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    environment: str = Field(pattern=r"^[a-z0-9-]{1,20}$", description="Stack environment, used in names.")
    placement: WorkloadPlacement = Field(description="The workload in this region (blueprint.footprint).")
    platform: RegionalPlatform = Field(description="The region's shared platform (key, network, cluster, log bucket).")
    vpc_cidr_block: str = Field(description="The region's VPC range: the database and load balancer talk only inside it.")
    dns_zone: Optional[str] = Field(default=None, description="Public zone the service names live in (needed with a service).")
    hosted_zone_id: Any = Field(default=None, description="Route 53 zone ID of dns_zone, for certificate validation.")
    domain_validation_record_fqdn: Any = Field(
        default=None,
        description="pulumi.Input[str]: the shared ACM validation record of the workload's global name, owned by the "
        "caller (LoadBalancerArgs.domain_validation_record_fqdn). Default None: the load balancer owns its own.",
    )
    global_cluster_identifier: Any = Field(default=None, description="Aurora global cluster this region's cluster joins.")
    database_secret_replica_region: Optional[str] = Field(default=None, description="Second region the global primary's master secret is replicated to.")
    database_secret_replica_kms_key_arn: Any = Field(default=None, description="That region's customer-managed key.")
    database_depends_on: list[Any] = Field(default_factory=list, description="Resources the database must follow (the primary cluster, for a secondary).")
    # The composer decides by strategy (active-active writes in both regions); off by default.
    database_write_forwarding: bool = Field(
        default=False,
        description="Default False. True: this region's global secondary forwards writes to the primary's writer "
        "(AuroraDatabaseArgs.global_write_forwarding); ignored in the primary region.",
    )
    # Every database is in an AWS Backup plan (protection against logical corruption, which a global
    # database replicates at once): the composer asks for a locked recovery-point vault in every
    # region of a workload with a database.
    recovery_vault: bool = Field(default=False, description="Create a locked AWS Backup vault for the database's recovery points.")
    service_image: Any = Field(default=None, description="pulumi.Input[str]: the service's image resolved to this region's "
                               "repository (blueprint.components.aws.recovery_data). Default None: service.image as configured.")
    # EKS injects Pod Identity credentials only when a pod is admitted, and a new association is
    # eventually consistent (EKS API reference, CreatePodIdentityAssociation): pods created before it
    # run without credentials until restarted. The InferenceService's Deployment takes its image
    # through these resources (an Output dependency), so it is created only after them.
    fallback_image: Any = Field(default=None, description="pulumi.Input[str]: the fallback's image resolved to this region's "
                                "repository (issue 18). Default None: placement.fallback.image as configured.")
    service_ready: list[Any] = Field(default_factory=list, description="Resources the serving pods need first (ServingIdentity.ready). "
                                     "Default []: nothing to wait for.")
    # Secure default: load balancers refuse deletion unless the environment is explicitly non-production.
    deletion_protection: bool = Field(default=True, description="Load balancer deletion protection.")
    # Default None: the GPU pool looks its offerings up itself; the composer passes one lookup per region
    # for all of the region's pools (blueprint.components.aws.platform, gpu_node_pool.instance_type_offerings).
    gpu_offerings: Optional[InstanceTypeOfferings] = Field(
        default=None, description="The region's instance-type offerings for its GPU pools; default None: the pool asks EC2.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")


class WorkloadRegion(pulumi.ComponentResource):
    vault: BackupVault
    gpu_pool: Optional[GpuNodePool]
    load_balancer: Optional[LoadBalancer]
    # The degraded-serving target where the footprint runs the fallback here (placement.fallback).
    fallback_load_balancer: Optional[LoadBalancer]
    database: Optional[AuroraDatabase]
    recovery_vault: Optional[RecoveryPointVault]
    inference: Optional[InferenceService]
    # The degraded mode's pods, registered in fallback_load_balancer's target group (issue 18).
    fallback: Optional[FallbackService]
    queue: Optional[WorkQueue]
    alarms: Optional[WorkloadAlarms]

    def __init__(self, name: str, args: WorkloadRegionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:aws:WorkloadRegion", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        placement, platform = args.placement, args.platform
        self.vault = self._vault(name, args, child)
        self.gpu_pool = self._gpu_pool(name, args, child)
        self.load_balancer = self._load_balancer(name, args, child)
        self.fallback_load_balancer = self._fallback_load_balancer(name, args, child)
        self.database = self._database(name, args)
        self.recovery_vault = self._recovery_vault(name, args, child)
        self.inference = None
        self._service_image = _after(args.service_image if args.service_image is not None else placement.workload.service.image
                                     if placement.workload.service is not None else None, args.service_ready)
        if placement.runs_here and placement.workload.service is not None and platform.cluster is not None and platform.kubernetes is not None:
            self.inference = self._inference(name, placement, platform)
        self.fallback = self._fallback(name, args)
        self.queue = self._queue(name, args, child)
        self.alarms = None
        if placement.runs_here and platform.alarm_topic is not None:
            self.alarms = self._alarms(name, placement, platform, args.tags)

        outputs: dict[str, Any] = {"vault_bucket": self.vault.bucket}
        if self.queue is not None:
            outputs["queue_url"] = self.queue.url
        if self.load_balancer is not None:
            outputs["load_balancer_dns_name"] = self.load_balancer.dns_name
        if self.database is not None:
            outputs["database_endpoint"] = self.database.endpoint
        self.register_outputs(outputs)

    def _vault(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> BackupVault:
        platform, vault = args.platform, args.placement.vault
        return BackupVault(
            f"{name}-vault",
            BackupVaultArgs(
                kms_key_arn=platform.key.arn,
                lock_mode=vault.lock_mode.value,
                retention_days=vault.retention_days,
                # S3 server access logs of the vault into the region's access-log bucket (SSE-S3).
                access_log_bucket=platform.access_logs.bucket if platform.access_logs is not None else None,
                tags=args.tags,
            ),
            child,
        )

    def _gpu_pool(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[GpuNodePool]:
        placement, platform, workload = args.placement, args.platform, args.placement.workload
        network, cluster, gpu = platform.network, platform.cluster, workload.gpu
        if not placement.runs_here or placement.gpu is None or gpu is None or cluster is None or network is None:
            return None
        option = aws_instance_for(gpu.accelerator.value, gpu.gpus_per_node)
        if option is None:  # config validation refuses this first; a hand-made placement may not
            raise ValueError(f"gpu: no AWS instance type has {gpu.gpus_per_node} x {gpu.accelerator.value}")
        return GpuNodePool(
            f"{name}-gpu",
            GpuNodePoolArgs(
                cluster_name=cluster.cluster_name,
                kubernetes_version=cluster.version,
                node_role_arn=cluster.node_role_arn,
                subnet_ids_by_zone=network.private_subnet_ids_by_zone,
                workload=workload.name,
                tier=placement.intent.tier_label,
                guaranteed_capacity=placement.intent.guaranteed_gpu_capacity,
                accelerator=gpu.accelerator.value,
                instance_type=option.instance_type,
                gpus_per_node=gpu.gpus_per_node,
                capacity=gpu.capacity.value,
                min_nodes_per_zone=placement.gpu.min_nodes_per_zone,
                max_nodes_per_zone=placement.gpu.max_nodes_per_zone,
                # Mixed capacity: every region may grow its on-demand base back to the
                # configured minimum, so a standby keeps the primary's guarantee after failover.
                on_demand_base_per_zone=(
                    max(gpu.min_nodes_per_zone, placement.gpu.min_nodes_per_zone, 1) if gpu.capacity.value == "mixed" else None
                ),
                kms_key_arn=platform.key.arn,
                tags=args.tags,
                offered_instance_types=args.gpu_offerings,
            ),
            child,
        )

    def _load_balancer(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[LoadBalancer]:
        placement, platform, workload = args.placement, args.platform, args.placement.workload
        network = platform.network
        if not placement.runs_here or workload.service is None or network is None:
            return None
        if not args.dns_zone or args.hosted_zone_id is None:
            raise ValueError(f"{workload.name}: a served workload needs dns_zone and hosted_zone_id for its certificate")
        if platform.access_logs is None:
            raise ValueError(f"{workload.name}: the region's platform has no access-log bucket; create it with access_logs=True")
        return LoadBalancer(
            f"{name}-lb",
            LoadBalancerArgs(
                **_load_balancer_settings(args),
                regional_domain_name=f"{workload.name}.{placement.region}.{args.dns_zone}",
                domain_validation_record_fqdn=args.domain_validation_record_fqdn,
                service_port=workload.service.port,
                readiness_path=workload.service.readiness_path,
                access_logs_prefix=workload.name,
            ),
            child,
        )

    def _fallback_load_balancer(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[LoadBalancer]:
        """The degraded-serving target (placement.fallback): a second load balancer with the same secure settings,
        subnets, WAF and certificate as the GPU one, whose target group takes the fallback pods. DnsFailover answers
        with it only while the GPU endpoint's check fails (blueprint/components/aws/dns_failover.py). Only where the
        FallbackService and its TargetGroupBinding will be built (``_serves_fallback``): a load balancer with no
        targets would be permanently unhealthy, and its weight-0 record and check would route to nothing."""
        fallback, gpu_lb = args.placement.fallback, self.load_balancer
        if fallback is None or gpu_lb is None or not _serves_fallback(args):
            return None
        return LoadBalancer(
            f"{name}-fallback-lb",
            LoadBalancerArgs(
                **_load_balancer_settings(args),
                # The GPU load balancer's validated certificate for the same name: no second one to renew.
                certificate_arn=gpu_lb.certificate_arn,
                service_port=fallback.port,
                readiness_path=fallback.readiness_path,
                access_logs_prefix=f"{args.placement.workload.name}-fallback",
            ),
            child,
        )

    def _database(self, name: str, args: WorkloadRegionArgs) -> Optional[AuroraDatabase]:
        placement, platform, workload = args.placement, args.platform, args.placement.workload
        network = platform.network
        if not placement.runs_here or workload.database is None or network is None:
            return None
        primary = placement.region_role is RegionRole.PRIMARY
        replicates_secret = primary and args.global_cluster_identifier is not None
        return AuroraDatabase(
            f"{name}-db",
            AuroraDatabaseArgs(
                identifier=f"{args.environment}-{workload.name}",
                engine=workload.database.engine.value,
                size=workload.database.size.value,
                role="primary" if primary else "secondary",
                global_cluster_identifier=args.global_cluster_identifier,
                global_write_forwarding=args.database_write_forwarding and not primary,
                instance_count=placement.database_instances,
                zones=network.zones,
                subnet_ids=network.private_subnet_ids,
                vpc_id=network.vpc_id,
                allowed_cidr_blocks=[args.vpc_cidr_block],
                kms_key_arn=platform.key.arn,
                backup_retention_days=placement.intent.database_backup_retention_days,
                master_secret_replica_region=args.database_secret_replica_region if replicates_secret else None,
                master_secret_replica_kms_key_arn=args.database_secret_replica_kms_key_arn if replicates_secret else None,
                tags=args.tags,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=args.database_depends_on),
        )

    def _recovery_vault(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[RecoveryPointVault]:
        if not args.recovery_vault or args.placement.workload.database is None:
            return None
        return RecoveryPointVault(
            f"{name}-recovery-vault",
            RecoveryPointVaultArgs(
                kms_key_arn=args.platform.key.arn,
                lock_mode=args.placement.vault.lock_mode.value,
                min_retention_days=args.placement.vault.retention_days,
                tags=args.tags,
            ),
            child,
        )

    def _queue(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[WorkQueue]:
        queue = args.placement.workload.queue
        # Every region that can serve the workload, standby included (WorkloadPlacement.has_queue).
        if not args.placement.has_queue or queue is None:
            return None
        return WorkQueue(
            f"{name}-queue",
            WorkQueueArgs(
                kms_key_arn=args.platform.key.arn,
                max_receive_count=queue.max_receive_count,
                visibility_timeout_seconds=queue.visibility_timeout_seconds,
                tags=args.tags,
            ),
            child,
        )

    def _inference(self, name: str, placement: WorkloadPlacement, platform: RegionalPlatform) -> InferenceService:
        workload = placement.workload
        network = platform.network
        pool = self.gpu_pool
        zones = len(pool.zones) if pool is not None else len(network.zones if network is not None else ())
        gpus = workload.gpu.gpus_per_node if pool is not None and workload.gpu is not None else 0
        option = aws_instance_for(workload.gpu.accelerator.value, gpus) if gpus else None
        lb = self.load_balancer
        controller = platform.lb_controller
        return InferenceService(
            f"{name}-inference",
            inference_service_args(
                placement, zones=zones, gpus=gpus,
                shape=(option.vcpus, option.memory_gib) if option is not None else None,
                node_affinity=pool is not None,
                priority_class_name=platform.gpu_enablement.priority_class_name,
                # Only the VPC reaches the pods: the ALB (IP targets) and the nodes' kubelet probes.
                ingress_cidrs=[network.cidr_block],
                traffic_scaling=self._traffic_scaling(placement, platform),
                image=self._service_image,
                load_balancer_binding="aws-target-group" if lb is not None and controller is not None else "none",
                target_group_arn=lb.target_group_arn if lb is not None else None,
                load_balancer_security_group_id=lb.security_group_id if lb is not None else None,
                binding_depends_on=[controller.release] if controller is not None else [],
            ),
            pulumi.ResourceOptions(parent=self, providers=[platform.kubernetes]),
        )

    def _fallback(self, name: str, args: WorkloadRegionArgs) -> Optional[FallbackService]:
        """The FallbackService beside the InferenceService (same namespace, whose default-deny it shares), its pods
        registered in the fallback load balancer's target group by the AWS Load Balancer Controller."""
        placement, platform, lb = args.placement, args.platform, self.fallback_load_balancer
        if lb is None or self.inference is None:  # lb exists only where _serves_fallback holds
            return None
        controller = platform.lb_controller  # the TargetGroupBinding CRD is the controller's
        binding = dict(aws_target_group_arn=lb.target_group_arn, aws_security_group_id=lb.security_group_id,
                       binding_depends_on=[controller.release])
        return FallbackService(
            f"{name}-fallback",
            fallback_service_args(
                placement, zones=len(platform.network.zones), namespace=self.inference.namespace,
                # Only the VPC reaches the pods: the fallback ALB (IP targets) and the kubelet's probes.
                ingress_cidrs=[platform.network.cidr_block],
                image=args.fallback_image,
                # The cluster's system node group (blueprint/components/aws/eks_cluster.py labels it so): no GPU.
                node_selector={SYSTEM_NODE_LABEL: "system"},
                **binding,
            ),
            pulumi.ResourceOptions(parent=self, providers=[platform.kubernetes]),
        )

    def _traffic_scaling(self, placement: WorkloadPlacement, platform: RegionalPlatform) -> Optional[TrafficScaling]:
        """The target group's request rate per pod, where the workload states it and KEDA runs; else None (CPU only)."""
        rps, lb, keda = placement.requests_per_second_per_pod, self.load_balancer, platform.keda
        if rps is None or lb is None or keda is None:
            return None
        trigger = alb_request_rate_trigger(AlbRequestRateTriggerArgs(
            region=placement.region, load_balancer_arn_suffix=lb.arn_suffix,
            target_group_arn_suffix=lb.target_group_arn_suffix, requests_per_second_per_pod=rps,
        ))
        return TrafficScaling(trigger=trigger, authentication=keda.trigger_authentication_name, depends_on=[keda.release])

    def _alarms(self, name: str, placement: WorkloadPlacement, platform: RegionalPlatform, tags: dict[str, str]) -> Optional[WorkloadAlarms]:
        workload, intent = placement.workload, placement.intent
        kwargs: dict[str, Any] = {}
        if self.queue is not None:
            # The workload's RTO (config may only tighten the tier's), never below two visibility timeouts.
            kwargs.update(queue_name=self.queue.name, dlq_name=self.queue.dlq_name,
                          queue_age_threshold_s=intent.queue_age_threshold_s(workload.queue.visibility_timeout_seconds),
                          queue_depth_threshold=intent.queue_depth_threshold, dlq_age_threshold_s=intent.dead_letter_age_threshold_s)
        if self.database is not None and self.database.role == "secondary":
            kwargs.update(db_cluster_identifier=self.database.cluster_identifier,
                          replication_lag_threshold_ms=intent.replication_lag_threshold_ms)
        if self.load_balancer is not None:
            kwargs.update(load_balancer_arn_suffix=self.load_balancer.arn_suffix, target_group_arn_suffix=self.load_balancer.target_group_arn_suffix)
        pool = self.gpu_pool
        if pool is not None and placement.gpu is not None and placement.gpu.min_nodes_per_zone > 0:
            # The node groups' own Auto Scaling groups (resources.autoScalingGroups[0].name), resolved
            # once GpuNodePool has enabled their group metrics collection (the alarms need the metric).
            kwargs.update(gpu_min_nodes_per_zone=placement.gpu.min_nodes_per_zone, gpu_asg_names=dict(pool.asg_names))
        if not kwargs:
            return None
        return WorkloadAlarms(
            f"{name}-alarms",
            WorkloadAlarmsArgs(workload=workload.name, tier=intent.tier_label, evaluation_minutes=intent.alert_evaluation_minutes,
                               alarm_topic_arn=platform.alarm_topic.arn, tags=tags, **kwargs),
            pulumi.ResourceOptions(parent=self),
        )


def _serves_fallback(args: WorkloadRegionArgs) -> bool:
    """Whether the region gets a bound FallbackService: the InferenceService's conditions (it runs here, is served,
    the region has a cluster with a Kubernetes provider and a network) and the AWS Load Balancer Controller, whose
    TargetGroupBinding registers the fallback pods in the fallback load balancer's target group."""
    placement, platform = args.placement, args.platform
    return (placement.runs_here and placement.workload.service is not None and platform.cluster is not None
            and platform.kubernetes is not None and platform.network is not None and platform.lb_controller is not None)


def _load_balancer_settings(args: WorkloadRegionArgs) -> dict[str, Any]:
    """The LoadBalancerArgs a region's GPU and fallback load balancers share: network, name, zone, the tier's
    target health checks, deletion protection, access logs bucket, WAF and tags."""
    placement, platform = args.placement, args.platform
    network, probe = platform.network, placement.intent.probe
    return dict(
        vpc_id=network.vpc_id,
        vpc_cidr_block=args.vpc_cidr_block,
        public_subnet_ids=network.public_subnet_ids,
        domain_name=f"{placement.workload.name}.{args.dns_zone}",
        hosted_zone_id=args.hosted_zone_id,
        health_check_interval_s=probe.lb_interval_s,
        health_check_timeout_s=probe.lb_timeout_s,
        healthy_threshold=probe.lb_healthy_threshold,
        unhealthy_threshold=probe.lb_unhealthy_threshold,
        deletion_protection=args.deletion_protection,
        access_logs_bucket=platform.access_logs.bucket,
        web_acl_arn=platform.web_acl.arn if platform.web_acl is not None else None,
        tags=args.tags,
    )


def _after(image: Any, ready: list[Any]) -> Any:
    """``image`` as an Output that also depends on ``ready``: the Deployment that takes it waits for them
    (Pulumi orders by the dependencies of a resource's Output inputs). ``image`` itself when nothing to wait for."""
    if not ready or image is None:
        return image
    return pulumi.Output.all(image, *(r.urn for r in ready)).apply(lambda values: values[0])

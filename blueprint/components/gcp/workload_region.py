"""One workload's footprint in one GCP region, as its placement (blueprint.footprint) decides:
GPU node pools (minimums scaled by the region's role), the zonal NEGs a served workload's pods
register in (the global load balancer's backends), and its Cloud SQL instance (the HA primary, or
the cross-region read replica that is the promotion target).

Served workloads where they run get the ``InferenceService`` in the region's GKE cluster (replicas
by the region's role: ``blueprint.components.k8s.inference_service.replicas_for``), its Service annotated
with the ZonalNegs name (``load_balancer_binding="gke-neg"``) so GKE's NEG controller attaches the
pods to the NEGs the global load balancer uses (the NEGs' description names that Service and the
cluster's kube-system UID, so the controller adopts them; the Service waits for the NEGs; the NEG
name is salted with that UID, so a new cluster replaces the NEGs create-before-delete); only
the region's node and pod ranges
(``RegionalSubnet.cidrs``) and Google's load-balancer ranges (added by the component) reach the
pods. With service.requestsPerSecondPerPod (and the platform's ``Keda``) the InferenceService scales
on the region's NEG backend request rate (``blueprint.components.gcp.traffic_trigger``), CPU second; else on CPU
only. Queued workloads get a ``PubSubQueue`` in each region that can serve them (standby included:
``WorkloadPlacement.has_queue``).

Where ``placement.fallback`` is planned (``service.fallback``, issue 18), the degraded mode: its own
``ZonalNegs`` (named for the ``<workload>-fallback`` Service, salted like the GPU NEGs) and a
``FallbackService`` beside the InferenceService in its namespace, on GKE's system pool; the composer
makes those NEGs DEFAULT backends behind the GPU NEGs (``NegBackend.fallback_neg_ids``).

The vault and the global load balancer span both regions; the composer (blueprint.components.gcp.platform)
creates them."""

from __future__ import annotations

from typing import Any, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from blueprint.catalogs.accelerators import gcp_machine_for
from blueprint.footprint import RegionRole, WorkloadPlacement
from blueprint.components.gcp._names import CLOUD_SQL_INSTANCE_NAME_MAX, COMPUTE_NAME_MAX, fit_name
from blueprint.components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs
from blueprint.components.gcp.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from blueprint.components.gcp.pubsub_queue import PubSubQueue, PubSubQueueArgs, ack_deadline_for
from blueprint.components.gcp.regional_platform import RegionalPlatform
from blueprint.components.gcp.traffic_trigger import NegRequestRateTriggerArgs, neg_request_rate_trigger
from blueprint.components.gcp.zonal_negs import GkeNegOwner, ZonalNegs, ZonalNegsArgs
from blueprint.components.composition import fallback_service_args, inference_service_args
from blueprint.components.k8s.fallback_service import FallbackService
from blueprint.components.k8s.inference_service import InferenceService
from blueprint.components.k8s.traffic_scaling import TrafficScaling

# (vCPUs, memory GiB) of the GPU machine types the accelerator catalog uses (Compute Engine machine
# families: N1 standard 3.75 GB per vCPU; G2 standard 4 GB per vCPU; A2 highgpu 12 vCPUs and 85 GB per
# GPU; A3 highgpu-8g 208 vCPUs / 1872 GB; A3 ultragpu-8g 224 vCPUs / 2952 GB). Memory rounded down.
GCP_MACHINE_SHAPES: dict[str, tuple[int, int]] = {
    "n1-standard-4": (4, 15), "n1-standard-8": (8, 30), "n1-standard-16": (16, 60),
    "g2-standard-4": (4, 16), "g2-standard-24": (24, 96), "g2-standard-48": (48, 192), "g2-standard-96": (96, 384),
    "a2-highgpu-1g": (12, 85), "a2-highgpu-2g": (24, 170), "a2-highgpu-4g": (48, 340), "a2-highgpu-8g": (96, 680),
    "a3-highgpu-8g": (208, 1872), "a3-ultragpu-8g": (224, 2952),
}


# The node label of GKE's system pool (GkeCluster._system_pool: labels={"blueprint.dev/pool": "system"}).
SYSTEM_POOL_LABEL, SYSTEM_POOL_VALUE = "blueprint.dev/pool", "system"


def database_instance_name(environment: str, workload: str, region: str, primary: bool = False) -> str:
    """The Cloud SQL instance name of a workload in a region: ``<env>-<workload>-<region>`` whatever
    the region's role. Names follow the region, not the role, because the role moves: after a
    promotion (``blueprint rebuild``, failback) the survivor's instance becomes the primary under the
    same URN, and a role-based name would force its replacement (the name is ForceNew) under the lost
    primary's name: the lost instance still holds that name in the project (a 409), and were it free the
    replacement would be a new, empty instance that deletes the promoted one with the data. (Google's
    "Delete instances" page, https://cloud.google.com/sql/docs/postgres/delete-instance, now says a
    deleted name "can be reused immediately"; older Cloud SQL releases blocked it for up to a week, so
    no step relies on reusing a name.) ``primary`` is accepted for callers and ignored.
    Longer than Cloud SQL allows (blueprint/components/gcp/_names.py), the name keeps a readable prefix and ends
    with a hash of the full name, so the regions' instances still differ."""
    del primary  # the name never depends on the role (see above)
    return fit_name(environment, workload, region, max_length=CLOUD_SQL_INSTANCE_NAME_MAX)


class WorkloadRegionArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    environment: str = Field(pattern=r"^[a-z0-9-]{1,20}$", description="Stack environment, used in names.")
    placement: WorkloadPlacement = Field(description="The workload in this region (blueprint.footprint).")
    platform: RegionalPlatform = Field(description="The region's shared platform (key, subnet, cluster).")
    network_id: Any = Field(description="pulumi.Input[str]: the stack's VPC (NEGs and Cloud SQL private IP).")
    private_ip_range: Any = Field(default=None, description="Private services access range for Cloud SQL.")
    database_depends_on: list[Any] = Field(default_factory=list, description="Resources the database must follow (the peering; the primary for a replica).")
    primary_instance_name: Any = Field(default=None, description="The primary Cloud SQL instance a replica follows.")
    backup_location: Optional[str] = Field(default=None, description="Second region for a backup-restore primary's backups.")
    pubsub_service_agent: Any = Field(default=None, description="The project's Pub/Sub service agent (needed with a queue: dead-letter grants).")
    service_image: Any = Field(default=None, description="pulumi.Input[str]: the service's image in this region's registry "
                               "(blueprint.components.gcp.recovery_data). Default None: service.image as configured.")
    fallback_image: Any = Field(default=None, description="pulumi.Input[str]: the fallback's image in this region's registry "
                                "(issue 18). Default None: service.fallback.image as configured.")
    labels: dict[str, str] = Field(default_factory=dict, description="Labels merged onto every labelled child.")


class WorkloadRegion(pulumi.ComponentResource):
    gpu_pool: Optional[GpuNodePool]
    negs: Optional[ZonalNegs]
    database: Optional[CloudSqlDatabase]
    inference: Optional[InferenceService]
    queue: Optional[PubSubQueue]
    # The degraded mode (issue 18) where placement.fallback is planned: its own NEGs and pods.
    fallback_negs: Optional[ZonalNegs]
    fallback: Optional[FallbackService]

    def __init__(self, name: str, args: WorkloadRegionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:gcp:WorkloadRegion", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        platform = args.platform
        self.gpu_pool = self._gpu_pool(name, args, child)
        self.negs = self._negs(name, args, child)
        self.database = self._database(name, args)
        self.inference = None
        self._service_image = args.service_image
        if self.negs is not None and platform.kubernetes is not None and platform.gpu_enablement is not None:
            self.inference = self._inference(name, args.placement, platform)
        self.fallback_negs, self.fallback = self._fallback(name, args, child)
        self.queue = self._queue(name, args, child)

        outputs: dict[str, Any] = {}
        if self.queue is not None:
            outputs["queue_topic_id"] = self.queue.topic_id
        if self.database is not None:
            outputs["database_connection_name"] = self.database.connection_name
        self.register_outputs(outputs)

    def _gpu_pool(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[GpuNodePool]:
        placement, platform, gpu = args.placement, args.platform, args.placement.workload.gpu
        cluster = platform.cluster
        if not placement.runs_here or placement.gpu is None or gpu is None or cluster is None:
            return None
        machine = gcp_machine_for(gpu.accelerator.value, gpu.gpus_per_node)
        if machine is None:  # config validation refuses this first; a hand-made placement may not
            raise ValueError(f"gpu: no GCP machine type has {gpu.gpus_per_node} x {gpu.accelerator.value}")
        return GpuNodePool(
            f"{name}-gpu",
            GpuNodePoolArgs(
                cluster=cluster.id,
                location=placement.region,
                zones=tuple(cluster.zones),
                workload=placement.name,
                tier=placement.intent.tier_label,
                guaranteed_capacity=placement.intent.guaranteed_gpu_capacity,
                accelerator=gpu.accelerator.value,
                machine_type=machine.machine_type,
                accelerator_type=machine.accelerator_type,
                gpus_per_node=gpu.gpus_per_node,
                capacity=gpu.capacity.value,
                min_nodes_per_zone=placement.gpu.min_nodes_per_zone,
                max_nodes_per_zone=placement.gpu.max_nodes_per_zone,
                kms_key_id=platform.key.id,
                service_account_email=cluster.node_service_account_email,
                labels=args.labels,
            ),
            child,
        )

    def _negs(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[ZonalNegs]:
        placement, platform, workload = args.placement, args.platform, args.placement.workload
        cluster, subnet = platform.cluster, platform.subnet
        if not placement.runs_here or workload.service is None or cluster is None or subnet is None:
            return None
        # The Service's `cloud.google.com/neg` annotation names these NEGs (issue 5's manifests);
        # their description names that Service (InferenceService: namespace and Service are the
        # workload's name, port the service port) and the cluster, so GKE's NEG controller adopts
        # them instead of refusing them (ZonalNegs docstring).
        owner = None
        neg_name: Any = fit_name(args.environment, workload.name, placement.region, max_length=COMPUTE_NAME_MAX)
        if platform.kube_system_uid is not None:
            owner = GkeNegOwner(cluster_uid=platform.kube_system_uid, namespace=workload.name,
                                service_name=workload.name, port=workload.service.port)
            # Salted with the cluster UID: a new cluster gets new NEG names, so the NEGs are
            # replaced create-before-delete while the backend service still uses the old ones
            # (ZonalNegs docstring, "Replacement").
            env, wl, region = args.environment, workload.name, placement.region
            neg_name = platform.kube_system_uid.apply(
                lambda uid: fit_name(env, wl, region, max_length=COMPUTE_NAME_MAX, salt=uid))
        return ZonalNegs(
            f"{name}-negs",
            ZonalNegsArgs(neg_name=neg_name, zones=list(cluster.zones), network=args.network_id, subnetwork=subnet.id,
                          default_port=workload.service.port, gke_service=owner),
            child,
        )

    def _fallback(self, name: str, args: WorkloadRegionArgs,
                  child: pulumi.ResourceOptions) -> tuple[Optional[ZonalNegs], Optional[FallbackService]]:
        """The fallback's own NEGs (backends of the global backend service with preference DEFAULT:
        blueprint.components.gcp.load_balancer) and its FallbackService on the system pool, beside the
        InferenceService in its namespace; (None, None) where no fallback is planned."""
        placement, platform, plan = args.placement, args.platform, args.placement.fallback
        if plan is None or self.inference is None or platform.cluster is None or platform.subnet is None:
            return None, None
        workload, cluster = placement.workload, platform.cluster
        service = f"{workload.name}-fallback"
        owner, neg_name = None, fit_name(args.environment, service, placement.region, max_length=COMPUTE_NAME_MAX)
        if platform.kube_system_uid is not None:
            # Adopted by GKE's NEG controller like the GPU NEGs (ZonalNegs docstring), salted with the cluster UID.
            owner = GkeNegOwner(cluster_uid=platform.kube_system_uid, namespace=workload.name, service_name=service, port=plan.port)
            env, region = args.environment, placement.region
            neg_name = platform.kube_system_uid.apply(lambda uid: fit_name(env, service, region, max_length=COMPUTE_NAME_MAX, salt=uid))
        negs = ZonalNegs(f"{name}-fallback-negs",
                         ZonalNegsArgs(neg_name=neg_name, zones=list(cluster.zones), network=args.network_id, subnetwork=platform.subnet.id,
                                       default_port=plan.port, gke_service=owner), child)
        cidrs = platform.subnet.cidrs
        fallback = FallbackService(
            f"{name}-fallback",
            fallback_service_args(
                placement, zones=len(cluster.zones), namespace=self.inference.namespace,
                ingress_cidrs=[cidrs["nodes"], cidrs["pods"]], image=args.fallback_image,
                # The GKE system pool (blueprint/components/gcp/gke_cluster.py labels its nodes so); GPU nodes are tainted anyway.
                node_selector={SYSTEM_POOL_LABEL: SYSTEM_POOL_VALUE},
                gke_neg=True, neg_name=negs.neg_name, service_depends_on=[negs],
            ),
            pulumi.ResourceOptions(parent=self, providers=[platform.kubernetes]),
        )
        return negs, fallback

    def _database(self, name: str, args: WorkloadRegionArgs) -> Optional[CloudSqlDatabase]:
        placement, workload = args.placement, args.placement.workload
        if not placement.runs_here or workload.database is None:
            return None
        primary = placement.region_role is RegionRole.PRIMARY
        return CloudSqlDatabase(
            f"{name}-db",
            CloudSqlDatabaseArgs(
                instance_name=database_instance_name(args.environment, workload.name, placement.region, primary),
                engine=workload.database.engine.value,
                size=workload.database.size.value,
                region=placement.region,
                role="primary" if primary else "replica",
                master_instance_name=None if primary else args.primary_instance_name,
                network_id=args.network_id,
                allocated_ip_range=args.private_ip_range,
                kms_key_id=args.platform.key.id,
                # The primary is always HA; a replica is HA where it serves or stands warm, so a
                # promotion lands on a zone-redundant instance. Pilot light keeps a single-zone
                # replica (the cheapest promotion target); promotion can enable HA afterwards.
                high_availability=primary or placement.service_role != "pilot",
                retained_backups=placement.intent.database_backup_retention_days,
                backup_location=args.backup_location if primary else None,
                labels=args.labels,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=args.database_depends_on),
        )

    def _queue(self, name: str, args: WorkloadRegionArgs, child: pulumi.ResourceOptions) -> Optional[PubSubQueue]:
        placement, workload = args.placement, args.placement.workload
        # Every region that can serve the workload, standby included (WorkloadPlacement.has_queue).
        if not placement.has_queue or workload.queue is None:
            return None
        if args.pubsub_service_agent is None:
            raise ValueError(f"{workload.name}: a queued workload needs pubsub_service_agent (the dead-letter grants)")
        return PubSubQueue(
            f"{name}-queue",
            PubSubQueueArgs(
                topic_name=f"{args.environment}-{workload.name}-{placement.region}",
                region=placement.region,
                kms_key_id=args.platform.key.id,
                pubsub_service_agent=args.pubsub_service_agent,
                # Passed as configured: outside Pub/Sub's 5..100 the plan fails with the field named.
                max_delivery_attempts=workload.queue.max_receive_count,
                ack_deadline_seconds=ack_deadline_for(workload.queue.visibility_timeout_seconds),
                labels=args.labels,
            ),
            child,
        )

    def _inference(self, name: str, placement: WorkloadPlacement, platform: RegionalPlatform) -> InferenceService:
        workload = placement.workload
        pool, cluster, negs = self.gpu_pool, platform.cluster, self.negs
        zones = len(pool.zones) if pool is not None else len(cluster.zones)
        gpus = workload.gpu.gpus_per_node if pool is not None and workload.gpu is not None else 0
        shape = None
        if gpus:
            machine = gcp_machine_for(workload.gpu.accelerator.value, gpus)
            if machine.machine_type not in GCP_MACHINE_SHAPES:
                raise ValueError(f"gpu: machine type {machine.machine_type!r} has no shape in GCP_MACHINE_SHAPES; add its vCPUs and memory")
            shape = GCP_MACHINE_SHAPES[machine.machine_type]
        cidrs = platform.subnet.cidrs
        return InferenceService(
            f"{name}-inference",
            inference_service_args(
                placement, zones=zones, gpus=gpus, shape=shape,
                node_affinity=pool is not None,
                priority_class_name=platform.gpu_enablement.priority_class_name,
                # The region's nodes (kubelet probes) and pods; Google's LB ranges are added by the component.
                ingress_cidrs=[cidrs["nodes"], cidrs["pods"]],
                traffic_scaling=self._traffic_scaling(placement, platform),
                image=self._service_image,
                # GKE's NEG controller fills the NEGs named in the Service annotation (ZonalNegs).
                load_balancer_binding="gke-neg",
                neg_name=negs.neg_name,
                service_depends_on=[negs],
            ),
            pulumi.ResourceOptions(parent=self, providers=[platform.kubernetes]),
        )

    def _traffic_scaling(self, placement: WorkloadPlacement, platform: RegionalPlatform) -> Optional[TrafficScaling]:
        """The region's NEG request rate per pod, where the workload states it and KEDA runs; else None (CPU only)."""
        rps, keda, identity = placement.requests_per_second_per_pod, platform.keda, platform.keda_identity
        if rps is None or keda is None or identity is None or self.negs is None:
            return None
        trigger = neg_request_rate_trigger(NegRequestRateTriggerArgs(
            project=identity.project, neg_name=self.negs.neg_name, requests_per_second_per_pod=rps))
        return TrafficScaling(trigger=trigger, authentication=keda.trigger_authentication_name, depends_on=[keda.release])


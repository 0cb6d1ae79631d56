"""One workload's footprint in one GCP region, as its placement (blueprint.footprint) decides:
GPU node pools (minimums scaled by the region's role), the zonal NEGs a served workload's pods
register in (the global load balancer's backends), and its Cloud SQL instance (the HA primary, or
the cross-region read replica that is the promotion target).

The vault and the global load balancer span both regions; the composer (components.gcp.platform)
creates them."""

from __future__ import annotations

from typing import Any, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from blueprint.catalogs.accelerators import gcp_machine_for
from blueprint.catalogs.tiers import SecondRegionRole, database_backup_retention_days
from blueprint.footprint import RegionRole, WorkloadPlacement
from components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs
from components.gcp.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from components.gcp.regional_platform import RegionalPlatform
from components.gcp.zonal_negs import ZonalNegs, ZonalNegsArgs


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
    labels: dict[str, str] = Field(default_factory=dict)


class WorkloadRegion(pulumi.ComponentResource):
    gpu_pool: Optional[GpuNodePool]
    negs: Optional[ZonalNegs]
    database: Optional[CloudSqlDatabase]

    def __init__(self, name: str, args: WorkloadRegionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:gcp:WorkloadRegion", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        placement, platform, workload = args.placement, args.platform, args.placement.workload
        primary = placement.region_role is RegionRole.PRIMARY
        runs_here = primary or placement.role is not SecondRegionRole.BACKUP_COPIES
        cluster, subnet = platform.cluster, platform.subnet

        self.gpu_pool = None
        if runs_here and placement.gpu is not None and workload.gpu is not None and cluster is not None:
            machine = gcp_machine_for(workload.gpu.accelerator.value, workload.gpu.gpus_per_node)
            if machine is None:  # config validation refuses this first; a hand-made placement may not
                raise ValueError(f"gpu: no GCP machine type has {workload.gpu.gpus_per_node} x {workload.gpu.accelerator.value}")
            self.gpu_pool = GpuNodePool(
                f"{name}-gpu",
                GpuNodePoolArgs(
                    cluster=cluster.id,
                    location=placement.region,
                    zones=tuple(cluster.zones),
                    workload=workload.name,
                    tier=workload.tier.value,
                    accelerator=workload.gpu.accelerator.value,
                    machine_type=machine.machine_type,
                    accelerator_type=machine.accelerator_type,
                    gpus_per_node=workload.gpu.gpus_per_node,
                    capacity=workload.gpu.capacity.value,
                    min_nodes_per_zone=placement.gpu.min_nodes_per_zone,
                    max_nodes_per_zone=placement.gpu.max_nodes_per_zone,
                    kms_key_id=platform.key.id,
                    service_account_email=cluster.node_service_account_email,
                    labels=args.labels,
                ),
                child,
            )

        self.negs = None
        if runs_here and workload.service is not None and cluster is not None and subnet is not None:
            # The Service's `cloud.google.com/neg` annotation names these NEGs (issue 5's manifests).
            self.negs = ZonalNegs(
                f"{name}-negs",
                ZonalNegsArgs(
                    neg_name=f"{args.environment}-{workload.name}-{placement.region}"[:63],
                    zones=list(cluster.zones),
                    network=args.network_id,
                    subnetwork=subnet.id,
                    default_port=workload.service.port,
                ),
                child,
            )

        self.database = None
        if runs_here and workload.database is not None:
            self.database = CloudSqlDatabase(
                f"{name}-db",
                CloudSqlDatabaseArgs(
                    instance_name=f"{args.environment}-{workload.name}" + ("" if primary else f"-{placement.region}"),
                    engine=workload.database.engine.value,
                    size=workload.database.size.value,
                    region=placement.region,
                    role="primary" if primary else "replica",
                    master_instance_name=None if primary else args.primary_instance_name,
                    network_id=args.network_id,
                    allocated_ip_range=args.private_ip_range,
                    kms_key_id=platform.key.id,
                    # The primary is always HA; a replica is HA where it serves or stands warm, so a
                    # promotion lands on a zone-redundant instance. Pilot light keeps a single-zone
                    # replica (the cheapest promotion target); promotion can enable HA afterwards.
                    high_availability=primary or placement.role is not SecondRegionRole.PILOT,
                    retained_backups=database_backup_retention_days(workload.tier),
                    backup_location=args.backup_location if primary else None,
                    labels=args.labels,
                ),
                pulumi.ResourceOptions(parent=self, depends_on=args.database_depends_on),
            )

        outputs: dict[str, Any] = {}
        if self.database is not None:
            outputs["database_connection_name"] = self.database.connection_name
        self.register_outputs(outputs)

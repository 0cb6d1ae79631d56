"""GpuNodePool (GCP): one workload's GPU nodes in one region, as a regional GKE node pool over the
configured zones that offer the accelerator (two pools for ``mixed`` capacity).

Children (component named ``n``):
    ``n-on-demand``   gcp.container.NodePool ``<workload>-gpu`` (capacity "on-demand" and "mixed")
    ``n-spot``        gcp.container.NodePool ``<workload>-gpu-spot`` (capacity "spot" and "mixed")

Zones: the accelerator catalog's GCP offerings (``gcp_offering_zones``) filter the configured zones;
zones without the accelerator are skipped and reported (``skipped_zones``); none at all is an error.

Capacity (GKE autoscaling limits are per zone, like the configured ones):
    on-demand  one pool, min..max per zone.
    spot       one Spot VM pool, min..max per zone (refused with guaranteed_capacity).
    mixed      an on-demand pool holding the minimum (min..max(min, 1) per zone) plus a Spot pool for
               the burst (0..max - max(min, 1) per zone); the per-zone total never exceeds max.

Nodes: GKE-managed NVIDIA driver installation (``gpu_driver_version``), taint
``nvidia.com/gpu=present:NoSchedule`` set explicitly (GKE adds the same taint to GPU pools of a
cluster that has non-GPU pools, and its ExtendedResourceToleration admission lets GPU-requesting pods
tolerate it), Kubernetes labels ``blueprint.dev/{accelerator,workload,tier,capacity}``, Shielded VM
(secure boot, integrity monitoring), GKE metadata server only, CMEK boot disk, the cluster's node
service account, auto repair and upgrade, surge upgrades that never take a serving node away first.
The node count after creation belongs to the cluster autoscaler (``initialNodeCount`` is ignored).
"""

from __future__ import annotations

from typing import Any, Literal

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.catalogs.accelerators import ACCELERATOR_NAMES, accelerator, gcp_offering_zones
from blueprint.components._validation import IntBetween, MaxNodes, MinNodes
from blueprint.components._intent_values import TierLabel
from blueprint.components.gpu_pool_rules import GcpAccelerator, WorkloadName, capacity_split, check_capacity, check_shape, node_labels

from ._labels import check_zones, merge_labels
from ._types import KmsKeyId, Labels, Region
from .gke_cluster import node_security_config

# Kubernetes taint on every GPU node: GKE's own key and value for GPU pools; API effect enum
# NO_SCHEDULE / PREFER_NO_SCHEDULE / NO_EXECUTE.
GPU_TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}
# A3 Ultra (H200) VMs boot only from Hyperdisk; every other catalogued GPU machine series (N1, G2,
# A2, A3 High) boots from Persistent Disk, pd-balanced being the SSD-backed general default.
_HYPERDISK_ONLY_PREFIXES = ("a3-ultragpu-",)
DiskSizeGb = IntBetween(50, 65536, note=" (GPU images need at least 50); default 200")


def boot_disk_type(machine_type: str) -> str:
    return "hyperdisk-balanced" if machine_type.startswith(_HYPERDISK_ONLY_PREFIXES) else "pd-balanced"


class GpuNodePoolArgs(BaseModel):
    """One workload's GPU node pool in one region of a GKE cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster: Any = Field(description="pulumi.Input[str]: the GKE cluster's id (GkeCluster(...).id) or name.")
    location: Region = Field(description="The cluster's region, e.g. 'europe-west4'.")
    zones: tuple[str, ...] = Field(description="Configured zones of the region; those not offering accelerator_type "
                                   "are skipped (skipped_zones).")
    workload: WorkloadName = Field(description="Workload name, [a-z][a-z0-9-]{1,30}; names the pools ('<workload>-gpu'), "
                          "labels the nodes.")
    tier: TierLabel = Field(description="The workload's tier, a label only: labels and tags the nodes.")
    # The composer passes the tier's rule (blueprint.catalogs.operations, via blueprint.footprint.WorkloadIntent).
    guaranteed_capacity: bool = Field(
        default=False,
        description="Default False. True: capacity 'spot' is refused (spot capacity can be reclaimed at once, leaving no "
        "guaranteed GPUs); 'on-demand' and 'mixed' keep an on-demand minimum.",
    )
    accelerator: GcpAccelerator = Field(description=f"GPU model, one of {', '.join(ACCELERATOR_NAMES)} with GCP shapes.")
    machine_type: str = Field(description="Compute Engine machine type from the catalog (gcp_machine_for).")
    accelerator_type: str = Field(description="GCP accelerator type of that machine, e.g. 'nvidia-l4'.")
    gpus_per_node: int = Field(description="GPUs per node; must equal the catalogued machine's GPU count.")
    # Default on-demand: Spot VMs can be preempted at any time with 30 s notice.
    capacity: Literal["on-demand", "spot", "mixed"] = Field(
        default="on-demand",
        description="Default 'on-demand'. 'spot': Spot VMs only (refused with guaranteed_capacity). 'mixed': on-demand "
        "for the minimum plus Spot for the burst.",
    )
    min_nodes_per_zone: MinNodes = Field(description="Minimum (and initial) nodes per zone, >= 0 (0 = pilot light).")
    max_nodes_per_zone: MaxNodes = Field(description="Maximum nodes per zone, >= 1 and >= min_nodes_per_zone.")
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: Cloud KMS key id (same region) for the boot disks.")
    service_account_email: Any = Field(description="pulumi.Input[str]: node service account "
                                       "(GkeCluster(...).node_service_account_email).")
    # LATEST: the newest driver GKE qualifies for the node version (new GPUs such as H200 need it).
    gpu_driver_version: Literal["LATEST", "DEFAULT"] = Field(
        default="LATEST", description="GKE-managed NVIDIA driver: 'LATEST' (default) or 'DEFAULT' for the GKE version.")
    disk_size_gb: DiskSizeGb = Field(
        default=200,
        description="Boot disk GB (CMEK), 50..65536. Default 200: GPU inference images (CUDA, model runtimes) are "
        "tens of GB and kubelet evicts pods when the image filesystem fills up.",
    )
    labels: Labels = Field(default_factory=dict, description="GCE labels on the node VMs (plus "
                                   "blueprint-workload / -tier / -capacity).")

    @model_validator(mode="after")
    def _consistent(self) -> GpuNodePoolArgs:
        check_zones("zones", self.zones, self.location)
        shapes = {o.machine_type: o for o in accelerator(self.accelerator).gcp}
        shape = check_shape(self.accelerator, "machine_type", self.machine_type, shapes, self.gpus_per_node,
                            "GCP machine types")
        if shape.accelerator_type != self.accelerator_type:
            raise ValueError(f"accelerator_type: {self.accelerator_type!r} is not the GPU of {self.machine_type}; use "
                             f"{shape.accelerator_type!r}")
        check_capacity(self.guaranteed_capacity, self.capacity, self.min_nodes_per_zone, self.max_nodes_per_zone,
                       spot_notice="Spot VMs are preempted with 30 seconds' notice", burst="Spot pool")
        return self

    def pools(self) -> list[tuple[Literal["on-demand", "spot"], int, int]]:
        """(capacity, min per zone, max per zone) of each pool."""
        return capacity_split(self.capacity, self.min_nodes_per_zone, self.max_nodes_per_zone)


class GpuNodePool(pulumi.ComponentResource):
    """GPU nodes for one workload in one region: a GKE node pool over the offering zones (two for
    mixed capacity), GKE-managed drivers, tainted nvidia.com/gpu, Shielded, CMEK boot disks."""

    def __init__(self, name: str, args: GpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:GpuNodePool", name, None, opts)

        offered = set(gcp_offering_zones(args.accelerator_type, args.location))
        zones = [z for z in args.zones if z in offered]
        skipped = [z for z in args.zones if z not in offered]
        if not zones:
            raise ValueError(
                f"GpuNodePool {name}: no zone of {', '.join(args.zones)} (region {args.location}) offers "
                f"{args.accelerator_type} ({args.accelerator}); pick a region or zones that offer it (gcloud compute "
                f"accelerator-types list --filter=name={args.accelerator_type}) or another accelerator"
            )

        pools = {capacity: self._node_pool(name, args, zones, capacity, low, high) for capacity, low, high in args.pools()}
        self.zones: list[str] = zones
        self.skipped_zones: list[str] = skipped
        self.node_pool_name: pulumi.Output[str] = (pools.get("on-demand") or pools["spot"]).name
        self.spot_node_pool_name: pulumi.Output[str] | None = pools["spot"].name if "spot" in pools else None
        self.node_pool_names: dict[str, pulumi.Output[str]] = {c: p.name for c, p in pools.items()}
        self.register_outputs({"zones": self.zones, "skipped_zones": self.skipped_zones,
                               "node_pool_names": self.node_pool_names})

    def _node_pool(self, name: str, args: GpuNodePoolArgs, zones: list[str], capacity: Literal["on-demand", "spot"],
                   low: int, high: int) -> gcp.container.NodePool:
        return gcp.container.NodePool(
            f"{name}-{capacity}",
            name=f"{args.workload}-gpu" if capacity == "on-demand" else f"{args.workload}-gpu-spot",
            cluster=args.cluster,
            location=args.location,
            node_locations=zones,
            initial_node_count=low,
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                min_node_count=low,
                max_node_count=high,
                # ANY lets the autoscaler take Spot capacity wherever it exists (less preemption risk);
                # on-demand capacity is spread evenly over the zones.
                location_policy="ANY" if capacity == "spot" else "BALANCED",
            ),
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            # Surge: the replacement GPU node joins before the old one drains (needs one node of quota).
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(strategy="SURGE", max_surge=1,
                                                                       max_unavailable=0),
            node_config=_node_config(f"{name}-{capacity}", args, capacity),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["initialNodeCount"]),
        )


def _node_config(child_name: str, args: GpuNodePoolArgs, capacity: str) -> gcp.container.NodePoolNodeConfigArgs:
    """The pool's VMs: the catalogued machine with GKE-managed drivers, tainted and labelled, Shielded,
    GKE metadata server only, CMEK boot disk, the cluster's node service account."""
    vm_labels = {
        **merge_labels(args.labels, child_name),
        "blueprint-workload": args.workload,
        "blueprint-tier": args.tier,
        "blueprint-capacity": capacity,
    }
    return gcp.container.NodePoolNodeConfigArgs(
        machine_type=args.machine_type,
        spot=capacity == "spot",
        guest_accelerators=[
            gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                type=args.accelerator_type,
                count=args.gpus_per_node,
                gpu_driver_installation_config=(
                    gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                        gpu_driver_version=args.gpu_driver_version
                    )
                ),
            )
        ],
        disk_type=boot_disk_type(args.machine_type),
        disk_size_gb=args.disk_size_gb,
        taints=[gcp.container.NodePoolNodeConfigTaintArgs(**GPU_TAINT)],
        labels=node_labels(args.accelerator, args.workload, args.tier, capacity),
        shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
        workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
        **node_security_config(args.service_account_email, args.kms_key_id, vm_labels),
    )

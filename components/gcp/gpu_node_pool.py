"""GpuNodePool (GCP): one workload's GPU nodes in one region, as a regional GKE node pool over the
configured zones that offer the accelerator (two pools for ``mixed`` capacity).

Children (component named ``n``):
    ``n-on-demand``   gcp.container.NodePool ``<workload>-gpu`` (capacity "on-demand" and "mixed")
    ``n-spot``        gcp.container.NodePool ``<workload>-gpu-spot`` (capacity "spot" and "mixed")

Zones: the accelerator catalog's GCP offerings (``gcp_offering_zones``) filter the configured zones;
zones without the accelerator are skipped and reported (``skipped_zones``); none at all is an error.

Capacity (GKE autoscaling limits are per zone, like the configured ones):
    on-demand  one pool, min..max per zone.
    spot       one Spot VM pool, min..max per zone (refused for mission-critical).
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

import re
from typing import Any, Literal

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.catalogs.accelerators import ACCELERATOR_NAMES, accelerator, gcp_offering_zones

from ._labels import check_kms_key_id, check_labels, check_region, check_zones, merge_labels
from .gke_cluster import node_security_config

_WORKLOAD = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
# Kubernetes taint on every GPU node: GKE's own key and value for GPU pools; API effect enum
# NO_SCHEDULE / PREFER_NO_SCHEDULE / NO_EXECUTE.
GPU_TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}
LABEL_PREFIX = "blueprint.dev"
# A3 Ultra (H200) VMs boot only from Hyperdisk; every other catalogued GPU machine series (N1, G2,
# A2, A3 High) boots from Persistent Disk, pd-balanced being the SSD-backed general default.
_HYPERDISK_ONLY_PREFIXES = ("a3-ultragpu-",)


def boot_disk_type(machine_type: str) -> str:
    return "hyperdisk-balanced" if machine_type.startswith(_HYPERDISK_ONLY_PREFIXES) else "pd-balanced"


class GpuNodePoolArgs(BaseModel):
    """One workload's GPU node pool in one region of a GKE cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster: Any = Field(description="pulumi.Input[str]: the GKE cluster's id (GkeCluster(...).id) or name.")
    location: str = Field(description="The cluster's region, e.g. 'europe-west4'.")
    zones: tuple[str, ...] = Field(description="Configured zones of the region; those not offering accelerator_type "
                                   "are skipped (skipped_zones).")
    workload: str = Field(description="Workload name, [a-z][a-z0-9-]{1,30}; names the pools ('<workload>-gpu'), "
                          "labels the nodes.")
    tier: Literal["mission-critical", "business-critical", "standard", "best-effort"] = Field(
        description="The workload's tier; labels the nodes. mission-critical refuses spot-only capacity.")
    accelerator: str = Field(description=f"GPU model, one of {', '.join(ACCELERATOR_NAMES)} with GCP shapes.")
    machine_type: str = Field(description="Compute Engine machine type from the catalog (gcp_machine_for).")
    accelerator_type: str = Field(description="GCP accelerator type of that machine, e.g. 'nvidia-l4'.")
    gpus_per_node: int = Field(description="GPUs per node; must equal the catalogued machine's GPU count.")
    # Default on-demand: Spot VMs can be preempted at any time with 30 s notice.
    capacity: Literal["on-demand", "spot", "mixed"] = Field(
        default="on-demand",
        description="Default 'on-demand'. 'spot': Spot VMs only (refused for mission-critical). 'mixed': on-demand "
        "for the minimum plus Spot for the burst.",
    )
    min_nodes_per_zone: int = Field(description="Minimum (and initial) nodes per zone, >= 0 (0 = pilot light).")
    max_nodes_per_zone: int = Field(description="Maximum nodes per zone, >= 1 and >= min_nodes_per_zone.")
    kms_key_id: Any = Field(description="pulumi.Input[str]: Cloud KMS key id (same region) for the boot disks.")
    service_account_email: Any = Field(description="pulumi.Input[str]: node service account "
                                       "(GkeCluster(...).node_service_account_email).")
    # LATEST: the newest driver GKE qualifies for the node version (new GPUs such as H200 need it).
    gpu_driver_version: Literal["LATEST", "DEFAULT"] = Field(
        default="LATEST", description="GKE-managed NVIDIA driver: 'LATEST' (default) or 'DEFAULT' for the GKE version.")
    disk_size_gb: int = Field(
        default=200,
        description="Boot disk GB (CMEK), 50..65536. Default 200: GPU inference images (CUDA, model runtimes) are "
        "tens of GB and kubelet evicts pods when the image filesystem fills up.",
    )
    labels: dict[str, str] = Field(default_factory=dict, description="GCE labels on the node VMs (plus "
                                   "blueprint-workload / -tier / -capacity).")

    @field_validator("location")
    @classmethod
    def _location(cls, v: str) -> str:
        return check_region("location", v)

    @field_validator("workload")
    @classmethod
    def _workload(cls, v: str) -> str:
        if not _WORKLOAD.match(v) or v.endswith("-"):
            raise ValueError(
                f"workload: {v!r} must match [a-z][a-z0-9-]{{1,30}} (lower case, digits, '-'), e.g. 'fraud-scoring'"
            )
        return v

    @field_validator("accelerator")
    @classmethod
    def _accelerator(cls, v: str) -> str:
        if v not in ACCELERATOR_NAMES:
            raise ValueError(f"accelerator: {v!r} is not catalogued; choose one of {', '.join(ACCELERATOR_NAMES)}")
        if not accelerator(v).gcp:
            with_gcp = [n for n in ACCELERATOR_NAMES if accelerator(n).gcp]
            raise ValueError(f"accelerator: {v!r} has no GCP machine type in the catalog; choose one of "
                             f"{', '.join(with_gcp)}")
        return v

    @field_validator("min_nodes_per_zone")
    @classmethod
    def _min(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"min_nodes_per_zone: {v} is negative; use 0 (scale from zero) or more")
        return v

    @field_validator("max_nodes_per_zone")
    @classmethod
    def _max(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"max_nodes_per_zone: {v} must be at least 1 (a pool that can never scale up serves nothing)")
        return v

    @field_validator("disk_size_gb")
    @classmethod
    def _disk(cls, v: int) -> int:
        if not 50 <= v <= 65536:
            raise ValueError(f"disk_size_gb: {v} is outside 50..65536 (GPU images need at least 50); default 200")
        return v

    @field_validator("kms_key_id")
    @classmethod
    def _kms(cls, v: Any) -> Any:
        return check_kms_key_id("kms_key_id", v)

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: dict[str, str]) -> dict[str, str]:
        return check_labels("labels", v)

    @model_validator(mode="after")
    def _consistent(self) -> GpuNodePoolArgs:
        check_zones("zones", self.zones, self.location)
        shapes = {o.machine_type: o for o in accelerator(self.accelerator).gcp}
        shape = shapes.get(self.machine_type)
        if shape is None:
            raise ValueError(f"machine_type: {self.machine_type!r} does not carry {self.accelerator}; catalogued GCP "
                             f"machine types for it are {', '.join(sorted(shapes))}")
        if shape.accelerator_type != self.accelerator_type:
            raise ValueError(f"accelerator_type: {self.accelerator_type!r} is not the GPU of {self.machine_type}; use "
                             f"{shape.accelerator_type!r}")
        if shape.gpus != self.gpus_per_node:
            by_count = ", ".join(f"{o.gpus} -> {o.machine_type}" for o in shapes.values())
            raise ValueError(f"gpus_per_node: {self.gpus_per_node} does not match {self.machine_type} ({shape.gpus} "
                             f"GPU(s)); {self.accelerator} shapes are {by_count}")
        if self.max_nodes_per_zone < self.min_nodes_per_zone:
            raise ValueError(f"max_nodes_per_zone: {self.max_nodes_per_zone} is below min_nodes_per_zone "
                             f"({self.min_nodes_per_zone}); raise it to at least {self.min_nodes_per_zone}")
        if self.capacity == "spot" and self.tier == "mission-critical":
            raise ValueError("capacity: 'spot' leaves a mission-critical workload without guaranteed GPUs (Spot VMs "
                             "are preempted with 30 seconds' notice); use 'on-demand' or 'mixed' (on-demand minimum, "
                             "Spot burst)")
        if self.capacity == "mixed" and self.max_nodes_per_zone <= max(self.min_nodes_per_zone, 1):
            raise ValueError(f"capacity: 'mixed' needs max_nodes_per_zone ({self.max_nodes_per_zone}) above "
                             f"max(min_nodes_per_zone, 1) = {max(self.min_nodes_per_zone, 1)} so the Spot pool has "
                             "room to burst; raise max_nodes_per_zone or use 'on-demand'")
        return self

    def pools(self) -> list[tuple[Literal["on-demand", "spot"], int, int]]:
        """(capacity, min per zone, max per zone) of each pool."""
        if self.capacity == "mixed":
            held = max(self.min_nodes_per_zone, 1)
            return [("on-demand", self.min_nodes_per_zone, held), ("spot", 0, self.max_nodes_per_zone - held)]
        return [(self.capacity, self.min_nodes_per_zone, self.max_nodes_per_zone)]


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

        pools: dict[str, gcp.container.NodePool] = {}
        for capacity, low, high in args.pools():
            child_name = f"{name}-{capacity}"
            vm_labels = {
                **merge_labels(args.labels, child_name),
                "blueprint-workload": args.workload,
                "blueprint-tier": args.tier,
                "blueprint-capacity": capacity,
            }
            common = node_security_config(args.service_account_email, args.kms_key_id, vm_labels)
            pools[capacity] = gcp.container.NodePool(
                child_name,
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
                node_config=gcp.container.NodePoolNodeConfigArgs(
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
                    labels={
                        f"{LABEL_PREFIX}/accelerator": args.accelerator,
                        f"{LABEL_PREFIX}/workload": args.workload,
                        f"{LABEL_PREFIX}/tier": args.tier,
                        f"{LABEL_PREFIX}/capacity": capacity,
                    },
                    shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                        enable_secure_boot=True, enable_integrity_monitoring=True
                    ),
                    workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                        mode="GKE_METADATA"
                    ),
                    **common,
                ),
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["initialNodeCount"]),
            )

        self.zones: list[str] = zones
        self.skipped_zones: list[str] = skipped
        self.node_pool_name: pulumi.Output[str] = (pools.get("on-demand") or pools["spot"]).name
        self.spot_node_pool_name: pulumi.Output[str] | None = pools["spot"].name if "spot" in pools else None
        self.node_pool_names: dict[str, pulumi.Output[str]] = {c: p.name for c, p in pools.items()}
        self.register_outputs({"zones": self.zones, "skipped_zones": self.skipped_zones,
                               "node_pool_names": self.node_pool_names})

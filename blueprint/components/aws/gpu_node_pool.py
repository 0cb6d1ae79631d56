"""GpuNodePool: one workload's GPU nodes in one region, as one EKS managed node group per zone that
offers the instance type (so the cluster autoscaler scales each zone on its own and zonal EBS
volumes always find a node in their zone).

Children (component named ``n``):
    ``n-node-ebs-grant``          aws.kms.Grant: EC2 Auto Scaling may use the CMK for the root volumes
    ``n-launch-template``         aws.ec2.LaunchTemplate (IMDSv2 only, encrypted gp3 root), shared by the zones
    ``n-<zone>-on-demand``        aws.eks.NodeGroup, ON_DEMAND (capacity "on-demand" and "mixed")
    ``n-<zone>-spot``             aws.eks.NodeGroup, SPOT (capacity "spot" and "mixed")
    ``n-<zone>-<capacity>-metrics``  command.local.Command: enables group metrics collection on that node
                                  group's Auto Scaling group (the capacity alarms read GroupInServiceInstances)

Capacity:
    on-demand  one ON_DEMAND group per zone, min..max.
    spot       one SPOT group per zone, min..max, instance types widened with the catalog's other
               shapes of the same accelerator and GPU count that the zone offers.
    mixed      per zone an ON_DEMAND group for the guaranteed base (min..base, where base is
               ``on_demand_base_per_zone`` or max(min, 1)) plus a SPOT group for the burst
               (0..max - base); the per-zone total never exceeds max. A standby region passes the
               primary's minimum as the base, so after a failover it can grow back to the primary's
               guaranteed on-demand capacity although its own minimum is smaller.

Outputs: ``zones`` (zones used), ``skipped_zones`` (asked for but not offering the type),
``node_group_names`` (zone -> name of the group holding the minimum: the on-demand one, or the spot
one for spot-only pools), ``spot_node_group_names`` (zone -> spot group; empty for on-demand pools),
``asg_names`` (zone -> Auto Scaling group of the group holding the minimum; resolves once its group
metrics collection is on), ``launch_template_id``.

Desired size starts at the minimum and then belongs to the cluster-autoscaler (blueprint.components.aws.
cluster_autoscaler, installed in every cluster by RegionalPlatform; ``ignore_changes`` on
``scalingConfig.desiredSize``); it keeps each group between its min and max. EKS tags each group's
Auto Scaling group for the autoscaler's auto-discovery (EKS user guide, "Simplify node lifecycle with
managed node groups"); the same ``k8s.io/cluster-autoscaler/*`` tags are set on the node groups too.
Scale from zero needs no ASG node-template tags: the autoscaler reads a managed group's labels and
taints from eks:DescribeNodegroup and the GPU count from the instance type (kubernetes/autoscaler
cluster-autoscaler/cloudprovider/aws/aws_manager.go buildNodeFromTemplate). Nodes carry
``k8s.amazonaws.com/accelerator`` so the autoscaler waits for the device plugin to advertise
``nvidia.com/gpu`` instead of adding another node (cloudprovider/aws/README.md "Special note on GPU
instances"; aws_cloud_provider.go GPULabel).

Group metrics: EKS creates the Auto Scaling group with group metrics collection off and its API has
no setting for it (aws/containers-roadmap#762), so each node group gets a ``command:local:Command``
running ``aws autoscaling enable-metrics-collection --auto-scaling-group-name <asg> --granularity
1Minute --metrics ...`` (AWS CLI reference, autoscaling enable-metrics-collection; EnableMetricsCollection
API: Granularity "1Minute" is the only value) and, on delete, ``disable-metrics-collection``. It needs
the AWS CLI v2 and the deployer's AWS credentials where ``pulumi up`` runs. A managed node group keeps
its Auto Scaling group across version and launch-template updates (EKS user guide, "Understand each
phase of node updates", managed-node-update-behavior.html: a new launch template version on the Auto
Scaling group associated with the node group, nodes replaced inside it), so the setting survives; a
replaced node group has a new ASG name, which changes the command and re-runs it.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
import pulumi_command as command
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.catalogs.accelerators import ACCELERATOR_NAMES, accelerator
from blueprint.components._validation import IntBetween, MaxNodes, MinNodes
from blueprint.components._intent_values import TierLabel
from blueprint.components.gpu_pool_rules import (
    LABEL_PREFIX,
    AwsAccelerator,
    WorkloadName,
    capacity_split,
    check_capacity,
    check_shape,
    node_labels,
)

from ._names import EKS_NODE_GROUP_NAME_PREFIX_MAX, fit_name
from ._tags import merge_tags
from ._types import KmsKeyArn, Tags
from .eks_cluster import ASG_KMS_OPERATIONS, asg_service_role_arn, launch_template_security

_ZONE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d[a-z]$")
# EKS Nodegroup amiType for x86_64 GPU nodes: Amazon Linux 2023 with the NVIDIA driver and toolkit.
GPU_AMI_TYPE = "AL2023_x86_64_NVIDIA"
# Pods that do not tolerate this taint never land on (expensive) GPU nodes; the NVIDIA device plugin
# and GPU workloads tolerate it. EKS API taint effects are NO_SCHEDULE / NO_EXECUTE / PREFER_NO_SCHEDULE.
GPU_TAINT = {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}
# cluster-autoscaler's GPU label on AWS (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/
# aws_cloud_provider.go GPULabel): a node carrying it counts as not ready for GPU pods until the device
# plugin advertises nvidia.com/gpu, so the autoscaler does not scale out twice for the same pods.
AUTOSCALER_GPU_LABEL = "k8s.amazonaws.com/accelerator"
# Auto Scaling group metrics the alarms and dashboards read (EnableMetricsCollection Metrics.member.N).
GROUP_METRICS = ("GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances",
                 "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances")
_CAPACITY_TYPE = {"on-demand": "ON_DEMAND", "spot": "SPOT"}
RootVolumeGib = IntBetween(50, 16384, note=" (gp3 allows up to 16384 GiB; GPU images need at least 50); default 200")


def candidate_instance_types(accelerator_name: str, instance_type: str, gpus_per_node: int, capacity: str) -> list[str]:
    """The instance types a pool may use: ``instance_type``; for spot and mixed capacity then the
    catalog's other shapes of the same accelerator and GPU count (the spot groups' wider choice)."""
    if capacity == "on-demand":
        return [instance_type]
    others = [o.instance_type for o in accelerator(accelerator_name).aws
              if o.gpus == gpus_per_node and o.instance_type != instance_type]
    return [instance_type, *others]


class InstanceTypeOfferings(BaseModel):
    """Which of ``instance_types`` each of ``zones`` offers: one answer of EC2
    DescribeInstanceTypeOfferings (location type availability-zone), from instance_type_offerings()."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zones: tuple[str, ...] = Field(description="The zones asked about.")
    instance_types: tuple[str, ...] = Field(description="The instance types asked about.")
    offered: dict[str, frozenset[str]] = Field(description="Zone -> the asked-about instance types it offers.")


def instance_type_offerings(zones: list[str], instance_types: list[str], opts: pulumi.InvokeOptions) -> InstanceTypeOfferings:
    """One synchronous ``aws.ec2.get_instance_type_offerings`` (the invoke's provider decides the region)
    for ``zones`` x ``instance_types``. A composer that builds several pools in a region asks once for
    all of them (GpuNodePoolArgs.offered_instance_types): a synchronous invoke pumps the program's event
    loop, which costs a plan in proportion to everything declared before it (benchmarks/README.md)."""
    types = list(dict.fromkeys(instance_types))
    offerings = aws.ec2.get_instance_type_offerings(
        location_type="availability-zone",
        filters=[
            aws.ec2.GetInstanceTypeOfferingsFilterArgs(name="instance-type", values=types),
            aws.ec2.GetInstanceTypeOfferingsFilterArgs(name="location", values=sorted(zones)),
        ],
        opts=opts,
    )
    offered: dict[str, set[str]] = {zone: set() for zone in zones}
    for instance_type, location in zip(offerings.instance_types, offerings.locations):
        offered.setdefault(location, set()).add(instance_type)
    return InstanceTypeOfferings(zones=tuple(sorted(zones)), instance_types=tuple(types),
                                 offered={zone: frozenset(found) for zone, found in offered.items()})


class GpuNodePoolArgs(BaseModel):
    """One workload's GPU node pool in one region."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: Any = Field(description="pulumi.Input[str]: EKS cluster name, e.g. EksCluster(...).cluster_name.")
    node_role_arn: Any = Field(description="pulumi.Input[str]: node IAM role ARN, e.g. EksCluster(...).node_role_arn.")
    # EKS never upgrades a managed node group by itself: a node group without a version stays on the
    # cluster's version at its creation, and falls out of the supported skew once the control plane
    # is upgraded (EKS user guide, "Update a managed node group for your cluster"). Following the
    # cluster's version makes the next `pulumi up` after a control-plane upgrade roll the nodes too.
    kubernetes_version: Any = Field(
        default=None,
        description="pulumi.Input[str]: the cluster's Kubernetes version (EksCluster(...).version) the node groups follow; "
        "default None: the cluster's version when a group is created, never upgraded afterwards.",
    )
    subnet_ids_by_zone: dict[str, Any] = Field(
        description="Zone name -> private subnet id (pulumi.Input[str]), at least one. Zones that do not offer "
        "instance_type are skipped (listed in skipped_zones).",
    )
    workload: WorkloadName = Field(description="Workload name, [a-z][a-z0-9-]{1,30}; labels and tags the nodes.")
    tier: TierLabel = Field(description="The workload's tier, a label only: labels and tags the nodes.")
    # The composer passes the tier's rule (blueprint.catalogs.operations, via blueprint.footprint.WorkloadIntent).
    guaranteed_capacity: bool = Field(
        default=False,
        description="Default False. True: capacity 'spot' is refused (spot capacity can be reclaimed at once, leaving no "
        "guaranteed GPUs); 'on-demand' and 'mixed' keep an on-demand minimum.",
    )
    accelerator: AwsAccelerator = Field(description=f"GPU model, one of {', '.join(ACCELERATOR_NAMES)}.")
    instance_type: str = Field(description="EC2 instance type carrying that accelerator, from the accelerator catalog.")
    gpus_per_node: int = Field(description="GPUs per node; must equal the catalogued instance type's GPU count.")
    # Default on-demand: GPU spot capacity is scarce and reclaimed with two minutes' notice.
    capacity: Literal["on-demand", "spot", "mixed"] = Field(
        default="on-demand",
        description="Default 'on-demand'. 'spot': spot only (refused with guaranteed_capacity). 'mixed': on-demand "
        "for the minimum plus spot for the burst.",
    )
    min_nodes_per_zone: MinNodes = Field(description="Minimum (and initial desired) nodes per zone, >= 0 (0 = pilot light).")
    max_nodes_per_zone: MaxNodes = Field(description="Maximum nodes per zone, >= 1 and >= min_nodes_per_zone.")
    on_demand_base_per_zone: Optional[int] = Field(
        default=None,
        description="'mixed' only: the on-demand group's maximum per zone (default max(min_nodes_per_zone, 1)); "
        "between max(min_nodes_per_zone, 1) and max_nodes_per_zone - 1.",
    )
    kms_key_arn: KmsKeyArn = Field(description="pulumi.Input[str]: ARN of the customer-managed KMS key for the root volumes.")
    root_volume_gib: RootVolumeGib = Field(
        default=200,
        description="Root gp3 volume size in GiB (50..16384). Default 200: GPU inference images (CUDA, model "
        "runtimes) are tens of GiB and kubelet evicts pods when the image filesystem fills up.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")
    # Default None: the pool asks EC2 itself, one synchronous invoke per pool; a composer building
    # several pools in a region passes one lookup for all of them (instance_type_offerings).
    offered_instance_types: Optional[InstanceTypeOfferings] = Field(
        default=None,
        description="The region's instance-type offerings (instance_type_offerings()), covering this pool's zones and "
        "candidate_instance_types(). Default None: the pool looks them up itself.",
    )

    @field_validator("subnet_ids_by_zone")
    @classmethod
    def _zones(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not v:
            raise ValueError("subnet_ids_by_zone: empty; map at least one zone to its private subnet id")
        for zone in v:
            if not isinstance(zone, str) or not _ZONE.match(zone):
                raise ValueError(
                    f"subnet_ids_by_zone: {zone!r} is not an availability zone name; use names like 'eu-central-1a'"
                )
        regions = {zone[:-1] for zone in v}
        if len(regions) > 1:
            raise ValueError(
                f"subnet_ids_by_zone: zones {sorted(v)!r} span regions {sorted(regions)!r}; a pool lives in one "
                "region, create one GpuNodePool per region"
            )
        literal = [s for s in v.values() if isinstance(s, str)]
        if len(set(literal)) != len(literal):
            raise ValueError(f"subnet_ids_by_zone: {literal!r} maps two zones to the same subnet; give each zone its own")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GpuNodePoolArgs:
        check_shape(self.accelerator, "instance_type", self.instance_type,
                    {o.instance_type: o for o in accelerator(self.accelerator).aws}, self.gpus_per_node, "AWS types")
        check_capacity(self.guaranteed_capacity, self.capacity, self.min_nodes_per_zone, self.max_nodes_per_zone,
                       spot_notice="spot capacity is reclaimed with two minutes' notice", burst="spot group")
        if self.on_demand_base_per_zone is not None:
            if self.capacity != "mixed":
                raise ValueError(
                    f"on_demand_base_per_zone: {self.on_demand_base_per_zone} applies only to capacity 'mixed' "
                    f"(got capacity {self.capacity!r}); omit it"
                )
            floor = max(self.min_nodes_per_zone, 1)
            if not floor <= self.on_demand_base_per_zone < self.max_nodes_per_zone:
                raise ValueError(
                    f"on_demand_base_per_zone: {self.on_demand_base_per_zone} must be between {floor} "
                    f"(max(min_nodes_per_zone, 1)) and {self.max_nodes_per_zone - 1} (below max_nodes_per_zone, "
                    "so the spot group has room to burst)"
                )
        return self

    @model_validator(mode="after")
    def _offerings_cover_the_pool(self) -> GpuNodePoolArgs:
        """Offerings looked up for other zones or types would silently skip zones: refuse them."""
        offerings = self.offered_instance_types
        if offerings is None:
            return self
        zones = sorted(set(self.subnet_ids_by_zone) - set(offerings.zones))
        types = [t for t in self.candidate_instance_types() if t not in offerings.instance_types]
        if zones or types:
            raise ValueError(
                f"offered_instance_types: looked up for zones {list(offerings.zones)!r} and instance types "
                f"{list(offerings.instance_types)!r}, which miss this pool's zones {zones!r} and types {types!r}; "
                "look them up over the pool's zones and candidate_instance_types(), or leave it unset"
            )
        return self

    @property
    def region(self) -> str:
        """The region of the pool's zones (one, validated): an Availability Zone's code is its Region's
        code followed by a letter (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html)."""
        return next(iter(self.subnet_ids_by_zone))[:-1]

    def candidate_instance_types(self) -> list[str]:
        """The instance types this pool may use (module function candidate_instance_types)."""
        return candidate_instance_types(self.accelerator, self.instance_type, self.gpus_per_node, self.capacity)

    def groups(self) -> list[tuple[Literal["on-demand", "spot"], int, int]]:
        """(capacity, min per zone, max per zone) of each zone's node groups."""
        return capacity_split(self.capacity, self.min_nodes_per_zone, self.max_nodes_per_zone,
                              self.on_demand_base_per_zone)

    def spot_instance_types(self) -> list[str]:
        """instance_type first, then the catalog's other shapes of the same accelerator and GPU count."""
        return candidate_instance_types(self.accelerator, self.instance_type, self.gpus_per_node, "spot")

    def labels(self) -> dict[str, str]:
        return {AUTOSCALER_GPU_LABEL: self.accelerator, **node_labels(self.accelerator, self.workload, self.tier)}


def metrics_collection_commands(asg: str, region: str) -> tuple[str, str]:
    """(create, delete) AWS CLI commands turning the group's metrics collection on and off."""
    metrics = " ".join(GROUP_METRICS)
    create = (f"aws autoscaling enable-metrics-collection --auto-scaling-group-name {asg} "
              f"--granularity 1Minute --metrics {metrics} --region {region}")
    # Tolerant on delete only: the group may already be gone with its node group (nothing to turn off).
    delete = (f"aws autoscaling disable-metrics-collection --auto-scaling-group-name {asg} "
              f"--metrics {metrics} --region {region} || true")
    return create, delete


def node_group_name_prefix(pool: str, zone: str, capacity: str) -> str:
    """``<pool>-<zone>`` shortened as needed, then ``-<capacity>-``: at most 37 characters, and the
    capacity marker always survives, because the cluster-autoscaler's priority expander ranks the Auto
    Scaling groups (eks-<node group name>-<uuid>) by it (blueprint.components.aws.cluster_autoscaler)."""
    marker = f"-{capacity}-"
    return fit_name(pool, zone, max_length=EKS_NODE_GROUP_NAME_PREFIX_MAX - len(marker)) + marker


def _grant_name(cluster: str, component: str) -> str:
    # KMS grant names: 1..256 of [a-zA-Z0-9:/_-].
    return re.sub(r"[^a-zA-Z0-9:/_-]+", "-", f"{cluster}-{component}-node-ebs")[:256]


class GpuNodePool(pulumi.ComponentResource):
    """GPU nodes for one workload in one region: a managed node group per offering zone (two per zone
    for mixed capacity), AL2023 NVIDIA AMI, tainted nvidia.com/gpu, IMDSv2 only, CMK-encrypted root."""

    def __init__(self, name: str, args: GpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:GpuNodePool", name, None, opts)
        # The region is a plain value (the zones'), not a get_region invoke: each synchronous invoke pumps
        # the program's event loop (benchmarks/README.md). The offerings must be known while the program
        # runs (they decide the number of node groups): the caller's region-wide lookup, else our own.
        region = args.region
        candidates = args.candidate_instance_types()
        offerings = args.offered_instance_types or instance_type_offerings(
            sorted(args.subnet_ids_by_zone), candidates, pulumi.InvokeOptions(parent=self))
        offered = offerings.offered
        zones = [z for z in sorted(args.subnet_ids_by_zone) if args.instance_type in offered.get(z, set())]
        if not zones:
            raise ValueError(_no_zone_message(name, args, region))

        base_tags = {**args.tags, "blueprint:workload": args.workload, "blueprint:tier": args.tier}
        grant = self._ebs_grant(name, args)
        launch_template = self._launch_template(name, args, base_tags)
        primary: dict[str, pulumi.Output[str]] = {}
        asg_names: dict[tuple[str, str], pulumi.Output[str]] = {}
        spot: dict[str, pulumi.Output[str]] = {}
        for zone in zones:
            for capacity, low, high in args.groups():
                instance_types = [t for t in candidates if t in offered[zone]] if capacity == "spot" else [args.instance_type]
                group = self._node_group(name, args, zone, capacity, (low, high), instance_types,
                                         launch_template, grant, base_tags)
                asg_names[(zone, capacity)] = self._group_metrics(f"{name}-{zone}-{capacity}", group, region)
                if capacity == "spot":
                    spot[zone] = group.node_group_name
                # The group holding the minimum: on-demand, or spot for spot-only pools.
                primary.setdefault(zone, group.node_group_name)
        self._publish(args, zones, primary, asg_names, spot, launch_template)

    def _ebs_grant(self, name: str, args: GpuNodePoolArgs) -> aws.kms.Grant:
        """EC2 Auto Scaling may use the CMK for the nodes' encrypted root volumes."""
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self))
        return aws.kms.Grant(
            f"{name}-node-ebs-grant",
            name=pulumi.Output.from_input(args.cluster_name).apply(lambda c: _grant_name(c, name)),
            key_id=args.kms_key_arn,
            grantee_principal=pulumi.Output.all(partition.partition, identity.account_id).apply(
                lambda a: asg_service_role_arn(*a)
            ),
            operations=list(ASG_KMS_OPERATIONS),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _launch_template(self, name: str, args: GpuNodePoolArgs, base_tags: dict[str, str]) -> aws.ec2.LaunchTemplate:
        lt_name = f"{name}-launch-template"
        return aws.ec2.LaunchTemplate(
            lt_name,
            description=f"{args.workload} GPU nodes ({args.accelerator}): IMDSv2 only, encrypted gp3 root",
            tags=merge_tags(base_tags, lt_name),
            **launch_template_security(args.kms_key_arn, args.root_volume_gib, merge_tags(base_tags, f"{name}-nodes")),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _node_group(self, name: str, args: GpuNodePoolArgs, zone: str, capacity: Literal["on-demand", "spot"],
                    sizes: tuple[int, int], instance_types: list[str], launch_template: aws.ec2.LaunchTemplate,
                    grant: aws.kms.Grant, base_tags: dict[str, str]) -> aws.eks.NodeGroup:
        child_name = f"{name}-{zone}-{capacity}"
        low, high = sizes
        tags = pulumi.Output.from_input(args.cluster_name).apply(
            lambda cluster: {
                **merge_tags(base_tags, child_name),
                "k8s.io/cluster-autoscaler/enabled": "true",
                f"k8s.io/cluster-autoscaler/{cluster}": "owned",
            }
        )
        return aws.eks.NodeGroup(
            child_name,
            # The autoname "<child name>-<7 random>" outgrows EKS's 63 with a long workload name
            # (terraform-provider-aws internal/service/eks/node_group.go); a prefix of at most 37
            # (63 - the provider's 26-character unique suffix) keeps replacements possible.
            node_group_name_prefix=node_group_name_prefix(name, zone, capacity),
            cluster_name=args.cluster_name,
            version=args.kubernetes_version,
            node_role_arn=args.node_role_arn,
            subnet_ids=[args.subnet_ids_by_zone[zone]],
            ami_type=GPU_AMI_TYPE,
            capacity_type=_CAPACITY_TYPE[capacity],
            instance_types=instance_types,
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=low, desired_size=low, max_size=high),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            # Replace nodes whose GPUs fail (NVIDIA XID errors reported by the node monitoring agent).
            node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=True),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=launch_template.id, version=launch_template.latest_version.apply(str)
            ),
            labels={**args.labels(), f"{LABEL_PREFIX}/capacity": capacity},
            taints=[aws.eks.NodeGroupTaintArgs(**GPU_TAINT)],
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[grant],
                # The cluster autoscaler owns the desired size after creation.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )

    def _group_metrics(self, child_name: str, group: aws.eks.NodeGroup, region: str) -> pulumi.Output[str]:
        """Turns the group's Auto Scaling group metrics collection on; returns the ASG name, which
        resolves only once collection is on, so alarms built on it come after."""
        # DescribeNodegroup resources.autoScalingGroups[0].name: the group EKS created for it.
        asg = group.resources.apply(lambda r: r[0].autoscaling_groups[0].name)
        commands = pulumi.Output.all(asg, region).apply(lambda a: metrics_collection_commands(*a))
        metrics = command.local.Command(
            f"{child_name}-metrics",
            create=commands.apply(lambda c: c[0]),
            delete=commands.apply(lambda c: c[1]),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[group]),
        )
        return pulumi.Output.all(asg, metrics.stdout).apply(lambda v: v[0])

    def _publish(self, args: GpuNodePoolArgs, zones: list[str], primary: dict[str, pulumi.Output[str]],
                 asg_names: dict[tuple[str, str], pulumi.Output[str]], spot: dict[str, pulumi.Output[str]],
                 launch_template: aws.ec2.LaunchTemplate) -> None:
        self.zones: list[str] = zones
        self.skipped_zones: list[str] = [z for z in sorted(args.subnet_ids_by_zone) if z not in zones]
        self.node_group_names: dict[str, pulumi.Output[str]] = primary
        # The group holding the minimum: on-demand, or spot for spot-only pools.
        self.asg_names: dict[str, pulumi.Output[str]] = {
            zone: asg_names[(zone, "spot" if args.capacity == "spot" else "on-demand")] for zone in zones
        }
        self.spot_node_group_names: dict[str, pulumi.Output[str]] = spot
        self.launch_template_id: pulumi.Output[str] = launch_template.id
        self.register_outputs(
            {
                "zones": self.zones,
                "skipped_zones": self.skipped_zones,
                "node_group_names": self.node_group_names,
                "asg_names": self.asg_names,
                "spot_node_group_names": self.spot_node_group_names,
                "launch_template_id": self.launch_template_id,
            }
        )


def _no_zone_message(name: str, args: GpuNodePoolArgs, region: str) -> str:
    return (
        f"GpuNodePool {name}: no zone of {', '.join(sorted(args.subnet_ids_by_zone))} (region {region}) offers "
        f"{args.instance_type} ({args.accelerator}); pick a region or zones that offer it (aws ec2 "
        f"describe-instance-type-offerings --location-type availability-zone --filters "
        f"Name=instance-type,Values={args.instance_type}) or another accelerator"
    )

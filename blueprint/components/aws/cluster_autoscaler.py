"""ClusterAutoscaler: the Kubernetes cluster-autoscaler in one EKS cluster, so the GPU node groups
(``GpuNodePool``, one managed node group per zone and capacity type) grow when pods are pending and
shrink when nodes are idle, each between its own min and max size.

Children (component named ``n``):
    ``n-role``               aws.iam.Role trusted by EKS Pod Identity for this cluster's
                             ``kube-system/cluster-autoscaler`` service account only
    ``n-policy``             aws.iam.Policy: the autoscaler's documented AWS policy (see ``autoscaler_policy``)
    ``n-policy-attachment``  aws.iam.RolePolicyAttachment
    ``n-pod-identity``       aws.eks.PodIdentityAssociation (the cluster runs the eks-pod-identity-agent add-on)
    ``n-release``            kubernetes helm.sh/v3 Release of chart ``cluster-autoscaler``
                             (https://kubernetes.github.io/autoscaler), through the caller's Kubernetes provider

Versions: chart 9.59.0 ships cluster-autoscaler v1.35.0 (kubernetes/autoscaler tag
``cluster-autoscaler-chart-9.59.0``, ``cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml``:
``appVersion: 1.35.0``; ``values.yaml`` ``image.tag: v1.35.0``). The autoscaler's minor must match the
cluster's Kubernetes minor (``blueprint.catalogs.kubernetes.KUBERNETES_VERSION``); ``CHART_BY_KUBERNETES_MINOR``
pins the chart per minor and the Args refuse a minor without a pin.

How it finds and sizes the node groups (kubernetes/autoscaler ``cluster-autoscaler/cloudprovider/aws``,
README "Auto-Discovery Setup" and ``aws_manager.go`` ``buildNodeFromTemplate``):

* Auto-discovery by the ASG tags ``k8s.io/cluster-autoscaler/enabled`` and
  ``k8s.io/cluster-autoscaler/<cluster>`` (chart value ``autoDiscovery.clusterName``). EKS puts those
  tags on every managed node group's Auto Scaling group itself (EKS user guide, "Simplify node
  lifecycle with managed node groups": "Amazon EKS tags managed node group resources so that they are
  configured to use the Kubernetes Cluster Autoscaler").
* Scale from zero: for a group without nodes the autoscaler builds a template node from the instance
  type (CPU, memory, ``nvidia.com/gpu`` count from ec2:DescribeInstanceTypes) and, because EKS tags the
  ASG ``eks:cluster-name`` / ``eks:nodegroup-name``, from eks:DescribeNodegroup: the group's labels,
  taints and capacity type. So the node groups' own labels and ``nvidia.com/gpu`` taint are enough;
  no ``node-template`` ASG tags are needed.
* The per-zone bounds stay the node groups' min/max: "Cluster Autoscaler will respect the minimum and
  maximum values of each Auto Scaling Group. It will only adjust the desired value."
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.catalogs.kubernetes import KUBERNETES_VERSION

from blueprint.components.k8s.provider import KubernetesProvider
from blueprint.components.k8s.controller_release import controller_release, zone_spread_values

from ._pod_identity import PodIdentityRole
from ._tags import check_tags


CHART = "cluster-autoscaler"
CHART_REPOSITORY = "https://kubernetes.github.io/autoscaler"
# Kubernetes minor -> chart version whose appVersion is that minor (kubernetes/autoscaler
# cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml at tags cluster-autoscaler-chart-9.53.0:
# appVersion 1.34.2, cluster-autoscaler-chart-9.59.0: appVersion 1.35.0).
CHART_BY_KUBERNETES_MINOR = {"1.34": "9.53.0", "1.35": "9.59.0"}
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "cluster-autoscaler"
# The system node group's label (blueprint.components.aws.eks_cluster): the autoscaler never runs on a node it
# may remove itself, nor on GPU nodes.
SYSTEM_NODE_SELECTOR = {"blueprint.dev/node-role": "system"}
# Expander chain (FAQ "What are Expanders?": several expanders are applied in order since 1.23).
# priority: within a zone an on-demand group is grown before its spot burst group, so capacity
# "mixed" fills its guaranteed on-demand base first and bursts on spot only once the base is at its
# maximum. least-waste breaks the remaining ties (the FAQ's default expander).
EXPANDER = "priority,least-waste"
# Priority expander ConfigMap (chart value expanderPriorities): regexes over Auto Scaling group names
# (FAQ "Priority expander"). A managed node group's ASG is named eks-<node group name>-<uuid>;
# GpuNodePool gives its groups the name prefix <pool>-<zone>-on-demand- / -spot-, to which the provider
# appends a 26-character unique ID (gpu_node_pool.node_group_name_prefix), so the marker right before
# that ID cannot come from a workload's own name. Everything else (the system group) ranks lowest.
EXPANDER_PRIORITIES = {"10": [".*"], "20": [".*-spot-[0-9a-f]{26}-.*"], "30": [".*-on-demand-[0-9a-f]{26}-.*"]}


def autoscaler_policy(cluster_name: str, partition: str = "aws", region: str = "*", account: str = "*") -> str:
    """The "Full Cluster Autoscaler Features Policy" of kubernetes/autoscaler
    cluster-autoscaler/cloudprovider/aws/README.md (auto-discovery, dynamic instance list, EKS
    DescribeNodegroup for scale from zero), restricted as the README recommends: the two mutating
    actions only on this region's and account's Auto Scaling groups (the ARN form of the README's
    minimal policy) that carry this cluster's tag (EC2 Auto Scaling user guide, "Control access using
    tags": aws:ResourceTag), and eks:DescribeNodegroup only on this cluster's node groups (EKS service
    authorization reference: nodegroup/<cluster>/<nodegroup>/<uuid>). The Describe actions left on
    "*" support no resource-level permissions."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DiscoverGroupsAndInstanceTypes",
                "Effect": "Allow",
                "Action": [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                ],
                "Resource": ["*"],
            },
            {
                "Sid": "ReadThisClustersNodeGroups",
                "Effect": "Allow",
                "Action": ["eks:DescribeNodegroup"],
                "Resource": [f"arn:{partition}:eks:{region}:{account}:nodegroup/{cluster_name}/*/*"],
            },
            {
                "Sid": "ResizeThisClustersGroupsOnly",
                "Effect": "Allow",
                "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                "Resource": [f"arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/*"],
                # EKS tags the ASG k8s.io/cluster-autoscaler/<cluster>; the tag must be present.
                "Condition": {"Null": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "false"}},
            },
        ],
    })


class ClusterAutoscalerArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: Any = Field(description="pulumi.Input[str]: EKS cluster name (EksCluster.cluster_name); autoDiscovery.clusterName.")
    kubernetes_provider: KubernetesProvider
    kubernetes_version: str = Field(
        default=KUBERNETES_VERSION,
        description=f"The cluster's Kubernetes minor; picks the chart (default {KUBERNETES_VERSION}, "
        "blueprint.catalogs.kubernetes.KUBERNETES_VERSION, the minor EksCluster creates).",
    )
    # HA default: two replicas; the autoscaler elects a leader (--leader-elect, on by default), so the
    # second is a hot standby that takes over within the lease (15 s) when a node or zone is lost.
    replicas: int = Field(default=2, description="Autoscaler replicas; default 2 (one active leader, one standby), 1..3.")
    # Scale-down: a GPU node must be idle for 10 min (FAQ default scale-down-unneeded-time) before it
    # goes; after a scale-up no scale-down for 10 min (scale-down-delay-after-add default), so a burst
    # that is still arriving is not undone.
    scale_down_unneeded_time: str = Field(default="10m", description="How long a node must be unneeded before removal; default '10m'.")
    scale_down_delay_after_add: str = Field(default="10m", description="No scale-down for this long after a scale-up; default '10m'.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, v: str) -> str:
        if v not in CHART_BY_KUBERNETES_MINOR:
            raise ValueError(
                f"kubernetes_version: {v!r} has no pinned cluster-autoscaler chart (the autoscaler's minor must match "
                f"the cluster's); pinned minors are {', '.join(sorted(CHART_BY_KUBERNETES_MINOR))}: add the chart "
                "version whose appVersion is that minor to CHART_BY_KUBERNETES_MINOR"
            )
        return v

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int) -> int:
        if not 1 <= v <= 3:
            raise ValueError(f"replicas: {v} is outside 1..3 (one leader scales; more only wait for the lease); default 2")
        return v

    @field_validator("scale_down_unneeded_time", "scale_down_delay_after_add")
    @classmethod
    def _duration(cls, v: str, info) -> str:
        if not re.fullmatch(r"\d+(s|m|h)", v):
            raise ValueError(f"{info.field_name}: {v!r} is not a duration like '10m', '30s' or '1h'")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)

    def chart_version(self) -> str:
        return CHART_BY_KUBERNETES_MINOR[self.kubernetes_version]

    def extra_args(self) -> dict[str, Any]:
        """Flags passed as --<key>=<value> (chart values extraArgs; FAQ "What are the parameters to CA?")."""
        return {
            # Keep the per-zone groups of a pool the same size, so a zone loss takes the least capacity
            # (FAQ "I'm running cluster with nodes in multiple zones for HA purposes").
            "balance-similar-node-groups": True,
            # Inference pods mount an emptyDir /tmp: the default (true) would pin every GPU node forever.
            "skip-nodes-with-local-storage": False,
            "expander": EXPANDER,
            "scale-down-unneeded-time": self.scale_down_unneeded_time,
            "scale-down-delay-after-add": self.scale_down_delay_after_add,
            # Chart defaults kept explicit (values.yaml extraArgs), since extraArgs replaces the map.
            "logtostderr": True,
            "stderrthreshold": "info",
            "v": 4,
        }


class ClusterAutoscaler(pulumi.ComponentResource):
    """IAM role (Pod Identity) with the documented policy, and the pinned Helm chart."""

    role_arn: pulumi.Output[str]
    release_name: pulumi.Output[str]
    release: k8s.helm.v3.Release

    def __init__(self, name: str, args: ClusterAutoscalerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:ClusterAutoscaler", name, None, opts)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        cluster = pulumi.Output.from_input(args.cluster_name)

        identity = PodIdentityRole(
            name,
            parent=self,
            account=account,
            cluster_name=args.cluster_name,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            sid="AllowEksPodIdentityForTheAutoscaler",
            role_description="Kubernetes cluster-autoscaler (EKS Pod Identity)",
            policy_description="cluster-autoscaler (cloudprovider/aws/README.md full features policy, this cluster's ASGs)",
            policy=pulumi.Output.all(cluster, partition, region, account).apply(lambda a: autoscaler_policy(*a)),
            tags=args.tags,
        )
        self.release = controller_release(
            f"{name}-release",
            chart=CHART,
            version=args.chart_version(),
            repository=CHART_REPOSITORY,
            namespace=NAMESPACE,
            values={
                "cloudProvider": "aws",
                "autoDiscovery": {"clusterName": args.cluster_name},
                # Sets AWS_REGION; the chart default is empty and IMDS is closed to pods (hop limit 1).
                "awsRegion": region,
                "rbac": {"serviceAccount": {"create": True, "name": SERVICE_ACCOUNT}},
                "replicaCount": args.replicas,
                "extraArgs": args.extra_args(),
                "expanderPriorities": EXPANDER_PRIORITIES,
                "nodeSelector": SYSTEM_NODE_SELECTOR,
                "priorityClassName": "system-cluster-critical",
                **zone_spread_values({"app.kubernetes.io/instance": CHART}),
            },
            provider=args.kubernetes_provider,
            parent=self,
            depends_on=identity.ready,
        )
        self.role_arn = identity.role_arn
        self.release_name = self.release.name
        self.register_outputs({"role_arn": self.role_arn, "release_name": self.release_name})

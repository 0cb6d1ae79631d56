"""The shared platform of one region: its customer-managed key, network, EKS cluster, the bucket
for access logs (load balancers' and vaults'), the WAF web ACL of its load balancers and the alarm
topic.

Every workload of the stack in this region uses them. A region that only receives backup copies
gets the key and the access-log bucket (its vaults' S3 server access logs). Where load balancers
run (``load_balancers``): the ``WebAcl`` (child ``<name>-waf``) every load balancer of the region
is associated with. Where a cluster runs: its Kubernetes provider (``kubernetes``, built from the
cluster's kubeconfig), ``GpuEnablement`` (NVIDIA device plugin + ``blueprint-serving``
PriorityClass), the ``ClusterAutoscaler`` (child ``<name>-cluster-autoscaler``: it sizes every GPU
node group between its min and max) and, where load balancers run, the ``LoadBalancerController``.
With ``traffic_scaling`` (a served workload here states service.requestsPerSecondPerPod): ``Keda``
(child ``<name>-keda``) and the KEDA operator's Pod Identity role, ``KedaCloudWatchReader`` (child
``<name>-keda-identity``: cloudwatch:GetMetricData), so ScaledObjects scale on the ALBs' request counts.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.catalogs.kubernetes import KUBERNETES_VERSION
from blueprint.components.aws.access_log_bucket import AccessLogBucket, AccessLogBucketArgs
from blueprint.components.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from blueprint.components.aws.cluster_autoscaler import CHART_BY_KUBERNETES_MINOR, ClusterAutoscaler, ClusterAutoscalerArgs
from blueprint.components.aws.eks_cluster import EksCluster, EksClusterArgs
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.aws.load_balancer_controller import LoadBalancerController, LoadBalancerControllerArgs
from blueprint.components.aws.network import Network, NetworkArgs
from blueprint.components.aws.traffic_trigger import KedaCloudWatchReader, KedaCloudWatchReaderArgs
from blueprint.components.aws.web_acl import WebAcl, WebAclArgs
from blueprint.components.k8s.gpu_enablement import GpuEnablement, GpuEnablementArgs
from blueprint.components.k8s.keda import Keda, KedaArgs
from blueprint.components.k8s.provider import cluster_provider


class RegionalPlatformArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    environment: str = Field(pattern=r"^[a-z0-9-]{1,20}$", description="Stack environment, used in names.")
    zones: tuple[str, ...] = Field(description="Zones of the region the network spans (2..6).")
    cidr_block: str = Field(default="10.0.0.0/16", description="VPC range; distinct per region so the regions can be peered.")
    # HA default: a NAT gateway per zone, so losing a zone never cuts the others' egress.
    nat_gateways: Literal["per-zone", "single"] = Field(
        default="per-zone", description="NAT gateways: 'per-zone' (default; a zone loss never cuts the others' egress) or 'single'.")
    # The network is optional: a region holding only backup copies needs nothing but the key.
    network: bool = Field(default=True, description="Create the VPC (False: key only, for backup-copy regions).")
    # Wherever a network runs, a cluster runs: pilot light keeps an empty cluster ready.
    cluster: bool = Field(default=True, description="Create the region's EKS cluster (needs the network).")
    cluster_name: Optional[str] = Field(default=None, description="EKS cluster name; defaults to the component name.")
    # One value for the control plane and everything pinned to its minor (the cluster-autoscaler's
    # chart), so the program never declares them apart. EKS itself may still move the control plane
    # on (upgradePolicy STANDARD at the end of standard support): raise this before that date
    # (deploy-kubernetes-support refuses a minor out of standard support; docs/deploying.md).
    kubernetes_version: str = Field(
        default=KUBERNETES_VERSION,
        description=f"Kubernetes minor of the EKS cluster and of the ClusterAutoscaler's chart; default {KUBERNETES_VERSION} "
        "(blueprint.catalogs.kubernetes.KUBERNETES_VERSION).",
    )
    cluster_admin_arns: tuple[str, ...] = Field(default=(), description="IAM roles/users granted cluster-admin access entries.")
    break_glass_role_arn: Any = Field(default=None, description="pulumi.Input[str]: the break-glass DR role, cluster admin on the "
                                                                "region's cluster (EksClusterArgs.break_glass_role_arn). Default None.")
    # Secure default: the Kubernetes API is private; a public endpoint only by explicit CIDRs.
    public_api_cidrs: tuple[str, ...] = Field(default=(), description="CIDRs allowed to reach a public API endpoint (empty: private only).")
    access_logs: bool = Field(
        default=False,
        description="Create the region's access-log bucket: ALB access logs and the vaults' S3 server access logs "
        "(the composer sets it wherever a load balancer or a backup vault is).",
    )
    load_balancers: bool = Field(
        default=False,
        description="Internet-facing load balancers run in this region: needs network and access_logs; turns on the "
        "WebAcl and the Load Balancer Controller by default.",
    )
    # Secure default: wherever load balancers run, a WAF web ACL protects them (blueprint.components.aws.web_acl).
    web_acl: Optional[bool] = Field(
        default=None, description="Create the region's WAF WebAcl for its load balancers; default: where load_balancers.")
    # Monitoring default: every region that runs something gets an encrypted alarm topic.
    alarm_topic: bool = Field(default=True, description="Create the region's encrypted SNS alarm topic.")
    # In-cluster layer: every cluster gets a Kubernetes provider, the NVIDIA device plugin and the
    # serving PriorityClass; the load-balancer controller only where load balancers run (it binds
    # pods to their target groups).
    load_balancer_controller: Optional[bool] = Field(
        default=None, description="Install the AWS Load Balancer Controller; default: where load_balancers.")
    # Every cluster gets the cluster-autoscaler: the GPU node groups hand it their desired size, so
    # without it spot burst groups (min 0) never get a node and no group grows past its minimum.
    cluster_autoscaler: bool = Field(
        default=True, description="Install the cluster-autoscaler in the region's cluster; default True.")
    # Off by default: KEDA only where a served workload states its per-pod capacity (the footprint's
    # RegionPlan.traffic_scaling); elsewhere the HPAs scale on CPU through metrics-server.
    traffic_scaling: bool = Field(
        default=False, description="Install KEDA and its CloudWatch-reading Pod Identity role in the region's cluster (needs "
        "cluster); default False.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @model_validator(mode="after")
    def _cluster_needs_network(self) -> "RegionalPlatformArgs":
        if self.cluster and not self.network:
            raise ValueError("cluster: an EKS cluster needs the region's network; set network=True or cluster=False")
        if self.load_balancers and not self.network:
            raise ValueError("load_balancers: load balancers need the region's network; set network=True or load_balancers=False")
        if self.traffic_scaling and not self.cluster:
            raise ValueError("traffic_scaling: KEDA runs in the region's EKS cluster; set cluster=True or traffic_scaling=False")
        if self.load_balancers and not self.access_logs:
            raise ValueError("load_balancers: load balancers write access logs; set access_logs=True or load_balancers=False")
        if self.cluster and self.cluster_autoscaler and self.kubernetes_version not in CHART_BY_KUBERNETES_MINOR:
            raise ValueError(
                f"kubernetes_version: {self.kubernetes_version!r} has no pinned cluster-autoscaler chart (its minor must match "
                f"the cluster's); use one of {', '.join(sorted(CHART_BY_KUBERNETES_MINOR))} or set cluster_autoscaler=False"
            )
        return self


class RegionalPlatform(pulumi.ComponentResource):
    """KMS key (rotation on) and, where workloads run, the VPC, EKS cluster, log bucket and alarm topic."""

    key: KmsKey
    network: Optional[Network]
    cluster: Optional[EksCluster]
    access_logs: Optional[AccessLogBucket]
    alarm_topic: Optional[AlarmTopic]
    web_acl: Optional[WebAcl]
    kubernetes: Optional[Any]  # kubernetes.Provider of the cluster
    gpu_enablement: Optional[GpuEnablement]
    lb_controller: Optional[LoadBalancerController]
    cluster_autoscaler: Optional[ClusterAutoscaler]
    keda: Optional[Keda]
    keda_identity: Optional[KedaCloudWatchReader]

    def __init__(self, name: str, args: RegionalPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:aws:RegionalPlatform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                alias_name=f"blueprint/{name}",
                description=f"blueprint {args.environment}: data at rest in this region",
                tags=args.tags,
            ),
            child,
        )
        self.network = self.cluster = self.access_logs = self.alarm_topic = self.web_acl = None
        self.kubernetes = self.gpu_enablement = self.lb_controller = self.cluster_autoscaler = None
        self.keda = self.keda_identity = None
        if args.network:
            self.network = Network(
                f"{name}-net",
                NetworkArgs(
                    zones=args.zones,
                    cidr_block=args.cidr_block,
                    nat_gateways=args.nat_gateways,
                    flow_logs_kms_key_arn=self.key.arn,
                    tags=args.tags,
                ),
                child,
            )
        if args.cluster and self.network is not None:
            self.cluster = EksCluster(
                f"{name}-eks",
                EksClusterArgs(
                    cluster_name=args.cluster_name or name,
                    kubernetes_version=args.kubernetes_version,
                    vpc_id=self.network.vpc_id,
                    private_subnet_ids=self.network.private_subnet_ids,
                    kms_key_arn=self.key.arn,
                    public_access_cidrs=args.public_api_cidrs,
                    admin_principal_arns=args.cluster_admin_arns,
                    break_glass_role_arn=args.break_glass_role_arn,
                    tags=args.tags,
                ),
                child,
            )
        if self.cluster is not None:
            self._in_cluster(name, args, child)
        if args.access_logs:
            self.access_logs = AccessLogBucket(f"{name}-access-logs", AccessLogBucketArgs(tags=args.tags), child)
        if args.load_balancers if args.web_acl is None else args.web_acl:
            self.web_acl = WebAcl(f"{name}-waf", WebAclArgs(kms_key_arn=self.key.arn, tags=args.tags), child)
        if args.alarm_topic:
            self.alarm_topic = AlarmTopic(f"{name}-alarms", AlarmTopicArgs(kms_key_arn=self.key.arn, tags=args.tags), child)

        outputs: dict[str, pulumi.Input] = {"key_arn": self.key.arn}
        if self.network is not None:
            outputs["vpc_id"] = self.network.vpc_id
        if self.cluster is not None:
            outputs["cluster_name"] = self.cluster.cluster_name
        if self.web_acl is not None:
            outputs["web_acl_arn"] = self.web_acl.arn
        if self.alarm_topic is not None:
            outputs["alarm_topic_arn"] = self.alarm_topic.arn
        self.register_outputs(outputs)

    def _in_cluster(self, name: str, args: RegionalPlatformArgs, child: pulumi.ResourceOptions) -> None:
        """The cluster's Kubernetes provider and what runs in it (module docstring)."""
        # One Kubernetes provider per cluster, from the cluster's own kubeconfig output.
        self.kubernetes = cluster_provider(f"{name}-k8s", self.cluster.kubeconfig, child)
        in_cluster = pulumi.ResourceOptions(parent=self, providers=[self.kubernetes])
        self.gpu_enablement = GpuEnablement(f"{name}-gpu-enablement", GpuEnablementArgs(), in_cluster)
        if args.cluster_autoscaler:
            self.cluster_autoscaler = ClusterAutoscaler(
                f"{name}-cluster-autoscaler",
                ClusterAutoscalerArgs(
                    cluster_name=self.cluster.cluster_name, kubernetes_provider=self.kubernetes,
                    kubernetes_version=args.kubernetes_version, tags=args.tags,
                ),
                child,
            )
        wants_controller = args.load_balancers if args.load_balancer_controller is None else args.load_balancer_controller
        if wants_controller and self.network is not None:
            self.lb_controller = LoadBalancerController(
                f"{name}-lb-controller",
                LoadBalancerControllerArgs(
                    cluster_name=self.cluster.cluster_name,
                    vpc_id=self.network.vpc_id,
                    kubernetes_provider=self.kubernetes,
                    tags=args.tags,
                ),
                child,
            )
        if args.traffic_scaling:
            self._keda(name, args.tags)

    def _keda(self, name: str, tags: dict[str, str]) -> None:
        """KEDA in the cluster, started once its operator's Pod Identity association exists."""
        self.keda_identity = KedaCloudWatchReader(
            f"{name}-keda-identity", KedaCloudWatchReaderArgs(cluster_name=self.cluster.cluster_name, tags=tags),
            pulumi.ResourceOptions(parent=self),
        )
        self.keda = Keda(
            f"{name}-keda", KedaArgs(identity="aws", depends_on=list(self.keda_identity.ready)),
            pulumi.ResourceOptions(parent=self, providers=[self.kubernetes]),
        )

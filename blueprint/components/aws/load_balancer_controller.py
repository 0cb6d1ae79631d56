"""LoadBalancerController: the AWS Load Balancer Controller in one EKS cluster, so
``TargetGroupBinding`` objects (blueprint.components.k8s.InferenceService) register pod IPs in the ALB target
groups the ``LoadBalancer`` component creates.

Children (component named ``n``):
    ``n-role``               aws.iam.Role trusted by EKS Pod Identity for this cluster's
                             ``kube-system/aws-load-balancer-controller`` service account only
    ``n-policy``             aws.iam.Policy: the controller's documented policy (data file, pinned release)
    ``n-policy-attachment``  aws.iam.RolePolicyAttachment
    ``n-pod-identity``       aws.eks.PodIdentityAssociation (the cluster runs the eks-pod-identity-agent add-on)
    ``n-release``            kubernetes helm.sh/v3 Release of ``eks/aws-load-balancer-controller``
                             (through the caller's Kubernetes provider)

Versions: chart 3.5.0 / controller v3.5.0 (kubernetes-sigs/aws-load-balancer-controller tag v3.5.0,
``helm/aws-load-balancer-controller/Chart.yaml``); the IAM policy is that tag's
``docs/install/iam_policy.json``, kept verbatim in ``data/aws-load-balancer-controller-policy.json``.
Update both together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components.k8s.provider import KubernetesProvider
from blueprint.components.k8s.controller_release import controller_release, zone_spread_values

from ._pod_identity import PodIdentityRole
from ._tags import check_tags

CHART = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"
CHART_VERSION = "3.5.0"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
POLICY_FILE = Path(__file__).parent / "data" / "aws-load-balancer-controller-policy.json"


def controller_policy() -> str:
    """The controller's IAM policy document (pinned with the chart)."""
    return json.dumps(json.loads(POLICY_FILE.read_text(encoding="utf-8")))


class LoadBalancerControllerArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: Any = Field(description="pulumi.Input[str]: EKS cluster name (EksCluster.cluster_name).")
    vpc_id: Any = Field(description="pulumi.Input[str]: the cluster's VPC (the controller does not read instance metadata).")
    kubernetes_provider: KubernetesProvider
    chart_version: str = Field(default=CHART_VERSION, description=f"Pinned chart version; default {CHART_VERSION} (matches the policy data file).")
    # HA default: two controller replicas (chart default), spread over zones, with a PDB.
    replicas: int = Field(default=2, description="Controller replicas; default 2, at least 2 so a zone loss keeps one.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int) -> int:
        if v < 2:
            raise ValueError(f"replicas: {v} leaves no controller after a node or zone loss; use 2 or more (default 2)")
        return v

    @field_validator("chart_version")
    @classmethod
    def _version(cls, v: str) -> str:
        if v != CHART_VERSION:
            raise ValueError(
                f"chart_version: {v!r} does not match the IAM policy kept in {POLICY_FILE.name} (controller {CHART_VERSION}); "
                "update the data file from that release's docs/install/iam_policy.json together with CHART_VERSION"
            )
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)


class LoadBalancerController(pulumi.ComponentResource):
    """IAM role (Pod Identity) with the documented policy, and the pinned Helm chart."""

    role_arn: pulumi.Output[str]
    release_name: pulumi.Output[str]
    release: k8s.helm.v3.Release

    def __init__(self, name: str, args: LoadBalancerControllerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:LoadBalancerController", name, None, opts)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id

        identity = PodIdentityRole(
            name,
            parent=self,
            account=account,
            cluster_name=args.cluster_name,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            sid="AllowEksPodIdentityForTheController",
            role_description="AWS Load Balancer Controller (EKS Pod Identity)",
            policy_description=f"AWS Load Balancer Controller v{CHART_VERSION} (docs/install/iam_policy.json)",
            policy=controller_policy(),
            tags=args.tags,
        )
        self.release = controller_release(
            f"{name}-release",
            chart=CHART,
            version=args.chart_version,
            repository=CHART_REPOSITORY,
            namespace=NAMESPACE,
            values={
                "clusterName": args.cluster_name,
                "region": region,
                "vpcId": args.vpc_id,
                "replicaCount": args.replicas,
                "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
                # Only TargetGroupBindings are used: the controller must not take over every
                # Service of type LoadBalancer in the cluster.
                "enableServiceMutatorWebhook": False,
                **zone_spread_values({"app.kubernetes.io/name": CHART}),
            },
            provider=args.kubernetes_provider,
            parent=self,
            depends_on=identity.ready,
        )
        self.role_arn = identity.role_arn
        self.release_name = self.release.name
        self.register_outputs({"role_arn": self.role_arn, "release_name": self.release_name})

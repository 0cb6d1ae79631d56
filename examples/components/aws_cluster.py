"""An EKS cluster with a GPU pool in one region, composed by hand.

Components: KmsKey, Network, EksCluster, GpuNodePool, ClusterAutoscaler, LoadBalancerController,
KedaCloudWatchReader (blueprint.components.aws); cluster_provider (blueprint.components.k8s).

A VPC over three zones (NAT per zone, encrypted flow logs), a private EKS cluster whose secrets
and logs use the region's key, an NVIDIA L4 node group per zone that offers g6.xlarge, and in the
cluster the autoscaler, the AWS Load Balancer Controller and the Pod Identity role KEDA reads
CloudWatch with. Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import (
    ClusterAutoscaler, ClusterAutoscalerArgs, EksCluster, EksClusterArgs, GpuNodePool, GpuNodePoolArgs, KmsKey,
    KmsKeyArgs, LoadBalancerController, LoadBalancerControllerArgs, Network, NetworkArgs,
)
from blueprint.components.aws.traffic_trigger import KedaCloudWatchReader, KedaCloudWatchReaderArgs
from blueprint.components.k8s import cluster_provider

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
TAGS = {"team": "ml-platform"}
ADMIN = "arn:aws:iam::123456789012:role/PlatformAdmin"  # who administers the cluster (an access entry)

provider = aws.Provider("us-east", region=REGION)
here = pulumi.ResourceOptions(provider=provider)

key = KmsKey("ml-key", KmsKeyArgs(alias_name="ml/us-east-1", tags=TAGS), here)
network = Network("ml-net", NetworkArgs(zones=ZONES, cidr_block="10.20.0.0/16", flow_logs_kms_key_arn=key.arn, tags=TAGS), here)
cluster = EksCluster(
    "ml-eks",
    EksClusterArgs(
        cluster_name="ml-us-east-1", vpc_id=network.vpc_id, private_subnet_ids=network.private_subnet_ids,
        kms_key_arn=key.arn, admin_principal_arns=(ADMIN,), tags=TAGS,
    ),
    here,
)
GpuNodePool(
    "ml-gpu",
    GpuNodePoolArgs(
        cluster_name=cluster.cluster_name, node_role_arn=cluster.node_role_arn,
        subnet_ids_by_zone=network.private_subnet_ids_by_zone, workload="fraud-scoring", tier="business-critical",
        accelerator="nvidia-l4", instance_type="g6.xlarge", gpus_per_node=1, min_nodes_per_zone=1, max_nodes_per_zone=4,
        kms_key_arn=key.arn, tags=TAGS,
    ),
    here,
)

# In-cluster parts go through the cluster's own Kubernetes provider (built from its kubeconfig).
kubernetes = cluster_provider("ml-k8s", cluster.kubeconfig)
ClusterAutoscaler(
    "ml-autoscaler",
    ClusterAutoscalerArgs(cluster_name=cluster.cluster_name, kubernetes_provider=kubernetes, tags=TAGS),
    here,
)
LoadBalancerController(
    "ml-lb-controller",
    LoadBalancerControllerArgs(cluster_name=cluster.cluster_name, vpc_id=network.vpc_id, kubernetes_provider=kubernetes,
                               tags=TAGS),
    here,
)
KedaCloudWatchReader("ml-keda-identity", KedaCloudWatchReaderArgs(cluster_name=cluster.cluster_name, tags=TAGS), here)

pulumi.export("cluster_name", cluster.cluster_name)
pulumi.export("kubeconfig", cluster.kubeconfig)

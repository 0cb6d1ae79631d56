"""A private GKE cluster with a GPU pool in one region, composed by hand.

Components: KmsKey, Network, RegionalSubnet, PrivateServiceAccess, GkeCluster, GpuNodePool,
KedaMonitoringReader (blueprint.components.gcp).

A custom-mode VPC with a deny-all-ingress baseline; the region's subnet (pods and services
ranges, Cloud NAT, flow logs); the private services range Cloud SQL needs; a regional GKE cluster
with private nodes, a private endpoint and secrets encrypted by the region's CMEK; an NVIDIA L4
node pool over the zones that offer it; and the Google service account KEDA reads Cloud Monitoring
with (Workload Identity). Run it as a Pulumi program's __main__.py, or plan it offline
(examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import (
    GkeCluster, GkeClusterArgs, GpuNodePool, GpuNodePoolArgs, KmsKey, KmsKeyArgs, Network, NetworkArgs,
    PrivateServiceAccess, PrivateServiceAccessArgs, RegionalSubnet, RegionalSubnetArgs,
)
from blueprint.components.gcp.traffic_trigger import KedaMonitoringReader, KedaMonitoringReaderArgs

PROJECT, REGION = "acme-ml-prod", "europe-west4"
ZONES = ("europe-west4-a", "europe-west4-b", "europe-west4-c")
LABELS = {"team": "ml-platform"}
# The project's service agents that use the key (service_agents.project_service_agents looks them up).
GKE_AGENT = "service-123456789012@container-engine-robot.iam.gserviceaccount.com"
COMPUTE_AGENT = "service-123456789012@compute-system.iam.gserviceaccount.com"

provider = gcp.Provider("gcp-europe-west4", project=PROJECT, region=REGION)
here = pulumi.ResourceOptions(provider=provider)

key = KmsKey(
    "ml-key",
    KmsKeyArgs(key_ring_name="ml-europe-west4", key_name="data", location=REGION,
               encrypter_members=(GKE_AGENT, COMPUTE_AGENT), labels=LABELS),
    here,
)
network = Network("ml-net", NetworkArgs(name="ml-platform"), here)
subnet = RegionalSubnet(
    "ml-subnet", RegionalSubnetArgs(network=network.self_link, region=REGION, subnet_name="ml-europe-west4", region_index=0),
    here,
)
PrivateServiceAccess("ml-psa", PrivateServiceAccessArgs(network_id=network.id), here)
cluster = GkeCluster(
    "ml-gke",
    GkeClusterArgs(cluster_name="ml-europe-west4", location=REGION, zones=ZONES, network=network.self_link,
                   subnetwork=subnet.self_link, kms_key_id=key.id, labels=LABELS),
    here,
)
GpuNodePool(
    "ml-gpu",
    GpuNodePoolArgs(
        cluster=cluster.id, location=REGION, zones=ZONES, workload="fraud-scoring", tier="business-critical",
        accelerator="nvidia-l4", machine_type="g2-standard-4", accelerator_type="nvidia-l4", gpus_per_node=1,
        min_nodes_per_zone=1, max_nodes_per_zone=4, kms_key_id=key.id,
        service_account_email=cluster.node_service_account_email, labels=LABELS,
    ),
    here,
)
KedaMonitoringReader("ml-keda-identity", KedaMonitoringReaderArgs(account_id="keda-ml-europe-west4",
                                                                 workload_pool=cluster.workload_pool), here)

pulumi.export("cluster", cluster.name)
pulumi.export("kubeconfig", cluster.kubeconfig)

"""The clusters' system node pools as the composers plan them, and what they leave for fallback pods.

``service.fallback`` (issue 18) runs its pods on the system nodes (no GPU), next to the cluster's own
add-ons, and every workload's fallback in a region shares them. The config rules
(blueprint/config/rules.py) refuse a stack whose fallbacks, at their HPA ceiling, ask a zone for more
than this catalog's ``usable_*`` figures; the numbers live here only.

Where the composers declare the pools (tests/test_system_pool_catalog.py asserts they agree):
- GKE: ``GkeClusterArgs.system_machine_type`` e2-standard-4 (4 vCPU, 16 GB), ``system_max_nodes_per_zone`` 3
  (blueprint/components/gcp/gke_cluster.py; the composer keeps the defaults).
- EKS: ``EksClusterArgs.system_node_instance_type`` m7i.large (2 vCPU, 8 GiB), ``system_nodes_per_zone`` 1,
  max_size = 2 x that x zones (blueprint/components/aws/eks_cluster.py): at most 2 nodes per zone.

Allocatable per node (what pods may request, after the node's reservations and eviction threshold):
- GKE 4 vCPU / 16 GB: cpu 3920m, memory 13498416Ki = 13181 MiB, the example node of "Plan GKE Standard
  node sizes", https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes (CPU: 6 % of the
  first core, 1 % of the next, 0.5 % of the next 2; memory: 25 % of the first 4 GiB, 20 % of the next 4,
  10 % of the next 8, plus 100 MiB for eviction).
- EKS m7i.large: the EKS AMI's kubeReserved (awslabs/amazon-eks-ami, nodeadm kubelet config: memory
  11 MiB x max pods + 255 MiB, CPU 6 % of the first core + 1 % of the second) with 29 max pods (3 ENIs x
  (10 IPv4 - 1) + 2: EC2 "IP addresses per network interface", m7i.large), and the kubelet's 100 MiB hard
  eviction threshold: cpu 2000 - 70 = 1930m, memory 8192 - (11 x 29 + 255) - 100 = 7518 MiB.

``ADDONS_*``: blueprint's own allowance per zone for what already runs on those nodes (DNS, metrics and
logging agents, kube-proxy / CNI DaemonSets, KEDA, the load balancer and autoscaler controllers); not a
provider figure: measure yours (``kubectl describe node``: "Allocated resources").
"""

from __future__ import annotations

from dataclasses import dataclass

ADDONS_CPU_M = 1000
ADDONS_MEMORY_MIB = 2048


@dataclass(frozen=True)
class SystemPool:
    machine_type: str
    max_nodes_per_zone: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int

    @property
    def usable_cpu_m(self) -> int:
        """Millicores per zone left for fallback pods at the pool's maximum size."""
        return self.max_nodes_per_zone * self.allocatable_cpu_m - ADDONS_CPU_M

    @property
    def usable_memory_mib(self) -> int:
        return self.max_nodes_per_zone * self.allocatable_memory_mib - ADDONS_MEMORY_MIB


SYSTEM_POOLS: dict[str, SystemPool] = {
    "gcp": SystemPool("e2-standard-4", 3, 3920, 13181),
    "aws": SystemPool("m7i.large", 2, 1930, 7518),
}

# The fallback's HPA ceiling, times its floor (blueprint/components/k8s/fallback_service.py
# FALLBACK_SCALE_FACTOR; tests/test_system_pool_catalog.py asserts they agree).
FALLBACK_HPA_FACTOR = 4

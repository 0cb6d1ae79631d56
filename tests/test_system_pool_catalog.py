"""The system-pool catalog (blueprint/catalogs/system_pool.py) says what the cluster components declare: the
config rules size every workload's fallback against it, so a changed default must change the catalog too."""

from __future__ import annotations

from blueprint.catalogs.system_pool import ADDONS_CPU_M, FALLBACK_HPA_FACTOR, SYSTEM_POOLS


def test_gke_entry_matches_the_gke_cluster_system_pool():
    from blueprint.components.gcp.gke_cluster import GkeClusterArgs

    fields = GkeClusterArgs.model_fields
    pool = SYSTEM_POOLS["gcp"]
    assert pool.machine_type == fields["system_machine_type"].default == "e2-standard-4"
    assert pool.max_nodes_per_zone == fields["system_max_nodes_per_zone"].default == 3
    assert (pool.usable_cpu_m, pool.usable_memory_mib) == (3 * 3920 - ADDONS_CPU_M, 3 * 13181 - 2048)


def test_eks_entry_matches_the_eks_cluster_system_node_group():
    from blueprint.components.aws.eks_cluster import EksClusterArgs

    fields = EksClusterArgs.model_fields
    pool = SYSTEM_POOLS["aws"]
    assert pool.machine_type == fields["system_node_instance_type"].default == "m7i.large"
    # max_size = 2 x system_nodes_per_zone x zones (EksCluster._system_nodes)
    assert pool.max_nodes_per_zone == 2 * fields["system_nodes_per_zone"].default
    assert pool.allocatable_cpu_m == 2000 - 70 and pool.allocatable_memory_mib == 8192 - (11 * 29 + 255) - 100


def test_hpa_factor_is_the_fallback_service_ceiling():
    from blueprint.components.k8s.fallback_service import FALLBACK_SCALE_FACTOR

    assert FALLBACK_HPA_FACTOR == FALLBACK_SCALE_FACTOR

"""Degraded serving beside GPU inference, composed by hand (cloud-neutral; issue 18).

Components: InferenceService, FallbackService (blueprint.components.k8s).

The GPU inference service and its fallback (a CPU build of the model) in the same namespace: the
fallback's pods request no GPU and never tolerate the GPU nodes' taint, so they run on the cluster's
general nodes (here GKE's system pool, by its label), spread over the zones, hardened like the GPU
pods, with their own PodDisruptionBudget, CPU autoscaler and ingress policy. Each Service gets its own
GKE standalone NEG: make the fallback's NEGs DEFAULT backends of the load balancer's backend service
behind the GPU NEGs' PREFERRED ones (GlobalLoadBalancer: NegBackend.fallback_neg_ids), so the fallback
answers only what the GPU pods cannot. On AWS pass ``aws_target_group_arn`` (a target group the
listener routes to when the GPU target group has no healthy targets) instead of ``gke_neg``.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_kubernetes as k8s

from blueprint.components.k8s import FallbackService, FallbackServiceArgs, InferenceService, InferenceServiceArgs

# The cluster to deploy into: `pulumi config set --secret kubeconfig "$(cat ~/.kube/config)"`.
kubeconfig = pulumi.Config().get_secret("kubeconfig")
cluster = k8s.Provider("cluster", kubeconfig=kubeconfig, enable_server_side_apply=True)
in_cluster = pulumi.ResourceOptions(provider=cluster)

gpu = InferenceService(
    "fraud",
    InferenceServiceArgs(
        workload="fraud-scoring", image="registry.example.com/fraud:1.4.2", replicas=3, max_replicas=12,
        cpu_millicores=3000, memory_mib=12288, load_balancer_binding="gke-neg", neg_name="fraud-scoring-neg",
    ),
    in_cluster,
)
fallback = FallbackService(
    "fraud-fallback",
    FallbackServiceArgs(
        workload="fraud-scoring", namespace=gpu.namespace, image="registry.example.com/fraud-cpu:1.4.2",
        replicas=3, zones=3, cpu="1", memory="2Gi",
        # GKE's system pool (GkeCluster labels its nodes blueprint.dev/pool=system); EKS: blueprint.dev/node-role=system.
        node_selector={"blueprint.dev/pool": "system"},
        gke_neg=True, neg_name="fraud-scoring-fallback-neg",
    ),
    in_cluster,
)
pulumi.export("fallback_service", fallback.service_name)

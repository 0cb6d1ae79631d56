"""GPU inference inside an existing Kubernetes cluster, composed by hand (cloud-neutral).

Components: GpuEnablement, InferenceService, Keda (blueprint.components.k8s).

The NVIDIA device plugin (pinned by digest, only on GPU nodes) with the `blueprint-serving`
priority class; an inference service (own namespace, default-deny ingress, non-root read-only
pods spread over zones, probes, a PodDisruptionBudget and an HPA) bound to an ALB target group
the AWS Load Balancer Controller fills; and KEDA, installed for request-rate scaling.
Point the Kubernetes provider at your cluster (here: a kubeconfig from the stack's config, as
EksCluster(...).kubeconfig or GkeCluster(...).kubeconfig gives it in a full stack).
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_kubernetes as k8s

from blueprint.components.k8s import GpuEnablement, GpuEnablementArgs, InferenceService, InferenceServiceArgs, Keda, KedaArgs

# The cluster to deploy into: `pulumi config set --secret kubeconfig "$(cat ~/.kube/config)"`.
kubeconfig = pulumi.Config().get_secret("kubeconfig")
cluster = k8s.Provider("cluster", kubeconfig=kubeconfig, enable_server_side_apply=True)
in_cluster = pulumi.ResourceOptions(provider=cluster)

GpuEnablement("gpu", GpuEnablementArgs(), in_cluster)
Keda("keda", KedaArgs(identity="aws"), in_cluster)
InferenceService(
    "fraud",
    InferenceServiceArgs(
        workload="fraud-scoring", image="registry.example.com/fraud:1.4.2", replicas=3, max_replicas=12,
        cpu_millicores=3000, memory_mib=12288, port=8080, readiness_path="/ready", liveness_path="/healthz",
        load_balancer_binding="aws-target-group",
        # The ALB target group and security group (LoadBalancer(...).target_group_arn / .security_group_id).
        target_group_arn="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fraud/0123456789abcdef",
        load_balancer_security_group_id="sg-0123456789abcdef0",
    ),
    in_cluster,
)

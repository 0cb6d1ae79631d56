"""In-cluster components on pulumi-kubernetes, cloud-neutral: the cloud-specific parts (load
balancer binding, device plugin) are Args."""

from components.k8s.gpu_enablement import GpuEnablement, GpuEnablementArgs
from components.k8s.inference_service import InferenceService, InferenceServiceArgs, pod_resources, replicas_for
from components.k8s.provider import cluster_provider

__all__ = ["GpuEnablement", "GpuEnablementArgs", "InferenceService", "InferenceServiceArgs", "cluster_provider",
           "pod_resources", "replicas_for"]

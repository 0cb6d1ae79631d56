"""In-cluster components on pulumi-kubernetes, cloud-neutral: the cloud-specific parts (load
balancer binding, device plugin) are Args."""

from blueprint.components.k8s.fallback_service import FallbackService, FallbackServiceArgs
from blueprint.components.k8s.gpu_enablement import GpuEnablement, GpuEnablementArgs
from blueprint.components.k8s.inference_service import InferenceService, InferenceServiceArgs, pod_resources, replicas_for
from blueprint.components.k8s.keda import Keda, KedaArgs
from blueprint.components.k8s.provider import cluster_provider
from blueprint.components.k8s.traffic_scaling import TrafficScaling

__all__ = ["FallbackService", "FallbackServiceArgs", "GpuEnablement", "GpuEnablementArgs", "InferenceService", "InferenceServiceArgs", "Keda", "KedaArgs", "TrafficScaling",
           "cluster_provider", "pod_resources", "replicas_for"]

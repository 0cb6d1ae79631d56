"""GpuEnablement: what a cluster needs before GPU workloads can be scheduled on it.

Children (component named ``n``):
    ``n-device-plugin``     apps/v1 DaemonSet ``nvidia-device-plugin-daemonset`` in ``kube-system``
                            (only with ``device_plugin=True``: EKS; GKE installs its own drivers and plugin)
    ``n-device-plugin-network-policy``  networking.k8s.io/v1 NetworkPolicy ``nvidia-device-plugin-deny-all``
                            in ``kube-system`` (with the DaemonSet): no ingress, no egress for the plugin pods
    ``n-serving-priority``  scheduling.k8s.io/v1 PriorityClass ``blueprint-serving`` for inference pods

The device plugin advertises ``nvidia.com/gpu`` on the GPU nodes. It follows NVIDIA's static
manifest of the pinned release (deployments/static/nvidia-device-plugin.yml): it tolerates the
``nvidia.com/gpu`` taint of the GPU pools, runs with ``system-node-critical`` priority, drops every
capability and only mounts the kubelet's device-plugin directory. It is kept off nodes without a
GPU by node affinity on the ``blueprint.dev/accelerator`` label the GPU pools set.

Hardening beyond NVIDIA's manifest: image pinned by digest, read-only root filesystem, seccomp
``RuntimeDefault`` (pod and container), CPU and memory limits, no service-account token, and a
deny-all NetworkPolicy: the plugin talks to the kubelet over a unix socket on the hostPath and to
the GPUs through NVML, never over the pod network (EKS enforces it once the vpc-cni add-on runs
with ``enableNetworkPolicy``). What the plugin cannot give up: it runs as root (UID 0, the image's
user) because it creates its gRPC socket in the root-owned ``/var/lib/kubelet/device-plugins``
(capabilities dropped, so root there is no more than owner of that directory), and it serves no
health endpoint for probes (the kubelet's device-plugin registration is its health signal: a
plugin that dies drops its socket and the node's ``nvidia.com/gpu`` capacity goes to 0).
"""

from __future__ import annotations

import re
from typing import Optional

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._labels import ACCELERATOR_NODE_LABEL, GPU_TOLERATION, check_dns_label

# Latest NVIDIA k8s-device-plugin release (GitHub NVIDIA/k8s-device-plugin tags, checked: v0.20.0
# is the newest non-rc tag; its static manifest uses nvcr.io/nvidia/k8s-device-plugin:v0.20.0).
# Pinned by digest too (the tag is kept for readers; the runtime pulls by digest): the multi-arch
# index digest of v0.20.0 as nvcr.io serves it, checked in three independent public sources - a
# running pod's `Image ID` (kubectl describe), a manifest pinning `v0.20.0@sha256:a61ba9fd...`, and
# the NVIDIA GPU Operator 26.7.0 OLM bundle's relatedImages (`k8s-device-plugin:v0.20.0@sha256:a61ba9fd...`).
DEVICE_PLUGIN_DIGEST = "sha256:a61ba9fd8efb82f3a79f877f7580e02c1e8e7593f62473644bc9c79e315c3312"
DEVICE_PLUGIN_IMAGE = f"nvcr.io/nvidia/k8s-device-plugin:v0.20.0@{DEVICE_PLUGIN_DIGEST}"
DEVICE_PLUGIN_NAME = "nvidia-device-plugin-daemonset"
DEVICE_PLUGIN_SELECTOR = {"name": "nvidia-device-plugin-ds"}
DEVICE_PLUGIN_NETWORK_POLICY = "nvidia-device-plugin-deny-all"
# Requests from NVIDIA's usage (an idle gRPC server; NVML health polling); the limits bound a
# runaway plugin on a node whose every GPU pod depends on it. The CPU limit leaves room for the
# NVML start-up enumeration of 8-GPU nodes; memory stays far under any eviction threshold.
DEVICE_PLUGIN_RESOURCES = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
SERVING_PRIORITY_CLASS = "blueprint-serving"
# Above every default (0) workload, far below the system-* classes (2e9+): serving pods preempt
# batch work on GPU nodes, never cluster add-ons.
SERVING_PRIORITY_VALUE = 100000
# A tag, a digest or both (tag@digest), never 'latest' alone: a rebuilt region must run the same
# plugin as the survivor.
_PINNED_IMAGE = re.compile(r"^[\w.-]+(:\d+)?(/[\w.-]+)+(?P<tag>:[\w][\w.-]{0,127})?(?P<digest>@sha256:[0-9a-f]{64})?$")


class GpuEnablementArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    # EKS default: the AL2023 NVIDIA AMI ships drivers, not the Kubernetes device plugin.
    device_plugin: bool = Field(default=True, description="Install the NVIDIA device plugin DaemonSet (False on GKE, which manages it).")
    # Default pinned by digest (imagePullPolicy IfNotPresent then runs exactly that image, and a
    # node start never needs the registry when the image is cached).
    device_plugin_image: str = Field(default=DEVICE_PLUGIN_IMAGE,
                                     description=f"Pinned plugin image (tag, digest or tag@digest); default {DEVICE_PLUGIN_IMAGE}.")
    gpu_node_label: str = Field(default=ACCELERATOR_NODE_LABEL, description="Node label every GPU node carries (the plugin runs only there).")
    priority_class_name: str = Field(default=SERVING_PRIORITY_CLASS, description="Name of the serving PriorityClass.")
    priority_value: int = Field(default=SERVING_PRIORITY_VALUE, description=f"Serving priority; default {SERVING_PRIORITY_VALUE} (1..1000000000).")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on every object.")

    @field_validator("device_plugin_image")
    @classmethod
    def _image(cls, v: str) -> str:
        m = _PINNED_IMAGE.match(v)
        if not m or not (m["tag"] or m["digest"]) or (m["tag"] == ":latest" and not m["digest"]):
            raise ValueError(f"device_plugin_image: {v!r} must be pinned to a version tag or digest, e.g. {DEVICE_PLUGIN_IMAGE}")
        return v

    @field_validator("priority_class_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v.startswith("system-"):
            raise ValueError(f"priority_class_name: {v!r} uses the reserved 'system-' prefix; choose another name (default {SERVING_PRIORITY_CLASS})")
        return check_dns_label("priority_class_name", v)

    @field_validator("priority_value")
    @classmethod
    def _value(cls, v: int) -> int:
        # User-defined classes may not exceed one billion (larger values are reserved for system classes).
        if not 1 <= v <= 1_000_000_000:
            raise ValueError(f"priority_value: {v} is outside 1..1000000000 (values above are reserved for system classes); default {SERVING_PRIORITY_VALUE}")
        return v


class GpuEnablement(pulumi.ComponentResource):
    """NVIDIA device plugin (pinned, tolerating the GPU taint, GPU nodes only) and the serving PriorityClass."""

    priority_class_name: str
    device_plugin_name: Optional[str]
    device_plugin_network_policy_name: Optional[str]

    def __init__(self, name: str, args: GpuEnablementArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:k8s:GpuEnablement", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = {**args.labels, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "blueprint"}

        self.device_plugin_name = None
        self.device_plugin_network_policy_name = None
        if args.device_plugin:
            selector = DEVICE_PLUGIN_SELECTOR
            k8s.apps.v1.DaemonSet(
                f"{name}-device-plugin",
                metadata={"name": DEVICE_PLUGIN_NAME, "namespace": "kube-system", "labels": {**labels, **selector}},
                spec={
                    "selector": {"matchLabels": selector},
                    # One node at a time, so GPUs never disappear from every node at once.
                    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                    "template": {
                        "metadata": {"labels": {**labels, **selector}},
                        "spec": {
                            "tolerations": [GPU_TOLERATION],
                            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                                "nodeSelectorTerms": [{"matchExpressions": [{"key": args.gpu_node_label, "operator": "Exists"}]}],
                            }}},
                            "priorityClassName": "system-node-critical",
                            "automountServiceAccountToken": False,
                            "enableServiceLinks": False,
                            # Root is the image's user and needed for the kubelet's socket directory
                            # (module docstring); the pod still gets the runtime's seccomp filter.
                            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                            "containers": [{
                                "name": "nvidia-device-plugin-ctr",
                                "image": args.device_plugin_image,
                                # A pinned image: IfNotPresent runs the same bits as Always without making
                                # every node start depend on nvcr.io being reachable.
                                "imagePullPolicy": "IfNotPresent",
                                "securityContext": {
                                    "allowPrivilegeEscalation": False,
                                    "capabilities": {"drop": ["ALL"]},
                                    "readOnlyRootFilesystem": True,
                                    "seccompProfile": {"type": "RuntimeDefault"},
                                },
                                "resources": DEVICE_PLUGIN_RESOURCES,
                                "volumeMounts": [{"name": "kubelet-device-plugins-dir", "mountPath": "/var/lib/kubelet/device-plugins"}],
                            }],
                            "volumes": [{"name": "kubelet-device-plugins-dir",
                                         "hostPath": {"path": "/var/lib/kubelet/device-plugins", "type": "Directory"}}],
                        },
                    },
                },
                opts=child,
            )
            self.device_plugin_name = DEVICE_PLUGIN_NAME
            # Deny all: the plugin has no network peer (kubelet over a unix socket, GPUs over NVML,
            # no API-server access: no token). Egress denied too, so a compromised plugin - root on
            # every GPU node - cannot reach the network.
            k8s.networking.v1.NetworkPolicy(
                f"{name}-device-plugin-network-policy",
                metadata={"name": DEVICE_PLUGIN_NETWORK_POLICY, "namespace": "kube-system", "labels": labels},
                spec={"podSelector": {"matchLabels": selector}, "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": []},
                opts=child,
            )
            self.device_plugin_network_policy_name = DEVICE_PLUGIN_NETWORK_POLICY

        k8s.scheduling.v1.PriorityClass(
            f"{name}-serving-priority",
            metadata={"name": args.priority_class_name, "labels": labels},
            value=args.priority_value,
            global_default=False,
            preemption_policy="PreemptLowerPriority",
            description="blueprint inference services: preempt batch work, never cluster add-ons",
            opts=child,
        )
        self.priority_class_name = args.priority_class_name
        self.register_outputs({"priority_class_name": self.priority_class_name, "device_plugin_name": self.device_plugin_name,
                               "device_plugin_network_policy_name": self.device_plugin_network_policy_name})

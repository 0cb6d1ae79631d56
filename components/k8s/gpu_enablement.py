"""GpuEnablement: what a cluster needs before GPU workloads can be scheduled on it.

Children (component named ``n``):
    ``n-device-plugin``     apps/v1 DaemonSet ``nvidia-device-plugin-daemonset`` in ``kube-system``
                            (only with ``device_plugin=True``: EKS; GKE installs its own drivers and plugin)
    ``n-serving-priority``  scheduling.k8s.io/v1 PriorityClass ``blueprint-serving`` for inference pods

The device plugin advertises ``nvidia.com/gpu`` on the GPU nodes. It follows NVIDIA's static
manifest of the pinned release (deployments/static/nvidia-device-plugin.yml): it tolerates the
``nvidia.com/gpu`` taint of the GPU pools, runs with ``system-node-critical`` priority, drops every
capability and only mounts the kubelet's device-plugin directory. It is kept off nodes without a
GPU by node affinity on the ``blueprint.dev/accelerator`` label the GPU pools set.
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
DEVICE_PLUGIN_IMAGE = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0"
DEVICE_PLUGIN_NAME = "nvidia-device-plugin-daemonset"
SERVING_PRIORITY_CLASS = "blueprint-serving"
# Above every default (0) workload, far below the system-* classes (2e9+): serving pods preempt
# batch work on GPU nodes, never cluster add-ons.
SERVING_PRIORITY_VALUE = 100000
# A tag or digest, never 'latest': a rebuilt region must run the same plugin as the survivor.
_PINNED_IMAGE = re.compile(r"^[\w.-]+(:\d+)?(/[\w.-]+)+(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$")


class GpuEnablementArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    # EKS default: the AL2023 NVIDIA AMI ships drivers, not the Kubernetes device plugin.
    device_plugin: bool = Field(default=True, description="Install the NVIDIA device plugin DaemonSet (False on GKE, which manages it).")
    device_plugin_image: str = Field(default=DEVICE_PLUGIN_IMAGE, description=f"Pinned plugin image; default {DEVICE_PLUGIN_IMAGE}.")
    gpu_node_label: str = Field(default=ACCELERATOR_NODE_LABEL, description="Node label every GPU node carries (the plugin runs only there).")
    priority_class_name: str = Field(default=SERVING_PRIORITY_CLASS, description="Name of the serving PriorityClass.")
    priority_value: int = Field(default=SERVING_PRIORITY_VALUE, description=f"Serving priority; default {SERVING_PRIORITY_VALUE} (1..1000000000).")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on every object.")

    @field_validator("device_plugin_image")
    @classmethod
    def _image(cls, v: str) -> str:
        if not _PINNED_IMAGE.match(v) or v.endswith(":latest"):
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

    def __init__(self, name: str, args: GpuEnablementArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:k8s:GpuEnablement", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = {**args.labels, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "blueprint"}

        self.device_plugin_name = None
        if args.device_plugin:
            selector = {"name": "nvidia-device-plugin-ds"}
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
                            "containers": [{
                                "name": "nvidia-device-plugin-ctr",
                                "image": args.device_plugin_image,
                                "securityContext": {
                                    "allowPrivilegeEscalation": False,
                                    "capabilities": {"drop": ["ALL"]},
                                    "readOnlyRootFilesystem": True,
                                    "seccompProfile": {"type": "RuntimeDefault"},
                                },
                                "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
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
        self.register_outputs({"priority_class_name": self.priority_class_name, "device_plugin_name": self.device_plugin_name})

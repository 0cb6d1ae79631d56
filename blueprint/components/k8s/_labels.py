"""Label conventions shared by the in-cluster components (cloud-neutral)."""

from __future__ import annotations

import re

# The planner reads this label to attribute a Kubernetes object to its workload
# (blueprint.plan.placement.WORKLOAD_LABEL); every object of a workload carries it.
WORKLOAD_LABEL = "blueprint-workload"
# Node labels and taint the GPU pools set (blueprint/components/aws/gpu_node_pool.py, and the GKE pools).
NODE_LABEL_PREFIX = "blueprint.dev"
ACCELERATOR_NODE_LABEL = f"{NODE_LABEL_PREFIX}/accelerator"
WORKLOAD_NODE_LABEL = f"{NODE_LABEL_PREFIX}/workload"
GPU_RESOURCE = "nvidia.com/gpu"
# The GPU pools' taint: nvidia.com/gpu=true:NoSchedule.
GPU_TOLERATION = {"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}
# Kubernetes object names (RFC 1123 label): lower case alphanumerics and '-', at most 63.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def check_dns_label(field: str, value: str) -> str:
    if not DNS_LABEL.match(value):
        raise ValueError(
            f"{field}: {value!r} is not a valid Kubernetes name; use 1..63 lower-case letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return value

# What a serving object is for, cloud-neutrally: the read model (blueprint/analysis) finds a workload's
# degraded-mode objects by this label (issue 18, FallbackService).
ROLE_LABEL = "blueprint-role"
FALLBACK_ROLE = "fallback"

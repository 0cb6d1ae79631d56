"""One pulumi-kubernetes provider per cluster, built from the cluster's own outputs.

``cluster_provider("prod-us-east-1-k8s", cluster.kubeconfig, opts)`` returns a
``kubernetes.Provider`` bound to that cluster only; in-cluster components get it through
``ResourceOptions(providers=[...])`` so nothing ever falls back to the ambient ``~/.kube/config``.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import pulumi
import pulumi_kubernetes as k8s
from pydantic import AfterValidator, Field, ValidationInfo


def cluster_provider(name: str, kubeconfig: Any, opts: Optional[pulumi.ResourceOptions] = None) -> k8s.Provider:
    """A Kubernetes provider for one cluster.

    - ``kubeconfig``: the cluster's kubeconfig (a secret Output, e.g. ``EksCluster.kubeconfig``);
      passing it makes the provider depend on the cluster, so objects are created once it exists.
    - server-side apply on (explicit, although pulumi-kubernetes 4 defaults to it): field ownership
      is tracked by the API server, so controllers (HPA, the load-balancer controller) and Pulumi
      never silently overwrite each other's fields;
    - ``delete_unreachable`` off: a cluster that cannot be reached fails the update instead of
      having its objects dropped from the state.
    """
    return k8s.Provider(
        name,
        kubeconfig=kubeconfig,
        enable_server_side_apply=True,
        delete_unreachable=False,
        opts=opts,
    )


def _a_kubernetes_provider(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, k8s.Provider):
        raise ValueError(f"{info.field_name}: {value!r} is not a kubernetes.Provider; pass blueprint.components.k8s.cluster_provider(...)")
    return value


# An Args field holding the cluster's provider, checked when the Args are built.
KubernetesProvider = Annotated[
    Any,
    AfterValidator(_a_kubernetes_provider),
    Field(description="The cluster's kubernetes.Provider (blueprint.components.k8s.cluster_provider)."),
]

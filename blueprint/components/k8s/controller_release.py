"""How this project installs a controller's Helm chart (load balancer controller, cluster autoscaler).

One place for the release settings every controller shares: a pinned chart from its repository,
Helm waiting for the pods (so what depends on the controller, its webhooks or CRDs, comes after
it), a timeout long enough for image pulls on fresh nodes, atomic installs that roll back, and
the same HA values: a PodDisruptionBudget and a zone spread of the replicas.
"""

from __future__ import annotations

from typing import Any, Sequence

import pulumi
import pulumi_kubernetes as k8s

# Helm's wait for the pods may take longer than pulumi-kubernetes' default 300 s on nodes that
# pull the images for the first time; atomic rolls back a release that times out.
RELEASE_TIMEOUT_S = 600


def zone_spread_values(selector: dict[str, str]) -> dict[str, Any]:
    """Chart values: at most one replica down at a time, replicas spread over zones (best effort)."""
    return {
        "podDisruptionBudget": {"maxUnavailable": 1},
        "topologySpreadConstraints": [{
            "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": selector},
        }],
    }


def controller_release(
    name: str,
    *,
    chart: str,
    version: str,
    repository: str,
    namespace: str,
    values: dict[str, Any],
    provider: k8s.Provider,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource] = (),
) -> k8s.helm.v3.Release:
    """The chart ``chart`` at ``version`` as release ``chart`` in ``namespace``, through ``provider``."""
    return k8s.helm.v3.Release(
        name,
        name=chart,
        chart=chart,
        version=version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=repository),
        namespace=namespace,
        values=values,
        # Wait for the controller's pods (and webhooks) before what depends on it is applied.
        skip_await=False,
        timeout=RELEASE_TIMEOUT_S,
        atomic=True,
        cleanup_on_fail=True,
        max_history=5,
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=list(depends_on)),
    )

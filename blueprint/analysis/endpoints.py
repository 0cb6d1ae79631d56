"""The deployer CIDRs of a planned Kubernetes cluster's API endpoint: one reading for every reader.

`pulumi up` reaches a cluster's API from the deployer's networks (``blueprint:deployerCidrs``),
which the components put in the endpoint's allow-list. Three readers judge that list: the
readiness check (blueprint/readiness/reach.py: can the deployer reach the API), the placeholder
warning (blueprint/check/placeholders.py) and the exposure policies (blueprint/policies/exposure.py);
they read it here.

* EKS: ``vpcConfig.publicAccessCidrs``
  (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html, publicAccessCidrs);
* GKE: ``masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock``
  (https://www.pulumi.com/registry/packages/gcp/api-docs/container/cluster/, masterAuthorizedNetworksConfig).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from blueprint.types import aws, gcp

EKS_CIDRS = "vpcConfig.publicAccessCidrs"
GKE_CIDRS = "masterAuthorizedNetworksConfig.cidrBlocks"
CLUSTER_TYPES = (aws.EKS_CLUSTER, gcp.CONTAINER_CLUSTER)


def _never(value: Any) -> bool:
    return False


def _step(data: Any, keys: tuple[str, ...], is_unknown: Callable[[Any], bool]) -> Any:
    """``data[k1][k2]...``; None when a step is missing; an unknown value as soon as one is met."""
    for key in keys:
        if is_unknown(data):
            return data
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def api_endpoint_cidrs(type_: str, inputs: Mapping[str, Any],
                       is_unknown: Callable[[Any], bool] = _never) -> tuple[str, Any]:
    """(input path, entries) of the cluster's API allow-list: a list of CIDR strings (a GKE block that
    is not a mapping is kept as it is), None when the input is absent, or the unknown value itself
    (``is_unknown`` recognises it: the policy pack's preview sentinel)."""
    if type_ == aws.EKS_CLUSTER:
        return EKS_CIDRS, _step(inputs, ("vpcConfig", "publicAccessCidrs"), is_unknown)
    blocks = _step(inputs, ("masterAuthorizedNetworksConfig", "cidrBlocks"), is_unknown)
    if is_unknown(blocks):
        return GKE_CIDRS, blocks
    return GKE_CIDRS, [b.get("cidrBlock") if isinstance(b, Mapping) else b for b in blocks or []]


def deployer_cidrs(type_: str, inputs: Mapping[str, Any]) -> list[Any]:
    """The allow-list entries of a planned (fully known) cluster; [] when it lists none."""
    return list(api_endpoint_cidrs(type_, inputs)[1] or [])

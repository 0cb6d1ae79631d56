"""One reading of a cluster API endpoint's deployer CIDRs (blueprint/analysis/endpoints.py) for the
readiness check, the placeholder warning and the exposure policies."""

from __future__ import annotations

from blueprint.analysis.endpoints import EKS_CIDRS, GKE_CIDRS, api_endpoint_cidrs, deployer_cidrs
from blueprint.types import aws, gcp

UNKNOWN = object()


def _unknown(value):
    return value is UNKNOWN


def test_eks_reads_vpc_config_public_access_cidrs():
    inputs = {"vpcConfig": {"publicAccessCidrs": ["203.0.113.10/32"]}}
    assert api_endpoint_cidrs(aws.EKS_CLUSTER, inputs) == (EKS_CIDRS, ["203.0.113.10/32"])
    assert deployer_cidrs(aws.EKS_CLUSTER, {"vpcConfig": {}}) == []
    assert deployer_cidrs(aws.EKS_CLUSTER, {}) == []


def test_gke_reads_the_cidr_block_of_each_authorized_network():
    inputs = {"masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "198.51.100.0/28", "displayName": "ci"},
                                                                  {"displayName": "no block"}]}}
    assert api_endpoint_cidrs(gcp.CONTAINER_CLUSTER, inputs) == (GKE_CIDRS, ["198.51.100.0/28", None])
    assert deployer_cidrs(gcp.CONTAINER_CLUSTER, {"masterAuthorizedNetworksConfig": {}}) == []


def test_unknown_values_pass_through_as_they_are():
    assert api_endpoint_cidrs(aws.EKS_CLUSTER, {"vpcConfig": UNKNOWN}, _unknown) == (EKS_CIDRS, UNKNOWN)
    assert api_endpoint_cidrs(gcp.CONTAINER_CLUSTER, {"masterAuthorizedNetworksConfig": {"cidrBlocks": UNKNOWN}},
                              _unknown) == (GKE_CIDRS, UNKNOWN)
    # an unknown entry of a known list stays visible to the rule
    blocks = {"masterAuthorizedNetworksConfig": {"cidrBlocks": [UNKNOWN]}}
    assert api_endpoint_cidrs(gcp.CONTAINER_CLUSTER, blocks, _unknown) == (GKE_CIDRS, [UNKNOWN])


def test_the_three_readers_use_it():
    """The readiness check, the placeholder warning and the exposure rules read the one function."""
    import blueprint.check.placeholders as placeholders
    import blueprint.readiness.reach as reach
    import blueprint.policies.exposure as exposure

    assert reach.deployer_cidrs is deployer_cidrs
    assert placeholders.deployer_cidrs is deployer_cidrs
    assert exposure.api_endpoint_cidrs is api_endpoint_cidrs

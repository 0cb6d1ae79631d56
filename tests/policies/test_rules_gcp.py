"""GCP halves of the rules, on hand-built resources (pass and fail for each)."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.policies import RULES_BY_ID, Context, Resource, run_rules


def gcp(type_: str, name: str, region: str = "europe-west4", **props: Any) -> Resource:
    return Resource(urn=f"urn:pulumi:gcp-prod::blueprint::{type_}::{name}", type=type_, name=name, region=region, props=props)


def run(rule_id: str, *resources: Resource, jurisdiction: str = "eu") -> list[Any]:
    return run_rules(Context(resources, jurisdiction, "gcp", "gcp-prod"), [RULES_BY_ID[rule_id]])


KEY = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"


@pytest.mark.parametrize("location,ok", [("europe-west4", True), ("EU", True), ("EUR4", True), ("US", False),
                                         ("us-central1", False), ("NAM4", False)])
def test_gcs_location(location: str, ok: bool) -> None:
    bucket = gcp("gcp:storage/bucket:Bucket", "vault", location=location)
    assert (run("residency-data-copies", bucket) == []) is ok


def test_fails_custom_dual_region_outside() -> None:
    inside = gcp("gcp:storage/bucket:Bucket", "eu-dual", location="EU", customPlacementConfig={"dataLocations": ["EUROPE-WEST4", "EUROPE-WEST1"]})
    dual = gcp("gcp:storage/bucket:Bucket", "dual", location="US", customPlacementConfig={"dataLocations": ["US-EAST1", "US-CENTRAL1"]})
    found = run("residency-data-copies", inside, dual)
    assert [v.urn for v in found] == [dual.urn] and "us-east1" in found[0].message


def test_pubsub_storage_regions() -> None:
    ok = gcp("gcp:pubsub/topic:Topic", "t", kmsKeyName=KEY, messageStoragePolicy={"allowedPersistenceRegions": ["europe-west4"]})
    bad = gcp("gcp:pubsub/topic:Topic", "u", kmsKeyName=KEY, messageStoragePolicy={"allowedPersistenceRegions": ["us-east1"]})
    unset = gcp("gcp:pubsub/topic:Topic", "v", kmsKeyName=KEY)
    assert {v.urn for v in run("residency-data-copies", ok, bad, unset)} == {bad.urn, unset.urn}


def test_fails_gcp_resource_outside_jurisdiction() -> None:
    ok = gcp("gcp:sql/databaseInstance:DatabaseInstance", "db")
    replica = gcp("gcp:sql/databaseInstance:DatabaseInstance", "replica", region="us-east1")
    assert [v.urn for v in run("residency-region", ok, replica)] == [replica.urn]


@pytest.mark.parametrize("type_,good,bad", [
    ("gcp:storage/bucket:Bucket", {"encryption": {"defaultKmsKeyName": KEY}}, {}),
    ("gcp:sql/databaseInstance:DatabaseInstance", {"encryptionKeyName": KEY}, {"encryptionKeyName": ""}),
    ("gcp:container/cluster:Cluster", {"databaseEncryption": {"state": "ENCRYPTED", "keyName": KEY}}, {"databaseEncryption": {"state": "DECRYPTED"}}),
    ("gcp:container/nodePool:NodePool", {"nodeConfig": {"bootDiskKmsKey": KEY}}, {"nodeConfig": {}}),
    ("gcp:compute/instanceTemplate:InstanceTemplate", {"disks": [{"diskEncryptionKey": {"kmsKeySelfLink": KEY}}]}, {"disks": [{}]}),
    ("gcp:compute/instance:Instance", {"bootDisk": {"kmsKeySelfLink": KEY}}, {"bootDisk": {}}),
    ("gcp:pubsub/topic:Topic", {"kmsKeyName": KEY}, {}),
])
def test_gcp_cmk(type_: str, good: dict, bad: dict) -> None:
    assert run("encryption-at-rest-cmk", gcp(type_, "good", **good)) == []
    found = run("encryption-at-rest-cmk", gcp(type_, "bad", **bad))
    assert len(found) == 1 and found[0].resource_name == "bad"


def test_gcp_key_rotation() -> None:
    assert run("kms-key-rotation", gcp("gcp:kms/cryptoKey:CryptoKey", "k", rotationPeriod="7776000s")) == []
    assert len(run("kms-key-rotation", gcp("gcp:kms/cryptoKey:CryptoKey", "k"))) == 1
    assert len(run("kms-key-rotation", gcp("gcp:kms/cryptoKey:CryptoKey", "k", rotationPeriod="63072000s"))) == 1


def test_cloudsql_ssl_only() -> None:
    good = gcp("gcp:sql/databaseInstance:DatabaseInstance", "db", settings={"ipConfiguration": {"sslMode": "ENCRYPTED_ONLY"}})
    bad = gcp("gcp:sql/databaseInstance:DatabaseInstance", "db2", settings={"ipConfiguration": {"sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"}})
    assert [v.urn for v in run("tls-cloudsql", good, bad)] == [bad.urn]


def test_gcp_ssl_policy() -> None:
    good = gcp("gcp:compute/sSLPolicy:SSLPolicy", "modern", region="global", profile="MODERN", minTlsVersion="TLS_1_2")
    weak = gcp("gcp:compute/sSLPolicy:SSLPolicy", "compat", region="global", profile="COMPATIBLE", minTlsVersion="TLS_1_0")
    proxy_ok = gcp("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "p1", region="global", sslPolicy="projects/p/global/sslPolicies/modern")
    proxy_bad = gcp("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "p2", region="global")
    assert {v.urn for v in run("tls-gcp-ssl-policy", good, weak, proxy_ok, proxy_bad)} == {weak.urn, proxy_bad.urn}


def test_gcs_vault_retention() -> None:
    labels = {"blueprint-tier": "mission-critical"}
    good = gcp("gcp:storage/bucket:Bucket", "vault", labels=labels, versioning={"enabled": False},
               retentionPolicy={"retentionPeriod": str(35 * 86400), "isLocked": True})
    short = gcp("gcp:storage/bucket:Bucket", "short", labels=labels, retentionPolicy={"retentionPeriod": "86400", "isLocked": False})
    none = Resource(urn="urn:pulumi:gcp-prod::blueprint::blueprint:gcp:BackupBucket$gcp:storage/bucket:Bucket::none",
                    type="gcp:storage/bucket:Bucket", name="none", region="europe-west4", props={})
    assert run("immutability-vault-object-lock", good) == []
    found = run("immutability-vault-object-lock", short, none)
    assert [v.urn for v in found] == [short.urn, short.urn, none.urn]


# ---- exposure: the GKE control-plane endpoint -------------------------------------------------------

GKE = "gcp:container/cluster:Cluster"


def _gke(name: str, private_endpoint: Any = False, networks: Any = "default") -> Resource:
    props: dict[str, Any] = {"privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": private_endpoint}}
    if networks == "default":
        networks = {"cidrBlocks": [{"cidrBlock": "203.0.113.40/32", "displayName": "authorized-0"}],
                    "gcpPublicCidrsAccessEnabled": False}
    if networks is not None:
        props["masterAuthorizedNetworksConfig"] = networks
    return gcp(GKE, name, **props)


def test_gke_endpoint_private_or_limited_to_deployers_passes() -> None:
    assert run("api-endpoint-deployer-cidrs", _gke("limited"), _gke("private", private_endpoint=True, networks=None)) == []


@pytest.mark.parametrize("networks,fragment", [
    (None, "without masterAuthorizedNetworksConfig"),
    ({"cidrBlocks": []}, "open to every address"),
    ({"cidrBlocks": [{"cidrBlock": "0.0.0.0/0"}]}, "whole internet"),
    ({"cidrBlocks": [{"cidrBlock": "192.168.0.0/24"}]}, "private or reserved"),
    ({"cidrBlocks": [{"cidrBlock": "203.0.113.40/32"}], "gcpPublicCidrsAccessEnabled": True}, "Google Cloud public IP"),
])
def test_fails_gke_endpoint_public_beyond_the_deployers(networks: Any, fragment: str) -> None:
    cluster = _gke("open", networks=networks)
    found = run("api-endpoint-deployer-cidrs", cluster)
    assert [v.urn for v in found] == [cluster.urn] and fragment in found[0].message


def _with_dns_endpoint(cluster: Resource, allow: Any) -> Resource:
    props = dict(cluster.props, controlPlaneEndpointsConfig={"dnsEndpointConfig": {"allowExternalTraffic": allow}})
    return gcp(GKE, cluster.name, **props)


@pytest.mark.parametrize("private_endpoint", [False, True])
def test_fails_gke_dns_endpoint_open_to_external_traffic(private_endpoint: bool) -> None:
    """Authorized networks do not limit the DNS-based endpoint; GkeCluster never opens it."""
    cluster = _with_dns_endpoint(_gke("dns", private_endpoint=private_endpoint), True)
    found = run("api-endpoint-deployer-cidrs", cluster)
    assert [v.urn for v in found] == [cluster.urn] and "allowExternalTraffic" in found[0].message
    assert found[0].enforcement == "mandatory"


def test_gke_dns_endpoint_closed_to_external_traffic_passes() -> None:
    assert run("api-endpoint-deployer-cidrs", _with_dns_endpoint(_gke("dns"), False)) == []


def test_placeholder_cidrs_are_advisory_on_gke() -> None:
    found = run("api-endpoint-placeholder-cidrs", _gke("limited"))  # 203.0.113.40/32: RFC 5737
    assert [v.enforcement for v in found] == ["advisory"] and "'203.0.113.40/32'" in found[0].message
    real = _gke("real", networks={"cidrBlocks": [{"cidrBlock": "8.8.4.0/24"}], "gcpPublicCidrsAccessEnabled": False})
    assert run("api-endpoint-placeholder-cidrs", real) == []

"""GkeCluster: private regional cluster, Workload Identity, CMEK secrets, shielded nodes, least-privilege
node SA, system pool per zone, kubeconfig; validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.gke_cluster import GkeCluster, GkeClusterArgs, node_service_account_id
from tests.components._helpers import capture_opts, child_names, planned_component_fixtures

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
CMK = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod/cryptoKeys/data"
ZONES = ("europe-west4-a", "europe-west4-b", "europe-west4-c")
NETWORK = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/global/networks/blueprint-prod"
SUBNET = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/regions/europe-west4/subnetworks/bp-ew4"


def _args(**overrides) -> GkeClusterArgs:
    return GkeClusterArgs(**{"cluster_name": "blueprint-prod-europe-west4", "location": "europe-west4",
                             "zones": ZONES, "network": NETWORK, "subnetwork": SUBNET, "kms_key_id": CMK,
                             "labels": {"blueprint-environment": "prod"}, **overrides})


def _plan(outputs: dict | None = None, **overrides):
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west4", project="acme-ml-prod", region="europe-west4")
        cluster = GkeCluster("gke", _args(**overrides), pulumi.ResourceOptions(provider=provider))
        if outputs is not None:
            outputs["cluster"] = cluster
            for key in ("id", "name", "endpoint", "ca_certificate", "node_service_account_email", "kubeconfig",
                        "workload_pool"):
                pulumi.export(key, getattr(cluster, key))

    return plan_program(program, stack="test", config=CONFIG)


built, plan = planned_component_fixtures(_plan)


@pytest.fixture(scope="module")
def cluster(plan):
    return plan.named("gke-cluster").inputs


def test_regional_cluster_over_the_configured_zones(plan, cluster):
    assert cluster["name"] == "blueprint-prod-europe-west4"
    assert cluster["location"] == "europe-west4"
    assert cluster["nodeLocations"] == list(ZONES)
    assert plan.named("gke-cluster").region == "europe-west4"
    assert plan.named("gke-cluster").zone is None


def test_private_nodes_and_private_endpoint_only_by_default(cluster):
    private = cluster["privateClusterConfig"]
    assert private["enablePrivateNodes"] is True
    assert private["enablePrivateEndpoint"] is True
    assert private["masterIpv4CidrBlock"] == "172.16.0.0/28"
    assert private["masterGlobalAccessConfig"] == {"enabled": True}
    assert cluster["masterAuthorizedNetworksConfig"] == {"cidrBlocks": [], "gcpPublicCidrsAccessEnabled": False}
    assert cluster["masterAuth"]["clientCertificateConfig"] == {"issueClientCertificate": False}
    assert cluster["enableLegacyAbac"] is False


def test_public_endpoint_only_for_listed_cidrs():
    cluster = _plan(master_authorized_cidrs=("203.0.113.0/24", "198.51.100.0/28")).named("gke-cluster").inputs
    assert cluster["privateClusterConfig"]["enablePrivateEndpoint"] is False
    # Nodes stay private; the public endpoint answers the listed deployers, not Google Cloud's ranges.
    assert cluster["privateClusterConfig"]["enablePrivateNodes"] is True
    assert cluster["masterAuthorizedNetworksConfig"] == {
        "cidrBlocks": [{"cidrBlock": "203.0.113.0/24", "displayName": "authorized-0"},
                       {"cidrBlock": "198.51.100.0/28", "displayName": "authorized-1"}],
        "gcpPublicCidrsAccessEnabled": False,
    }


def test_version_follows_the_regular_channel_no_pinned_minimum(cluster):
    assert cluster["releaseChannel"] == {"channel": "REGULAR"}
    assert "minMasterVersion" not in cluster and "nodeVersion" not in cluster


def test_workload_identity_cmek_secrets_shielded_nodes_release_channel(cluster):
    assert cluster["workloadIdentityConfig"] == {"workloadPool": "acme-ml-prod.svc.id.goog"}
    assert cluster["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": CMK}
    assert cluster["enableShieldedNodes"] is True
    assert cluster["releaseChannel"] == {"channel": "REGULAR"}
    assert cluster["deletionProtection"] is True
    # Binary Authorization enforced by default (checkov CKV_GCP_66), against the project's singleton policy.
    assert cluster["binaryAuthorization"] == {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"}


def test_intranode_visibility_on_and_no_rbac_group_by_default(cluster):
    # Same-node pod traffic visible to VPC flow logs and firewall rules (checkov CKV_GCP_61).
    assert cluster["enableIntranodeVisibility"] is True
    # Google Groups for RBAC is organisation-specific: absent unless rbac_security_group is given.
    assert "authenticatorGroupsConfig" not in cluster


def test_vpc_native_dataplane_v2(cluster):
    assert cluster["networkingMode"] == "VPC_NATIVE"
    assert cluster["ipAllocationPolicy"] == {"clusterSecondaryRangeName": "pods",
                                             "servicesSecondaryRangeName": "services"}
    assert cluster["datapathProvider"] == "ADVANCED_DATAPATH"
    assert cluster["network"] == NETWORK and cluster["subnetwork"] == SUBNET


def test_logging_and_monitoring_components(cluster):
    assert set(cluster["loggingConfig"]["enableComponents"]) == {
        "SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"}
    monitoring = cluster["monitoringConfig"]
    assert {"SYSTEM_COMPONENTS", "APISERVER", "DCGM"} <= set(monitoring["enableComponents"])
    assert monitoring["managedPrometheus"] == {"enabled": True}


def test_default_pool_removed_but_hardened_while_it_exists(cluster, plan):
    assert cluster["removeDefaultNodePool"] is True
    assert cluster["initialNodeCount"] == 1
    node = cluster["nodeConfig"]
    assert node["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
    assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert node["metadata"] == {"disable-legacy-endpoints": "true"}
    assert node["bootDiskKmsKey"] == CMK
    assert node["serviceAccount"].endswith("@acme-ml-prod.iam.gserviceaccount.com")
    assert plan.named("gke-cluster").inputs["resourceLabels"]["blueprint-environment"] == "prod"


def test_least_privilege_node_service_account(plan):
    sa = plan.named("gke-node-sa").inputs
    assert sa["accountId"] == node_service_account_id("blueprint-prod-europe-west4")
    assert 6 <= len(sa["accountId"]) <= 30
    grants = {r.inputs["role"]: r for r in plan.of_type("gcp:projects/iAMMember:IAMMember")}
    assert set(grants) == {"roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer",
                           "roles/stackdriver.resourceMetadata.writer", "roles/artifactregistry.reader"}
    for grant in grants.values():
        assert grant.inputs["project"] == "acme-ml-prod"
        assert grant.inputs["member"].startswith("serviceAccount:") and grant.inputs["member"].endswith(
            "@acme-ml-prod.iam.gserviceaccount.com")
        assert grant.urn in plan.named("gke-cluster").dependencies  # nodes never boot without their roles


def test_system_pool_in_every_zone_hardened_and_autoscaled(plan):
    pool = plan.named("gke-system")
    inputs = pool.inputs
    assert inputs["name"] == "system"
    assert inputs["cluster"] == "projects/acme-ml-prod/locations/europe-west4/clusters/blueprint-prod-europe-west4"
    assert inputs["location"] == "europe-west4" and pool.region == "europe-west4"
    assert inputs["nodeLocations"] == list(ZONES)
    assert inputs["initialNodeCount"] == 1
    assert inputs["autoscaling"] == {"minNodeCount": 1, "maxNodeCount": 3, "locationPolicy": "BALANCED"}
    assert inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
    assert inputs["upgradeSettings"] == {"strategy": "SURGE", "maxSurge": 1, "maxUnavailable": 0}
    node = inputs["nodeConfig"]
    assert node["machineType"] == "e2-standard-4"
    assert node["imageType"] == "COS_CONTAINERD"
    assert node["diskType"] == "pd-balanced" and node["diskSizeGb"] == 100
    assert node["bootDiskKmsKey"] == CMK
    assert node["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
    assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert node["metadata"] == {"disable-legacy-endpoints": "true"}
    assert node["oauthScopes"] == ["https://www.googleapis.com/auth/cloud-platform"]
    assert node["serviceAccount"] == plan.named("gke-node-sa").outputs["email"]
    assert node["resourceLabels"]["blueprint-name"] == "gke-system"


def test_ignore_changes(monkeypatch):
    seen = capture_opts(monkeypatch, gcp.container, "Cluster", "NodePool")
    _plan()
    assert seen["gke-cluster"].ignore_changes == ["nodeConfig"]
    assert seen["gke-system"].ignore_changes == ["initialNodeCount"]


def test_children_parented(plan):
    assert child_names(plan, "blueprint:gcp:GkeCluster") == {
        "gke-node-sa", "gke-cluster", "gke-system", "gke-node-sa-log-writer", "gke-node-sa-metric-writer",
        "gke-node-sa-monitoring-viewer", "gke-node-sa-metadata-writer", "gke-node-sa-artifact-reader"}


def test_outputs_and_kubeconfig(built):
    out = built["plan"].outputs
    assert out["name"] == "blueprint-prod-europe-west4"
    assert out["endpoint"] == "172.16.0.2"
    assert out["ca_certificate"]
    assert out["workload_pool"] == "acme-ml-prod.svc.id.goog"
    assert built["cluster"].location == "europe-west4"
    assert out["kubeconfig"] == "[secret]"  # exported as a secret


def test_kubeconfig_uses_gke_gcloud_auth_plugin():
    from blueprint.components.gcp.gke_cluster import kubeconfig

    config = json.loads(kubeconfig("c", "172.16.0.2", "Q0E=", "europe-west4", "acme"))
    assert config["clusters"][0]["cluster"] == {"server": "https://172.16.0.2", "certificate-authority-data": "Q0E="}
    exec_ = config["users"][0]["user"]["exec"]
    assert exec_["command"] == "gke-gcloud-auth-plugin" and exec_["provideClusterInfo"] is True
    assert config["current-context"] == "gke_acme_europe-west4_c"


def test_binary_authorization_visibility_groups_and_channel_follow_args():
    cluster = _plan(binary_authorization=False, intranode_visibility=False, release_channel="STABLE",
                    system_min_nodes_per_zone=2, system_max_nodes_per_zone=4,
                    rbac_security_group="gke-security-groups@example.com")
    inputs = cluster.named("gke-cluster").inputs
    assert inputs["binaryAuthorization"] == {"evaluationMode": "DISABLED"}
    assert inputs["enableIntranodeVisibility"] is False
    assert inputs["authenticatorGroupsConfig"] == {"securityGroup": "gke-security-groups@example.com"}
    assert inputs["releaseChannel"] == {"channel": "STABLE"}
    assert cluster.named("gke-system").inputs["autoscaling"]["minNodeCount"] == 2


def test_service_account_ids_differ_per_region():
    a = node_service_account_id("blueprint-prod-europe-west4")
    b = node_service_account_id("blueprint-prod-europe-west1")
    assert a != b and len(a) <= 30 and len(b) <= 30


# --- validation ---------------------------------------------------------------------------


def test_fails_open_authorized_network():
    with pytest.raises(ValidationError, match="master_authorized_cidrs: '0.0.0.0/0' opens the API server"):
        _args(master_authorized_cidrs=("0.0.0.0/0",))


@pytest.mark.parametrize("block", ["172.16.0.0/24", "8.8.8.0/28"])
def test_fails_master_block_not_private_28(block):
    with pytest.raises(ValidationError, match="master_ipv4_cidr_block: .* must be a private IPv4 /28"):
        _args(master_ipv4_cidr_block=block)


def test_fails_zone_of_another_region():
    with pytest.raises(ValidationError, match="zones: zone 'europe-west1-b' is not in region 'europe-west4'"):
        _args(zones=("europe-west4-a", "europe-west1-b"))


def test_fails_empty_zones():
    with pytest.raises(ValidationError, match="zones: empty"):
        _args(zones=())


def test_fails_cluster_name_too_long():
    with pytest.raises(ValidationError, match="cluster_name: .* 1..40"):
        _args(cluster_name="a" * 41)


def test_fails_kms_key_version_or_alias():
    with pytest.raises(ValidationError, match="kms_key_id: .* is not a Cloud KMS key id"):
        _args(kms_key_id=f"{CMK}/cryptoKeyVersions/1")


def test_fails_zero_system_nodes():
    with pytest.raises(ValidationError, match="system_min_nodes_per_zone: 0 must be at least 1"):
        _args(system_min_nodes_per_zone=0)


def test_fails_system_max_below_min():
    with pytest.raises(ValidationError, match="system_max_nodes_per_zone: 1 is below"):
        _args(system_min_nodes_per_zone=2, system_max_nodes_per_zone=1)


@pytest.mark.parametrize("group", ["platform-admins@example.com", "gke-security-groups", "gke-security-groups@localhost"])
def test_fails_rbac_group_not_gke_security_groups(group):
    with pytest.raises(ValidationError, match="rbac_security_group: .* GKE requires the group 'gke-security-groups@"):
        _args(rbac_security_group=group)


def test_fails_release_channel():
    with pytest.raises(ValidationError, match="release_channel"):
        _args(release_channel="UNSPECIFIED")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="enable_autopilot"):
        _args(enable_autopilot=True)


@pytest.mark.parametrize("size", [19, 65537])
def test_fails_system_disk_outside_20_to_65536(size):
    with pytest.raises(ValidationError, match=rf"system_disk_size_gb: {size} is outside 20\.\.65536; default 100"):
        _args(system_disk_size_gb=size)

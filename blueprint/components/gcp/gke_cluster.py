"""GkeCluster: one private, regional, CMEK-encrypted GKE Standard cluster per region, with a
dedicated least-privilege node service account and a system node pool in every zone; the GPU pools
(``GpuNodePool``) join it.

Children (component named ``n``):
    ``n-node-sa``                  gcp.serviceaccount.Account (nodes of every pool of this cluster)
    ``n-node-sa-<role>``           gcp.projects.IAMMember per NODE_ROLES entry (log-writer, metric-writer,
                                   monitoring-viewer, metadata-writer, artifact-reader)
    ``n-cluster``                  gcp.container.Cluster (regional; default pool removed; deletion protection)
    ``n-system``                   gcp.container.NodePool ``system`` over every zone

The CMEK key must let two service agents use it before the cluster is created: the GKE service
agent (``service-<number>@container-engine-robot``, secrets encryption) and the Compute Engine
service agent (``service-<number>@compute-system``, node boot disks). ``KmsKey``'s ``id`` resolves
only once its IAM bindings exist, so passing ``KmsKey(..., encrypter_members=(agents["gke"],
agents["compute"])).id`` (``blueprint.components.gcp.service_agents.project_service_agents``) orders this.

Access to the API server: private nodes always; the control plane's private endpoint only (no public
IP) unless ``master_authorized_cidrs`` lists networks, then the public endpoint answers those CIDRs
only. The private endpoint has global access on (``master_global_access_config``): GKE accepts
connections to it from any region of the VPC, but it still admits only sources the control plane
authorizes, i.e. the cluster's own node subnet and the ``master_authorized_cidrs`` (GKE "Advanced
private cluster configurations", https://cloud.google.com/kubernetes-engine/docs/how-to/advanced-private-cluster-config:
with global access, clients "can connect to the control plane's private endpoint, subject to the
authorized networks configuration, from any region"; "Add authorized networks for control plane
access"). The other region's nodes and pods are not authorized, by design: nothing in the
stack calls a cluster's API from the other region (each region's Kubernetes provider is used from where
`pulumi up` runs, i.e. from the ``master_authorized_cidrs``), and a regional failover is driven from the
operators' networks, which those CIDRs list.

The kubeconfig resolves only after the system pool exists, so in-cluster objects never race it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import IntBetween

from ._labels import check_zones, merge_labels
from ._types import GcpName, KmsKeyId, Labels, Region

# Least-privilege node roles (GKE hardening guide, "Use least privilege IAM service accounts":
# roles/container.defaultNodeServiceAccount's parts, plus image pulls from Artifact Registry).
NODE_ROLES = {
    "log-writer": "roles/logging.logWriter",
    "metric-writer": "roles/monitoring.metricWriter",
    "monitoring-viewer": "roles/monitoring.viewer",
    "metadata-writer": "roles/stackdriver.resourceMetadata.writer",
    "artifact-reader": "roles/artifactregistry.reader",
}
# Access scopes are legacy; with cloud-platform the node SA's IAM roles alone decide (GKE docs).
NODE_OAUTH_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
# GKE LoggingComponentConfig / MonitoringComponentConfig enums (container v1 API): every control-plane
# component, system and workload logs; DCGM exports NVIDIA GPU metrics (needs managed Prometheus).
LOGGING_COMPONENTS = ("SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS")
MONITORING_COMPONENTS = ("SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER", "STORAGE", "HPA",
                         "POD", "DAEMONSET", "DEPLOYMENT", "STATEFULSET", "DCGM")
# Container-Optimized OS with containerd: GKE's hardened default image (read-only root, no package manager).
NODE_IMAGE_TYPE = "COS_CONTAINERD"
SYSTEM_DISK_TYPE = "pd-balanced"
_MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
_RBAC_GROUP = re.compile(r"^gke-security-groups@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
ClusterName = GcpName(40)
SystemDiskSizeGb = IntBetween(20, 65536, note="; default 100")


def node_security_config(service_account_email: Any, kms_key_id: Any, labels: dict[str, str]) -> dict[str, Any]:
    """The node_config settings every blueprint pool shares: dedicated SA, no legacy metadata API,
    GKE metadata server (Workload Identity), Shielded VM with secure boot and integrity monitoring,
    CMEK boot disk, COS. Keys are NodePoolNodeConfigArgs / ClusterNodeConfigArgs field names."""
    return {
        "service_account": service_account_email,
        "oauth_scopes": list(NODE_OAUTH_SCOPES),
        "metadata": {"disable-legacy-endpoints": "true"},
        "image_type": NODE_IMAGE_TYPE,
        "boot_disk_kms_key": kms_key_id,
        "resource_labels": labels,
    }


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str, location: str, project: str) -> str:
    """A kubeconfig (JSON, which is valid YAML) authenticating with ``gke-gcloud-auth-plugin``."""
    user = f"gke_{project}_{location}_{cluster_name}"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": user, "cluster": {"server": f"https://{endpoint}",
                                                     "certificate-authority-data": ca_data}}],
            "contexts": [{"name": user, "context": {"cluster": user, "user": user}}],
            "current-context": user,
            "users": [
                {
                    "name": user,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "gke-gcloud-auth-plugin",
                            "installHint": "Install gke-gcloud-auth-plugin: gcloud components install "
                                           "gke-gcloud-auth-plugin",
                            "provideClusterInfo": True,
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        indent=2,
    )


def node_service_account_id(cluster_name: str) -> str:
    """A 6..30-character service account id unique per cluster name: '<prefix>-<hash6>'."""
    digest = hashlib.sha256(cluster_name.encode()).hexdigest()[:6]
    prefix = re.sub(r"-+$", "", cluster_name[:23]) or "gke"
    return f"{prefix}-{digest}"


class GkeClusterArgs(BaseModel):
    """Settings of one regional GKE cluster shared by the stack's workloads."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: ClusterName = Field(description="GKE cluster name: 1..40 lowercase letters, digits or '-', starting with a "
                              "letter; unique per project and location.")
    location: Region = Field(description="Region of the (regional) cluster, e.g. 'europe-west4'; the control plane is "
                          "replicated over the region's zones.")
    zones: tuple[str, ...] = Field(description="Zones of the region that run nodes (node_locations), at least one; "
                                   "the tiers use >= 2 or >= 3.")
    network: Any = Field(description="pulumi.Input[str]: VPC self link or id (Network(...).self_link).")
    subnetwork: Any = Field(description="pulumi.Input[str]: the region's subnet (RegionalSubnet(...).self_link).")
    pods_range_name: str = Field(default="pods", description="Subnet secondary range for pods. Default 'pods'.")
    services_range_name: str = Field(default="services", description="Subnet secondary range for services. "
                                     "Default 'services'.")
    master_ipv4_cidr_block: str = Field(
        default="172.16.0.0/28",
        description="Private /28 for the control plane's endpoint; unique per VPC (RegionalSubnet(...)"
        ".master_ipv4_cidr_block gives 172.16.<region_index>.0/28). Default 172.16.0.0/28.",
    )
    # Secure default: no public endpoint at all.
    master_authorized_cidrs: tuple[str, ...] = Field(
        default=(),
        description="CIDRs allowed to reach the public API endpoint. Default () = private endpoint only (no public "
        "endpoint); never 0.0.0.0/0.",
    )
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: Cloud KMS key id (same region) for Kubernetes secrets "
                            "(application-layer encryption) and node boot disks.")
    # REGULAR: versions qualified on RAPID first, with the full support window (GKE release channels).
    # No min_master_version: the channel picks the creation version and auto-upgrades the control
    # plane and the auto-upgrading pools before a minor leaves support, so no pin can age into
    # extended support (or vanish from the channel and break a region rebuild). Since 2026-09-17
    # REGULAR creates clusters at 1.35 (blueprint.catalogs.kubernetes.KUBERNETES_VERSION).
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel; default REGULAR (auto-upgrades, tested versions; "
        "creates clusters at the project's Kubernetes minor, blueprint.catalogs.kubernetes).")
    system_machine_type: str = Field(default="e2-standard-4", description="Machine type of the system pool; "
                                     "default e2-standard-4 (4 vCPU, 16 GB: DNS, metrics, ingress controllers).")
    system_min_nodes_per_zone: int = Field(default=1, description="System pool minimum per zone, >= 1 (default 1: "
                                           "system pods survive a zone loss).")
    system_max_nodes_per_zone: int = Field(default=3, description="System pool maximum per zone; default 3.")
    system_disk_size_gb: SystemDiskSizeGb = Field(default=100, description="System node boot disk GB (pd-balanced, CMEK), "
                                     "20..65536; default 100.")
    # On by default (checkov CKV_GCP_66): every pod admission is checked against the project's singleton
    # Binary Authorization policy. Until the organisation tightens it, that policy is Google's default,
    # which allows all images (Binary Authorization docs, "default policy"), so enabling it never blocks a
    # rollout by itself; it makes attestation-based enforcement a policy change rather than a cluster
    # change. Needs binaryauthorization.googleapis.com enabled in the project (docs/components.md).
    binary_authorization: bool = Field(
        default=True,
        description="Enforce the project's Binary Authorization policy (PROJECT_SINGLETON_POLICY_ENFORCE). Default True "
        "(the project's default policy allows all images until tightened); needs binaryauthorization.googleapis.com.",
    )
    # On by default (checkov CKV_GCP_61): pod-to-pod traffic on the same node goes through the VPC, so the
    # subnet's flow logs and firewall rules see it too (GKE "Setting up intranode visibility"); with
    # Dataplane V2 the redirect is done in eBPF.
    intranode_visibility: bool = Field(
        default=True,
        description="enable_intranode_visibility: same-node pod traffic is visible to VPC flow logs and firewall rules. "
        "Default True.",
    )
    rbac_security_group: Optional[str] = Field(
        default=None,
        description="Google Groups for RBAC (authenticator_groups_config): the organisation's "
        "'gke-security-groups@<domain>' group whose nested groups RoleBindings may name. Default None: the group is "
        "organisation-specific (Google Workspace / Cloud Identity), so RBAC subjects are IAM users and service accounts.",
    )
    deletion_protection: bool = Field(default=True, description="Refuse cluster deletion (GKE deletion_protection). "
                                      "Default True.")
    labels: Labels = Field(default_factory=dict, description="Labels on the cluster and node VMs.")

    @field_validator("master_ipv4_cidr_block")
    @classmethod
    def _master(cls, v: str) -> str:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"master_ipv4_cidr_block: {v!r} is not a CIDR block ({exc}); e.g. '172.16.0.0/28'")
        if net.version != 4 or net.prefixlen != 28 or not net.is_private:
            raise ValueError(f"master_ipv4_cidr_block: {v!r} must be a private IPv4 /28 (GKE requires exactly /28), "
                             "e.g. '172.16.0.0/28'")
        return v

    @field_validator("master_authorized_cidrs")
    @classmethod
    def _authorized(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in v:
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(f"master_authorized_cidrs: {cidr!r} is not a CIDR block ({exc}); e.g. '203.0.113.0/24'")
            if net.prefixlen == 0:
                raise ValueError(f"master_authorized_cidrs: {cidr!r} opens the API server to the whole internet; list "
                                 "your operators' or CI's egress ranges instead")
        if len(v) > 50:
            raise ValueError(f"master_authorized_cidrs: {len(v)} entries; GKE allows at most 50 authorized networks")
        return tuple(v)

    @field_validator("system_machine_type")
    @classmethod
    def _machine(cls, v: str) -> str:
        if not _MACHINE_TYPE.match(v):
            raise ValueError(f"system_machine_type: {v!r} is not a Compute Engine machine type; e.g. 'e2-standard-4'")
        return v

    @field_validator("system_min_nodes_per_zone")
    @classmethod
    def _min(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"system_min_nodes_per_zone: {v} must be at least 1 (system pods need a node per zone)")
        return v

    @field_validator("rbac_security_group")
    @classmethod
    def _rbac_group(cls, v: Optional[str]) -> Optional[str]:
        # GKE accepts only the group named exactly gke-security-groups@<your domain> (GKE "Google Groups for RBAC").
        if v is not None and not _RBAC_GROUP.match(v):
            raise ValueError(f"rbac_security_group: {v!r} is not a Google Groups for RBAC group; GKE requires the group "
                             "'gke-security-groups@<your domain>', e.g. 'gke-security-groups@example.com'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GkeClusterArgs:
        check_zones("zones", self.zones, self.location)
        if self.system_max_nodes_per_zone < self.system_min_nodes_per_zone:
            raise ValueError(f"system_max_nodes_per_zone: {self.system_max_nodes_per_zone} is below "
                             f"system_min_nodes_per_zone ({self.system_min_nodes_per_zone}); raise it")
        return self


class GkeCluster(pulumi.ComponentResource):
    """A private regional GKE cluster: Workload Identity, CMEK secrets, Shielded nodes, Dataplane V2,
    release channel, full logging/monitoring, deletion protection, a system pool in every zone."""

    def __init__(self, name: str, args: GkeClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:GkeCluster", name, None, opts)
        project = gcp.organizations.get_project_output(opts=pulumi.InvokeOutputOptions(parent=self)).project_id
        node_sa, grants = self._node_identity(name, args, project)
        common = node_security_config(node_sa.email, args.kms_key_id, merge_labels(args.labels, f"{name}-cluster"))
        cluster = self._cluster(name, args, project, common, grants)
        pulumi_pool = self._system_pool(name, args, cluster, common)
        self._publish(args, project, cluster, node_sa, pulumi_pool)

    def _node_identity(self, name: str, args: GkeClusterArgs, project: Any) -> tuple[Any, list[Any]]:
        """The nodes' dedicated service account and its least-privilege project roles (NODE_ROLES)."""
        child = pulumi.ResourceOptions(parent=self)
        node_sa = gcp.serviceaccount.Account(
            f"{name}-node-sa",
            account_id=node_service_account_id(args.cluster_name),
            display_name=f"GKE nodes of {args.cluster_name}"[:100],
            description="Least-privilege node identity (logs, metrics, image pulls); workloads use Workload Identity.",
            opts=child,
        )
        grants = [
            gcp.projects.IAMMember(f"{name}-node-sa-{short}", project=project, role=role, member=node_sa.member,
                                   opts=child)
            for short, role in NODE_ROLES.items()
        ]
        return node_sa, grants

    def _cluster(self, name: str, args: GkeClusterArgs, project: Any, common: dict[str, Any],
                 grants: list[Any]) -> gcp.container.Cluster:
        """The regional cluster itself; its default pool exists only during creation."""
        return gcp.container.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            location=args.location,
            node_locations=list(args.zones),
            **_cluster_networking(args),
            # Node pools are managed separately; the default pool only exists during creation, with the
            # same hardened node settings.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=gcp.container.ClusterNodeConfigArgs(
                machine_type=args.system_machine_type,
                disk_type=SYSTEM_DISK_TYPE,
                disk_size_gb=args.system_disk_size_gb,
                shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(**_SHIELDED),
                workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
                **common,
            ),
            **_control_plane_access(args),
            enable_legacy_abac=False,
            enable_shielded_nodes=True,
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=project.apply(lambda p: f"{p}.svc.id.goog")
            ),
            database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(state="ENCRYPTED", key_name=args.kms_key_id),
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=args.release_channel),
            **_observability(),
            addons_config=_addons(),
            binary_authorization=gcp.container.ClusterBinaryAuthorizationArgs(
                evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE" if args.binary_authorization else "DISABLED"
            ),
            enable_intranode_visibility=args.intranode_visibility,
            authenticator_groups_config=(
                gcp.container.ClusterAuthenticatorGroupsConfigArgs(security_group=args.rbac_security_group)
                if args.rbac_security_group
                else None
            ),
            deletion_protection=args.deletion_protection,
            resource_labels=common["resource_labels"],
            # The node SA's roles must exist before any node boots (else nodes cannot log or pull images).
            # node_config only shapes the short-lived default pool; changing it must not replace the cluster.
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants, ignore_changes=["nodeConfig"]),
        )

    def _system_pool(self, name: str, args: GkeClusterArgs, cluster: gcp.container.Cluster,
                     common: dict[str, Any]) -> gcp.container.NodePool:
        """The ``system`` node pool in every zone (DNS, metrics, controllers), autoscaled per zone."""
        pool_labels = merge_labels(args.labels, f"{name}-system")
        return gcp.container.NodePool(
            f"{name}-system",
            name="system",
            cluster=cluster.id,
            location=args.location,
            node_locations=list(args.zones),
            # initial_node_count and the autoscaling limits are per zone.
            initial_node_count=args.system_min_nodes_per_zone,
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                min_node_count=args.system_min_nodes_per_zone,
                max_node_count=args.system_max_nodes_per_zone,
                location_policy="BALANCED",
            ),
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(strategy="SURGE", max_surge=1, max_unavailable=0),
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=args.system_machine_type,
                disk_type=SYSTEM_DISK_TYPE,
                disk_size_gb=args.system_disk_size_gb,
                shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(**_SHIELDED),
                workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA"),
                labels={"blueprint.dev/pool": "system"},
                **{**common, "resource_labels": pool_labels},
            ),
            # The node count belongs to the cluster autoscaler after creation; changing the initial count
            # must not replace the pool.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["initialNodeCount"]),
        )

    def _publish(self, args: GkeClusterArgs, project: Any, cluster: gcp.container.Cluster, node_sa: Any,
                 pulumi_pool: gcp.container.NodePool) -> None:
        self.id: pulumi.Output[str] = cluster.id
        self.name: pulumi.Output[str] = cluster.name
        self.location: str = args.location
        self.zones: list[str] = list(args.zones)
        self.endpoint: pulumi.Output[str] = cluster.endpoint
        self.ca_certificate: pulumi.Output[str] = cluster.master_auth.cluster_ca_certificate
        self.node_service_account_email: pulumi.Output[str] = node_sa.email
        self.workload_pool: pulumi.Output[str] = project.apply(lambda p: f"{p}.svc.id.goog")
        self.system_node_pool_name: pulumi.Output[str] = pulumi_pool.name
        # The kubeconfig resolves only once the system pool exists (its create waits for the pool's
        # nodes): the default pool is removed when the cluster is created (remove_default_node_pool),
        # so until then the cluster has no node, and anything created through the Kubernetes API
        # (Deployments that wait for their pods, the NEG Services) would race the pool. Everything
        # using the cluster's Kubernetes provider is ordered after it, as on EKS (EksCluster.kubeconfig).
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.all(cluster.name, cluster.endpoint, self.ca_certificate, project, pulumi_pool.id).apply(
                lambda a: kubeconfig(a[0], a[1], a[2], args.location, a[3])
            )
        )
        self.register_outputs({
            "id": self.id, "name": self.name, "location": self.location, "endpoint": self.endpoint,
            "ca_certificate": self.ca_certificate, "node_service_account_email": self.node_service_account_email,
            "workload_pool": self.workload_pool, "kubeconfig": self.kubeconfig,
        })


# Shielded VM on every node: secure boot and integrity monitoring.
_SHIELDED = {"enable_secure_boot": True, "enable_integrity_monitoring": True}


def _cluster_networking(args: GkeClusterArgs) -> dict[str, Any]:
    """VPC-native networking on the region's subnet and its pods/services ranges, Dataplane V2."""
    return {
        "network": args.network,
        "subnetwork": args.subnetwork,
        "networking_mode": "VPC_NATIVE",
        "ip_allocation_policy": gcp.container.ClusterIpAllocationPolicyArgs(
            cluster_secondary_range_name=args.pods_range_name,
            services_secondary_range_name=args.services_range_name,
        ),
        # Dataplane V2 (eBPF): NetworkPolicy enforcement built in, network policy logging.
        "datapath_provider": "ADVANCED_DATAPATH",
    }


def _control_plane_access(args: GkeClusterArgs) -> dict[str, Any]:
    """Private nodes; private endpoint only unless master_authorized_cidrs list networks; no client certs."""
    return {
        "private_cluster_config": gcp.container.ClusterPrivateClusterConfigArgs(
            enable_private_nodes=True,
            enable_private_endpoint=not args.master_authorized_cidrs,
            master_ipv4_cidr_block=args.master_ipv4_cidr_block,
            master_global_access_config=gcp.container.ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs(
                enabled=True
            ),
        ),
        "master_authorized_networks_config": gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
            cidr_blocks=[
                gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(cidr_block=c,
                                                                                 display_name=f"authorized-{i}")
                for i, c in enumerate(args.master_authorized_cidrs)
            ],
            gcp_public_cidrs_access_enabled=False,
        ),
        "master_auth": gcp.container.ClusterMasterAuthArgs(
            client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                issue_client_certificate=False
            )
        ),
    }


def _observability() -> dict[str, Any]:
    """Every control-plane component's logs and metrics, managed Prometheus (DCGM GPU metrics need it)."""
    return {
        "logging_config": gcp.container.ClusterLoggingConfigArgs(enable_components=list(LOGGING_COMPONENTS)),
        "monitoring_config": gcp.container.ClusterMonitoringConfigArgs(
            enable_components=list(MONITORING_COMPONENTS),
            managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(enabled=True),
        ),
    }


def _addons() -> gcp.container.ClusterAddonsConfigArgs:
    """GCE ingress (NEGs), HPA, the persistent disk CSI driver and NodeLocal DNSCache."""
    return gcp.container.ClusterAddonsConfigArgs(
        http_load_balancing=gcp.container.ClusterAddonsConfigHttpLoadBalancingArgs(disabled=False),
        horizontal_pod_autoscaling=gcp.container.ClusterAddonsConfigHorizontalPodAutoscalingArgs(disabled=False),
        gce_persistent_disk_csi_driver_config=gcp.container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs(
            enabled=True
        ),
        dns_cache_config=gcp.container.ClusterAddonsConfigDnsCacheConfigArgs(enabled=True),
    )

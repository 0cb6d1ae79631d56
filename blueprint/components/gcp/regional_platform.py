"""The shared platform of one GCP region: its CMEK key, subnet (with Cloud Router + NAT) and the
regional GKE cluster. A region that only receives backup copies gets the key alone.

Where a cluster runs: its Kubernetes provider (``kubernetes``, built from the cluster's kubeconfig,
``blueprint.components.k8s.provider.cluster_provider``) and ``GpuEnablement`` with ``device_plugin=False``:
GKE installs the NVIDIA drivers (the GPU pools ask for ``gpu_driver_installation_config``) and runs
its own device plugin, so only the ``blueprint-serving`` PriorityClass is created.

``kube_system_uid``: the UID of the cluster's ``kube-system`` namespace, read through the cluster's
Kubernetes provider once the cluster exists (a ``get``, nothing is created). GKE's NEG controller
uses exactly that UID as its cluster UID in the descriptions of the NEGs it adopts (ingress-gce
``cmd/glbc/main.go``: ``Namespaces().Get("kube-system").GetUID()``), so ZonalNegs can carry it.
The read runs on every ``pulumi preview`` and ``up``: a run whose stack file still lists a lost or
unreachable region fails on that region's cluster until the promoted stack file drops the region
(docs/runbooks/region-rebuild.md, step 3).

With ``traffic_scaling`` (a served workload here states service.requestsPerSecondPerPod): ``Keda``
(child ``<name>-keda``) whose operator acts, through Workload Identity, as the Google service account
of ``KedaMonitoringReader`` (child ``<name>-keda-identity``: roles/monitoring.viewer), so
ScaledObjects scale on the load balancer's backend request rate (blueprint.components.gcp.traffic_trigger),
and the firewall rule ``<name>-keda-control-plane`` that lets the private control plane reach KEDA's
metrics API server and webhooks on the nodes."""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field

from blueprint.components.gcp._names import COMPUTE_NAME_MAX, GKE_CLUSTER_NAME_MAX, fit_name
from blueprint.components.gcp.gke_cluster import GkeCluster, GkeClusterArgs
from blueprint.components.gcp.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.gcp.network import FIREWALL_LOG_METADATA
from blueprint.components.gcp.regional_subnet import RegionalSubnet, RegionalSubnetArgs
from blueprint.components.gcp.traffic_trigger import KedaMonitoringReader, KedaMonitoringReaderArgs, keda_service_account_id
from blueprint.components.k8s.gpu_enablement import GpuEnablement, GpuEnablementArgs
from blueprint.components.k8s.keda import Keda, KedaArgs
from blueprint.components.k8s.provider import cluster_provider

# KEDA ports the GKE control plane must reach on the nodes (_keda_control_plane_firewall).
KEDA_CONTROL_PLANE_PORTS = (6443, 9443)


class RegionalPlatformArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    environment: str = Field(pattern=r"^[a-z0-9-]{1,20}$", description="Stack environment, used in names.")
    region: str = Field(description="The region, e.g. 'europe-west4'.")
    region_index: int = Field(ge=0, le=15, description="Distinct per region: picks the region's address plan (region_cidrs).")
    zones: tuple[str, ...] = Field(description="Zones the cluster's nodes use.")
    network_id: Any = Field(description="pulumi.Input[str]: the stack's global VPC.")
    key_users: tuple[Any, ...] = Field(description="Service agents (emails or Outputs) granted use of the region's key.")
    # A region holding only backup copies needs nothing but its key.
    runs_platform: bool = Field(default=True, description="Create the subnet, NAT and GKE cluster (False: key only).")
    # Secure default: the control plane is reachable only on its private endpoint.
    master_authorized_cidrs: tuple[str, ...] = Field(default=(), description="CIDRs allowed to the public control-plane endpoint (empty: private only).")
    # Off by default: KEDA only where a served workload states its per-pod capacity (the footprint's
    # RegionPlan.traffic_scaling); elsewhere the HPAs scale on CPU (GKE's built-in metrics server).
    traffic_scaling: bool = Field(default=False, description="Install KEDA and its monitoring.viewer Workload Identity in the "
                                  "region's cluster (only with runs_platform); default False.")
    labels: dict[str, str] = Field(default_factory=dict, description="Labels merged onto every labelled child.")


class RegionalPlatform(pulumi.ComponentResource):
    key: KmsKey
    subnet: Optional[RegionalSubnet]
    cluster: Optional[GkeCluster]
    kubernetes: Optional[Any]  # kubernetes.Provider of the cluster
    gpu_enablement: Optional[GpuEnablement]
    kube_system_uid: Optional[pulumi.Output[str]]  # the NEG controller's cluster UID
    keda: Optional[Keda]
    keda_identity: Optional[KedaMonitoringReader]

    def __init__(self, name: str, args: RegionalPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:gcp:RegionalPlatform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(key_ring_name=f"blueprint-{args.environment}-{args.region}", key_name="data",
                       location=args.region, encrypter_members=args.key_users, labels=args.labels),
            child,
        )
        self.subnet = self.cluster = self.kubernetes = self.gpu_enablement = self.kube_system_uid = None
        self.keda = self.keda_identity = None
        if args.runs_platform:
            self.subnet = RegionalSubnet(
                f"{name}-subnet",
                RegionalSubnetArgs(network=args.network_id, region=args.region, subnet_name=f"{args.environment}-{args.region}",
                                   region_index=args.region_index),
                child,
            )
            self.cluster = GkeCluster(
                f"{name}-gke",
                GkeClusterArgs(
                    cluster_name=fit_name(args.environment, args.region, max_length=GKE_CLUSTER_NAME_MAX),
                    location=args.region,
                    zones=args.zones,
                    network=args.network_id,
                    subnetwork=self.subnet.id,
                    master_ipv4_cidr_block=self.subnet.master_ipv4_cidr_block,
                    master_authorized_cidrs=args.master_authorized_cidrs,
                    kms_key_id=self.key.id,
                    labels=args.labels,
                ),
                child,
            )
            self.kubernetes = cluster_provider(f"{name}-k8s", self.cluster.kubeconfig, child)
            kube_system = k8s.core.v1.Namespace.get(
                f"{name}-kube-system", "kube-system", opts=pulumi.ResourceOptions(parent=self, provider=self.kubernetes)
            )
            self.kube_system_uid = kube_system.metadata.apply(lambda m: m.uid)
            # GKE manages the GPU drivers and the device plugin: only the serving PriorityClass.
            self.gpu_enablement = GpuEnablement(
                f"{name}-gpu-enablement", GpuEnablementArgs(device_plugin=False),
                pulumi.ResourceOptions(parent=self, providers=[self.kubernetes]),
            )
            if args.traffic_scaling:
                self._keda(name, args)
        outputs: dict[str, Any] = {"key_id": self.key.id}
        if self.cluster is not None:
            outputs["cluster_name"] = self.cluster.name
        self.register_outputs(outputs)

    def _keda(self, name: str, args: RegionalPlatformArgs) -> None:
        """KEDA in the cluster, started once its operator may act as its monitoring-reader service account."""
        self.keda_identity = KedaMonitoringReader(
            f"{name}-keda-identity",
            KedaMonitoringReaderArgs(account_id=keda_service_account_id(args.environment, args.region),
                                     workload_pool=self.cluster.workload_pool),
            pulumi.ResourceOptions(parent=self),
        )
        control_plane = self._keda_control_plane_firewall(name, args)
        self.keda = Keda(
            f"{name}-keda",
            KedaArgs(identity="gcp", operator_service_account_annotations=self.keda_identity.annotations,
                     depends_on=[*self.keda_identity.ready, control_plane]),
            pulumi.ResourceOptions(parent=self, providers=[self.kubernetes]),
        )

    def _keda_control_plane_firewall(self, name: str, args: RegionalPlatformArgs) -> gcp.compute.Firewall:
        """The private control plane reaches nodes only on 443 and 10250 (GKE's own ``gke-<cluster>-…-master``
        rule); the stack's logged deny-all (blueprint.components.gcp.network) refuses the rest. KEDA's metrics API
        server listens on 6443 ("6443: used by Kubernetes API server to get metrics; only required for
        Google Cloud", https://keda.sh/docs/2.20/operate/cluster/#firewall; kedacore/charts keda/values.yaml
        ``portHttpsTarget: 6443``) and its admission webhooks on 9443 (values.yaml ``webhooks.port``,
        "Default is 9443"): without this rule the HPAs get no external metric, and every ScaledObject
        apply waits out the webhook's timeout. Only the region's control-plane range, only the
        cluster's nodes (their service account), only those two ports."""
        return gcp.compute.Firewall(
            f"{name}-keda-control-plane",
            name=fit_name(args.environment, args.region, "keda-control-plane", max_length=COMPUTE_NAME_MAX),
            network=args.network_id,
            description="GKE control plane to KEDA's metrics API server (6443) and admission webhooks (9443).",
            direction="INGRESS",
            priority=1000,
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=[str(p) for p in KEDA_CONTROL_PLANE_PORTS])],
            source_ranges=[self.subnet.master_ipv4_cidr_block],
            target_service_accounts=[self.cluster.node_service_account_email],
            log_config=gcp.compute.FirewallLogConfigArgs(metadata=FIREWALL_LOG_METADATA),
            opts=pulumi.ResourceOptions(parent=self),
        )

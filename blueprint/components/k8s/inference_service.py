"""InferenceService: one workload's inference endpoint inside one cluster, built to survive the
loss of a node or a zone.

Children (component named ``n``; Kubernetes names are the workload's name in its namespace):
    ``n-namespace``        v1 Namespace (Pod Security ``restricted`` enforced, audited, warned)
    ``n-service-account``  v1 ServiceAccount (no token automount)
    ``n-deployment``       apps/v1 Deployment (GPU limits and toleration, node affinity to the workload's
                           pools, zone spread, probes, hardened security context, preStop draining)
    ``n-default-deny``     networking.k8s.io/v1 NetworkPolicy ``default-deny-ingress``: no ingress to any pod
                           of the namespace unless another policy allows it
    ``n-network-policy``   networking.k8s.io/v1 NetworkPolicy ``<workload>-ingress``: the inference pods accept
                           TCP on the service port from ``ingress_cidrs`` only (the load balancer's sources)
    ``n-service``          v1 Service (ClusterIP; GKE standalone NEG annotation with ``gke-neg``)
    ``n-pdb``              policy/v1 PodDisruptionBudget (``disruption_budget``)
    ``n-hpa``              autoscaling/v2 HorizontalPodAutoscaler (``replicas`` > 0, no ``traffic_scaling``)
    ``n-scaled-object``    keda.sh/v1alpha1 ScaledObject (``replicas`` > 0 with ``traffic_scaling``): KEDA
                           creates and owns the Deployment's HPA (named like the workload) instead
    ``n-target-group-binding``  elbv2.k8s.aws/v1beta1 TargetGroupBinding (``aws-target-group`` only):
                           the AWS Load Balancer Controller registers the pods' IPs in the ALB target group

Every object carries the ``blueprint-workload`` label (the planner attributes it to the workload).

Network policy: ingress is denied by default in the workload's namespace; the inference pods take
connections on their port only from ``ingress_cidrs``. The AWS ALB targets pod IPs from its own
addresses in the VPC (pass the VPC CIDR); GKE's global external Application Load Balancer reaches
NEG endpoints from Google's health-check / GFE ranges (``GOOGLE_LB_SOURCE_RANGES``, always added
with ``gke-neg``). Kubelet probes come from the node's address, inside the VPC CIDR and the
private ranges (and NetworkPolicy implementations let a node reach its own pods anyway). Egress stays open on purpose: the pods reach DNS, their
database, queue and model store, and cloud API endpoints have no stable CIDRs; the network layer
(security groups, firewall rules, NAT) bounds it. EKS enforces NetworkPolicy only with the vpc-cni
add-on's network policy agent on (``configurationValues: {"enableNetworkPolicy": "true"}``); GKE
Dataplane V2 always enforces it.

Replicas by region role (``replicas_for``): serving regions run ``replicas_per_zone x zones``; a
warm standby one per zone (at most the serving count) so it answers at once on failover, then
scales; pilot light 0 (no GPU nodes run there; the Deployment exists so failover is one scale
command). With replicas > 0 the HorizontalPodAutoscaler owns the count (minReplicas = replicas) and
the Deployment leaves ``spec.replicas`` unset, as Kubernetes recommends with an HPA, so Pulumi and
the autoscaler never fight over it; with 0 replicas there is no HPA (its minimum is 1) and the
Deployment says 0.

Scaling signal. Without ``traffic_scaling``: CPU utilisation (``cpu_target_percent``) from the
resource metrics API, which metrics-server serves (the EKS ``metrics-server`` add-on of
``EksCluster``; built into GKE). With ``traffic_scaling`` (the cluster runs ``blueprint.components.k8s.Keda``):
a KEDA ScaledObject whose first trigger is the load balancer's request rate per pod (the cloud side
builds it) and whose second is the same CPU target; the HPA KEDA creates takes the larger of the two
replica counts, with the same floor, ceiling and scale-up/scale-down behavior. When the request-rate
metric cannot be read for ``KEDA_FALLBACK_FAILURES`` polls, the fallback holds the current replicas
(``currentReplicasIfHigher``): an outage of the signal never scales the service down. Never both: KEDA
refuses a ScaledObject for a Deployment another HPA manages, so the ScaledObject takes over the HPA
this component planned before (``TRANSFER_HPA_ANNOTATION``, same HPA name); on that first
``pulumi up`` Pulumi then deletes its old HPA object and KEDA's controller re-creates the HPA it
owns (the Deployment keeps its replicas meanwhile). Back to CPU only (``traffic_scaling`` removed):
Pulumi creates the HPA before it deletes the ScaledObject, and pulumi-kubernetes (>= 4.29, client-side
create: "the API server now returns an AlreadyExists error", v4.29.0 release notes) fails on KEDA's HPA
of the same name; delete the ScaledObject first (``kubectl -n <namespace> delete scaledobject
<workload>``: KEDA's HPA goes with it, the Deployment keeps its replicas), then ``pulumi up``.
Pods either autoscaler adds beyond the GPU nodes' room stay Pending until the cluster autoscaler (EKS: the ``ClusterAutoscaler`` component; GKE: node
pool autoscaling) adds a node in their zone, within each node group's maximum.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._intent_values import DisruptionBudget, Percent
from blueprint.components._validation import AtLeastOne

from ._labels import GPU_RESOURCE, GPU_TOLERATION, WORKLOAD_LABEL, WORKLOAD_NODE_LABEL, check_dns_label
from ._pods import container_security_context, http_probes, pod_security_context, zone_spread
from .gpu_enablement import SERVING_PRIORITY_CLASS
from .keda import KEDA_API_VERSION
from .traffic_scaling import TrafficScaling

RegionRoleName = Literal["serving", "warm", "pilot"]

# Scale up at once (a lost zone's traffic arrives immediately), down slowly: the HPA's behavior,
# and the ScaledObject's (advanced.horizontalPodAutoscalerConfig.behavior, passed to KEDA's HPA).
SCALE_BEHAVIOR: dict[str, Any] = {
    "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                "policies": [{"type": "Percent", "value": 100, "periodSeconds": 60}]},
    "scaleDown": {"stabilizationWindowSeconds": 600, "selectPolicy": "Min",
                  "policies": [{"type": "Pods", "value": 1, "periodSeconds": 120}]},
}
# KEDA polls the traffic trigger every 30 s (its default, keda-docs 2.20 scaledobject-spec.md
# "pollingInterval"): twice per minute, the period at which ALB (CloudWatch, 60 s) and Cloud
# Monitoring load-balancer metrics get a new point, so a new point is seen within 30 s.
KEDA_POLLING_INTERVAL_S = 30
# Consecutive failed polls (90 s) before the fallback holds the replicas: one missed minute of
# metrics is normal publication delay, not an outage.
KEDA_FALLBACK_FAILURES = 3
# KEDA's webhook refuses a ScaledObject whose Deployment already has an HPA ("the workload ... is
# already managed by the hpa ..."), unless the ScaledObject takes that HPA over: this annotation and
# advanced.horizontalPodAutoscalerConfig.name equal to the HPA's name (kedacore/keda
# apis/keda/v1alpha1/scaledobject_webhook.go verifyHpas; scaledobject_types.go
# ScaledObjectTransferHpaOwnershipAnnotation; keda-docs 2.20 concepts/scaling-deployments.md
# "Transferring ownership of an existing HPA").
TRANSFER_HPA_ANNOTATION = "scaledobject.keda.sh/transfer-hpa-ownership"
# Node headroom kept out of the pods' requests: kubelet/system reservations and the node's
# DaemonSets (CNI, kube-proxy, pod identity, node monitoring, device plugin).
NODE_RESERVED_VCPU = 1
NODE_RESERVED_MEMORY_MIB = 2048
NODE_ALLOCATABLE_MEMORY_SHARE = 0.9
# Unprivileged UID/GID (the 'nonroot' user of distroless images); Pod Security 'restricted' needs non-root.
NON_ROOT_UID = 65532
# Labels the AWS Load Balancer Controller reads: pods of this namespace get a readiness gate that
# turns true only once the ALB target group sees them healthy (zero-downtime rollouts).
AWS_READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject"
GKE_NEG_ANNOTATION = "cloud.google.com/neg"
# Default sources allowed to the service port: the private (RFC 1918) ranges, which hold any VPC's
# load balancer and nodes and nothing on the internet. Composers pass the narrower VPC CIDR.
PRIVATE_NETWORK_CIDRS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
# Google Cloud load balancer health checks and GFE proxies of the global external Application Load
# Balancer with zonal NEG (GCE_VM_IP_PORT) backends (Cloud Load Balancing "Firewall rules": the GFE
# proxy ranges are the health-check ranges for zonal NEGs). Added whenever the binding is gke-neg.
GOOGLE_LB_SOURCE_RANGES = ("35.191.0.0/16", "130.211.0.0/22")
DEFAULT_DENY_POLICY = "default-deny-ingress"
TARGET_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[\w-]+/[0-9a-f]+$")


def replicas_for(role: RegionRoleName, replicas_per_zone: int, zones: int) -> int:
    """Deployment replicas in a region by its role (module docstring)."""
    full = replicas_per_zone * zones
    if role == "serving":
        return full
    if role == "warm":
        return min(full, zones)
    return 0


def pod_resources(vcpus: int, memory_gib: int, gpus_per_node: int) -> tuple[int, int]:
    """(CPU millicores, memory MiB) per pod: one pod per GPU, sharing the node's CPU and memory
    after the node headroom (``NODE_RESERVED_*``), so ``gpus_per_node`` pods fit on one node."""
    per = max(gpus_per_node, 1)
    cpu = (vcpus - NODE_RESERVED_VCPU) * 1000 // per
    memory = int(memory_gib * 1024 * NODE_ALLOCATABLE_MEMORY_SHARE - NODE_RESERVED_MEMORY_MIB) // per
    return max(cpu, 250), max(memory, 512)


# Pods of a CPU-only served workload (no GPU pool): requests/limits per pod, and HPA headroom.
CPU_ONLY_POD = (1000, 2048)
CPU_ONLY_SCALE_FACTOR = 4


def service_sizing(role: RegionRoleName, replicas_per_zone: int, zones: int, gpus_per_node: int,
                   max_nodes_per_zone: int, node_shape: tuple[int, int] | None) -> tuple[int, int, int, int]:
    """(replicas, max_replicas, cpu_millicores, memory_mib) of a workload's inference service in
    one region, the same on every cloud: replicas by the region's role; with GPUs, one pod per
    GPU sized from the node shape (vCPUs, memory GiB) and bounded by the pools' maximum; without,
    fixed CPU-only pods with ``CPU_ONLY_SCALE_FACTOR`` x headroom."""
    replicas = replicas_for(role, replicas_per_zone, zones)
    if gpus_per_node and node_shape is not None:
        cpu, memory = pod_resources(node_shape[0], node_shape[1], gpus_per_node)
        return replicas, max(max_nodes_per_zone * zones * gpus_per_node, replicas, 1), cpu, memory
    cpu, memory = CPU_ONLY_POD
    return replicas, max(CPU_ONLY_SCALE_FACTOR * replicas_per_zone * zones, 1), cpu, memory


def binding_name(workload: str, target_group_arn: str) -> str:
    """The TargetGroupBinding's name: the workload's, plus a short hash of the target group's ARN
    (at most 31 + 9 characters, a DNS-1123 subdomain)."""
    return f"{workload}-{hashlib.sha256(target_group_arn.encode('utf-8')).hexdigest()[:8]}"


class InferenceServiceArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="Workload name: the objects' name, the blueprint-workload label and the node-affinity value.")
    # The composer passes the workload's resolved values (blueprint.footprint.WorkloadIntent, from
    # blueprint.catalogs.operations and .tiers); the defaults suit a hand-composed service.
    disruption_budget: DisruptionBudget = Field(
        default_factory=lambda: {"maxUnavailable": 1},
        description="PodDisruptionBudget: exactly one of minAvailable / maxUnavailable (int or 'N%'); "
                    "default {'maxUnavailable': 1}: drains take one pod at a time.")
    cpu_target_percent: Percent = Field(
        default=70, description="Average CPU utilisation (percent of the request) the HPA / ScaledObject keeps; default 70.")
    readiness_period_s: AtLeastOne = Field(
        default=15, description="Readiness probe period, seconds (Kubernetes minimum 1); default 15. Match the load balancer's check interval.")
    readiness_timeout_s: AtLeastOne = Field(
        default=5, description="Readiness probe timeout, seconds (Kubernetes minimum 1); default 5.")
    # pulumi.Input[str]: a composer resolves "<image>:<tag>" to the region's own registry URL (an Output).
    image: Any = Field(description="pulumi.Input[str]: container image pinned to a version tag or digest ('latest' refused).")
    port: int = Field(default=8080, description="Container (and Service) port, 1..65535.")
    readiness_path: str = Field(default="/ready", description="HTTP path of the readiness probe.")
    liveness_path: str = Field(default="/healthz", description="HTTP path of the liveness and startup probes.")
    replicas: int = Field(description="Pods in this region (replicas_for); 0 = pilot light, no HPA.")
    max_replicas: int = Field(description="HPA maximum (GPU pools: max nodes per zone x zones x GPUs per node).")
    gpus_per_pod: int = Field(default=1, description="nvidia.com/gpu limit per pod; 0 = CPU-only (no toleration, no GPU affinity).")
    cpu_millicores: int = Field(description="CPU request and limit per pod (pod_resources), millicores.")
    memory_mib: int = Field(description="Memory request and limit per pod (pod_resources), MiB.")
    namespace: Optional[str] = Field(default=None, description="Namespace; defaults to the workload name.")
    node_affinity: bool = Field(default=True, description="Require nodes labelled blueprint.dev/workload=<workload> (the workload's GPU pools).")
    priority_class_name: Any = Field(default=SERVING_PRIORITY_CLASS, description="PriorityClass of the pods (GpuEnablement's); default blueprint-serving.")
    load_balancer_binding: Literal["aws-target-group", "gke-neg", "none"] = Field(
        default="none", description="How the region's load balancer reaches the pods: AWS TargetGroupBinding, GKE standalone NEG, or none.")
    target_group_arn: Any = Field(default=None, description="ALB target group (IP targets) for aws-target-group.")
    load_balancer_security_group_id: Any = Field(default=None, description="ALB security group the controller lets in on the pod port (aws-target-group).")
    ingress_cidrs: Optional[list[Any]] = Field(
        default=None,
        description="Source CIDRs (str or Output) allowed to the pods' port: the load balancer's and probes' sources. "
                    "Default None: the RFC 1918 ranges (PRIVATE_NETWORK_CIDRS); pass the VPC CIDR to narrow it. With "
                    "gke-neg, Google's LB ranges (GOOGLE_LB_SOURCE_RANGES) are always added. Never 0.0.0.0/0.")
    neg_name: Any = Field(default=None, description="pulumi.Input[str]: standalone NEG name for gke-neg (an Output when "
                          "salted with the cluster UID, blueprint.components.gcp.zonal_negs); default None: <workload>-neg.")
    binding_depends_on: list[Any] = Field(default_factory=list, description="What the binding waits for (the load-balancer controller that installs its CRD).")
    service_depends_on: list[Any] = Field(
        default_factory=list,
        description="What the Service waits for. gke-neg: the standalone NEGs its annotation names; a Service created "
                    "first makes GKE's NEG controller create them, and Pulumi's create of the same names then fails (409).")
    # Model loading can take minutes: the startup probe allows this long before liveness applies.
    startup_timeout_s: int = Field(default=600, description="Longest model load before the pod is restarted; default 600 s (10 min).")
    # Connection draining: the pod keeps serving while the load balancer deregisters it (ALB
    # deregistration delay 30 s), then gets the rest of the grace period to finish requests.
    pre_stop_sleep_s: int = Field(default=40, description="preStop sleep before SIGTERM; default 40 s (> the ALB's 30 s deregistration delay).")
    termination_grace_period_s: int = Field(default=75, description="Grace period; must exceed pre_stop_sleep_s; default 75 s.")
    tmp_size_limit: str = Field(default="10Gi", description="Size limit of the writable /tmp emptyDir (the root filesystem is read-only).")
    run_as_user: int = Field(default=NON_ROOT_UID, description=f"Non-root UID/GID of the container; default {NON_ROOT_UID}.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on every object.")
    traffic_scaling: Optional[TrafficScaling] = Field(
        default=None, description="The load balancer's request-rate trigger: with replicas > 0 a KEDA ScaledObject (traffic, then CPU) "
                                  "replaces the HPA. Default None: the CPU-only HPA.")

    @field_validator("workload")
    @classmethod
    def _workload(cls, v: str) -> str:
        return check_dns_label("workload", v)

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            check_dns_label("namespace", v)
            if v.startswith("kube-") or v == "default":
                raise ValueError(f"namespace: {v!r} is a system namespace; give the workload its own (default: the workload name)")
        return v

    @field_validator("ingress_cidrs")
    @classmethod
    def _cidrs(cls, v: Optional[list[Any]]) -> Optional[list[Any]]:
        if v is None:
            return v
        if not v:
            raise ValueError("ingress_cidrs: [] would shut the load balancer out; pass its source CIDRs (the VPC CIDR) or leave it unset")
        for cidr in v:
            if not isinstance(cidr, str):
                continue  # an Output (e.g. the VPC's cidr_block), known at deployment
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as e:
                raise ValueError(f"ingress_cidrs: {cidr!r} is not a network CIDR ({e}); use e.g. 10.0.0.0/16") from None
            if net.prefixlen == 0:
                raise ValueError(f"ingress_cidrs: {cidr!r} allows every address; pass the load balancer's source CIDRs (the VPC CIDR)")
        return v

    @field_validator("image")
    @classmethod
    def _image(cls, v: Any) -> Any:
        if not isinstance(v, str):  # an Output: its registry URL and tag were checked where it was composed
            return v
        if ":" not in v.rsplit("/", 1)[-1] and "@sha256:" not in v or v.endswith(":latest"):
            raise ValueError(f"image: {v!r} must be pinned to a version tag or digest, e.g. registry.example.com/fraud:1.4.2")
        return v

    @field_validator("port")
    @classmethod
    def _port(cls, v: int) -> int:
        if not 1 <= v <= 65535:
            raise ValueError(f"port: {v} is outside 1..65535")
        return v

    @field_validator("readiness_path", "liveness_path")
    @classmethod
    def _path(cls, v: str, info) -> str:
        if not re.match(r"^/[\x21-\x7e]*$", v):
            raise ValueError(f"{info.field_name}: {v!r} must be an absolute HTTP path such as /ready")
        return v

    @field_validator("replicas", "gpus_per_pod")
    @classmethod
    def _non_negative(cls, v: int, info) -> int:
        if v < 0:
            raise ValueError(f"{info.field_name}: {v} must be 0 or more")
        return v

    @field_validator("cpu_millicores", "memory_mib", "startup_timeout_s", "termination_grace_period_s", "max_replicas")
    @classmethod
    def _positive(cls, v: int, info) -> int:
        if v < 1:
            raise ValueError(f"{info.field_name}: {v} must be at least 1")
        return v

    @field_validator("run_as_user")
    @classmethod
    def _non_root(cls, v: int) -> int:
        if v == 0:
            raise ValueError("run_as_user: 0 is root; Pod Security 'restricted' needs a non-root UID such as 65532")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "InferenceServiceArgs":
        if self.max_replicas < self.replicas:
            raise ValueError(f"max_replicas: {self.max_replicas} is below replicas ({self.replicas}); raise it to at least {self.replicas}")
        if self.termination_grace_period_s <= self.pre_stop_sleep_s:
            raise ValueError(
                f"termination_grace_period_s: {self.termination_grace_period_s} must exceed pre_stop_sleep_s ({self.pre_stop_sleep_s}) "
                "so the pod can finish its requests after draining"
            )
        if self.load_balancer_binding == "aws-target-group" and self.target_group_arn is None:
            raise ValueError("target_group_arn: required with load_balancer_binding='aws-target-group' (LoadBalancer.target_group_arn)")
        if isinstance(self.target_group_arn, str) and not TARGET_GROUP_ARN.match(self.target_group_arn):
            raise ValueError(f"target_group_arn: {self.target_group_arn!r} is not an ELB target group ARN")
        return self


def _container(args: InferenceServiceArgs) -> dict[str, Any]:
    resources: dict[str, dict[str, str]] = {
        "requests": {"cpu": f"{args.cpu_millicores}m", "memory": f"{args.memory_mib}Mi"},
        # Guaranteed QoS: limits equal requests, so the pod is the last evicted under node pressure.
        "limits": {"cpu": f"{args.cpu_millicores}m", "memory": f"{args.memory_mib}Mi"},
    }
    if args.gpus_per_pod > 0:
        resources["requests"][GPU_RESOURCE] = str(args.gpus_per_pod)
        resources["limits"][GPU_RESOURCE] = str(args.gpus_per_pod)
    return {
        "name": "inference",
        "image": args.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": args.port, "protocol": "TCP"}],
        # In-pod readiness checks as fast as the load balancer's (the composer passes the same timing).
        **http_probes(args.readiness_path, args.liveness_path, args.readiness_period_s, args.readiness_timeout_s,
                      args.startup_timeout_s),
        "lifecycle": {"preStop": {"sleep": {"seconds": args.pre_stop_sleep_s}}},
        "securityContext": container_security_context(),
        "resources": resources,
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def _pod_spec(args: InferenceServiceArgs, service_account: Any, selector: dict[str, str]) -> dict[str, Any]:
    pod_spec: dict[str, Any] = {
        "serviceAccountName": service_account,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "priorityClassName": args.priority_class_name,
        "terminationGracePeriodSeconds": args.termination_grace_period_s,
        "securityContext": pod_security_context(args.run_as_user),
        # At most one pod of difference between zones (a zone loss takes at most its share), spread over nodes too.
        "topologySpreadConstraints": zone_spread(selector),
        "containers": [_container(args)],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": args.tmp_size_limit}}],
    }
    if args.gpus_per_pod > 0:
        pod_spec["tolerations"] = [GPU_TOLERATION]
    if args.node_affinity:
        pod_spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": WORKLOAD_NODE_LABEL, "operator": "In", "values": [args.workload]}]}],
        }}}
    return pod_spec


def scaled_object_spec(args: InferenceServiceArgs, target: Any, scaling: TrafficScaling) -> dict[str, Any]:
    """The ScaledObject's spec (keda.sh/v1alpha1; fields of kedacore/keda apis/keda/v1alpha1/scaledobject_types.go):
    the traffic trigger first, then CPU at cpu_target_percent, the HPA's own floor, ceiling and behavior."""
    traffic = {**scaling.trigger, "authenticationRef": {"name": scaling.authentication, "kind": "ClusterTriggerAuthentication"}}
    # The HPA asks KEDA's metrics server every 15 s (kube-controller-manager's default sync period);
    # the load-balancer metrics move once a minute, so KEDA answers from the value it polled
    # (useCachedMetrics, keda-docs 2.20 concepts/scaling-deployments.md "Caching Metrics") instead
    # of calling CloudWatch / Cloud Monitoring on every HPA sync. The trigger may say otherwise.
    traffic.setdefault("useCachedMetrics", True)
    cpu = {"type": "cpu", "metricType": "Utilization", "metadata": {"value": str(args.cpu_target_percent)}}
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
        "pollingInterval": KEDA_POLLING_INTERVAL_S,
        "minReplicaCount": args.replicas,
        "maxReplicaCount": args.max_replicas,
        "advanced": {"horizontalPodAutoscalerConfig": {"name": args.workload, "behavior": SCALE_BEHAVIOR}},
        "triggers": [traffic, cpu],
        # A metrics outage (KEDA_FALLBACK_FAILURES failed polls of the traffic trigger) holds the
        # current replicas, or the floor if fewer: never a scale-down because the signal is gone.
        # behavior currentReplicasIfHigher: KEDA 2.17.0+ (CHANGELOG "Add Fallback option `behavior`", #6450);
        # keda-docs 2.20 scaledobject-spec.md "fallback.behavior". The cpu trigger keeps working meanwhile.
        "fallback": {"failureThreshold": KEDA_FALLBACK_FAILURES, "replicas": args.replicas, "behavior": "currentReplicasIfHigher"},
    }


class InferenceService(pulumi.ComponentResource):
    """Namespace, ServiceAccount, Deployment, Service, PDB, autoscaler (HPA or KEDA ScaledObject) and the load-balancer binding of one workload."""

    namespace: pulumi.Output[str]
    service_name: pulumi.Output[str]
    replicas: int
    max_replicas: int

    def __init__(self, name: str, args: InferenceServiceArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:k8s:InferenceService", name, None, opts)
        wl = args.workload
        labels = {**args.labels, WORKLOAD_LABEL: wl, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "blueprint"}
        selector = {"app.kubernetes.io/name": wl, "app.kubernetes.io/component": "inference"}
        ns = self._namespace(name, args, labels)
        sa = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata={"name": wl, "namespace": ns, "labels": labels},
            automount_service_account_token=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        deployment = self._deployment(name, args, ns, labels, selector, sa.metadata.apply(lambda m: m.name))
        self._network_policies(name, args, ns, labels, selector)
        service = self._service(name, args, ns, labels, selector)
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata={"name": wl, "namespace": ns, "labels": labels},
            spec={
                "selector": {"matchLabels": selector},
                **args.disruption_budget,
                # Pods that are not Ready never block a node drain (they serve nothing anyway).
                "unhealthyPodEvictionPolicy": "AlwaysAllow",
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
        target = deployment.metadata.apply(lambda m: m.name)
        if args.replicas > 0 and args.traffic_scaling is not None:
            self._scaled_object(name, args, ns, labels, target, args.traffic_scaling)
        elif args.replicas > 0:
            self._hpa(name, args, ns, labels, target)
        if args.load_balancer_binding == "aws-target-group":
            self._target_group_binding(name, args, ns, labels, service.metadata.apply(lambda m: m.name))

        self.namespace = ns
        self.service_name = service.metadata.apply(lambda m: m.name)
        self.replicas = args.replicas
        self.max_replicas = args.max_replicas
        self.register_outputs({"namespace": self.namespace, "service_name": self.service_name,
                               "replicas": self.replicas, "max_replicas": self.max_replicas})

    def _namespace(self, name: str, args: InferenceServiceArgs, labels: dict[str, str]) -> pulumi.Output[str]:
        ns_labels = {
            **labels,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        }
        if args.load_balancer_binding == "aws-target-group":
            ns_labels[AWS_READINESS_GATE_LABEL] = "enabled"
        namespace = k8s.core.v1.Namespace(f"{name}-namespace", metadata={"name": args.namespace or args.workload, "labels": ns_labels},
                                          opts=pulumi.ResourceOptions(parent=self))
        return namespace.metadata.apply(lambda m: m.name)

    def _deployment(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], selector: dict[str, str],
                    service_account: Any) -> k8s.apps.v1.Deployment:
        deployment_spec: dict[str, Any] = {
            "selector": {"matchLabels": selector},
            # Never below the desired count during a rollout: one extra pod first, then the old one goes.
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "minReadySeconds": 10,
            "revisionHistoryLimit": 5,
            "progressDeadlineSeconds": args.startup_timeout_s + 300,
            "template": {"metadata": {"labels": {**labels, **selector}}, "spec": _pod_spec(args, service_account, selector)},
        }
        if args.replicas == 0:
            deployment_spec["replicas"] = 0
        return k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata={"name": args.workload, "namespace": ns, "labels": labels},
            spec=deployment_spec,
            # Server-side apply: the HPA owns spec.replicas; Pulumi does not wait for pods that
            # cannot start before GPU nodes exist (pilot light, first deploy).
            opts=pulumi.ResourceOptions(parent=self, custom_timeouts=pulumi.CustomTimeouts(create="30m", update="30m")),
        )

    def _network_policies(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], selector: dict[str, str]) -> None:
        # Ingress: deny by default in the namespace, then the service port from the LB's sources only.
        k8s.networking.v1.NetworkPolicy(
            f"{name}-default-deny",
            metadata={"name": DEFAULT_DENY_POLICY, "namespace": ns, "labels": labels},
            spec={"podSelector": {}, "policyTypes": ["Ingress"], "ingress": []},
            opts=pulumi.ResourceOptions(parent=self),
        )
        sources = list(args.ingress_cidrs) if args.ingress_cidrs is not None else list(PRIVATE_NETWORK_CIDRS)
        if args.load_balancer_binding == "gke-neg":
            sources += [r for r in GOOGLE_LB_SOURCE_RANGES if r not in sources]
        k8s.networking.v1.NetworkPolicy(
            f"{name}-network-policy",
            metadata={"name": f"{args.workload}-ingress", "namespace": ns, "labels": labels},
            spec={
                "podSelector": {"matchLabels": selector},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"ipBlock": {"cidr": c}} for c in sources],
                             "ports": [{"protocol": "TCP", "port": args.port}]}],
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _service(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], selector: dict[str, str]) -> k8s.core.v1.Service:
        annotations: dict[str, Any] = {}
        if args.load_balancer_binding == "gke-neg":
            port = str(args.port)
            annotations[GKE_NEG_ANNOTATION] = pulumi.Output.from_input(args.neg_name or f"{args.workload}-neg").apply(
                lambda neg: json.dumps({"exposed_ports": {port: {"name": neg}}}))
        return k8s.core.v1.Service(
            f"{name}-service",
            metadata={"name": args.workload, "namespace": ns, "labels": labels, **({"annotations": annotations} if annotations else {})},
            spec={
                "type": "ClusterIP",
                "selector": selector,
                "ports": [{"name": "http", "port": args.port, "targetPort": "http", "protocol": "TCP"}],
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.service_depends_on),
        )

    def _hpa(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], target: Any) -> None:
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-hpa",
            metadata={"name": args.workload, "namespace": ns, "labels": labels},
            spec={
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                "minReplicas": args.replicas,
                "maxReplicas": args.max_replicas,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                    "type": "Utilization", "averageUtilization": args.cpu_target_percent}}}],
                "behavior": SCALE_BEHAVIOR,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _scaled_object(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], target: Any,
                       scaling: TrafficScaling) -> None:
        k8s.apiextensions.CustomResource(
            f"{name}-scaled-object",
            api_version=KEDA_API_VERSION,
            kind="ScaledObject",
            # Adopt the HPA this component planned before the service had a traffic signal (same name),
            # instead of KEDA's webhook refusing a second autoscaler of the Deployment (module docstring).
            metadata={"name": args.workload, "namespace": ns, "labels": labels, "annotations": {TRANSFER_HPA_ANNOTATION: "true"}},
            spec=scaled_object_spec(args, target, scaling),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(scaling.depends_on)),
        )

    def _target_group_binding(self, name: str, args: InferenceServiceArgs, ns: Any, labels: dict[str, str], service_name: Any) -> None:
        binding_spec: dict[str, Any] = {
            "targetGroupARN": args.target_group_arn,
            "targetType": "ip",
            "serviceRef": {"name": service_name, "port": args.port},
        }
        if args.load_balancer_security_group_id is not None:
            # The controller opens the pods' security group to the ALB on the pod port only.
            binding_spec["networking"] = {"ingress": [{
                "from": [{"securityGroup": {"groupID": args.load_balancer_security_group_id}}],
                "ports": [{"protocol": "TCP", "port": args.port}],
            }]}
        wl = args.workload
        k8s.apiextensions.CustomResource(
            f"{name}-target-group-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            # The controller's webhook refuses a change of spec.targetGroupARN ("TargetGroupBinding
            # update may not change these fields: spec.targetGroupARN", kubernetes-sigs/
            # aws-load-balancer-controller webhooks/elbv2/targetgroupbinding_validator.go). A name
            # derived from the ARN makes a replaced target group a new binding, created beside the
            # old one (which is deleted after), instead of a patch the webhook rejects mid-update.
            metadata={"name": pulumi.Output.from_input(args.target_group_arn).apply(lambda arn: binding_name(wl, arn)),
                      "namespace": ns, "labels": labels},
            spec=binding_spec,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.binding_depends_on)),
        )

"""FallbackService: a workload's degraded mode (a smaller model or a CPU image) beside its GPU
InferenceService, in the same namespace, serving where the GPU service lacks capacity: in the
standby region while its GPU nodes scale up after a failover, or in the primary when its GPU pools
are exhausted or a zone's GPU pods are lost (issue 18, ``service.fallback``).

Children (component named ``n``; Kubernetes names are ``<workload>-fallback`` in ``namespace``):
    ``n-service-account``  v1 ServiceAccount (no token automount; not the GPU service's identity)
    ``n-deployment``       apps/v1 Deployment: no GPU request and no GPU toleration, so the GPU pools'
                           ``nvidia.com/gpu`` taint keeps its pods on the cluster's general nodes
                           (``node_selector`` narrows that: the composers pass the system pool's label);
                           zone spread, probes and the hardened security context of InferenceService
                           (blueprint/components/k8s/_pods.py); Guaranteed QoS (limits = requests)
    ``n-network-policy``   networking.k8s.io/v1 NetworkPolicy ``<workload>-fallback-ingress``: the fallback
                           pods accept TCP on their port from ``ingress_cidrs`` only (the namespace's
                           default deny comes from InferenceService)
    ``n-service``          v1 Service (ClusterIP; GKE standalone NEG annotation with ``gke_neg``, its own NEG name)
    ``n-pdb``              policy/v1 PodDisruptionBudget (``disruption_budget``)
    ``n-hpa``              autoscaling/v2 HorizontalPodAutoscaler on CPU (``replicas`` .. ``max_replicas``)
    ``n-target-group-binding``  elbv2.k8s.aws/v1beta1 TargetGroupBinding (``aws_target_group_arn`` only): the AWS
                           Load Balancer Controller registers the fallback pods' IPs in that target group

Every object carries ``blueprint-workload`` (the planner attributes it to the workload) and
``blueprint-role: fallback`` (the read model finds the degraded mode by it, on any cloud).

Routing is the caller's: the fallback gets traffic only where the load balancer sends it (GCP: its NEGs
are backends of the workload's global backend service with preference DEFAULT, behind the GPU NEGs'
PREFERRED; AWS: the target group the caller routes to). The pods always run (``replicas`` >= 1): a
fallback that must first start would answer no sooner than the GPU pods it stands in for.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._intent_values import DisruptionBudget, Percent
from blueprint.components._validation import AtLeastOne
from blueprint.quantities import cpu_millicores, memory_mib

from ._labels import FALLBACK_ROLE, ROLE_LABEL, WORKLOAD_LABEL, check_dns_label
from ._pods import container_security_context, http_probes, pod_security_context, zone_spread
from .inference_service import (
    GKE_NEG_ANNOTATION, GOOGLE_LB_SOURCE_RANGES, NON_ROOT_UID, PRIVATE_NETWORK_CIDRS, SCALE_BEHAVIOR, TARGET_GROUP_ARN, binding_name,
)

# HPA ceiling when max_replicas is unset: this many times the floor. The fallback takes the GPU
# service's overflow, which can be the whole load of a lost region: general nodes scale out fast.
FALLBACK_SCALE_FACTOR = 4
SUFFIX = "fallback"


class FallbackServiceArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="Workload name: the objects are named '<workload>-fallback'; the blueprint-workload label.")
    namespace: Any = Field(description="pulumi.Input[str]: the namespace of the workload's InferenceService (InferenceService.namespace), "
                                       "whose default-deny ingress policy covers the fallback pods too.")
    image: Any = Field(description="pulumi.Input[str]: fallback container image pinned to a version tag or digest ('latest' refused).")
    port: int = Field(default=8080, description="Container (and Service) port, 1..65535; default 8080.")
    readiness_path: str = Field(default="/ready", description="HTTP path of the readiness probe; default /ready.")
    liveness_path: str = Field(default="/healthz", description="HTTP path of the liveness and startup probes; default /healthz.")
    replicas: int = Field(description="Pods in this region (the HPA's floor), at least zones (one per zone).")
    max_replicas: Optional[int] = Field(default=None, description=f"HPA ceiling; default None: {FALLBACK_SCALE_FACTOR} x replicas.")
    zones: int = Field(description="Zones the pods spread over (hard zone spread, at most one pod of difference), at least 1.")
    cpu: str = Field(default="500m", description="CPU request and limit per pod (Kubernetes quantity, e.g. '500m'); default 500m.")
    memory: str = Field(default="1Gi", description="Memory request and limit per pod (Kubernetes quantity, e.g. '1Gi'); default 1Gi.")
    cpu_target_percent: Percent = Field(default=70, description="Average CPU utilisation (percent of the request) the HPA keeps; default 70.")
    disruption_budget: DisruptionBudget = Field(
        default_factory=lambda: {"maxUnavailable": 1},
        description="PodDisruptionBudget: exactly one of minAvailable / maxUnavailable; default {'maxUnavailable': 1}.")
    readiness_period_s: AtLeastOne = Field(default=15, description="Readiness probe period, seconds; default 15. Match the load balancer's check interval.")
    readiness_timeout_s: AtLeastOne = Field(default=5, description="Readiness probe timeout, seconds; default 5.")
    startup_timeout_s: AtLeastOne = Field(default=300, description="Longest start (a small model loads) before the pod is restarted; default 300 s.")
    pre_stop_sleep_s: int = Field(default=40, description="preStop sleep before SIGTERM; default 40 s (> the ALB's 30 s deregistration delay).")
    termination_grace_period_s: int = Field(default=75, description="Grace period; must exceed pre_stop_sleep_s; default 75 s.")
    run_as_user: int = Field(default=NON_ROOT_UID, description=f"Non-root UID/GID of the container; default {NON_ROOT_UID}.")
    node_selector: dict[str, str] = Field(
        default_factory=dict,
        description="Node labels the pods require. Default {}: any node without the GPU taint (the pods never tolerate it); "
                    "the composers pass the system pool's label (GKE blueprint.dev/pool=system).")
    aws_target_group_arn: Optional[Any] = Field(
        default=None, description="pulumi.Input[str]: ALB target group (IP targets) the TargetGroupBinding registers the pods in. "
                                  "Default None (GCP): no binding.")
    aws_security_group_id: Optional[Any] = Field(
        default=None, description="ALB security group the controller lets in on the pod port (with aws_target_group_arn). Default None.")
    gke_neg: bool = Field(default=False, description="Annotate the Service for GKE standalone NEGs named neg_name. Default False.")
    neg_name: Any = Field(default=None, description="pulumi.Input[str]: the standalone NEG name with gke_neg; default None: <workload>-fallback-neg.")
    ingress_cidrs: Optional[list[Any]] = Field(
        default=None,
        description="Source CIDRs (str or Output) allowed to the pods' port. Default None: the RFC 1918 ranges; with gke_neg "
                    "Google's LB ranges are always added. Never 0.0.0.0/0.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on every object.")
    service_depends_on: list[Any] = Field(default_factory=list, description="What the Service waits for (gke_neg: the NEGs it names).")
    binding_depends_on: list[Any] = Field(default_factory=list, description="What the binding waits for (the load-balancer controller).")

    @field_validator("workload")
    @classmethod
    def _workload(cls, v: str) -> str:
        check_dns_label("workload", v)
        if len(v) > 63 - len(SUFFIX) - 1:
            raise ValueError(f"workload: {v!r} is too long for '<workload>-{SUFFIX}' (a Kubernetes name of at most 63 characters)")
        return v

    @field_validator("image")
    @classmethod
    def _image(cls, v: Any) -> Any:
        if isinstance(v, str) and (":" not in v.rsplit("/", 1)[-1] and "@sha256:" not in v or v.endswith(":latest")):
            raise ValueError(f"image: {v!r} must be pinned to a version tag or digest, e.g. registry.example.com/fraud-cpu:1.4.2")
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

    @field_validator("replicas", "zones")
    @classmethod
    def _positive(cls, v: int, info) -> int:
        if v < 1:
            raise ValueError(f"{info.field_name}: {v} must be at least 1 (a fallback that must first start serves no sooner than the GPU pods)")
        return v

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, v: str) -> str:
        if cpu_millicores(v) < 1:
            raise ValueError(f"cpu: {v!r} must be at least 1m")
        return v

    @field_validator("memory")
    @classmethod
    def _memory(cls, v: str) -> str:
        if memory_mib(v) < 16:
            raise ValueError(f"memory: {v!r} is below 16Mi; no model server starts in it")
        return v

    @field_validator("run_as_user")
    @classmethod
    def _non_root(cls, v: int) -> int:
        if v == 0:
            raise ValueError("run_as_user: 0 is root; Pod Security 'restricted' needs a non-root UID such as 65532")
        return v

    @field_validator("ingress_cidrs")
    @classmethod
    def _cidrs(cls, v: Optional[list[Any]]) -> Optional[list[Any]]:
        if v is None:
            return v
        if not v:
            raise ValueError("ingress_cidrs: [] would shut the load balancer out; pass its source CIDRs or leave it unset")
        for cidr in (c for c in v if isinstance(c, str)):
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as e:
                raise ValueError(f"ingress_cidrs: {cidr!r} is not a network CIDR ({e}); use e.g. 10.0.0.0/16") from None
            if net.prefixlen == 0:
                raise ValueError(f"ingress_cidrs: {cidr!r} allows every address; pass the load balancer's source CIDRs")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "FallbackServiceArgs":
        if self.replicas < self.zones:
            raise ValueError(f"replicas: {self.replicas} is below zones ({self.zones}); run at least one fallback pod per zone")
        if self.max_replicas is not None and self.max_replicas < self.replicas:
            raise ValueError(f"max_replicas: {self.max_replicas} is below replicas ({self.replicas}); raise it to at least {self.replicas}")
        if self.termination_grace_period_s <= self.pre_stop_sleep_s:
            raise ValueError(f"termination_grace_period_s: {self.termination_grace_period_s} must exceed pre_stop_sleep_s "
                             f"({self.pre_stop_sleep_s}) so the pod can finish its requests after draining")
        if isinstance(self.aws_target_group_arn, str) and not TARGET_GROUP_ARN.match(self.aws_target_group_arn):
            raise ValueError(f"aws_target_group_arn: {self.aws_target_group_arn!r} is not an ELB target group ARN")
        if self.aws_target_group_arn is not None and self.gke_neg:
            raise ValueError("gke_neg: True with aws_target_group_arn; a fallback is bound to one cloud's load balancer, pass one of them")
        return self

    @property
    def name(self) -> str:
        return f"{self.workload}-{SUFFIX}"

    @property
    def effective_max_replicas(self) -> int:
        return self.max_replicas if self.max_replicas is not None else FALLBACK_SCALE_FACTOR * self.replicas


def _pod_spec(args: FallbackServiceArgs, service_account: Any, selector: dict[str, str]) -> dict[str, Any]:
    resources = {"cpu": args.cpu, "memory": args.memory}
    container = {
        "name": SUFFIX,
        "image": args.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": args.port, "protocol": "TCP"}],
        **http_probes(args.readiness_path, args.liveness_path, args.readiness_period_s, args.readiness_timeout_s, args.startup_timeout_s),
        "lifecycle": {"preStop": {"sleep": {"seconds": args.pre_stop_sleep_s}}},
        "securityContext": container_security_context(),
        # Guaranteed QoS: limits equal requests, so the pod is the last evicted under node pressure.
        "resources": {"requests": dict(resources), "limits": dict(resources)},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    pod: dict[str, Any] = {
        "serviceAccountName": service_account,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": args.termination_grace_period_s,
        "securityContext": pod_security_context(args.run_as_user),
        "topologySpreadConstraints": zone_spread(selector),
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}],
    }
    if args.node_selector:
        pod["nodeSelector"] = dict(args.node_selector)
    return pod


class FallbackService(pulumi.ComponentResource):
    """ServiceAccount, Deployment (no GPU), NetworkPolicy, Service, PDB, HPA and the optional ALB binding of one workload's fallback."""

    service_name: pulumi.Output[str]
    deployment_name: pulumi.Output[str]
    neg_name: Any

    def __init__(self, name: str, args: FallbackServiceArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:k8s:FallbackService", name, None, opts)
        labels = {**args.labels, WORKLOAD_LABEL: args.workload, ROLE_LABEL: FALLBACK_ROLE,
                  "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "blueprint"}
        # Distinct from the InferenceService's selector (component=inference): neither Service selects the other's pods.
        selector = {"app.kubernetes.io/name": args.workload, "app.kubernetes.io/component": SUFFIX}
        meta = {"name": args.name, "namespace": args.namespace, "labels": labels}
        child = pulumi.ResourceOptions(parent=self)
        sa = k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata=meta, automount_service_account_token=False, opts=child)
        deployment = k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=meta,
            spec={
                "selector": {"matchLabels": selector},
                # Never below the desired count during a rollout. No spec.replicas: the HPA owns the count.
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                "minReadySeconds": 10,
                "revisionHistoryLimit": 5,
                "progressDeadlineSeconds": args.startup_timeout_s + 300,
                "template": {"metadata": {"labels": {**labels, **selector}},
                             "spec": _pod_spec(args, sa.metadata.apply(lambda m: m.name), selector)},
            },
            opts=pulumi.ResourceOptions(parent=self, custom_timeouts=pulumi.CustomTimeouts(create="20m", update="20m")),
        )
        self._network_policy(name, args, meta, selector)
        service = self._service(name, args, meta, selector)
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb", metadata=meta,
            spec={"selector": {"matchLabels": selector}, **args.disruption_budget, "unhealthyPodEvictionPolicy": "AlwaysAllow"},
            opts=child,
        )
        target = deployment.metadata.apply(lambda m: m.name)
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-hpa", metadata=meta,
            spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                  "minReplicas": args.replicas, "maxReplicas": args.effective_max_replicas,
                  "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                      "type": "Utilization", "averageUtilization": args.cpu_target_percent}}}],
                  "behavior": SCALE_BEHAVIOR},
            opts=child,
        )
        if args.aws_target_group_arn is not None:
            self._target_group_binding(name, args, meta, service.metadata.apply(lambda m: m.name))

        self.service_name = service.metadata.apply(lambda m: m.name)
        self.deployment_name = target
        self.neg_name = (args.neg_name or f"{args.name}-neg") if args.gke_neg else None
        self.register_outputs({"service_name": self.service_name, "deployment_name": self.deployment_name, "neg_name": self.neg_name})

    def _network_policy(self, name: str, args: FallbackServiceArgs, meta: dict[str, Any], selector: dict[str, str]) -> None:
        sources = list(args.ingress_cidrs) if args.ingress_cidrs is not None else list(PRIVATE_NETWORK_CIDRS)
        if args.gke_neg:
            sources += [r for r in GOOGLE_LB_SOURCE_RANGES if r not in sources]
        k8s.networking.v1.NetworkPolicy(
            f"{name}-network-policy",
            metadata={**meta, "name": f"{args.name}-ingress"},
            spec={"podSelector": {"matchLabels": selector}, "policyTypes": ["Ingress"],
                  "ingress": [{"from": [{"ipBlock": {"cidr": c}} for c in sources], "ports": [{"protocol": "TCP", "port": args.port}]}]},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _service(self, name: str, args: FallbackServiceArgs, meta: dict[str, Any], selector: dict[str, str]) -> k8s.core.v1.Service:
        metadata = dict(meta)
        if args.gke_neg:
            port = str(args.port)
            metadata["annotations"] = {GKE_NEG_ANNOTATION: pulumi.Output.from_input(args.neg_name or f"{args.name}-neg").apply(
                lambda neg: json.dumps({"exposed_ports": {port: {"name": neg}}}))}
        return k8s.core.v1.Service(
            f"{name}-service", metadata=metadata,
            spec={"type": "ClusterIP", "selector": selector,
                  "ports": [{"name": "http", "port": args.port, "targetPort": "http", "protocol": "TCP"}]},
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.service_depends_on),
        )

    def _target_group_binding(self, name: str, args: FallbackServiceArgs, meta: dict[str, Any], service_name: Any) -> None:
        spec: dict[str, Any] = {"targetGroupARN": args.aws_target_group_arn, "targetType": "ip",
                                "serviceRef": {"name": service_name, "port": args.port}}
        if args.aws_security_group_id is not None:
            spec["networking"] = {"ingress": [{"from": [{"securityGroup": {"groupID": args.aws_security_group_id}}],
                                               "ports": [{"protocol": "TCP", "port": args.port}]}]}
        fallback = args.name
        k8s.apiextensions.CustomResource(
            f"{name}-target-group-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            # Named after the target group, as InferenceService's binding: the controller's webhook refuses a
            # change of spec.targetGroupARN, so a replaced target group is a new binding.
            metadata={**meta, "name": pulumi.Output.from_input(args.aws_target_group_arn).apply(lambda arn: binding_name(fallback, arn))},
            spec=spec,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.binding_depends_on)),
        )

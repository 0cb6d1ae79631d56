"""Keda: the KEDA autoscaler in one cluster, so ``ScaledObject``s (blueprint.components.k8s.InferenceService
with ``traffic_scaling``) scale on the load balancer's request rate through the external metrics API.

Children (component named ``n``):
    ``n-namespace``               v1 Namespace ``keda`` (Pod Security ``restricted`` enforced: the chart's
                                  pods run as non-root, drop every capability, seccomp RuntimeDefault)
    ``n-critical-pods-quota``     v1 ResourceQuota: lets ``system-cluster-critical`` pods run in ``keda``
    ``n-release``                 helm.sh/v3 Release of chart ``keda`` (kedacore), pinned
    ``n-trigger-authentication``  keda.sh/v1alpha1 ClusterTriggerAuthentication ``aws`` or ``gcp``: the
                                  scalers authenticate as the KEDA operator's own cloud identity

Version: chart 2.20.2 ships KEDA 2.20.2 (kedacore/charts keda/Chart.yaml ``version: 2.20.2``,
``appVersion: 2.20.2``, ``kubeVersion: ">=v1.23.0-0"``), the newest release (kedacore/keda tags,
v2.20.2 the newest). KEDA 2.20 is tested on Kubernetes v1.33 - v1.35 (keda-docs
content/docs/2.20/operate/cluster.md "Kubernetes Compatibility"; https://keda.sh/docs/2.20/operate/cluster/),
which includes the clusters' 1.35 (blueprint.catalogs.kubernetes.KUBERNETES_VERSION).

High availability (https://keda.sh/docs/2.20/operate/cluster/#high-availability): the operator runs
2 replicas, one leader, the other on standby ("may reduce downtime during a failure"); the metrics
API server and the admission webhooks also run 2 (the chart's values.yaml: "You can run multiple
replicas ... it could only reduce downtime during a failover"). Each has a PodDisruptionBudget
(``minAvailable: 1``) and a zone spread. A KEDA outage never scales a service down: the
ScaledObject's fallback holds the replicas (InferenceService), and the HPA keeps its last count when
the external metric is missing.

Identity: ``podIdentity.provider`` ``aws`` (the operator's default AWS credential chain, which
includes EKS Pod Identity: kedacore/keda pkg/scalers/aws/aws_config_cache.go ``GetCredentials``
-> ``config.LoadDefaultConfig``; ``identityOwner: keda``, keda-docs 2.20
authentication-providers/aws.md) or ``gcp`` (GKE Workload Identity of the operator's service
account, keda-docs 2.20 authentication-providers/gcp-workload-identity.md). The cloud side grants
the ``keda/keda-operator`` service account its metric-read permissions and passes what the
operator must wait for (``depends_on``: the Pod Identity association) and the service account's
annotations (GKE: ``iam.gke.io/gcp-service-account``).

Priority: the KEDA pods run ``system-cluster-critical`` (they scale every served workload). GKE
limits that class to namespaces with a matching ResourceQuota (``gcp-critical-pods`` in
kube-system; Kubernetes "Limit Priority Class consumption by default",
https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default;
the error "insufficient quota to match these scopes" in open-policy-agent/gatekeeper#1120), so the
namespace gets one; on EKS it is a harmless cap.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_kubernetes as k8s
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._labels import check_dns_label
from .controller_release import RELEASE_TIMEOUT_S

KEDA_NAMESPACE = "keda"
KEDA_CHART = "keda"
KEDA_CHART_REPOSITORY = "https://kedacore.github.io/charts"
# kedacore/charts keda/Chart.yaml: version 2.20.2, appVersion 2.20.2 (tested on Kubernetes 1.33-1.35).
KEDA_CHART_VERSION = "2.20.2"
# The chart's default operator ServiceAccount (keda/values.yaml serviceAccount.operator.name); the
# cloud identities (Pod Identity association, Workload Identity binding) name keda/keda-operator.
KEDA_OPERATOR_SERVICE_ACCOUNT = "keda-operator"
# Pod selectors of the chart's Deployments (keda/templates/*/deployment.yaml: app: <operator.name>,
# <operator.name>-metrics-apiserver, <webhooks.name>).
KEDA_POD_SELECTORS = {
    "operator": {"app": "keda-operator"},
    "metricsServer": {"app": "keda-operator-metrics-apiserver"},
    "webhooks": {"app": "keda-admission-webhooks"},
}
KEDA_PRIORITY_CLASS = "system-cluster-critical"
# KEDA's production sizing (keda-docs 2.20 operate/cluster.md "Cluster Capacity"), for all three Deployments.
KEDA_RESOURCES = {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "1", "memory": "1000Mi"}}
# Pods the critical-pods quota admits: 3 Deployments x 2 replicas, each with a rolling-update surge,
# and room for a replica count raised to 4.
CRITICAL_PODS_QUOTA = 16
# podIdentity of the ClusterTriggerAuthentication by cloud (kedacore/keda apis/keda/v1alpha1/
# triggerauthentication_types.go: provider enum azure-workload;gcp;aws;aws-eks;none, identityOwner keda;workload).
# identityOwner keda (explicit, though the default): with 'workload' the resolver would take the role
# from the scaled pods' ServiceAccount annotation instead (pkg/scaling/resolver/scale_resolvers.go).
POD_IDENTITY: dict[str, dict[str, str]] = {
    "aws": {"provider": "aws", "identityOwner": "keda"},
    "gcp": {"provider": "gcp"},
}
KEDA_API_VERSION = "keda.sh/v1alpha1"
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


class KedaArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    identity: Literal["aws", "gcp"] = Field(description="Cloud identity the scalers use: the ClusterTriggerAuthentication's name and podIdentity.provider.")
    operator_service_account_annotations: dict[str, Any] = Field(
        default_factory=dict, description="Annotations (values str or Output) on the keda-operator ServiceAccount; GKE Workload "
                                          "Identity: {'iam.gke.io/gcp-service-account': <GSA email>}. Default {} (EKS Pod Identity needs none).")
    depends_on: list[Any] = Field(default_factory=list, description="What the release waits for (the Pod Identity association / IAM "
                                  "binding, so the operator starts with credentials). Default [].")
    chart_version: str = Field(default=KEDA_CHART_VERSION, description=f"Pinned chart version x.y.z; default {KEDA_CHART_VERSION}.")
    # HA default: 2 of each (module docstring); 1 would leave no operator or metrics API during a node drain.
    operator_replicas: int = Field(default=2, description="KEDA operator replicas (one leader); default 2, at least 2.")
    metrics_server_replicas: int = Field(default=2, description="KEDA metrics API server replicas; default 2, at least 2.")
    webhook_replicas: int = Field(default=2, description="KEDA admission webhook replicas; default 2, at least 2.")
    priority_class_name: str = Field(default=KEDA_PRIORITY_CLASS, description=f"PriorityClass of the KEDA pods; default {KEDA_PRIORITY_CLASS}.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on the objects this component creates.")

    @field_validator("chart_version")
    @classmethod
    def _version(cls, v: str) -> str:
        if not _SEMVER.match(v):
            raise ValueError(f"chart_version: {v!r} is not a pinned version x.y.z; default {KEDA_CHART_VERSION}")
        return v

    @field_validator("operator_replicas", "metrics_server_replicas", "webhook_replicas")
    @classmethod
    def _replicas(cls, v: int, info) -> int:
        if v < 2:
            raise ValueError(f"{info.field_name}: {v} leaves no replica during a node drain or zone loss; use 2 or more (default 2)")
        return v

    @field_validator("priority_class_name")
    @classmethod
    def _priority(cls, v: str) -> str:
        return check_dns_label("priority_class_name", v)


def _spread(selector: dict[str, str]) -> list[dict[str, Any]]:
    return [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": selector}}]


def keda_values(args: KedaArgs) -> dict[str, Any]:
    """The chart values (keys from kedacore/charts keda/values.yaml at 2.20.2)."""
    one_may_go = {"minAvailable": 1}
    return {
        "crds": {"install": True},
        "operator": {"replicaCount": args.operator_replicas},
        "metricsServer": {"enabled": True, "replicaCount": args.metrics_server_replicas},
        "webhooks": {"enabled": True, "replicaCount": args.webhook_replicas},
        "podDisruptionBudget": {"operator": one_may_go, "metricServer": one_may_go, "webhooks": one_may_go},
        "topologySpreadConstraints": {k: _spread(v) for k, v in KEDA_POD_SELECTORS.items()},
        "priorityClassName": args.priority_class_name,
        # The chart pins the image tag to its appVersion: a pinned tag, so nodes need not pull on every start.
        "image": {"pullPolicy": "IfNotPresent"},
        "resources": {"operator": KEDA_RESOURCES, "metricServer": KEDA_RESOURCES, "webhooks": KEDA_RESOURCES},
        "serviceAccount": {"operator": {"create": True, "name": KEDA_OPERATOR_SERVICE_ACCOUNT,
                                        "annotations": dict(args.operator_service_account_annotations)}},
    }


class Keda(pulumi.ComponentResource):
    """Namespace, critical-pods quota, the pinned KEDA chart and the cluster's ClusterTriggerAuthentication."""

    release: k8s.helm.v3.Release
    trigger_authentication_name: str
    namespace: str

    def __init__(self, name: str, args: KedaArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:k8s:Keda", name, None, opts)
        labels = {**args.labels, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "blueprint"}
        namespace = self._namespace(name, labels)
        ns = namespace.metadata.apply(lambda m: m.name)
        quota = self._critical_pods_quota(name, ns, labels, args.priority_class_name)
        self.release = k8s.helm.v3.Release(
            f"{name}-release",
            name=KEDA_CHART,
            chart=KEDA_CHART,
            version=args.chart_version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=KEDA_CHART_REPOSITORY),
            namespace=ns,
            values=keda_values(args),
            # Helm waits for the pods (and the webhook), so ScaledObjects come after a working KEDA.
            skip_await=False,
            timeout=RELEASE_TIMEOUT_S,
            atomic=True,
            cleanup_on_fail=True,
            max_history=5,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[quota, *args.depends_on]),
        )
        self.trigger_authentication_name = args.identity
        k8s.apiextensions.CustomResource(
            f"{name}-trigger-authentication",
            api_version=KEDA_API_VERSION,
            kind="ClusterTriggerAuthentication",
            metadata={"name": args.identity, "labels": labels},
            spec={"podIdentity": dict(POD_IDENTITY[args.identity])},
            # The chart installs the CRD.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.release]),
        )
        self.namespace = KEDA_NAMESPACE
        self.register_outputs({"trigger_authentication_name": self.trigger_authentication_name, "namespace": self.namespace})

    def _namespace(self, name: str, labels: dict[str, str]) -> k8s.core.v1.Namespace:
        ns_labels = {**labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
                     "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted"}
        return k8s.core.v1.Namespace(f"{name}-namespace", metadata={"name": KEDA_NAMESPACE, "labels": ns_labels},
                                     opts=pulumi.ResourceOptions(parent=self))

    def _critical_pods_quota(self, name: str, ns: Any, labels: dict[str, str], priority_class: str) -> k8s.core.v1.ResourceQuota:
        return k8s.core.v1.ResourceQuota(
            f"{name}-critical-pods-quota",
            metadata={"name": "critical-pods", "namespace": ns, "labels": labels},
            spec={"hard": {"pods": str(CRITICAL_PODS_QUOTA)},
                  "scopeSelector": {"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": [priority_class]}]}},
            opts=pulumi.ResourceOptions(parent=self),
        )

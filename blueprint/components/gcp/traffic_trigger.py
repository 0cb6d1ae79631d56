"""The request-rate signal of a served workload on GCP: a KEDA trigger on the global load balancer's
backend request count for this region's NEGs, and the KEDA operator's right to read it.

Metric: Cloud Monitoring ``loadbalancing.googleapis.com/https/backend_request_count`` (global external
Application Load Balancer, monitored resource ``https_lb_rule``; "The number of requests served by
backends"), filtered on the resource label ``backend_name`` = the region's NEG name (every zonal NEG of
the region has that name, ``blueprint.components.gcp.zonal_negs``; the zone is ``backend_scope``), summed over the
zones: the requests this region's pods got, whatever the other region does, and no dependency on the
global backend service. Google's metric list: https://cloud.google.com/load-balancing/docs/metrics
(https/backend_request_count, DELTA INT64, resource https_lb_rule; sampled every 60 s, and "after
sampling, data is not visible for up to 210 seconds").

Scaler: KEDA's ``prometheus`` scaler on Cloud Monitoring's PromQL API, not ``gcp-stackdriver``:
KEDA deprecated its MQL-based GCP scalers (gcp-stackdriver included) and names this one as the
migration path (keda-docs content/blog/2025-09-15-gcp-deprecations.md "Migrate Google Cloud Platform
Stackdriver"; kedacore/keda pkg/scalers/gcp_stackdriver_scaler.go marks ``filter`` deprecatedAnnounce).
Server address ``https://monitoring.googleapis.com/v1/projects/<project>/location/global/prometheus``,
GKE Workload Identity through a ClusterTriggerAuthentication with ``podIdentity.provider: gcp`` and no
other auth mode (keda-docs content/docs/2.20/scalers/prometheus.md "Google Managed Service for
Prometheus"; pkg/scalers/prometheus_scaler.go ``gcp.GetGCPOAuth2HTTPTransport`` with the
monitoring.read scope). Cloud Monitoring metrics are queried with PromQL's UTF-8 form, the dotted name
quoted inside the braces and the resource type as label ``monitored_resource`` (Cloud Monitoring
"PromQL for Cloud Monitoring", https://cloud.google.com/monitoring/promql; the blog's own example).

Unit conversion: ``rate(...[5m])`` is requests per second, summed over the region's zonal NEGs into one
series (the scaler refuses several: prometheus_scaler.go "returned multiple elements"). KEDA hands it
to the HPA as an AverageValue external metric, so ``threshold`` = requestsPerSecondPerPod and the HPA
sizes the workload to ``ceil(region rps / per-pod rps)`` pods. The 5-minute window is wider than the
metric's visibility delay plus one sample (210 s + 60 s): a shorter window can hold no visible point
yet and read as idle. The signal is therefore a moving average over the last few visible minutes.
No series (no traffic yet) reads 0 (``ignoreNullValues`` default true): an idle service falls to its
minimum; an API error stays an error, on which the ScaledObject's fallback holds the replicas.

Identity (:class:`KedaMonitoringReader`): a Google service account with ``roles/monitoring.viewer`` on
the project, impersonated by the Kubernetes service account ``keda/keda-operator`` through
``roles/iam.workloadIdentityUser`` for ``serviceAccount:<project>.svc.id.goog[keda/keda-operator]``
and the KSA annotation ``iam.gke.io/gcp-service-account`` (keda-docs content/docs/2.20/
authentication-providers/gcp-workload-identity.md "Steps to set up Workload Identity"; GkeCluster
enables the ``<project>.svc.id.goog`` pool).
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field

from blueprint.components.gcp._names import fit_name
from blueprint.components.k8s.keda import KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT
from blueprint.components.k8s.traffic_scaling import metadata_number

METRIC = "loadbalancing.googleapis.com/https/backend_request_count"
MONITORED_RESOURCE = "https_lb_rule"
RATE_WINDOW = "5m"
PROMQL_ENDPOINT = "https://monitoring.googleapis.com/v1/projects/{project}/location/global/prometheus"
# keda-docs 2.20 prometheus.md: "Assign the Monitoring Viewer role (roles/monitoring.viewer)".
MONITORING_ROLE = "roles/monitoring.viewer"
WORKLOAD_IDENTITY_ROLE = "roles/iam.workloadIdentityUser"
# GKE Workload Identity: the KSA annotation naming the Google service account it acts as.
WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account"
# Service account ids: 6..30 characters (blueprint/readiness/name_limits_gcp.py).
SERVICE_ACCOUNT_ID_MAX = 30


def request_rate_query(neg_name: str) -> str:
    """The region's backend requests per second, one series (see the module docstring)."""
    if not neg_name or '"' in neg_name or "\\" in neg_name:
        raise ValueError(f"neg_name: {neg_name!r} must be the region's NEG name (letters, digits, '-')")
    selector = f'"__name__"="{METRIC}","monitored_resource"="{MONITORED_RESOURCE}","backend_name"="{neg_name}"'
    return f"sum(rate({{{selector}}}[{RATE_WINDOW}]))"


class NegRequestRateTriggerArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: Any = Field(description="pulumi.Input[str]: the project whose Cloud Monitoring holds the load balancer's metrics.")
    neg_name: Any = Field(description="pulumi.Input[str]: the name of the region's zonal NEGs (ZonalNegs.neg_name).")
    requests_per_second_per_pod: float = Field(gt=0, le=10000, description="Sustained requests/s one pod serves at its latency target.")


def neg_request_rate_trigger(args: NegRequestRateTriggerArgs) -> dict[str, Any]:
    """The KEDA ``prometheus`` trigger (type and metadata; the component adds authenticationRef)."""
    return {
        "type": "prometheus",
        "metadata": {
            "serverAddress": pulumi.Output.from_input(args.project).apply(lambda p: PROMQL_ENDPOINT.format(project=p)),
            "query": pulumi.Output.from_input(args.neg_name).apply(request_rate_query),
            "threshold": metadata_number(args.requests_per_second_per_pod),
        },
    }


def keda_service_account_id(environment: str, region: str) -> str:
    """``keda-<env>-<region>``, hashed to fit 30 characters when longer."""
    return fit_name("keda", environment, region, max_length=SERVICE_ACCOUNT_ID_MAX)


class KedaMonitoringReaderArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    account_id: str = Field(min_length=6, max_length=SERVICE_ACCOUNT_ID_MAX, pattern=r"^[a-z]([-a-z0-9]*[a-z0-9])$",
                            description="Service account id (6..30), e.g. keda_service_account_id(env, region).")
    workload_pool: Any = Field(description="pulumi.Input[str]: the cluster's Workload Identity pool, '<project>.svc.id.goog'.")


class KedaMonitoringReader(pulumi.ComponentResource):
    """The KEDA operator's Google identity: service account ``n-sa``, its ``roles/monitoring.viewer`` on
    the project (``n-monitoring-viewer``), and ``roles/iam.workloadIdentityUser`` on it for
    ``keda/keda-operator`` (``n-workload-identity``). ``annotations``: for the operator's KSA;
    ``ready``: the two grants, for the KEDA release's ``depends_on``; ``project``: the project id."""

    email: pulumi.Output[str]
    project: pulumi.Output[str]
    annotations: dict[str, Any]
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: KedaMonitoringReaderArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:KedaMonitoringReader", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.project = gcp.organizations.get_project_output(opts=pulumi.InvokeOutputOptions(parent=self)).project_id
        account = gcp.serviceaccount.Account(
            f"{name}-sa", account_id=args.account_id, display_name="KEDA operator: reads load-balancer request rates",
            description="Workload Identity of keda/keda-operator; roles/monitoring.viewer only.", opts=child,
        )
        viewer = gcp.projects.IAMMember(f"{name}-monitoring-viewer", project=self.project, role=MONITORING_ROLE,
                                        member=account.member, opts=child)
        member = pulumi.Output.from_input(args.workload_pool).apply(
            lambda pool: f"serviceAccount:{pool}[{KEDA_NAMESPACE}/{KEDA_OPERATOR_SERVICE_ACCOUNT}]")
        impersonation = gcp.serviceaccount.IAMMember(f"{name}-workload-identity", service_account_id=account.name,
                                                     role=WORKLOAD_IDENTITY_ROLE, member=member, opts=child)
        self.email = account.email
        self.annotations = {WORKLOAD_IDENTITY_ANNOTATION: account.email}
        self.ready = [viewer, impersonation]
        self.register_outputs({"email": self.email})

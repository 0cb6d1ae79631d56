"""deploy-hpa-metrics: an HPA on resource metrics needs metrics-server in its EKS cluster; a KEDA
ScaledObject needs KEDA in its cluster.

A ``HorizontalPodAutoscaler`` whose metrics include a ``Resource`` or ``ContainerResource`` metric
(or that lists none: the default is 80% CPU) reads the resource metrics API
(``metrics.k8s.io``), which metrics-server serves. EKS does not install it: "The Kubernetes Metrics
Server is an aggregator of resource usage data in your cluster, and it isn't deployed by default in
Amazon EKS clusters" (EKS user guide, "View resource usage
with the Kubernetes Metrics Server", https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html),
and the HPA walkthrough starts by installing it (https://docs.aws.amazon.com/eks/latest/userguide/horizontal-pod-autoscaler.html).
Without it the HPA reports ``FailedGetResourceMetric`` and never scales.

What counts as present: an ``aws:eks/addon:Addon`` named ``metrics-server`` (the EKS community
add-on, https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html) on that cluster, or
a Helm release of chart ``metrics-server`` through a Kubernetes provider built from that cluster.
GKE runs metrics-server itself, so only EKS clusters are checked.

A KEDA ``ScaledObject`` (keda.sh/v1alpha1) needs KEDA in its cluster, EKS or GKE: the chart ``keda``
installs the ScaledObject CRD (``crds.install``) and serves the external metrics API
(``v1beta1.external.metrics.k8s.io``, ``metricsServer.enabled``) the HPA KEDA creates reads
(kedacore/charts keda/templates/crds, keda/templates/metrics-server/apiservice.yaml). Without the
release the object is refused (no CRD); with a release the ScaledObject does not wait for, Pulumi
may apply it before the CRD exists. Its ``cpu`` / ``memory`` triggers become ``Resource`` metrics of
that HPA (keda-docs 2.20 scalers/cpu.md), so on EKS they need metrics-server as above.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import EKS_CLUSTER, cluster_of, get, physical_cluster_name, waits_for
from blueprint.types import aws, k8s

CHECK_ID = "deploy-hpa-metrics"
HPA = k8s.HORIZONTAL_POD_AUTOSCALER
ADDON = aws.EKS_ADDON
HELM_TYPES = (k8s.HELM_RELEASE, k8s.HELM_CHART)
CHART = "metrics-server"
RESOURCE_METRICS = ("Resource", "ContainerResource")
SCALED_OBJECT = k8s.KEDA_SCALED_OBJECT
KEDA_CHART = "keda"
RESOURCE_TRIGGERS = ("cpu", "memory")
KEDA_SOURCE = ("kedacore/charts keda (templates/crds, templates/metrics-server/apiservice.yaml: the ScaledObject CRD and "
               "the external metrics API); https://keda.sh/docs/2.20/deploy/ (install KEDA before creating ScaledObjects)")
SOURCE = ("EKS user guide 'View resource usage with the Kubernetes Metrics Server' "
          "https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html (not deployed by default); "
          "https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html (add-on metrics-server)")


def reads_resource_metrics(hpa: PlannedResource) -> bool:
    metrics = (hpa.inputs.get("spec") or {}).get("metrics")
    if not metrics:
        return True  # autoscaling/v2 default: 80% average CPU utilisation
    return any(isinstance(m, dict) and m.get("type") in RESOURCE_METRICS for m in metrics)


def _is_chart(release: PlannedResource, name: str = CHART) -> bool:
    chart = str(release.inputs.get("chart") or "")
    return chart == name or chart.rstrip("/").endswith("/" + name)


def _same_region(a: PlannedResource, b: PlannedResource) -> bool:
    return not a.region or not b.region or a.region == b.region


def has_metrics_server(plan: Plan, cluster: PlannedResource) -> bool:
    name = physical_cluster_name(cluster)
    for addon in plan.of_type(ADDON):
        if addon.inputs.get("addonName") == CHART and _same_region(addon, cluster) and (
                addon.inputs.get("clusterName") == name or cluster.urn in addon.dependencies):
            return True
    for release in plan:
        if release.type in HELM_TYPES and _is_chart(release):
            found = cluster_of(plan, release, (EKS_CLUSTER,))
            if found is not None and found.urn == cluster.urn:
                return True
    return False


def _problem(hpa: PlannedResource, cluster: PlannedResource) -> ReadinessProblem:
    value: Any = {"cluster": physical_cluster_name(cluster), "metrics": (hpa.inputs.get("spec") or {}).get("metrics")}
    return ReadinessProblem(
        check=CHECK_ID, urn=hpa.urn, type=hpa.type, name=hpa.name, value=value,
        rule=(f"scales on resource metrics, but cluster {cluster.name!r} runs no metrics-server (EKS does not install "
              "it), so the HPA never gets a metric and never scales; add the EKS add-on 'metrics-server' or a Helm "
              "release of chart 'metrics-server' in that cluster"),
        source=SOURCE)


def reads_resource_triggers(scaled_object: PlannedResource) -> bool:
    triggers = (scaled_object.inputs.get("spec") or {}).get("triggers") or []
    return any(isinstance(t, dict) and t.get("type") in RESOURCE_TRIGGERS for t in triggers)


def keda_releases(plan: Plan, cluster: PlannedResource) -> list[PlannedResource]:
    """Helm releases of chart ``keda`` in ``cluster`` that install the CRDs and the external metrics API."""
    found = []
    for release in plan:
        if release.type not in HELM_TYPES or not _is_chart(release, KEDA_CHART):
            continue
        values = release.inputs.get("values") or {}
        if get(values, "crds.install") is False or get(values, "metricsServer.enabled") is False:
            continue
        where = cluster_of(plan, release)
        if where is not None and where.urn == cluster.urn:
            found.append(release)
    return found


def _keda_problem(so: PlannedResource, cluster: PlannedResource, rule: str) -> ReadinessProblem:
    value: Any = {"cluster": physical_cluster_name(cluster), "triggers": [t.get("type") for t in
                  (so.inputs.get("spec") or {}).get("triggers") or [] if isinstance(t, dict)]}
    return ReadinessProblem(check=CHECK_ID, urn=so.urn, type=so.type, name=so.name, value=value, rule=rule,
                            source=f"{KEDA_SOURCE}; {SOURCE}")


def check_scaled_objects(plan: Plan) -> Iterable[ReadinessProblem]:
    for so in plan.of_type(SCALED_OBJECT):
        cluster = cluster_of(plan, so)
        if cluster is None:
            continue  # a kubeconfig from outside the program
        releases = keda_releases(plan, cluster)
        if not releases:
            yield _keda_problem(so, cluster, (
                f"is a KEDA ScaledObject, but cluster {cluster.name!r} has no Helm release of chart 'keda' with its CRDs and "
                "metrics API server: the object is refused and nothing scales the Deployment; add blueprint.components.k8s.Keda"))
        elif not any(r.urn in waits_for(plan, so) for r in releases):
            yield _keda_problem(so, cluster, (
                f"does not wait for the KEDA release in cluster {cluster.name!r}: Pulumi may apply it before the ScaledObject CRD "
                "exists; pass the release in TrafficScaling.depends_on"))
        if cluster.type == EKS_CLUSTER and reads_resource_triggers(so) and not has_metrics_server(plan, cluster):
            yield _keda_problem(so, cluster, (
                f"has a cpu/memory trigger, but cluster {cluster.name!r} runs no metrics-server (EKS does not install it), so "
                "that trigger never gets a metric; add the EKS add-on 'metrics-server'"))


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    yield from check_scaled_objects(plan)
    verdicts: dict[str, bool] = {}
    for hpa in plan.of_type(HPA):
        if not reads_resource_metrics(hpa):
            continue
        cluster: Optional[PlannedResource] = cluster_of(plan, hpa, (EKS_CLUSTER,))
        if cluster is None:
            continue  # a GKE cluster (metrics-server built in) or a kubeconfig from outside the program
        if cluster.urn not in verdicts:
            verdicts[cluster.urn] = has_metrics_server(plan, cluster)
        if not verdicts[cluster.urn]:
            yield _problem(hpa, cluster)

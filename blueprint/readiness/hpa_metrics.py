"""deploy-hpa-metrics: an HPA on resource metrics needs metrics-server in its EKS cluster.

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
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import EKS_CLUSTER, cluster_of, physical_cluster_name

CHECK_ID = "deploy-hpa-metrics"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
ADDON = "aws:eks/addon:Addon"
HELM_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart")
CHART = "metrics-server"
RESOURCE_METRICS = ("Resource", "ContainerResource")
SOURCE = ("EKS user guide 'View resource usage with the Kubernetes Metrics Server' "
          "https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html (not deployed by default); "
          "https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html (add-on metrics-server)")


def reads_resource_metrics(hpa: PlannedResource) -> bool:
    metrics = (hpa.inputs.get("spec") or {}).get("metrics")
    if not metrics:
        return True  # autoscaling/v2 default: 80% average CPU utilisation
    return any(isinstance(m, dict) and m.get("type") in RESOURCE_METRICS for m in metrics)


def _is_chart(release: PlannedResource) -> bool:
    chart = str(release.inputs.get("chart") or "")
    return chart == CHART or chart.rstrip("/").endswith("/" + CHART)


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


def check(plan: Plan) -> Iterable[ReadinessProblem]:
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

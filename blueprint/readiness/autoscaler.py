"""deploy-node-autoscaler: a node group that hands its size to cluster-autoscaler needs one running.

An EKS managed node group tagged ``k8s.io/cluster-autoscaler/enabled: "true"`` is set up for
cluster-autoscaler's ASG auto-discovery, and blueprint then leaves ``scalingConfig.desiredSize``
to it (``ignore_changes``). Without a cluster-autoscaler in that cluster nothing ever changes the
size: a group with min size 0 never gets a node, and no group grows past its minimum.

What counts as present: a ``kubernetes:helm.sh/v3:Release`` (or ``helm.sh/v4:Chart``) of chart
``cluster-autoscaler`` on a Kubernetes provider built from that EKS cluster, with
``autoDiscovery.clusterName`` = the cluster's name (auto-discovery matches the ASG tags
``k8s.io/cluster-autoscaler/enabled`` and ``k8s.io/cluster-autoscaler/<clusterName>``), with
``cloudProvider`` aws (the chart default) and ``awsRegion`` = the cluster's region (the chart
default is us-east-1, so any other region must set it). Source: kubernetes/autoscaler
``charts/cluster-autoscaler/README.md`` ("AWS - Using auto-discovery of tagged instance groups":
set autoDiscovery.clusterName and awsRegion) and ``charts/cluster-autoscaler/values.yaml``
(``awsRegion: us-east-1``, ``cloudProvider: aws``).

Karpenter does not count: it launches its own nodes and never resizes managed node groups
(https://karpenter.sh/docs/getting-started/migrating-from-cas/ keeps a node group only for
Karpenter itself), so the tag's promise would still be unkept.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import cluster_of, physical_cluster_name
from blueprint.types import aws, k8s

CHECK_ID = "deploy-node-autoscaler"
NODE_GROUP = aws.EKS_NODE_GROUP
EKS_CLUSTER = aws.EKS_CLUSTER
HELM_TYPES = (k8s.HELM_RELEASE, k8s.HELM_CHART)
ENABLED_TAG = "k8s.io/cluster-autoscaler/enabled"
CHART = "cluster-autoscaler"
CHART_DEFAULT_REGION = "us-east-1"  # charts/cluster-autoscaler/values.yaml awsRegion
SOURCE = ("kubernetes/autoscaler charts/cluster-autoscaler/README.md (AWS auto-discovery: autoDiscovery.clusterName, "
          "awsRegion) and charts/cluster-autoscaler/values.yaml (awsRegion default us-east-1)")


def _is_chart(release: PlannedResource) -> bool:
    chart = str(release.inputs.get("chart") or "")
    return chart == CHART or chart.rstrip("/").endswith("/" + CHART)


def _autoscalers(plan: Plan) -> list[tuple[PlannedResource, PlannedResource]]:
    """(release, cluster it runs in) for every cluster-autoscaler release."""
    found = []
    for release in plan:
        if release.type in HELM_TYPES and _is_chart(release):
            cluster = cluster_of(plan, release, (EKS_CLUSTER,))
            if cluster is not None:
                found.append((release, cluster))
    return found


def _mismatch(release: PlannedResource, cluster_name: str, region: Optional[str]) -> dict[str, Any]:
    values = release.inputs.get("values") or {}
    wrong: dict[str, Any] = {}
    discovered = (values.get("autoDiscovery") or {}).get("clusterName")
    if discovered != cluster_name:
        wrong["autoDiscovery.clusterName"] = discovered
    if values.get("cloudProvider", "aws") != "aws":
        wrong["cloudProvider"] = values.get("cloudProvider")
    aws_region = values.get("awsRegion", CHART_DEFAULT_REGION)
    if region and aws_region != region:
        wrong["awsRegion"] = aws_region
    return wrong


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    autoscalers = _autoscalers(plan)
    for group in plan.of_type(NODE_GROUP):
        tags = group.inputs.get("tags") or {}
        if str(tags.get(ENABLED_TAG, "")).lower() != "true":
            continue
        cluster_name = group.inputs.get("clusterName")
        scaling = group.inputs.get("scalingConfig") or {}
        candidates = [(rel, cl) for rel, cl in autoscalers
                      if physical_cluster_name(cl) == cluster_name and (not group.region or cl.region in (None, group.region))]
        if any(not _mismatch(rel, cluster_name, group.region) for rel, _ in candidates):
            continue
        if candidates:
            release = candidates[0][0]
            rule = (f"claims cluster-autoscaler, but release {release.name!r} in cluster {cluster_name!r} would not "
                    f"manage it: {_mismatch(release, cluster_name, group.region)} must be autoDiscovery.clusterName="
                    f"{cluster_name!r}, cloudProvider='aws', awsRegion={group.region!r}")
        else:
            rule = (f"is tagged {ENABLED_TAG}=true (its size belongs to cluster-autoscaler) but no cluster-autoscaler "
                    f"release runs in cluster {cluster_name!r} ({group.region}); with minSize="
                    f"{scaling.get('minSize')} it stays at its minimum forever. Install chart {CHART!r} with "
                    f"autoDiscovery.clusterName={cluster_name!r} and awsRegion={group.region!r}")
        yield ReadinessProblem(check=CHECK_ID, urn=group.urn, type=group.type, name=group.name,
                               value={ENABLED_TAG: tags.get(ENABLED_TAG), "clusterName": cluster_name,
                                      "scalingConfig": scaling},
                               rule=rule, source=SOURCE)

"""Kubernetes manifests from planned pulumi-kubernetes resources, and the export directory."""

from __future__ import annotations

import json

import pytest
import yaml

from blueprint.export import INDEX_FILE, K8S_DIR, TFPLAN_FILE, export_plan, load_index
from blueprint.export.k8s import api_version_and_kind, kubernetes_manifests
from blueprint.plan.model import Plan, PlannedResource

STACK = "urn:pulumi:t::blueprint::pulumi:pulumi:Stack::blueprint-t"


def _resource(type_: str, name: str, inputs: dict) -> PlannedResource:
    return PlannedResource(urn=f"urn:pulumi:t::blueprint::{type_}::{name}", type=type_, name=name, parent=STACK, dependencies=[],
                           region="us-east-1", zone=None, workload="fraud-scoring", inputs=inputs)


DEPLOYMENT = _resource("kubernetes:apps/v1:Deployment", "fraud", {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "fraud", "namespace": "serving", "labels": {"app.kubernetes.io/name": "fraud"}},
    "spec": {"replicas": 3.0, "selector": {"matchLabels": {"app": "fraud"}},
             "template": {"metadata": {"labels": {"app": "fraud"}}, "spec": {"containers": [{"name": "fraud", "image": "registry.example.com/fraud:1.4.2"}]}}},
})
SERVICE = _resource("kubernetes:core/v1:Service", "fraud-svc", {
    "metadata": {"namespace": "serving"}, "spec": {"ports": [{"port": 80.0, "targetPort": 8080.0}], "selector": {"app": "fraud"}},
})
NAMESPACE = _resource("kubernetes:core/v1:Namespace", "serving", {"metadata": {"name": "serving"}})
HELM = _resource("kubernetes:helm.sh/v3:Release", "device-plugin", {"chart": "nvidia-device-plugin"})
VPC = _resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})


@pytest.mark.parametrize("token, expected", [
    ("kubernetes:apps/v1:Deployment", ("apps/v1", "Deployment")),
    ("kubernetes:core/v1:Service", ("v1", "Service")),
    ("kubernetes:policy/v1:PodDisruptionBudget", ("policy/v1", "PodDisruptionBudget")),
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", ("autoscaling/v2", "HorizontalPodAutoscaler")),
    ("kubernetes:helm.sh/v3:Release", None),
    ("kubernetes:yaml/v2:ConfigGroup", None),
])
def test_api_version_and_kind_from_the_type_token(token, expected):
    assert api_version_and_kind(token) == expected


def test_manifests_are_the_objects_with_whole_numbers():
    result = kubernetes_manifests(Plan(stack="t", cloud="aws", stack_urn=STACK, resources=[NAMESPACE, DEPLOYMENT, SERVICE, HELM, VPC]))
    by_kind = {m.document["kind"]: m for m in result.manifests}
    deployment = by_kind["Deployment"].document
    assert deployment["apiVersion"] == "apps/v1"
    assert deployment["metadata"]["namespace"] == "serving"
    assert deployment["spec"]["replicas"] == 3 and isinstance(deployment["spec"]["replicas"], int)
    service = by_kind["Service"].document
    assert service["apiVersion"] == "v1"  # kind and version from the token when the inputs omit them
    assert service["metadata"] == {"namespace": "serving", "name": "fraud-svc"}
    assert service["spec"]["ports"] == [{"port": 80, "targetPort": 8080}]
    assert by_kind["Deployment"].filename == "deployment-serving-fraud.yaml"
    assert by_kind["Namespace"].filename == "namespace-serving.yaml"  # cluster-scoped: no namespace part
    assert by_kind["Deployment"].urn == DEPLOYMENT.urn
    assert result.skipped == {"kubernetes:helm.sh/v3:Release": [HELM.urn]}


def test_export_writes_tfplan_manifests_and_the_index(tmp_path):
    plan = Plan(stack="t", cloud="aws", stack_urn=STACK, resources=[DEPLOYMENT, SERVICE, HELM, VPC])
    (tmp_path / K8S_DIR).mkdir()
    (tmp_path / K8S_DIR / "stale.yaml").write_text("kind: Old\n")
    result = export_plan(plan, tmp_path)
    assert sorted(p.name for p in (tmp_path / K8S_DIR).iterdir()) == ["deployment-serving-fraud.yaml", "service-serving-fraud-svc.yaml"]
    assert yaml.safe_load((tmp_path / K8S_DIR / "deployment-serving-fraud.yaml").read_text())["kind"] == "Deployment"
    tfplan = json.loads((tmp_path / TFPLAN_FILE).read_text())
    assert [r["address"] for r in tfplan["planned_values"]["root_module"]["resources"]] == ["aws_vpc.vpc"]
    index = load_index(tmp_path / INDEX_FILE)
    assert index["address_to_urn"] == {"aws_vpc.vpc": VPC.urn}
    assert index["manifest_to_urn"]["deployment-serving-fraud.yaml"] == DEPLOYMENT.urn
    assert index["skipped"] == {"kubernetes:helm.sh/v3:Release": [HELM.urn]}
    assert result.manifests == 2 and result.resources == 1
    lines = result.summary_lines()
    assert any("2 Kubernetes manifests" in line for line in lines)
    assert "skipped 1 resource(s) of type kubernetes:helm.sh/v3:Release: not a single Kubernetes object" in lines


def test_without_kubernetes_resources_the_directory_exists_empty_and_the_summary_says_so(tmp_path):
    result = export_plan(Plan(stack="t", cloud="aws", stack_urn=STACK, resources=[VPC]), tmp_path / "out")
    assert (tmp_path / "out" / K8S_DIR).is_dir()
    assert list((tmp_path / "out" / K8S_DIR).iterdir()) == []
    assert any("is empty: the plan has no Kubernetes resources" in line for line in result.summary_lines())
    assert "skipped types: none" in result.summary_lines()


def test_keda_custom_resources_render_with_their_own_api_version():
    from blueprint.export.k8s import CUSTOM_RESOURCE_API_VERSIONS

    so = _resource("kubernetes:keda.sh/v1alpha1:ScaledObject", "svc-scaled-object", {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": "fraud", "namespace": "fraud"},
        "spec": {"scaleTargetRef": {"name": "fraud"}, "minReplicaCount": 3.0, "maxReplicaCount": 12.0,
                 "triggers": [{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "50"}}]},
    })
    cta = _resource("kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication", "keda-trigger-authentication", {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ClusterTriggerAuthentication",
        "metadata": {"name": "aws"}, "spec": {"podIdentity": {"provider": "aws", "identityOwner": "keda"}},
    })
    result = kubernetes_manifests(Plan(stack="t", cloud="aws", stack_urn=STACK, resources=[so, cta]))
    by_kind = {m.document["kind"]: m for m in result.manifests}
    assert by_kind["ScaledObject"].filename == "scaledobject-fraud-fraud.yaml"
    assert by_kind["ScaledObject"].document["spec"]["minReplicaCount"] == 3  # whole numbers
    assert by_kind["ClusterTriggerAuthentication"].filename == "clustertriggerauthentication-aws.yaml"  # cluster-scoped
    assert {m.document["apiVersion"] for m in result.manifests} <= CUSTOM_RESOURCE_API_VERSIONS
    assert "keda.sh/v1alpha1" in CUSTOM_RESOURCE_API_VERSIONS and "elbv2.k8s.aws/v1beta1" in CUSTOM_RESOURCE_API_VERSIONS

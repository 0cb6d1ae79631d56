"""Keda: pinned chart, HA values, system priority with its quota, restricted namespace, the
ClusterTriggerAuthentication per cloud identity; validation."""

from __future__ import annotations

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.catalogs.kubernetes import KUBERNETES_VERSION
from blueprint.plan.engine import plan_program
from blueprint.components.k8s import Keda, KedaArgs, cluster_provider
from blueprint.components.k8s.keda import (
    KEDA_CHART_VERSION, KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT, KEDA_POD_SELECTORS, keda_values,
)

RELEASE = "kubernetes:helm.sh/v3:Release"
CTA = "kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication"


def _plan(**over):
    args = KedaArgs(**{"identity": "aws", **over})

    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        association = pulumi.CustomResource("test:index:PodIdentityAssociation", "association", {})
        Keda("keda", args.model_copy(update={"depends_on": [association]}) if not args.depends_on else args,
             pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def test_pinned_chart_from_kedacore_in_its_namespace(plan):
    (release,) = plan.of_type(RELEASE)
    inputs = release.inputs
    assert (inputs["chart"], inputs["version"], inputs["name"]) == ("keda", "2.20.2", "keda")
    assert inputs["repositoryOpts"]["repo"] == "https://kedacore.github.io/charts"
    assert inputs["namespace"] == KEDA_NAMESPACE == "keda"
    assert inputs["atomic"] is True and inputs.get("skipAwait") is not True
    # KEDA 2.20 is tested on Kubernetes 1.33-1.35 (keda-docs operate/cluster.md): the clusters run 1.35.
    assert KEDA_CHART_VERSION == "2.20.2" and KUBERNETES_VERSION == "1.35"


def test_release_waits_for_the_identity_and_the_quota(plan):
    (release,) = plan.of_type(RELEASE)
    assert plan.named("association").urn in release.dependencies
    assert plan.named("keda-critical-pods-quota").urn in release.dependencies


def test_ha_values_by_default(plan):
    values = plan.of_type(RELEASE)[0].inputs["values"]
    assert values["operator"]["replicaCount"] == 2
    assert values["metricsServer"] == {"enabled": True, "replicaCount": 2}
    assert values["webhooks"]["replicaCount"] == 2
    assert values["podDisruptionBudget"] == {k: {"minAvailable": 1} for k in ("operator", "metricServer", "webhooks")}
    for key, selector in KEDA_POD_SELECTORS.items():
        (spread,) = values["topologySpreadConstraints"][key]
        assert spread["topologyKey"] == "topology.kubernetes.io/zone" and spread["labelSelector"]["matchLabels"] == selector
    assert values["crds"]["install"] is True


def test_system_priority_with_a_quota_that_admits_it(plan):
    values = plan.of_type(RELEASE)[0].inputs["values"]
    assert values["priorityClassName"] == "system-cluster-critical"
    quota = plan.named("keda-critical-pods-quota").inputs
    assert quota["metadata"]["namespace"] == "keda"
    (expr,) = quota["spec"]["scopeSelector"]["matchExpressions"]
    assert expr == {"scopeName": "PriorityClass", "operator": "In", "values": ["system-cluster-critical"]}
    pods = int(quota["spec"]["hard"]["pods"])
    # every replica plus a rolling-update surge of each Deployment
    assert pods >= sum(values[k]["replicaCount"] + 1 for k in ("operator", "metricsServer", "webhooks"))


def test_namespace_is_restricted_and_resources_are_set(plan):
    labels = plan.named("keda-namespace").inputs["metadata"]["labels"]
    assert plan.named("keda-namespace").inputs["metadata"]["name"] == "keda"
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    values = plan.of_type(RELEASE)[0].inputs["values"]
    for key in ("operator", "metricServer", "webhooks"):
        assert values["resources"][key]["requests"] == {"cpu": "100m", "memory": "100Mi"}
        assert values["resources"][key]["limits"] == {"cpu": "1", "memory": "1000Mi"}


@pytest.mark.parametrize("identity, pod_identity", [
    ("aws", {"provider": "aws", "identityOwner": "keda"}),
    ("gcp", {"provider": "gcp"}),
])
def test_cluster_trigger_authentication_uses_the_operators_identity(identity, pod_identity):
    plan = _plan(identity=identity)
    (cta,) = plan.of_type(CTA)
    assert cta.inputs["apiVersion"] == "keda.sh/v1alpha1" and cta.inputs["kind"] == "ClusterTriggerAuthentication"
    assert cta.inputs["metadata"]["name"] == identity and "namespace" not in cta.inputs["metadata"]
    assert cta.inputs["spec"] == {"podIdentity": pod_identity}
    # The chart installs the CRD: the object waits for the release.
    assert plan.of_type(RELEASE)[0].urn in cta.dependencies


def test_outputs_are_plain_names():
    seen = {}

    def program():
        provider = cluster_provider("k8s", "x")
        keda = Keda("keda", KedaArgs(identity="gcp"), pulumi.ResourceOptions(providers=[provider]))
        seen.update(name=keda.trigger_authentication_name, release=keda.release, namespace=keda.namespace)

    plan_program(program, stack="test", config={"aws:region": "us-east-1"})
    assert seen["name"] == "gcp" and seen["namespace"] == "keda"
    assert seen["release"] is not None


def test_operator_service_account_annotations_for_workload_identity():
    email = "keda@acme-ml-prod.iam.gserviceaccount.com"
    values = keda_values(KedaArgs(identity="gcp", operator_service_account_annotations={"iam.gke.io/gcp-service-account": email}))
    sa = values["serviceAccount"]["operator"]
    assert sa == {"create": True, "name": KEDA_OPERATOR_SERVICE_ACCOUNT, "annotations": {"iam.gke.io/gcp-service-account": email}}
    assert KEDA_OPERATOR_SERVICE_ACCOUNT == "keda-operator"
    assert keda_values(KedaArgs(identity="aws"))["serviceAccount"]["operator"]["annotations"] == {}


def test_fails_single_replicas_and_unpinned_chart():
    for field in ("operator_replicas", "metrics_server_replicas", "webhook_replicas"):
        with pytest.raises(ValidationError, match=rf"{field}: 1 leaves no replica"):
            KedaArgs(identity="aws", **{field: 1})
    with pytest.raises(ValidationError, match="chart_version: '2.20' is not a pinned version"):
        KedaArgs(identity="aws", chart_version="2.20")


def test_fails_unknown_identity_and_bad_priority_class():
    with pytest.raises(ValidationError, match="identity"):
        KedaArgs(identity="azure")
    with pytest.raises(ValidationError, match="priority_class_name: 'System_Critical' is not a valid Kubernetes name"):
        KedaArgs(identity="aws", priority_class_name="System_Critical")


def test_built_in_objects_are_valid_for_kubernetes_1_35(tmp_path):
    import kubernetes_validate

    from blueprint.export.k8s import CUSTOM_RESOURCE_API_VERSIONS, kubernetes_manifests

    docs = [m.document for m in kubernetes_manifests(_plan()).manifests]
    assert {d["kind"] for d in docs} == {"Namespace", "ResourceQuota", "ClusterTriggerAuthentication"}
    for doc in docs:
        if doc["apiVersion"] not in CUSTOM_RESOURCE_API_VERSIONS:
            kubernetes_validate.validate(doc, "1.35.0", strict=True)

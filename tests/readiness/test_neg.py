"""deploy-neg-description: pre-created custom-named NEGs carry the description GKE's NEG controller verifies."""

from __future__ import annotations

import json

import pytest

from blueprint.readiness import neg
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

NEG = "gcp:compute/networkEndpointGroup:NetworkEndpointGroup"
NETWORK = "projects/acme/global/networks/vpc"
SUBNET = "projects/acme/regions/europe-west4/subnetworks/sub"
GOOD = json.dumps({"cluster-uid": "0f0c5bb5-1111-2222-3333-444455556666", "namespace": "shop",
                   "service-name": "api", "port": "8080"})


def _plan(description, *, service_port="8080", network=NETWORK, neg_name="prod-api-europe-west4"):
    cluster = resource("gke", "gcp:container/cluster:Cluster", {"network": NETWORK, "subnetwork": SUBNET},
                       region="europe-west4")
    provider = resource("k8s", "pulumi:providers:kubernetes", {}, dependencies=[cluster.urn], region="europe-west4")
    annotation = json.dumps({"exposed_ports": {service_port: {"name": "prod-api-europe-west4"}}})
    service = resource("svc", "kubernetes:core/v1:Service",
                       {"metadata": {"name": "api", "namespace": "shop", "annotations": {"cloud.google.com/neg": annotation}}},
                       provider=provider.urn, region="europe-west4")
    inputs = {"name": neg_name, "zone": "europe-west4-a", "network": f"https://www.googleapis.com/compute/v1/{network}",
              "subnetwork": SUBNET, "networkEndpointType": "GCE_VM_IP_PORT"}
    if description is not None:
        inputs["description"] = description
    group = resource("neg-a", NEG, inputs, region="europe-west4")
    service.dependencies.append(group.urn)
    return plan_of(cluster, provider, service, group), group


def test_passes_with_the_description_the_controller_expects():
    plan, _ = _plan(GOOD)
    assert list(neg.check(plan)) == []


def test_passes_with_a_non_json_description_the_controller_accepts_as_is():
    plan, _ = _plan("managed by pulumi")
    assert list(neg.check(plan)) == []


@pytest.mark.parametrize("description", [None, ""])
def test_fails_with_an_empty_description(description):
    plan, group = _plan(description)
    [problem] = neg.check(plan)
    assert problem.urn == group.urn and problem.name == "neg-a"
    assert "empty description" in problem.rule and "shop/api" in problem.rule
    assert "ingress-gce" in problem.source and "ensureNetworkEndpointGroup" in problem.source


@pytest.mark.parametrize("field, value", [("namespace", "default"), ("service-name", "web"), ("port", "80")])
def test_fails_with_a_description_naming_another_service(field, value):
    plan, group = _plan(json.dumps({**json.loads(GOOD), field: value}))
    [problem] = neg.check(plan)
    assert problem.urn == group.urn and f"'{field}': '{value}'" in problem.rule


def test_fails_with_a_json_description_without_cluster_uid():
    plan, _ = _plan(json.dumps({"namespace": "shop", "service-name": "api", "port": "8080"}))
    [problem] = neg.check(plan)
    assert "cluster-uid" in problem.rule


def test_fails_when_the_neg_is_in_another_network_than_the_cluster():
    plan, group = _plan(GOOD, network="projects/acme/global/networks/other")
    [problem] = neg.check(plan)
    assert problem.urn == group.urn and "network" in problem.value and "re-creates" in problem.rule


def test_fails_when_the_service_does_not_wait_for_its_negs():
    plan, group = _plan(GOOD)
    service = plan.named("svc")
    service.dependencies.remove(group.urn)
    [problem] = neg.check(plan)
    assert problem.urn == service.urn and problem.value == "prod-api-europe-west4"
    assert "does not depend on it" in problem.rule


def test_ignores_negs_no_service_names():
    plan, _ = _plan(None, neg_name="standalone-endpoints")
    assert list(neg.check(plan)) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_negs_are_adoptable(shipped_plan, stack):
    assert [p.message for p in neg.check(shipped_plan(stack))] == []


def test_refuses_gcp_prod_with_a_neg_description_dropped(shipped_plan):
    plan = shipped_plan("gcp-prod")
    group = plan.of_type(NEG)[0]
    group.inputs.pop("description", None)
    problems = [p for p in neg.check(plan) if p.urn == group.urn]
    assert len(problems) == 1 and problems[0].name == group.name and "empty description" in problems[0].rule


def test_refuses_gcp_prod_with_a_service_that_does_not_wait_for_its_negs(shipped_plan):
    plan = shipped_plan("gcp-prod")
    service = next(s for s in plan.of_type("kubernetes:core/v1:Service")
                   if "cloud.google.com/neg" in (s.inputs["metadata"].get("annotations") or {}))
    service.dependencies = [d for d in service.dependencies if "networkEndpointGroup" not in d]
    problems = [p for p in neg.check(plan) if p.urn == service.urn]
    assert problems and all(p.name == service.name and "does not depend on it" in p.rule for p in problems)

"""Degraded serving on GCP (issue 18): the fallback NEGs join the workload's global backend service as
DEFAULT backends at capacity 1.0 behind the PREFERRED GPU NEGs, in every role (a pilot light's too), with
the service load balancing policy attached; the composer plans them beside the InferenceService."""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml

from blueprint.components.gcp.load_balancer import FALLBACK_CAPACITY, FALLBACK_PREFERENCE, GlobalLoadBalancer, NegBackend
from blueprint.plan.engine import plan_program
from tests.components.gcp.test_load_balancer import CONFIG, STANDBY_NEGS, _args
from tests.conftest import GCP_US_STACK, write_stack

PRIMARY = [f"https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/europe-west4-{z}/networkEndpointGroups/fs" for z in "abc"]
FALLBACK_PRIMARY = [n.replace("/fs", "/fs-fallback") for n in PRIMARY]
FALLBACK_STANDBY = [n.replace("fraud-scoring", "fraud-scoring-fallback") for n in STANDBY_NEGS]


def _lb_plan(standby_role: str):
    backends = [NegBackend(region="europe-west4", role="primary", neg_ids=PRIMARY, fallback_neg_ids=FALLBACK_PRIMARY),
                NegBackend(region="europe-west1", role=standby_role, neg_ids=STANDBY_NEGS, fallback_neg_ids=FALLBACK_STANDBY)]

    def program():
        GlobalLoadBalancer("fs", _args(PRIMARY, backends=backends))

    return plan_program(program, stack="test", config=CONFIG)


@pytest.mark.parametrize("role", ["warm", "pilot"])
def test_fallback_negs_are_default_backends_behind_the_gpu_negs(role):
    backend = _lb_plan(role).named("fs-backend").inputs
    by_group = {b["group"]: b for b in backend["backends"]}
    for neg in PRIMARY:
        assert (by_group[neg]["preference"], by_group[neg]["capacityScaler"]) == ("PREFERRED", 1.0)
    for neg in FALLBACK_PRIMARY + FALLBACK_STANDBY:
        # Pilot light included: its GPU NEGs stay drained, its fallback pods answer at once.
        assert (by_group[neg]["preference"], by_group[neg]["capacityScaler"]) == (FALLBACK_PREFERENCE, FALLBACK_CAPACITY) == ("DEFAULT", 1.0)
        assert by_group[neg]["description"].endswith("fallback)")
    assert by_group[STANDBY_NEGS[0]]["capacityScaler"] == (0.0 if role == "pilot" else 1.0)
    # The preferences act through the service load balancing policy of the global external ALB.
    assert backend["loadBalancingScheme"] == "EXTERNAL_MANAGED"
    assert backend["serviceLbPolicy"].startswith("//networkservices.googleapis.com/")


def test_no_fallback_leaves_the_backends_as_before():
    backend = _args(PRIMARY).backends[0]
    assert backend.fallback_neg_ids == []


@pytest.fixture(scope="module")
def stack_plan(tmp_path_factory):
    from blueprint.plan.run import plan_stack
    from blueprint.project import StackRef
    from tests.conftest import ROOT

    raw = copy.deepcopy(GCP_US_STACK)
    raw["workloads"] = [raw["workloads"][1]]  # business-critical: warm standby
    raw["workloads"][0]["service"]["requestsPerSecondPerPod"] = 8
    raw["workloads"][0]["service"]["fallback"] = {"image": "us-docker.pkg.dev/acme/serving/cpu@sha256:" + "b" * 64, "cpu": "1",
                                                  "requestsPerSecondPerPod": 2}
    path = write_stack(tmp_path_factory.mktemp("fb"), raw, "fb")
    return plan_stack(ROOT, StackRef("fb", path))


def test_composer_plans_fallback_negs_and_service_in_both_regions(stack_plan):
    deployments = [r for r in stack_plan.of_type("kubernetes:apps/v1:Deployment") if r.name.endswith("-fallback-deployment")]
    assert sorted(r.region for r in deployments) == ["us-central1", "us-east4"]
    for d in deployments:
        pod = d.inputs["spec"]["template"]["spec"]
        assert pod["nodeSelector"] == {"blueprint.dev/pool": "system"}  # GkeCluster's system pool label
        assert pod["containers"][0]["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
        assert d.inputs["metadata"]["namespace"] == "business-critical-app"
    hpa = next(r for r in stack_plan.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
               if r.name == "business-critical-app-us-east4-fallback-hpa")
    assert hpa.inputs["spec"]["minReplicas"] == 3  # replicasPerZone 1 x 3 zones, in the warm standby too


def test_composer_routes_the_fallback_negs_the_services_name(stack_plan):
    services = {r.region: r for r in stack_plan.of_type("kubernetes:core/v1:Service") if r.name.endswith("-fallback-service")}
    negs = [r for r in stack_plan.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup") if "-fallback-negs-" in r.name]
    assert len(negs) == 6
    for neg in negs:
        annotation = json.loads(services[neg.region].inputs["metadata"]["annotations"]["cloud.google.com/neg"])
        assert annotation["exposed_ports"]["8080"]["name"] == neg.inputs["name"]
        assert json.loads(neg.inputs["description"])["service-name"] == "business-critical-app-fallback"
    (backend,) = stack_plan.of_type("gcp:compute/backendService:BackendService")
    fallback = [b for b in backend.inputs["backends"] if "fallback" in b["description"]]
    assert len(fallback) == 6 and {b["preference"] for b in fallback} == {"DEFAULT"}
    assert {b["preference"] for b in backend.inputs["backends"] if b not in fallback} == {"PREFERRED", "DEFAULT"}


def test_firewall_opens_a_fallback_port_that_differs_from_the_service_port():
    def program():
        GlobalLoadBalancer("fs", _args(PRIMARY, fallback_port=9090, health_check_network="projects/acme-ml-prod/global/networks/main"))

    firewall = plan_program(program, stack="test", config=CONFIG).named("fs-allow-health-checks").inputs
    assert firewall["allows"] == [{"protocol": "tcp", "ports": ["8080", "9090"]}]


def test_gpu_and_fallback_backends_each_get_their_pods_rate(stack_plan):
    """A GPU pod's capacity is service.requestsPerSecondPerPod (8), a fallback pod's its own (2): not the
    load balancer's 100/s default for both, which let the PREFERRED GPU backends look free far above what their
    pods serve and sent the fallback a GPU pod's share."""
    (backend,) = stack_plan.of_type("gcp:compute/backendService:BackendService")
    fallback = [b for b in backend.inputs["backends"] if "fallback" in b["description"]]
    gpu = [b for b in backend.inputs["backends"] if b not in fallback]
    assert {b["maxRatePerEndpoint"] for b in gpu} == {8.0}
    assert {b["maxRatePerEndpoint"] for b in fallback} == {2.0}


def test_fallback_rate_default_is_documented():
    from blueprint.components.gcp.load_balancer import GlobalLoadBalancerArgs

    assert GlobalLoadBalancerArgs.model_fields["fallback_max_rate_per_endpoint"].default == 1.0
    assert GlobalLoadBalancerArgs.model_fields["max_rate_per_endpoint"].default == 100.0
    with pytest.raises(ValueError, match="fallback_max_rate_per_endpoint"):
        _args(PRIMARY, fallback_max_rate_per_endpoint=0)


def _traffic_step(source: str) -> tuple[str, list]:
    """The standby pattern and the assignments of the workflow's traffic step."""
    program = yaml.safe_load(source)
    text = json.dumps(program)
    pattern = json.loads('"' + re.search(r'text.match_regex\(backend.group, \\"(.*?)\\"\)', text).group(1) + '"')
    assigns = re.search(r'"traffic_raise": \{"assign": (\[.*?\])\}', text).group(1)
    return pattern, json.loads(assigns)


def test_warm_standby_workflow_promotes_its_gpu_negs_not_its_fallback(stack_plan):
    """After a failover the standby's GPU NEGs become PREFERRED (a serving region's), so its fallback, DEFAULT,
    takes only what they cannot; left DEFAULT beside the fallback they would share requests in proportion to
    capacity until `blueprint rebuild`. The step sends the whole backends list (JSON merge patch) with only
    the standby's GPU NEGs changed."""
    (workflow,) = stack_plan.of_type("gcp:workflows/workflow:Workflow")
    assert "traffic" in workflow.inputs["labels"]["blueprint-failover-steps"]
    pattern, assigns = _traffic_step(workflow.inputs["sourceContents"])
    assert {"scaled.preference": "PREFERRED"} in assigns and {"scaled.capacityScaler": 1} in assigns
    negs = stack_plan.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup")
    for neg in negs:
        url = f"https://www.googleapis.com/compute/v1/projects/p/zones/{neg.inputs['zone']}/networkEndpointGroups/{neg.inputs['name']}"
        promoted = re.search(pattern, url) is not None
        assert promoted == (neg.region == "us-east4" and "-fallback-negs-" not in neg.name), neg.name
    body = yaml.safe_load(workflow.inputs["sourceContents"])
    assert '"backends": "${traffic_backends}"' in json.dumps(body)


def test_traffic_step_source_matches_the_named_gpu_negs_only():
    from blueprint.components.gcp._failover_source import failover_source
    from blueprint.components.gcp.failover_workflow import TrafficFailover

    spec = {"project": "p", "workload": "fs", "region": "europe-west1", "approval": "automatic", "approval_timeout_s": 60,
            "rto_s": 900, "trigger_policies": ["x"],
            "traffic": {"backend_service": "fs-backend", "zones": ["europe-west1-b"], "neg_name": "prod-fs-europe-west1-1a2b"}}
    pattern, assigns = _traffic_step(failover_source(spec))
    base = "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/networkEndpointGroups/"
    assert re.search(pattern, base + "prod-fs-europe-west1-1a2b")
    assert not re.search(pattern, base + "prod-fs-fallback-europe-west1-1a2b")
    assert assigns == [{"scaled.capacityScaler": 1}, {"scaled.preference": "PREFERRED"}]
    with pytest.raises(ValueError, match="neg_name"):
        TrafficFailover(backend_service_name="b", zones=("europe-west1-b",), neg_name="a.*")

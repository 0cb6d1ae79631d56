"""Degraded serving on AWS (issue 18, service.fallback) through the composer: per region where the
footprint runs the fallback, a second load balancer with the GPU one's secure settings and certificate,
the FallbackService bound to its target group, and DnsFailover's weighted records (GPU 255, fallback 0);
a workload without a fallback plans exactly as before; the AWS facts report the routed fallback regions."""

from __future__ import annotations

import copy

import pytest

from blueprint.analysis.aws_facts import extract
from blueprint.plan.model import Plan
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.components.aws.workload_region import WorkloadRegionArgs
from tests.conftest import ROOT, write_stack

DIGEST = "@sha256:" + "a" * 64
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
# The fallback image names one of the workload's images: each region pulls it from its own repository.
FALLBACK = {"image": "recs-cpu:2.0.1", "replicasPerZone": 1, "cpu": "500m", "memory": "2Gi", "readinessPath": "/cpu-ready"}


def _workload(name: str, tier: str, fallback: bool) -> dict:
    service = {"image": f"registry.example.com/{name}{DIGEST}", "port": 8080, "readinessPath": "/ready",
               "livenessPath": "/healthz", "replicasPerZone": 1}
    if fallback:
        service["fallback"] = dict(FALLBACK)
    return {"name": name, "tier": tier, "service": service,
            "gpu": {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 4, "capacity": "on-demand"}}


STACK = {
    "aws:region": PRIMARY, "cloud": "aws", "environment": "prod", "residency": "us", "primaryRegion": PRIMARY,
    "secondaryRegion": SECONDARY, "zonesPerRegion": 3, "dnsZone": "ml.example.com", "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [{**_workload("recs", "business-critical", True), "images": ["recs-cpu"]},
                  _workload("scoring", "business-critical", False)],
}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    without = copy.deepcopy(STACK)
    del without["workloads"][0]["service"]["fallback"]
    found = {}
    for key, config in (("with", STACK), ("without", without)):
        path = write_stack(tmp_path_factory.mktemp(key), config, name="prod")
        found[key] = plan_stack(ROOT, StackRef("prod", path))
    return found


@pytest.fixture(scope="module")
def plan(plans):
    return plans["with"]


def _named(plan, name: str):
    return plan.named(name)


@pytest.mark.parametrize("region", [PRIMARY, SECONDARY])
def test_fallback_load_balancer_keeps_the_gpu_ones_secure_settings_and_certificate(plan, region):
    gpu, fb = _named(plan, f"recs-{region}-lb-alb").inputs, _named(plan, f"recs-{region}-fallback-lb-alb").inputs
    for key in ("internal", "subnets", "dropInvalidHeaderFields", "desyncMitigationMode", "enableDeletionProtection",
                "enableZonalShift", "loadBalancerType"):
        assert fb[key] == gpu[key], key
    assert fb["accessLogs"]["enabled"] is True and fb["accessLogs"]["bucket"] == gpu["accessLogs"]["bucket"]
    assert fb["accessLogs"]["prefix"] == "recs-fallback" and len(fb["name"]) <= 32 and fb["name"] != gpu["name"]
    https_gpu, https_fb = _named(plan, f"recs-{region}-lb-https").inputs, _named(plan, f"recs-{region}-fallback-lb-https").inputs
    assert https_fb["protocol"] == "HTTPS" and https_fb["sslPolicy"] == https_gpu["sslPolicy"]
    assert https_fb["certificateArn"] == https_gpu["certificateArn"]  # one certificate per name and region
    assert _named(plan, f"recs-{region}-fallback-lb-http").inputs["defaultActions"][0]["type"] == "redirect"
    assert _named(plan, f"recs-{region}-fallback-lb-waf").inputs["webAclArn"] == _named(plan, f"recs-{region}-lb-waf").inputs["webAclArn"]
    assert not [r for r in plan.resources if r.name.startswith(f"recs-{region}-fallback-lb-cert")]


@pytest.mark.parametrize("region", [PRIMARY, SECONDARY])
def test_fallback_pods_are_bound_to_the_fallback_target_group_on_system_nodes(plan, region):
    tg = _named(plan, f"recs-{region}-fallback-lb-tg")
    assert tg.inputs["healthCheck"]["path"] == "/cpu-ready" and tg.inputs["targetType"] == "ip"
    binding = _named(plan, f"recs-{region}-fallback-target-group-binding").inputs["spec"]
    assert binding["targetGroupARN"] == tg.id
    pod = _named(plan, f"recs-{region}-fallback-deployment").inputs["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"blueprint.dev/node-role": "system"}
    repository = f"123456789012.dkr.ecr.{region}.amazonaws.com/prod/recs/recs-cpu:2.0.1"
    assert pod["containers"][0]["image"] == repository
    assert WorkloadRegionArgs.model_fields["fallback_image"].default is None  # default: the configured image


def test_dns_gpu_weight_255_fallback_weight_0_and_routed_records_alias_them(plan):
    for region in (PRIMARY, SECONDARY):
        gpu, fb = _named(plan, f"recs-dns-{region}-gpu-record"), _named(plan, f"recs-dns-{region}-fallback-record")
        assert gpu.inputs["weightedRoutingPolicies"] == [{"weight": 255}] and fb.inputs["weightedRoutingPolicies"] == [{"weight": 0}]
        assert fb.inputs["aliases"][0]["name"] == _named(plan, f"recs-{region}-fallback-lb-alb").outputs["dnsName"]
        assert fb.inputs["healthCheckId"] == _named(plan, f"recs-dns-{region}-fallback-health-check").id
        assert _named(plan, f"recs-dns-{region}-fallback-health-check").inputs["resourcePath"] == "/cpu-ready"
        routed = _named(plan, f"recs-dns-{region}-record")
        assert routed.inputs["aliases"][0]["name"] == f"{region}.recs.ml.example.com"
        # The warm standby's Region switch plan gates both regions: its check sits on the routed record.
        assert routed.inputs["healthCheckId"] not in {c.id for c in plan.of_type("aws:route53/healthCheck:HealthCheck")}
        assert f"recs-dns-{region}-serving-check" not in {r.name for r in plan.resources}


def test_a_workload_without_fallback_plans_exactly_as_before(plans):
    def of(plan, workload):
        return {r.name: (r.type, r.inputs) for r in plan.resources if r.workload == workload}

    assert of(plans["with"], "scoring") == of(plans["without"], "scoring")
    fallback_only = set(of(plans["with"], "recs")) - set(of(plans["without"], "recs"))
    assert fallback_only and all("fallback" in n or n.endswith("-gpu-record") for n in fallback_only)
    assert not [r for r in plans["without"].resources if "fallback" in r.name]


def test_aws_facts_count_the_routed_fallback_regions(plans):
    facts = {w.name: w for w in extract(plans["with"]).workloads}
    recs = facts["recs"]
    assert recs.fallback_regions == (PRIMARY, SECONDARY) and recs.fallback_unrouted == ()
    assert "weight 0" in recs.fallback_source and "TargetGroupBinding" in recs.fallback_source
    # AWS's fallback answers only while the region's GPU endpoint is down, never as overflow.
    assert recs.fallback_trigger == "gpu-endpoint-down"
    # The fallback load balancers are not GPU serving; detection stays on the GPU endpoint checks.
    assert sorted(b.region for b in recs.balancers) == [PRIMARY, SECONDARY]
    assert {p.urn.rsplit("::", 1)[1] for p in recs.routing.probes} == {f"recs-dns-{r}-health-check" for r in (PRIMARY, SECONDARY)}
    assert recs.routing.policy == "failover" and recs.routing.controlled is True
    assert sorted(recs.routing.regions) == [PRIMARY, SECONDARY]
    assert facts["scoring"].fallback_regions == ()
    without = {w.name: w for w in extract(plans["without"]).workloads}["recs"]
    assert (without.routing.policy, sorted(without.routing.regions), without.routing.controlled) == (
        recs.routing.policy, sorted(recs.routing.regions), recs.routing.controlled)


@pytest.mark.parametrize("missing", ["recs-dns-us-west-2-fallback-record", "recs-dns-us-west-2-fallback-health-check",
                                     "recs-us-west-2-fallback-target-group-binding", "recs-us-west-2-fallback-lb-https"])
def test_a_region_counts_only_with_its_whole_fallback_path(plans, missing):
    data = plans["with"].to_json()
    data["resources"] = [r for r in data["resources"] if not r["urn"].endswith(f"::{missing}")]
    recs = {w.name: w for w in extract(Plan.from_json(data)).workloads}["recs"]
    assert recs.fallback_regions == (PRIMARY,) and recs.fallback_unrouted == (SECONDARY,)


def test_with_a_fallback_only_the_routed_records_change_and_the_serving_checks_go(plans):
    def of(plan):
        return {r.name: r.inputs for r in plan.resources if r.workload == "recs"}

    with_, without = of(plans["with"]), of(plans["without"])
    changed = {n for n in set(with_) & set(without) if with_[n] != without[n]}
    # ... and the failover probe, which also probes the fallback load balancers (review finding 1).
    assert changed == {f"recs-dns-{r}-record" for r in (PRIMARY, SECONDARY)} | {f"recs-probe-{PRIMARY}-function"}
    assert set(without) - set(with_) == {f"recs-dns-{r}-serving-check" for r in (PRIMARY, SECONDARY)}


def test_the_failover_probe_counts_a_region_up_while_its_fallback_answers(plan):
    # Review finding 1: losing only the GPU side of us-east-1 (DNS serves its fallback) is no region loss.
    env = _named(plan, f"recs-probe-{PRIMARY}-function").inputs["environment"]["variables"]
    assert env["TARGET_FALLBACK_HOST"] == _named(plan, f"recs-{PRIMARY}-fallback-lb-alb").outputs["dnsName"]
    assert env["SELF_FALLBACK_HOST"] == _named(plan, f"recs-{SECONDARY}-fallback-lb-alb").outputs["dnsName"]
    assert env["FALLBACK_PATH"] == "/cpu-ready" and env["PATH_TO_PROBE"] == "/ready"


def test_a_weight_0_record_counts_only_when_the_routed_record_aliases_its_name(plans):
    # Review finding 6: the weight-0 record must be the one the routed record at the workload's name aliases
    # (<region>.<record_name>, same zone), not any weight-0 record pointing at the fallback load balancer.
    data = plans["with"].to_json()
    for r in data["resources"]:
        if r["urn"].endswith(f"::recs-dns-{SECONDARY}-fallback-record") or r["urn"].endswith(f"::recs-dns-{SECONDARY}-gpu-record"):
            r["inputs"]["name"] = f"elsewhere.{SECONDARY}.recs.ml.example.com"
    recs = {w.name: w for w in extract(Plan.from_json(data)).workloads}["recs"]
    assert recs.fallback_regions == (PRIMARY,) and recs.fallback_unrouted == (SECONDARY,)
    data = plans["with"].to_json()
    for r in data["resources"]:
        if r["urn"].endswith(f"::recs-dns-{SECONDARY}-fallback-record"):
            r["inputs"]["zoneId"] = "ZOTHERZONE"
    recs = {w.name: w for w in extract(Plan.from_json(data)).workloads}["recs"]
    assert recs.fallback_regions == (PRIMARY,)


def test_no_load_balancer_controller_no_fallback_load_balancer(tmp_path, monkeypatch):
    # Review finding 7: without the controller no TargetGroupBinding registers the fallback pods, so a fallback
    # load balancer (with its check and weight-0 record) would be permanently unhealthy: none is built.
    from blueprint.components.aws import regional_platform

    monkeypatch.setattr(regional_platform, "LoadBalancerController", lambda *a, **k: None)
    plan = plan_stack(ROOT, StackRef("prod", write_stack(tmp_path, STACK, name="prod")))
    names = {r.name for r in plan.resources}
    assert not {n for n in names if "fallback" in n}
    assert {f"recs-{r}-lb-alb" for r in (PRIMARY, SECONDARY)} <= names

"""LoadBalancer: ELBv2 names fit 32 characters (issue 13 finding 1). Autonamed, the load balancer of
the `recommendations-us-east-1` workload region was `recommendations-us-east-1-lb-alb-<7 random>`:
40 characters, which ELBv2 refuses (terraform-provider-aws internal/service/elbv2 validName)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from blueprint.catalogs.tiers import probe_spec
from blueprint.plan.engine import plan_program
from blueprint.readiness.names import check
from blueprint.readiness.name_limits_aws import AWS_NAME_RULES
from blueprint.readiness.names import violations
from blueprint.components.aws.load_balancer import ELBV2_NAME_MAX, LoadBalancer, LoadBalancerArgs, elbv2_name

REGION = "us-east-1"
COMPONENT = "recommendations-us-east-1-lb"


def _plan(component: str, stack: str = "test", vpc_id: str = "vpc-0123456789abcdef0"):
    probe = probe_spec("business-critical")

    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        LoadBalancer(component, LoadBalancerArgs(
            vpc_id=vpc_id, vpc_cidr_block="10.0.0.0/16", public_subnet_ids=["subnet-a", "subnet-b"],
            domain_name="recommendations.ml.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ", service_port=8080,
            readiness_path="/ready", access_logs_bucket="logs-bucket", access_logs_prefix="recommendations",
            tags={"blueprint:workload": "recommendations"}, health_check_interval_s=probe.lb_interval_s,
            health_check_timeout_s=probe.lb_timeout_s, healthy_threshold=probe.lb_healthy_threshold,
            unhealthy_threshold=probe.lb_unhealthy_threshold), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack=stack, config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan(COMPONENT)


@pytest.mark.parametrize("type_,suffix", [("aws:lb/loadBalancer:LoadBalancer", "alb"), ("aws:lb/targetGroup:TargetGroup", "tg")])
def test_names_of_the_issues_workload_region_fit_32(plan, type_: str, suffix: str) -> None:
    (resource,) = plan.of_type(type_)
    assert resource.name == f"{COMPONENT}-{suffix}"
    name = resource.inputs["name"]
    assert len(name) <= ELBV2_NAME_MAX == 32
    assert name.startswith("recommendations-us-east") and not name.endswith("-")


def test_plan_has_no_illegal_physical_name(plan) -> None:
    assert list(check(plan)) == []


def test_longest_component_name_fits() -> None:
    component = "fraud-scoring-realtime-model-a1-ap-southeast-2-lb"
    assert all(len(elbv2_name(component, role)) <= 32 for role in ("alb", "tg"))
    assert elbv2_name(component, "alb") != elbv2_name(component, "tg")


def test_stacks_get_different_names() -> None:
    """Autonaming kept one component's names apart across stacks of one account; the stack is hashed in."""
    dev = {r.type: r.inputs["name"] for r in _plan(COMPONENT, stack="dev").resources if r.type.startswith("aws:lb/") and "name" in r.inputs}
    prod = {r.type: r.inputs["name"] for r in _plan(COMPONENT, stack="prod").resources if r.type.startswith("aws:lb/") and "name" in r.inputs}
    assert dev.keys() == prod.keys() and len(dev) == 2
    assert all(dev[t] != prod[t] for t in dev)


def test_target_group_name_changes_with_its_port() -> None:
    """A new port replaces the target group: a new name lets Pulumi create it before deleting the old one."""
    assert elbv2_name(COMPONENT, "tg", "ip", "HTTP", 8080) != elbv2_name(COMPONENT, "tg", "ip", "HTTP", 9090)


def _lb_names(plan) -> dict[str, str]:
    return {r.type: r.inputs["name"] for r in plan.resources if r.type.startswith("aws:lb/") and "name" in r.inputs}


def test_workload_named_internal_gets_a_legal_load_balancer_name() -> None:
    """A legal workload name `internal-tools` made the load balancer `internal-tools-...`, which ELBv2
    refuses (terraform-provider-aws elbv2 validName: cannot begin with "internal-")."""
    plan = _plan("internal-tools-us-east-1-lb")
    names = _lb_names(plan)
    assert names["aws:lb/loadBalancer:LoadBalancer"].startswith("lb-internal-tools")
    assert names["aws:lb/targetGroup:TargetGroup"].startswith("lb-internal-tools")
    assert list(check(plan)) == []
    rule = AWS_NAME_RULES["aws:lb/loadBalancer:LoadBalancer"]
    assert violations(elbv2_name("internal-" + "x" * 22 + "-ap-southeast-2-lb", "alb"), rule) == []


def test_fails_the_readiness_rule_for_an_internal_prefix() -> None:
    """The rule the fix satisfies: the name the old code produced is refused."""
    assert "starts with 'internal-'" in violations("internal-tools-us-east-1-lb-alb", AWS_NAME_RULES["aws:lb/loadBalancer:LoadBalancer"])


def test_other_names_are_unchanged_by_the_internal_fix() -> None:
    assert not elbv2_name(COMPONENT, "alb").startswith("lb-")
    assert elbv2_name("internalize-us-east-1-lb", "alb").startswith("internalize")


def test_target_group_name_changes_with_its_vpc(plan) -> None:
    """A new VPC replaces the target group: under the old name the create fails (DuplicateTargetGroupName)
    or CreateTargetGroup, idempotent for identical settings, hands back the group the old one's delete removes."""
    other = _lb_names(_plan(COMPONENT, vpc_id="vpc-0fedcba9876543210"))
    same = _lb_names(plan)
    assert other["aws:lb/targetGroup:TargetGroup"] != same["aws:lb/targetGroup:TargetGroup"]
    assert other["aws:lb/loadBalancer:LoadBalancer"] == same["aws:lb/loadBalancer:LoadBalancer"]
    assert len(other["aws:lb/targetGroup:TargetGroup"]) <= ELBV2_NAME_MAX

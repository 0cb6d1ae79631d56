"""The offline plan engine: URNs, parents, dependencies, placement and realistic invokes."""

import json

import pulumi
import pulumi_aws as aws
import pytest

from blueprint.plan.engine import plan_program, plan_project
from blueprint.plan.mocks import ACCOUNT_ID, aws_zone_id


class _Pair(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("blueprint:test:Pair", name, None, opts)
        zones = aws.get_availability_zones_output(opts=pulumi.InvokeOutputOptions(parent=self))
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", tags={"blueprint:workload": "w1"}, opts=pulumi.ResourceOptions(parent=self))
        subnet = aws.ec2.Subnet(f"{name}-subnet", vpc_id=vpc.id, cidr_block="10.0.0.0/20", availability_zone=zones.names[1], opts=pulumi.ResourceOptions(parent=self))
        aws.ec2.NatGateway(f"{name}-nat", subnet_id=subnet.id, connectivity_type="private", opts=pulumi.ResourceOptions(parent=self))
        aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": []}), opts=pulumi.ResourceOptions(parent=self, depends_on=[vpc]))
        self.register_outputs({})


def _program():
    provider = aws.Provider("aws-eu", region="eu-west-1")
    _Pair("pair", pulumi.ResourceOptions(providers=[provider]))


@pytest.fixture(scope="module")
def plan():
    return plan_program(_program, stack="unit", config={"aws:region": "us-east-1"})


def test_urns_are_built_like_the_engine_builds_them(plan):
    vpc = plan.named("pair-vpc")
    assert vpc.urn == "urn:pulumi:unit::blueprint::blueprint:test:Pair$aws:ec2/vpc:Vpc::pair-vpc"
    assert plan.named("pair").urn == "urn:pulumi:unit::blueprint::blueprint:test:Pair::pair"


def test_every_resource_has_a_parent(plan):
    assert all(r.parent for r in plan.resources)
    assert plan.named("pair").parent == plan.stack_urn
    assert plan.named("pair-vpc").parent == plan.named("pair").urn


def test_dependencies_include_output_inputs_and_depends_on(plan):
    vpc, subnet = plan.named("pair-vpc"), plan.named("pair-subnet")
    assert vpc.urn in subnet.dependencies  # vpc_id=vpc.id
    assert subnet.urn in plan.named("pair-nat").dependencies
    assert vpc.urn in plan.named("pair-role").dependencies  # depends_on


def test_region_comes_from_the_explicit_provider_not_the_default(plan):
    assert plan.named("pair-vpc").region == "eu-west-1"
    assert plan.named("pair").region == "eu-west-1"
    assert plan.named("pair-role").region == "global"


def test_zone_comes_from_the_invoke_and_the_subnet(plan):
    # the mocked getAvailabilityZones answered for eu-west-1 (the provider's region)
    assert plan.named("pair-subnet").zone == "eu-west-1b"
    assert plan.named("pair-nat").zone == "eu-west-1b"
    assert plan.named("pair-vpc").zone is None


def test_workload_from_tag_and_ancestors(plan):
    assert plan.named("pair-vpc").workload == "w1"
    assert plan.named("pair-subnet").workload == "w1"  # inherited through the component


def test_plans_are_isolated_from_each_other():
    first = plan_program(_program, stack="one", config={"aws:region": "us-east-1"})
    second = plan_program(_program, stack="two", config={"aws:region": "us-east-1"})
    assert len(first.resources) == len(second.resources)
    assert all(r.urn.startswith("urn:pulumi:two::") for r in second.resources)


def test_caller_identity_partition_and_ssm_answer_per_region():
    seen = {}

    def program():
        provider = aws.Provider("aws-jp", region="ap-northeast-1")
        opts = pulumi.InvokeOutputOptions(provider=provider)
        aws.get_caller_identity_output(opts=opts).account_id.apply(lambda v: seen.setdefault("account", v))
        aws.get_partition_output(opts=opts).partition.apply(lambda v: seen.setdefault("partition", v))
        aws.ssm.get_parameter_output(name="/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/nvidia/recommended/image_id", opts=opts).value.apply(lambda v: seen.setdefault("ami", v))
        aws.get_availability_zones_output(opts=opts).zone_ids.apply(lambda v: seen.setdefault("zone_ids", v))

    plan_program(program, config={"aws:region": "us-east-1"})
    assert seen["account"] == ACCOUNT_ID and seen["partition"] == "aws"
    assert seen["ami"].startswith("ami-0")
    assert seen["zone_ids"][0] == "apne1-az1"


def test_instance_type_offerings_answer_from_the_catalog():
    seen = {}

    def program():
        provider = aws.Provider("aws-use1", region="us-east-1")
        aws.ec2.get_instance_type_offerings_output(
            location_type="availability-zone",
            filters=[{"name": "instance-type", "values": ["g6.xlarge"]}],
            opts=pulumi.InvokeOutputOptions(provider=provider),
        ).locations.apply(lambda v: seen.setdefault("zones", v))

    plan_program(program, config={"aws:region": "us-east-1"})
    from blueprint.catalogs.accelerators import aws_offering_zones

    assert seen["zones"] == list(aws_offering_zones("g6.xlarge", "us-east-1")) and seen["zones"]


def test_zone_ids_follow_aws_naming():
    assert aws_zone_id("us-east-1a") == "use1-az1"
    assert aws_zone_id("eu-central-1c") == "euc1-az3"
    assert aws_zone_id("ap-southeast-2b") == "apse2-az2"


def test_fails_on_an_invoke_without_a_realistic_answer():
    def program():
        aws.ec2.get_vpc_output(default=True).id.apply(lambda v: v)

    with pytest.raises(Exception, match="no realistic answer for invoke aws:ec2/getVpc:getVpc"):
        plan_program(program, config={"aws:region": "us-east-1"})


def test_the_collector_is_off_during_a_plan_and_restored_after():
    """Speed (issue 15): collections mid-plan scan a graph that only grows (benchmarks/README.md)."""
    import gc

    seen = {}

    def program():
        seen["enabled"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()
        _program()

    before = gc.get_threshold()
    plan = plan_program(program, stack="gc", config={"aws:region": "us-east-1"})
    assert seen["enabled"] is False  # no collection scans the growing plan
    assert seen["frozen"] > 0  # what was alive at the start is out of the collector's way
    assert gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert plan.named("pair-vpc")


def test_an_in_process_plan_leaves_no_cyclic_garbage_in_the_young_generations():
    """After the plan, one young collection over what it built: its cycles freed, the rest old."""
    import gc

    plan_program(_program, stack="gc-young", config={"aws:region": "us-east-1"})
    young = gc.get_count()
    assert young[0] < 1_000 and young[1] <= 1  # nothing the plan built waits for a young collection


def test_the_collector_is_restored_when_the_program_fails():
    import gc

    def failing():
        raise ValueError("program failed")

    before = gc.get_threshold()
    with pytest.raises(Exception, match="program failed"):
        plan_program(failing, stack="gc-fail", config={"aws:region": "us-east-1"})
    assert gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_collector_stays_off_when_it_was_off_before_the_plan():
    import gc

    gc.disable()
    try:
        plan_program(_program, stack="gc-off", config={"aws:region": "us-east-1"})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_program_runs_on_a_fresh_stack_without_its_callers_frames():
    """The SDK turns every frame below a resource's constructor into a source position at each
    registration: the caller's frames (CLI, test runner) must not be among them (issue 15)."""
    import threading
    import traceback

    seen = {}

    def program():
        seen["functions"] = [f.name for f in traceback.extract_stack()]
        seen["thread"] = threading.current_thread()
        _program()

    plan_program(program, stack="fresh", config={"aws:region": "us-east-1"})
    assert "test_the_program_runs_on_a_fresh_stack_without_its_callers_frames" not in seen["functions"]
    assert len(seen["functions"]) < 20 and seen["thread"] is not threading.current_thread()


def test_plan_project_runs_the_main_module_as_runpy_would(tmp_path):
    import sys

    (tmp_path / "__main__.py").write_text(
        "import sys\nimport pulumi\n"
        "pulumi.export('seen', {'name': __name__, 'file': __file__, 'argv0': sys.argv[0], "
        "'main': sys.modules['__main__'].__dict__ is globals()})\n",
        encoding="utf-8",
    )
    main_before, argv_before = sys.modules.get("__main__"), list(sys.argv)
    plan = plan_project(tmp_path, "runpy", {"aws:region": "us-east-1"})
    assert plan.outputs["seen"] == {"name": "__main__", "file": str(tmp_path / "__main__.py"),
                                    "argv0": str(tmp_path / "__main__.py"), "main": True}
    assert sys.modules.get("__main__") is main_before and sys.argv == argv_before


def test_the_blueprint_command_keeps_a_plan_frozen_after_it(monkeypatch):
    """blueprint.cli.run sets blueprint.plan.freeze_after_plans: the process exits soon after, so no
    full collection should rescan what the plan built; in-process callers get it back as usual."""
    import gc

    import blueprint.plan

    monkeypatch.setattr(blueprint.plan, "freeze_after_plans", True)
    before = gc.get_threshold()
    try:
        plan_program(_program, stack="frozen", config={"aws:region": "us-east-1"})
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == before
    finally:
        gc.unfreeze()


def test_aws_computed_state_dispatches_per_registered_type():
    from blueprint import types as registry
    from blueprint.plan.mocks import _AWS_COMPUTED, _aws_computed_state
    from blueprint.types import aws as t

    assert _AWS_COMPUTED and all(registry.known(typ) for typ in _AWS_COMPUTED)
    group = _aws_computed_state(t.RDS_SUBNET_GROUP, "db-subnets", "db-subnets", "eu-west-1", "aws", {})
    assert group == {"arn": f"arn:aws:rds:eu-west-1:{ACCOUNT_ID}:subgrp:db-subnets", "_id": "db-subnets"}
    queue = _aws_computed_state(t.SQS_QUEUE, "q", "q-1", "eu-west-1", "aws", {"name": "jobs"})
    assert queue["_id"] == queue["url"] == f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT_ID}/jobs"
    assert _aws_computed_state(t.EC2_VPC, "v", "v", "eu-west-1", "aws", {}) == {}


def test_ec2_ids_take_the_registrys_prefix(plan):
    assert plan.named("pair-vpc").id.startswith("vpc-") and plan.named("pair-subnet").id.startswith("subnet-")


def test_assets_are_planned_by_their_content_so_a_plan_is_the_same_every_run():
    """A Lambda's code (an AssetArchive) used to be recorded as its repr, with a memory address."""
    import hashlib

    def program():
        aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/fn", runtime="python3.12",
                             handler="index.handler",
                             code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): pass\n")}))

    first, second = (plan_program(program, stack=f"assets{i}", config={"aws:region": "us-east-1"}).named("fn").inputs["code"]
                     for i in (1, 2))
    sha = hashlib.sha256(b"def handler(e, c): pass\n").hexdigest()
    assert first == second == {"archive": {"index.py": {"asset": "string", "sha256": sha}}}


def test_young_objects_are_collected_once_a_plan_has_made_the_limit_of_them(monkeypatch):
    """The collector is off during a plan, but its garbage stays bounded (engine._PLAN_YOUNG_LIMIT)."""
    import gc

    from blueprint.plan import engine

    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    monkeypatch.setattr(engine, "_PLAN_YOUNG_LIMIT", 2_000)
    gc.callbacks.append(count)
    try:
        small = plan_program(_program, stack="valve", config={"aws:region": "us-east-1"})
    finally:
        gc.callbacks.remove(count)
    assert collections.count(1) >= 2  # during the plan (the last one is the collection after it)
    again = plan_program(_program, stack="valve", config={"aws:region": "us-east-1"})
    assert {r.urn: r.to_json() for r in small.resources} == {r.urn: r.to_json() for r in again.resources}


def test_outputs_made_before_the_plan_resolve_in_it():
    """Args built outside the program may hold Outputs of the caller's event loop (issue 15: the plan
    runs on its own thread, on that same loop)."""
    made_before = pulumi.Output.from_input("10.9.0.0/16").apply(lambda cidr: cidr)

    def program():
        aws.ec2.Vpc("early", cidr_block=made_before)

    plan = plan_program(program, stack="early", config={"aws:region": "us-east-1"})
    assert plan.named("early").inputs["cidrBlock"] == "10.9.0.0/16"

"""GpuNodePool's lookups (issue 15, plan speed): the pool's region is its zones' (no get_region
invoke), and one instance-type offerings lookup per region, passed by the composer, replaces each
pool's own; both ways plan the same node groups."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.components.aws.gpu_node_pool import (
    GpuNodePool,
    GpuNodePoolArgs,
    InstanceTypeOfferings,
    candidate_instance_types,
    instance_type_offerings,
)
from blueprint.plan import mocks as plan_mocks
from blueprint.plan.engine import plan_program
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from tests.conftest import ROOT, write_stack

CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# g6 (NVIDIA L4) is offered in us-east-1a/b/c/d/f but not in us-east-1e (the accelerator catalog).
ZONES = ("us-east-1a", "us-east-1b", "us-east-1e")
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


def _args(**overrides) -> GpuNodePoolArgs:
    return GpuNodePoolArgs(**{
        "cluster_name": "blueprint-prod", "node_role_arn": "arn:aws:iam::123456789012:role/eks-node-role",
        "subnet_ids_by_zone": {z: f"subnet-{z}" for z in ZONES}, "workload": "fraud-scoring",
        "tier": "business-critical", "accelerator": "nvidia-l4", "instance_type": "g6.xlarge", "gpus_per_node": 1,
        "capacity": "mixed", "min_nodes_per_zone": 1, "max_nodes_per_zone": 4, "kms_key_arn": CMK, **overrides,
    })


def _offerings(zones=ZONES, types=None) -> InstanceTypeOfferings:
    types = types if types is not None else candidate_instance_types("nvidia-l4", "g6.xlarge", 1, "mixed")
    return InstanceTypeOfferings(zones=tuple(zones), instance_types=tuple(types),
                                 offered={z: frozenset() if z == "us-east-1e" else frozenset(types) for z in zones})


@pytest.fixture
def invokes(monkeypatch) -> list[str]:
    """The tokens of every invoke the plan mocks answer, in order."""
    seen: list[str] = []
    answer = plan_mocks.PlanMocks.call

    def call(self, args):
        seen.append(args.token)
        return answer(self, args)

    monkeypatch.setattr(plan_mocks.PlanMocks, "call", call)
    return seen


def _node_groups(plan) -> dict[str, dict]:
    return {r.name: {k: r.inputs[k] for k in ("instanceTypes", "capacityType", "subnetIds", "scalingConfig")}
            for r in plan.of_type(NODE_GROUP)}


def _plan_pools(*pool_args: GpuNodePoolArgs):
    def program():
        provider = aws.Provider("aws-us-east-1", region="us-east-1")
        for i, args in enumerate(pool_args):
            GpuNodePool(f"gpu{i}", args, pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


def test_offered_instance_types_default_to_the_pools_own_lookup():
    assert GpuNodePoolArgs.model_fields["offered_instance_types"].default is None
    assert _args().offered_instance_types is None


def test_the_region_is_the_zones_and_needs_no_get_region_invoke(invokes):
    plan = _plan_pools(_args())
    assert "aws:index/getRegion:getRegion" not in invokes
    assert invokes.count("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings") == 1  # its own lookup
    assert _args().region == "us-east-1"
    create = plan.named("gpu0-us-east-1a-on-demand-metrics").inputs["create"]
    assert create.endswith("--region us-east-1")


def test_offerings_passed_in_plan_the_same_node_groups_without_an_invoke(invokes):
    own = _node_groups(_plan_pools(_args()))
    invokes.clear()
    given = _node_groups(_plan_pools(_args(offered_instance_types=_offerings())))
    assert "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings" not in invokes
    assert given == own
    assert "gpu0-us-east-1e-on-demand" not in given  # the zone without g6 is still skipped
    assert given["gpu0-us-east-1a-spot"]["instanceTypes"][0] == "g6.xlarge"


def test_one_lookup_serves_every_pool_of_a_region(invokes):
    def program():
        provider = aws.Provider("aws-us-east-1", region="us-east-1")
        types = [*candidate_instance_types("nvidia-l4", "g6.xlarge", 1, "mixed"), "g6.xlarge"]
        offerings = instance_type_offerings(list(ZONES), types, pulumi.InvokeOptions(provider=provider))
        assert offerings.instance_types == tuple(dict.fromkeys(types))  # asked once per type
        for name, capacity in (("a", "on-demand"), ("b", "mixed"), ("c", "spot")):
            GpuNodePool(name, _args(capacity=capacity, offered_instance_types=offerings),
                        pulumi.ResourceOptions(provider=provider))

    plan = plan_program(program, stack="test", config={"aws:region": "us-east-1"})
    assert invokes.count("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings") == 1
    assert {"a-us-east-1a-on-demand", "b-us-east-1b-spot", "c-us-east-1a-spot"} <= set(_node_groups(plan))


def test_the_composer_looks_offerings_up_once_per_region(invokes, tmp_path):
    gpu = {"accelerator": "nvidia-l4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 4}
    config = {
        "aws:region": "us-east-1", "cloud": "aws", "environment": "lookups", "residency": "us",
        "primaryRegion": "us-east-1", "secondaryRegion": "us-west-2", "zonesPerRegion": 3,
        "deployerCidrs": ["203.0.113.10/32"],
        "workloads": [
            {"name": "alpha", "tier": "mission-critical", "gpu": {**gpu, "capacity": "on-demand"}},
            {"name": "beta", "tier": "business-critical", "gpu": {**gpu, "capacity": "mixed"}},
            {"name": "gamma", "tier": "standard", "gpu": {**gpu, "capacity": "spot", "minNodesPerZone": 0}},
        ],
    }
    plan = plan_stack(ROOT, StackRef("lookups", write_stack(tmp_path, config, name="lookups")))
    pools = plan.of_type("blueprint:aws:GpuNodePool")
    assert len({p.region for p in pools}) == 2 and len(pools) > 2
    assert invokes.count("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings") == 2  # one per region


@pytest.mark.parametrize("offerings,missing", [
    (lambda: _offerings(zones=ZONES[:2]), "zones ['us-east-1e']"),
    (lambda: _offerings(types=["g5.xlarge"]), "types ['g6.xlarge']"),
])
def test_fails_offerings_that_do_not_cover_the_pool(offerings, missing):
    with pytest.raises(ValidationError, match=r"offered_instance_types: looked up for zones .* which miss this pool's") as err:
        _args(offered_instance_types=offerings())
    assert missing in str(err.value)

"""GpuNodePool: one node group per offering zone (EC2 asked), zone skipping and failure, NVIDIA AMI,
taint and labels, IMDSv2 and CMK root volume, capacity modes, pilot light, Args validation."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs import accelerators
from blueprint.plan.engine import plan_program
from blueprint.components.aws import gpu_node_pool
from blueprint.components.aws.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from tests.components._helpers import capture_opts, child_names, planned_component_fixtures
# The capacity and workload rules both clouds' pools share: the cases of _gpu_pool_cases.py (its
# __all__), collected under this module's ids and run with this cloud's Args (the pool_args fixture).
from tests.components._gpu_pool_cases import *  # noqa: F401, F403

CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NODE_ROLE = "arn:aws:iam::123456789012:role/eks-node-role"
SLR = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
# g6 (NVIDIA L4) is offered in us-east-1a/b/c/d/f but not in us-east-1e.
ZONES = ("us-east-1a", "us-east-1b", "us-east-1e")
TAGS = {"blueprint:environment": "prod"}


def _args(**overrides) -> GpuNodePoolArgs:
    return GpuNodePoolArgs(
        **{
            "cluster_name": "blueprint-prod",
            "node_role_arn": NODE_ROLE,
            "subnet_ids_by_zone": {z: f"subnet-{z}" for z in ZONES},
            "workload": "fraud-scoring",
            "tier": "business-critical",
            "accelerator": "nvidia-l4",
            "instance_type": "g6.xlarge",
            "gpus_per_node": 1,
            "min_nodes_per_zone": 1,
            "max_nodes_per_zone": 4,
            "kms_key_arn": CMK,
            "tags": TAGS,
            **overrides,
        }
    )


def _plan(region: str = "us-east-1", zones: tuple[str, ...] = ZONES, outputs: dict | None = None, **overrides):
    """Plan the pool with real subnets (so the plan places node groups in zones) and an explicit provider."""

    def program() -> None:
        provider = aws.Provider(f"aws-{region}", region=region)
        opts = pulumi.ResourceOptions(provider=provider)
        subnets = {
            z: aws.ec2.Subnet(f"private-{z}", vpc_id="vpc-0abc12345def67890", cidr_block=f"10.0.{i}.0/24",
                              availability_zone=z, opts=opts).id
            for i, z in enumerate(zones)
        }
        pool = GpuNodePool("gpu", _args(subnet_ids_by_zone=subnets, **overrides), opts)
        if outputs is not None:
            outputs["pool"] = pool
            pulumi.export("node_group_names", pool.node_group_names)
            pulumi.export("spot_node_group_names", pool.spot_node_group_names)
            pulumi.export("launch_template_id", pool.launch_template_id)
            pulumi.export("asg_names", pool.asg_names)

    return plan_program(program, stack="test", config={"aws:region": region})


built, plan = planned_component_fixtures(_plan)


@pytest.fixture(scope="module")
def mixed_plan():
    return _plan(capacity="mixed", min_nodes_per_zone=1, max_nodes_per_zone=4)


def _groups(plan):
    return {r.name: r for r in plan.of_type("aws:eks/nodeGroup:NodeGroup")}


# --- zones -------------------------------------------------------------------------------------


def test_one_node_group_per_offering_zone_in_that_zone_only(plan):
    groups = _groups(plan)
    assert set(groups) == {"gpu-us-east-1a-on-demand", "gpu-us-east-1b-on-demand"}
    for zone in ("us-east-1a", "us-east-1b"):
        group = groups[f"gpu-{zone}-on-demand"]
        assert group.zone == zone
        assert group.region == "us-east-1"
        (subnet,) = group.inputs["subnetIds"]  # the zone's subnet only (the plan places it in that zone)
        assert subnet.startswith("subnet-")


def test_zone_without_the_instance_type_is_skipped_and_reported(built):
    pool = built["pool"]
    assert pool.zones == ["us-east-1a", "us-east-1b"]
    assert pool.skipped_zones == ["us-east-1e"]


def test_fails_when_no_zone_offers_the_instance_type():
    # H200 (p5en.48xlarge) is not offered in eu-central-1.
    with pytest.raises(ValueError, match=r"no zone of eu-central-1a, eu-central-1b \(region eu-central-1\) offers "
                                         r"p5en\.48xlarge .*describe-instance-type-offerings"):
        _plan(region="eu-central-1", zones=("eu-central-1a", "eu-central-1b"), accelerator="nvidia-h200",
              instance_type="p5en.48xlarge", gpus_per_node=8, tier="standard")


# --- node configuration ----------------------------------------------------------------------


def test_nvidia_ami_taint_labels_and_instance_type(plan):
    for group in _groups(plan).values():
        inputs = group.inputs
        assert inputs["amiType"] == "AL2023_x86_64_NVIDIA"
        assert inputs["capacityType"] == "ON_DEMAND"
        assert inputs["instanceTypes"] == ["g6.xlarge"]
        assert inputs["taints"] == [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}]
        assert inputs["labels"] == {
            "k8s.amazonaws.com/accelerator": "nvidia-l4",
            "blueprint.dev/accelerator": "nvidia-l4",
            "blueprint.dev/workload": "fraud-scoring",
            "blueprint.dev/tier": "business-critical",
            "blueprint.dev/capacity": "on-demand",
        }
        assert inputs["clusterName"] == "blueprint-prod"
        assert inputs["nodeRoleArn"] == NODE_ROLE


def test_scaling_updates_and_repair(plan):
    for group in _groups(plan).values():
        assert group.inputs["scalingConfig"] == {"minSize": 1, "desiredSize": 1, "maxSize": 4}
        assert group.inputs["updateConfig"] == {"maxUnavailable": 1}
        assert group.inputs["nodeRepairConfig"] == {"enabled": True}


def test_node_groups_follow_the_given_cluster_version():
    for group in _groups(_plan(kubernetes_version="1.35")).values():
        assert group.inputs["version"] == "1.35"


def test_node_groups_take_the_cluster_version_at_creation_by_default(plan):
    for group in _groups(plan).values():
        assert "version" not in group.inputs


def test_autoscaler_discovery_and_workload_tags(plan):
    for name, group in _groups(plan).items():
        tags = group.inputs["tags"]
        assert tags["k8s.io/cluster-autoscaler/enabled"] == "true"
        assert tags["k8s.io/cluster-autoscaler/blueprint-prod"] == "owned"
        assert tags["blueprint:workload"] == "fraud-scoring" and tags["blueprint:tier"] == "business-critical"
        assert tags["blueprint:environment"] == "prod" and tags["Name"] == name
        assert group.workload == "fraud-scoring"


def test_launch_template_imdsv2_and_cmk_encrypted_root(plan):
    lt = plan.named("gpu-launch-template").inputs
    assert lt["metadataOptions"] == {
        "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1,
        "instanceMetadataTags": "disabled",
    }
    (device,) = lt["blockDeviceMappings"]
    assert device["deviceName"] == "/dev/xvda"
    assert device["ebs"] == {"volumeType": "gp3", "volumeSize": 200, "encrypted": "true", "kmsKeyId": CMK,
                             "deleteOnTermination": "true"}
    assert {spec["resourceType"] for spec in lt["tagSpecifications"]} == {"instance", "volume"}
    for spec in lt["tagSpecifications"]:
        assert spec["tags"]["blueprint:workload"] == "fraud-scoring"
    # EKS forbids these in the template when the node group sets them.
    for prohibited in ("instanceType", "imageId", "iamInstanceProfile", "networkInterfaces"):
        assert prohibited not in lt, prohibited
    assert lt["updateDefaultVersion"] is True
    for group in _groups(plan).values():
        assert group.inputs["launchTemplate"]["version"] == "1"
        assert group.inputs["launchTemplate"]["id"].startswith("lt-")


def test_root_volume_size_follows_args():
    plan = _plan(root_volume_gib=500)
    (device,) = plan.named("gpu-launch-template").inputs["blockDeviceMappings"]
    assert device["ebs"]["volumeSize"] == 500


def test_autoscaling_role_granted_the_cmk_before_the_nodes(plan):
    grant = plan.named("gpu-node-ebs-grant")
    assert grant.inputs["keyId"] == CMK
    assert grant.inputs["granteePrincipal"] == SLR
    assert grant.inputs["name"] == "blueprint-prod-gpu-node-ebs"
    assert {"Encrypt", "Decrypt", "GenerateDataKeyWithoutPlaintext", "CreateGrant"} <= set(grant.inputs["operations"])
    for group in _groups(plan).values():
        assert grant.urn in group.dependencies


def test_desired_size_left_to_the_autoscaler(monkeypatch):
    seen = capture_opts(monkeypatch, aws.eks, "NodeGroup")
    _plan()
    assert seen and all(o.ignore_changes == ["scalingConfig.desiredSize"] for o in seen.values())


def test_all_children_parented_to_the_component(plan):
    component = plan.of_type("blueprint:aws:GpuNodePool")[0]
    assert child_names(plan, "blueprint:aws:GpuNodePool") == {
        "gpu-node-ebs-grant", "gpu-launch-template", "gpu-us-east-1a-on-demand", "gpu-us-east-1b-on-demand",
        "gpu-us-east-1a-on-demand-metrics", "gpu-us-east-1b-on-demand-metrics"}
    assert component.workload == "fraud-scoring"


def test_outputs(built):
    out = built["plan"].outputs
    assert set(out["node_group_names"]) == {"us-east-1a", "us-east-1b"}
    assert out["node_group_names"]["us-east-1a"].startswith("gpu-us-east-1a-on-demand")
    assert out["spot_node_group_names"] == {}
    assert out["launch_template_id"].startswith("lt-")


def _asg(plan, group_name: str) -> str:
    return plan.named(group_name).outputs["resources"][0]["autoscalingGroups"][0]["name"]


def test_group_metrics_collection_enabled_on_every_node_groups_asg(mixed_plan):
    # EKS creates the ASG with group metrics off; without this GroupInServiceInstances is never published.
    commands = {r.name: r for r in mixed_plan.of_type("command:local:Command")}
    groups = _groups(mixed_plan)
    assert set(commands) == {f"{g}-metrics" for g in groups}
    for name, group in groups.items():
        cmd = commands[f"{name}-metrics"]
        asg = _asg(mixed_plan, name)
        create, delete = cmd.inputs["create"], cmd.inputs["delete"]
        assert create.startswith(f"aws autoscaling enable-metrics-collection --auto-scaling-group-name {asg} "
                                 "--granularity 1Minute --metrics ")
        assert "GroupInServiceInstances" in create and create.endswith("--region us-east-1")
        assert delete.startswith(f"aws autoscaling disable-metrics-collection --auto-scaling-group-name {asg} ")
        assert group.urn in cmd.dependencies


def test_asg_names_output_the_minimum_groups_asg(built):
    plan = built["plan"]
    assert plan.outputs["asg_names"] == {z: _asg(plan, f"gpu-{z}-on-demand") for z in ("us-east-1a", "us-east-1b")}


def test_node_group_name_prefix_keeps_the_capacity_marker_within_eks_limits(mixed_plan):
    # The autoscaler's priority expander ranks ASGs (eks-<node group name>-<uuid>) by -on-demand- / -spot-.
    for name, group in _groups(mixed_plan).items():
        capacity = "spot" if name.endswith("-spot") else "on-demand"
        assert group.inputs["nodeGroupNamePrefix"] == f"gpu-{group.zone}-{capacity}-"
        assert f"-{capacity}-" in _asg(mixed_plan, name)
    long_pool = "fraud-scoring-realtime-model-b2-ap-southeast-2-gpu"
    for capacity in ("on-demand", "spot"):
        prefix = gpu_node_pool.node_group_name_prefix(long_pool, "ap-southeast-2c", capacity)
        assert len(prefix) <= 63 - 26 and prefix.endswith(f"-{capacity}-") and prefix.startswith("fraud-scoring")


def test_nodes_carry_the_autoscaler_gpu_label(mixed_plan):
    # cluster-autoscaler (AWS GPULabel) waits for the device plugin on nodes with this label.
    for group in _groups(mixed_plan).values():
        assert group.inputs["labels"]["k8s.amazonaws.com/accelerator"] == "nvidia-l4"


# --- capacity modes and region roles -----------------------------------------------------------


def test_mixed_on_demand_minimum_plus_spot_burst(mixed_plan):
    groups = _groups(mixed_plan)
    assert set(groups) == {f"gpu-{z}-{c}" for z in ("us-east-1a", "us-east-1b") for c in ("on-demand", "spot")}
    for zone in ("us-east-1a", "us-east-1b"):
        on_demand, spot = groups[f"gpu-{zone}-on-demand"].inputs, groups[f"gpu-{zone}-spot"].inputs
        assert on_demand["capacityType"] == "ON_DEMAND"
        assert on_demand["scalingConfig"] == {"minSize": 1, "desiredSize": 1, "maxSize": 1}
        assert spot["capacityType"] == "SPOT"
        assert spot["scalingConfig"] == {"minSize": 0, "desiredSize": 0, "maxSize": 3}
        assert spot["labels"]["blueprint.dev/capacity"] == "spot"
        assert groups[f"gpu-{zone}-spot"].zone == zone


def test_mixed_outputs_both_group_names():
    out: dict = {}
    plan = _plan(outputs=out, capacity="mixed")
    assert plan.outputs["node_group_names"]["us-east-1b"].startswith("gpu-us-east-1b-on-demand")
    assert plan.outputs["spot_node_group_names"]["us-east-1b"].startswith("gpu-us-east-1b-spot")


def test_spot_pool_for_business_critical():
    groups = _groups(_plan(capacity="spot"))
    assert set(groups) == {"gpu-us-east-1a-spot", "gpu-us-east-1b-spot"}
    for group in groups.values():
        assert group.inputs["capacityType"] == "SPOT"
        assert group.inputs["instanceTypes"] == ["g6.xlarge"]  # the catalog has one 1-GPU L4 shape
        assert group.inputs["scalingConfig"] == {"minSize": 1, "desiredSize": 1, "maxSize": 4}


def test_spot_widened_with_equivalent_catalog_shapes_offered_in_each_zone(monkeypatch):
    # A catalog listing both 8-GPU H200 shapes: us-west-2 offers p5en in a/c/d but p5e only in c.
    h200 = accelerators.accelerator("nvidia-h200")
    widened = accelerators.Accelerator(
        name=h200.name, gpu_memory_gib=h200.gpu_memory_gib,
        aws=(*h200.aws, accelerators.AwsInstanceOption("p5e.48xlarge", 8, 192, 2048)),
        gcp=h200.gcp, aws_regions=h200.aws_regions, gcp_regions=h200.gcp_regions,
    )
    monkeypatch.setattr(gpu_node_pool, "accelerator", lambda name: widened if name == "nvidia-h200"
                        else accelerators.accelerator(name))
    zones = ("us-west-2a", "us-west-2c")
    plan = _plan(region="us-west-2", zones=zones, accelerator="nvidia-h200", instance_type="p5en.48xlarge",
                 gpus_per_node=8, capacity="spot", min_nodes_per_zone=0, max_nodes_per_zone=2)
    groups = _groups(plan)
    assert groups["gpu-us-west-2a-spot"].inputs["instanceTypes"] == ["p5en.48xlarge"]
    assert groups["gpu-us-west-2c-spot"].inputs["instanceTypes"] == ["p5en.48xlarge", "p5e.48xlarge"]


def test_pilot_light_min_zero_keeps_the_maximum():
    groups = _groups(_plan(min_nodes_per_zone=0, max_nodes_per_zone=4, tier="standard"))
    for group in groups.values():
        assert group.inputs["scalingConfig"] == {"minSize": 0, "desiredSize": 0, "maxSize": 4}
        assert group.inputs["labels"]["blueprint.dev/tier"] == "standard"


def test_mixed_pilot_light_keeps_the_total_within_the_maximum():
    groups = _groups(_plan(capacity="mixed", min_nodes_per_zone=0, max_nodes_per_zone=3))
    assert groups["gpu-us-east-1a-on-demand"].inputs["scalingConfig"] == {"minSize": 0, "desiredSize": 0, "maxSize": 1}
    assert groups["gpu-us-east-1a-spot"].inputs["scalingConfig"] == {"minSize": 0, "desiredSize": 0, "maxSize": 2}


def test_mission_critical_on_demand_labels():
    groups = _groups(_plan(tier="mission-critical", min_nodes_per_zone=2, max_nodes_per_zone=6))
    for group in groups.values():
        assert group.inputs["labels"]["blueprint.dev/tier"] == "mission-critical"
        assert group.inputs["capacityType"] == "ON_DEMAND"
        assert group.inputs["scalingConfig"] == {"minSize": 2, "desiredSize": 2, "maxSize": 6}


# --- validation ------------------------------------------------------------------------------


@pytest.fixture
def pool_args():
    """This cloud's builder of a valid GpuNodePoolArgs, for the cases imported from _gpu_pool_cases."""
    return _args


def test_fails_instance_type_of_another_accelerator():
    with pytest.raises(ValidationError, match=r"instance_type: 'g5\.xlarge' does not carry nvidia-l4; .*g6\.xlarge"):
        _args(instance_type="g5.xlarge")


def test_fails_gpu_count_that_does_not_match_the_shape():
    with pytest.raises(ValidationError, match=r"gpus_per_node: 4 does not match g6\.xlarge \(1 GPU"):
        _args(gpus_per_node=4)


def test_fails_unknown_accelerator():
    with pytest.raises(ValidationError, match="accelerator: 'nvidia-b200' is not catalogued"):
        _args(accelerator="nvidia-b200")


def test_fails_tier_label_that_is_no_label_value():
    with pytest.raises(ValidationError, match="tier: 'Critical!' is not a label value"):
        _args(tier="Critical!")


def test_fails_empty_zones():
    with pytest.raises(ValidationError, match="subnet_ids_by_zone: empty"):
        _args(subnet_ids_by_zone={})


def test_fails_zone_name():
    with pytest.raises(ValidationError, match="subnet_ids_by_zone: 'use1-az1' is not an availability zone name"):
        _args(subnet_ids_by_zone={"use1-az1": "subnet-1"})


def test_fails_zones_of_two_regions():
    with pytest.raises(ValidationError, match="subnet_ids_by_zone: .* span regions"):
        _args(subnet_ids_by_zone={"us-east-1a": "subnet-1", "us-west-2a": "subnet-2"})


def test_fails_same_subnet_for_two_zones():
    with pytest.raises(ValidationError, match="subnet_ids_by_zone: .* same subnet"):
        _args(subnet_ids_by_zone={"us-east-1a": "subnet-1", "us-east-1b": "subnet-1"})


@pytest.mark.parametrize("size", [20, 16385])
def test_fails_root_volume_out_of_range(size):
    with pytest.raises(ValidationError, match=f"root_volume_gib: {size} is outside 50..16384"):
        _args(root_volume_gib=size)


def test_fails_kms_key_that_is_not_a_key_arn():
    with pytest.raises(ValidationError, match="kms_key_arn: .* is not a KMS key ARN"):
        _args(kms_key_arn="alias/aws/ebs")


def test_fails_unknown_capacity():
    with pytest.raises(ValidationError, match="capacity"):
        _args(capacity="reserved")


# --- mixed capacity: on-demand base above the region's own minimum (standby regions) ----------


def test_mixed_standby_pool_can_grow_its_on_demand_base_back_to_the_primary_minimum():
    from blueprint.plan.engine import plan_program
    from blueprint.components.aws.gpu_node_pool import GpuNodePool, GpuNodePoolArgs

    args = GpuNodePoolArgs(
        cluster_name="prod-us-west-2", node_role_arn="arn:aws:iam::123456789012:role/nodes",
        subnet_ids_by_zone={"us-west-2a": "subnet-a", "us-west-2b": "subnet-b"},
        workload="recommendations", tier="business-critical", accelerator="nvidia-a10g",
        instance_type="g5.xlarge", gpus_per_node=1, capacity="mixed", min_nodes_per_zone=1,
        max_nodes_per_zone=6, on_demand_base_per_zone=2,
        kms_key_arn="arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    plan = plan_program(lambda: GpuNodePool("recs", args), stack="test", config={"aws:region": "us-west-2"})
    on_demand = plan.named("recs-us-west-2a-on-demand").inputs["scalingConfig"]
    spot = plan.named("recs-us-west-2a-spot").inputs["scalingConfig"]
    assert (on_demand["minSize"], on_demand["maxSize"]) == (1, 2)
    assert (spot["minSize"], spot["maxSize"]) == (0, 4)


def test_fails_with_an_on_demand_base_for_a_pool_that_is_not_mixed():
    import pytest
    from pydantic import ValidationError

    from blueprint.components.aws.gpu_node_pool import GpuNodePoolArgs

    with pytest.raises(ValidationError, match="on_demand_base_per_zone: 2 applies only to capacity 'mixed'"):
        GpuNodePoolArgs(
            cluster_name="c", node_role_arn="arn:aws:iam::123456789012:role/nodes",
            subnet_ids_by_zone={"us-west-2a": "subnet-a"}, workload="recommendations", tier="business-critical",
            accelerator="nvidia-a10g", instance_type="g5.xlarge", gpus_per_node=1, capacity="on-demand",
            min_nodes_per_zone=1, max_nodes_per_zone=6, on_demand_base_per_zone=2,
            kms_key_arn="arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )

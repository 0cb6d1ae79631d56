"""blueprint.components.gpu_pool_rules: the GPU pool rules both clouds' GpuNodePoolArgs share (workload name,
accelerator, shape, capacity, the mixed split, node labels), written once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.catalogs.accelerators import accelerator
from blueprint.components import gpu_pool_rules as rules
from blueprint.components.aws.gpu_node_pool import GpuNodePoolArgs as AwsArgs
from blueprint.components.gcp.gpu_node_pool import GpuNodePoolArgs as GcpArgs

AWS_CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GCP_CMK = "projects/acme/locations/europe-west1/keyRings/ring/cryptoKeys/key"


def _aws(**overrides) -> AwsArgs:
    return AwsArgs(**{
        "cluster_name": "blueprint-prod", "node_role_arn": "arn:aws:iam::123456789012:role/node",
        "subnet_ids_by_zone": {"us-east-1a": "subnet-a", "us-east-1b": "subnet-b"}, "workload": "fraud-scoring",
        "tier": "business-critical", "accelerator": "nvidia-l4", "instance_type": "g6.xlarge", "gpus_per_node": 1,
        "min_nodes_per_zone": 1, "max_nodes_per_zone": 4, "kms_key_arn": AWS_CMK, **overrides})


def _gcp(**overrides) -> GcpArgs:
    return GcpArgs(**{
        "cluster": "c", "location": "europe-west1", "zones": ("europe-west1-b", "europe-west1-c"),
        "workload": "fraud-scoring", "tier": "business-critical", "accelerator": "nvidia-l4",
        "machine_type": "g2-standard-4", "accelerator_type": "nvidia-l4", "gpus_per_node": 1,
        "min_nodes_per_zone": 1, "max_nodes_per_zone": 4, "kms_key_id": GCP_CMK, "service_account_email": "n@x",
        **overrides})


@pytest.mark.parametrize("build", [_aws, _gcp])
def test_fails_workload_ending_with_hyphen_on_both_clouds(build):
    # The workload is a Kubernetes node label value, which must end alphanumeric; the AWS pool
    # accepted 'fraud-' before and only the node group API would have refused it.
    with pytest.raises(ValidationError, match=r"workload: 'fraud-' must match .*not ending with '-'"):
        build(workload="fraud-")


@pytest.mark.parametrize("capacity,base,expected", [
    ("on-demand", None, [("on-demand", 1, 4)]),
    ("spot", None, [("spot", 1, 4)]),
    ("mixed", None, [("on-demand", 1, 1), ("spot", 0, 3)]),
    ("mixed", 2, [("on-demand", 1, 2), ("spot", 0, 2)]),
])
def test_capacity_split_never_exceeds_max_per_zone(capacity, base, expected):
    split = rules.capacity_split(capacity, 1, 4, base)
    assert split == expected
    assert sum(high for _, _, high in split) == 4


def test_mixed_split_starts_from_zero_minimum_with_one_on_demand_node():
    assert rules.capacity_split("mixed", 0, 3) == [("on-demand", 0, 1), ("spot", 0, 2)]


@pytest.mark.parametrize("capacity", ["on-demand", "spot", "mixed"])
def test_both_clouds_split_capacity_alike(capacity):
    aws, gcp = _aws(capacity=capacity), _gcp(capacity=capacity)
    assert aws.groups() == gcp.pools() == rules.capacity_split(capacity, 1, 4)


def test_fails_capacity_rules_with_each_clouds_words():
    with pytest.raises(ValueError, match=r"max_nodes_per_zone: 1 is below min_nodes_per_zone \(2\)"):
        rules.check_capacity(False, "on-demand", 2, 1, spot_notice="n", burst="b")
    with pytest.raises(ValueError, match=r"capacity: 'spot' leaves a pool with guaranteed_capacity=True without guaranteed "
                                         r"GPUs \(two minutes\)"):
        rules.check_capacity(True, "spot", 1, 2, spot_notice="two minutes", burst="b")
    with pytest.raises(ValueError, match="so the Spot pool has room to burst"):
        rules.check_capacity(False, "mixed", 1, 1, spot_notice="n", burst="Spot pool")
    rules.check_capacity(False, "spot", 1, 2, spot_notice="n", burst="b")  # spot without the guarantee is fine


def test_fails_accelerator_without_shapes_on_that_cloud_lists_the_ones_with():
    without_gcp = next(n for n in rules.ACCELERATOR_NAMES if not accelerator(n).gcp)
    with pytest.raises(ValueError, match=rf"accelerator: '{without_gcp}' has no GCP machine type in the catalog; "
                                         r"choose one of .*nvidia-l4"):
        rules.accelerator_check("gcp")("accelerator", without_gcp)
    with pytest.raises(ValueError, match="accelerator: 'nvidia-b9' is not catalogued"):
        rules.accelerator_check("aws")("accelerator", "nvidia-b9")


def test_fails_shape_of_another_accelerator_or_gpu_count():
    shapes = {o.instance_type: o for o in accelerator("nvidia-l4").aws}
    assert rules.check_shape("nvidia-l4", "instance_type", "g6.xlarge", shapes, 1, "AWS types").gpus == 1
    with pytest.raises(ValueError, match=r"instance_type: 'p5.48xlarge' does not carry nvidia-l4; catalogued AWS types"):
        rules.check_shape("nvidia-l4", "instance_type", "p5.48xlarge", shapes, 1, "AWS types")
    with pytest.raises(ValueError, match=r"gpus_per_node: 8 does not match g6.xlarge \(1 GPU\(s\)\)"):
        rules.check_shape("nvidia-l4", "instance_type", "g6.xlarge", shapes, 8, "AWS types")


def test_node_labels_are_the_same_on_both_clouds():
    expected = {"blueprint.dev/accelerator": "nvidia-l4", "blueprint.dev/workload": "fraud-scoring",
                "blueprint.dev/tier": "business-critical"}
    assert rules.node_labels("nvidia-l4", "fraud-scoring", "business-critical") == expected
    assert _aws().labels() == {"k8s.amazonaws.com/accelerator": "nvidia-l4", **expected}
    assert rules.node_labels("nvidia-l4", "fraud-scoring", "business-critical", "spot") == {
        **expected, "blueprint.dev/capacity": "spot"}


def test_every_shared_pool_case_runs_on_both_clouds():
    # Each cloud's test_gpu_node_pool.py star-imports tests/components/_gpu_pool_cases.py, which
    # brings only the names in its __all__: a case missing there would silently run nowhere.
    from tests.components import _gpu_pool_cases as cases

    assert sorted(cases.__all__) == sorted(n for n in vars(cases) if n.startswith("test_"))

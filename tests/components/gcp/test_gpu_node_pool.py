"""GpuNodePool (GCP): offering zones from the catalog, GKE-managed drivers, taint and labels, shielded
CMEK nodes, on-demand / spot / mixed capacity, pilot light; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.gpu_node_pool import GpuNodePool, GpuNodePoolArgs, boot_disk_type
from tests.components._helpers import capture_opts, child_names, planned_component_fixtures
# The capacity and workload rules both clouds' pools share: the cases of _gpu_pool_cases.py (its
# __all__), collected under this module's ids and run with this cloud's Args (the pool_args fixture).
from tests.components._gpu_pool_cases import *  # noqa: F401, F403

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
CMK = "projects/acme-ml-prod/locations/europe-west1/keyRings/blueprint-prod/cryptoKeys/data"
CLUSTER = "projects/acme-ml-prod/locations/europe-west1/clusters/blueprint-prod-europe-west1"
SA = "gke-nodes@acme-ml-prod.iam.gserviceaccount.com"
# nvidia-l4 is offered in europe-west1-b and -c only (catalog), so -d is skipped.
ZONES = ("europe-west1-b", "europe-west1-c", "europe-west1-d")


def _args(**overrides) -> GpuNodePoolArgs:
    return GpuNodePoolArgs(**{
        "cluster": CLUSTER, "location": "europe-west1", "zones": ZONES, "workload": "fraud-scoring",
        "tier": "business-critical", "accelerator": "nvidia-l4", "machine_type": "g2-standard-4",
        "accelerator_type": "nvidia-l4", "gpus_per_node": 1, "min_nodes_per_zone": 1, "max_nodes_per_zone": 4,
        "kms_key_id": CMK, "service_account_email": SA, "labels": {"blueprint-environment": "prod"}, **overrides})


def _plan(outputs: dict | None = None, **overrides):
    args = _args(**overrides)

    def program() -> None:
        provider = gcp.Provider(f"gcp-{args.location}", project="acme-ml-prod", region=args.location)
        pool = GpuNodePool("gpu", args, pulumi.ResourceOptions(provider=provider))
        if outputs is not None:
            outputs["pool"] = pool
            pulumi.export("node_pool_name", pool.node_pool_name)
            pulumi.export("spot_node_pool_name", pool.spot_node_pool_name)

    return plan_program(program, stack="test", config=CONFIG)


built, plan = planned_component_fixtures(_plan)


@pytest.fixture(scope="module")
def mixed_plan():
    return _plan(capacity="mixed", min_nodes_per_zone=1, max_nodes_per_zone=4)


def _pools(plan) -> dict:
    return {r.name: r for r in plan.of_type("gcp:container/nodePool:NodePool")}


# --- zones ---------------------------------------------------------------------------------


def test_one_regional_pool_over_the_offering_zones(plan):
    pools = _pools(plan)
    assert set(pools) == {"gpu-on-demand"}
    pool = pools["gpu-on-demand"]
    assert pool.inputs["nodeLocations"] == ["europe-west1-b", "europe-west1-c"]
    assert pool.inputs["location"] == "europe-west1" and pool.region == "europe-west1"
    assert pool.inputs["cluster"] == CLUSTER
    assert pool.inputs["name"] == "fraud-scoring-gpu"


def test_zone_without_the_accelerator_is_skipped_and_reported(built):
    assert built["pool"].zones == ["europe-west1-b", "europe-west1-c"]
    assert built["pool"].skipped_zones == ["europe-west1-d"]


def test_fails_when_no_zone_offers_the_accelerator():
    # H200 (a3-ultragpu-8g) is offered in europe-west1-b only.
    with pytest.raises(ValueError, match=r"no zone of europe-west1-c, europe-west1-d \(region europe-west1\) offers "
                                         r"nvidia-h200-141gb .*accelerator-types list"):
        _plan(zones=("europe-west1-c", "europe-west1-d"), accelerator="nvidia-h200", machine_type="a3-ultragpu-8g",
              accelerator_type="nvidia-h200-141gb", gpus_per_node=8, tier="standard")


# --- node configuration --------------------------------------------------------------------


def test_guest_accelerators_with_gke_managed_drivers(plan):
    node = _pools(plan)["gpu-on-demand"].inputs["nodeConfig"]
    assert node["machineType"] == "g2-standard-4"
    assert node["guestAccelerators"] == [{"type": "nvidia-l4", "count": 1,
                                          "gpuDriverInstallationConfig": {"gpuDriverVersion": "LATEST"}}]
    assert node["spot"] is False


def test_taint_and_labels(plan):
    node = _pools(plan)["gpu-on-demand"].inputs["nodeConfig"]
    assert node["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert node["labels"] == {
        "blueprint.dev/accelerator": "nvidia-l4", "blueprint.dev/workload": "fraud-scoring",
        "blueprint.dev/tier": "business-critical", "blueprint.dev/capacity": "on-demand"}
    assert node["resourceLabels"] == {"blueprint-environment": "prod", "blueprint-name": "gpu-on-demand",
                                      "blueprint-workload": "fraud-scoring", "blueprint-tier": "business-critical",
                                      "blueprint-capacity": "on-demand"}


def test_shielded_gke_metadata_cmek_boot_disk_and_node_sa(plan):
    node = _pools(plan)["gpu-on-demand"].inputs["nodeConfig"]
    assert node["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
    assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert node["metadata"] == {"disable-legacy-endpoints": "true"}
    assert node["bootDiskKmsKey"] == CMK
    assert node["diskType"] == "pd-balanced" and node["diskSizeGb"] == 200
    assert node["serviceAccount"] == SA
    assert node["imageType"] == "COS_CONTAINERD"


def test_autoscaling_per_zone_management_and_upgrades(plan):
    inputs = _pools(plan)["gpu-on-demand"].inputs
    assert inputs["autoscaling"] == {"minNodeCount": 1, "maxNodeCount": 4, "locationPolicy": "BALANCED"}
    assert inputs["initialNodeCount"] == 1
    assert inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
    assert inputs["upgradeSettings"] == {"strategy": "SURGE", "maxSurge": 1, "maxUnavailable": 0}


def test_node_count_left_to_the_autoscaler(monkeypatch):
    seen = capture_opts(monkeypatch, gcp.container, "NodePool")
    _plan(capacity="mixed")
    assert set(seen) == {"gpu-on-demand", "gpu-spot"}
    assert all(o.ignore_changes == ["initialNodeCount"] for o in seen.values())


def test_children_parented_and_outputs(built):
    plan = built["plan"]
    assert child_names(plan, "blueprint:gcp:GpuNodePool") == {"gpu-on-demand"}
    assert plan.outputs["node_pool_name"] == "fraud-scoring-gpu"
    assert plan.outputs.get("spot_node_pool_name") is None


# --- capacity ------------------------------------------------------------------------------


def test_mixed_on_demand_minimum_plus_spot_burst(mixed_plan):
    pools = _pools(mixed_plan)
    assert set(pools) == {"gpu-on-demand", "gpu-spot"}
    on_demand, spot = pools["gpu-on-demand"].inputs, pools["gpu-spot"].inputs
    assert on_demand["autoscaling"] == {"minNodeCount": 1, "maxNodeCount": 1, "locationPolicy": "BALANCED"}
    assert on_demand["nodeConfig"]["spot"] is False
    assert spot["autoscaling"] == {"minNodeCount": 0, "maxNodeCount": 3, "locationPolicy": "ANY"}
    assert spot["initialNodeCount"] == 0
    assert spot["nodeConfig"]["spot"] is True
    assert spot["name"] == "fraud-scoring-gpu-spot"
    assert spot["nodeConfig"]["labels"]["blueprint.dev/capacity"] == "spot"
    assert spot["nodeLocations"] == on_demand["nodeLocations"] == ["europe-west1-b", "europe-west1-c"]


def test_mixed_outputs_both_pool_names():
    plan = _plan(outputs={}, capacity="mixed")
    assert plan.outputs["node_pool_name"] == "fraud-scoring-gpu"
    assert plan.outputs["spot_node_pool_name"] == "fraud-scoring-gpu-spot"


def test_spot_pool_for_business_critical():
    plan = _plan(outputs={}, capacity="spot")
    pools = _pools(plan)
    assert set(pools) == {"gpu-spot"}
    assert pools["gpu-spot"].inputs["nodeConfig"]["spot"] is True
    assert pools["gpu-spot"].inputs["autoscaling"] == {"minNodeCount": 1, "maxNodeCount": 4, "locationPolicy": "ANY"}
    assert plan.outputs["node_pool_name"] == "fraud-scoring-gpu-spot"


def test_pilot_light_min_zero_keeps_the_maximum():
    pool = _pools(_plan(min_nodes_per_zone=0, max_nodes_per_zone=4, tier="standard"))["gpu-on-demand"].inputs
    assert pool["autoscaling"]["minNodeCount"] == 0 and pool["autoscaling"]["maxNodeCount"] == 4
    assert pool["initialNodeCount"] == 0
    assert pool["nodeConfig"]["labels"]["blueprint.dev/tier"] == "standard"


def test_mixed_pilot_light_keeps_the_total_within_the_maximum():
    pools = _pools(_plan(capacity="mixed", min_nodes_per_zone=0, max_nodes_per_zone=3))
    assert pools["gpu-on-demand"].inputs["autoscaling"]["minNodeCount"] == 0
    assert pools["gpu-on-demand"].inputs["autoscaling"]["maxNodeCount"] == 1
    assert pools["gpu-spot"].inputs["autoscaling"]["maxNodeCount"] == 2


def test_h200_boots_from_hyperdisk_with_eight_gpus():
    pool = _pools(_plan(zones=("europe-west1-b",), accelerator="nvidia-h200", machine_type="a3-ultragpu-8g",
                        accelerator_type="nvidia-h200-141gb", gpus_per_node=8, tier="mission-critical",
                        gpu_driver_version="DEFAULT"))["gpu-on-demand"].inputs
    assert pool["nodeConfig"]["diskType"] == "hyperdisk-balanced"
    assert pool["nodeConfig"]["guestAccelerators"][0]["count"] == 8
    assert pool["nodeConfig"]["guestAccelerators"][0]["gpuDriverInstallationConfig"] == {"gpuDriverVersion": "DEFAULT"}
    assert boot_disk_type("g2-standard-4") == "pd-balanced"


# --- validation ----------------------------------------------------------------------------


@pytest.fixture
def pool_args():
    """This cloud's builder of a valid GpuNodePoolArgs, for the cases imported from _gpu_pool_cases."""
    return _args


def test_fails_machine_type_of_another_accelerator():
    with pytest.raises(ValidationError, match=r"machine_type: 'a2-highgpu-1g' does not carry nvidia-l4; .*g2-standard-4"):
        _args(machine_type="a2-highgpu-1g")


def test_fails_wrong_accelerator_type():
    with pytest.raises(ValidationError, match="accelerator_type: 'nvidia-tesla-t4' is not the GPU of g2-standard-4"):
        _args(accelerator_type="nvidia-tesla-t4")


def test_fails_gpu_count_that_does_not_match_the_shape():
    with pytest.raises(ValidationError, match=r"gpus_per_node: 2 does not match g2-standard-4 \(1 GPU"):
        _args(gpus_per_node=2)


def test_fails_accelerator_without_gcp_shapes():
    with pytest.raises(ValidationError, match="accelerator: 'nvidia-a10g' has no GCP machine type"):
        _args(accelerator="nvidia-a10g")


def test_fails_zone_of_another_region():
    with pytest.raises(ValidationError, match="zones: zone 'europe-west4-a' is not in region 'europe-west1'"):
        _args(zones=("europe-west1-b", "europe-west4-a"))


def test_fails_empty_zones():
    with pytest.raises(ValidationError, match="zones: empty"):
        _args(zones=())


def test_fails_kms_key_that_is_not_a_key_id():
    with pytest.raises(ValidationError, match="kms_key_id: .* is not a Cloud KMS key id"):
        _args(kms_key_id="data")


def test_fails_driver_version():
    with pytest.raises(ValidationError, match="gpu_driver_version"):
        _args(gpu_driver_version="INSTALLATION_DISABLED")


@pytest.mark.parametrize("size", [20, 65537])
def test_fails_disk_out_of_range(size):
    with pytest.raises(ValidationError, match=f"disk_size_gb: {size} is outside 50..65536"):
        _args(disk_size_gb=size)



"""Tests of the pure-data residency and accelerator catalogs."""

from __future__ import annotations

import dataclasses

import pytest

from blueprint.catalogs import accelerators as acc
from blueprint.catalogs import residency as res

NAMED = ("us", "eu", "uk", "ca", "jp", "au", "in", "sg", "br")


# ----------------------------------------------------------------- residency
def test_required_jurisdictions_present() -> None:
    assert set(NAMED) | {"any"} <= set(res.JURISDICTIONS)
    assert res.CLOUDS == ("aws", "gcp")


@pytest.mark.parametrize("cloud", res.CLOUDS)
@pytest.mark.parametrize("code", NAMED + ("any",))
def test_every_jurisdiction_has_a_region_per_cloud(cloud: str, code: str) -> None:
    assert len(res.regions(cloud, code)) >= 1


def test_eu_membership() -> None:
    aws_eu = res.regions("aws", "eu")
    gcp_eu = res.regions("gcp", "eu")
    assert "eu-central-1" in aws_eu and "europe-west4" in gcp_eu
    for outside in ("eu-west-2", "eu-central-2"):  # London, Zurich
        assert outside not in aws_eu
    for outside in ("europe-west2", "europe-west6"):
        assert outside not in gcp_eu
    assert {"eu-west-1", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"} <= set(aws_eu)
    assert {"europe-west1", "europe-west10", "europe-west12", "europe-southwest1"} <= set(gcp_eu)


def test_single_region_jurisdictions_stay_single() -> None:
    assert list(res.regions("aws", "uk")) == ["eu-west-2"]
    assert list(res.regions("gcp", "uk")) == ["europe-west2"]
    assert list(res.regions("aws", "sg")) == ["ap-southeast-1"]
    assert list(res.regions("aws", "br")) == ["sa-east-1"]


def test_country_lists() -> None:
    assert list(res.regions("aws", "ca")) == ["ca-central-1", "ca-west-1"]
    assert list(res.regions("gcp", "ca")) == ["northamerica-northeast1", "northamerica-northeast2"]
    assert list(res.regions("aws", "jp")) == ["ap-northeast-1", "ap-northeast-3"]
    assert list(res.regions("gcp", "jp")) == ["asia-northeast1", "asia-northeast2"]
    assert "ap-southeast-4" in res.regions("aws", "au")
    assert set(res.regions("aws", "us")) == {"us-east-1", "us-east-2", "us-west-1", "us-west-2"}
    assert all(name.startswith("us-") for name in res.regions("gcp", "us"))


@pytest.mark.parametrize("cloud", res.CLOUDS)
def test_any_covers_every_jurisdiction(cloud: str) -> None:
    everything = res.regions(cloud, "any")
    assert everything == res.all_regions(cloud)
    for code in NAMED:
        assert set(res.regions(cloud, code)) <= set(everything)


def test_unaligned_regions_only_in_any() -> None:
    for region in ("me-central-1", "af-south-1", "il-central-1", "mx-central-1"):
        assert res.find_region("aws", region) is not None
        assert res.jurisdictions_of("aws", region) == []
    for region in ("me-west1", "africa-south1", "northamerica-south1"):
        assert res.find_region("gcp", region) is not None
        assert res.jurisdictions_of("gcp", region) == []


def test_no_govcloud_or_china() -> None:
    names = set(res.all_regions("aws"))
    assert not any(n.startswith(("us-gov-", "cn-")) for n in names)
    assert len(names) == 34


def test_zone_names() -> None:
    assert res.find_region("aws", "us-east-1").zones == tuple(f"us-east-1{c}" for c in "abcdef")
    assert res.find_region("aws", "ap-northeast-1").zones == (
        "ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d",
    )
    assert res.find_region("aws", "ca-central-1").zones == ("ca-central-1a", "ca-central-1b", "ca-central-1d")
    assert len(res.find_region("aws", "us-west-1").zones) == 2
    assert res.find_region("gcp", "us-central1").zones == (
        "us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f",
    )
    assert res.find_region("gcp", "us-east1").zones == ("us-east1-b", "us-east1-c", "us-east1-d")
    assert res.find_region("gcp", "europe-west1").zones == ("europe-west1-b", "europe-west1-c", "europe-west1-d")
    assert res.find_region("gcp", "europe-west4").display == "Eemshaven, Netherlands"
    assert res.find_region("aws", "eu-central-1").display == "Europe (Frankfurt)"


@pytest.mark.parametrize("cloud", res.CLOUDS)
def test_zones_belong_to_their_region(cloud: str) -> None:
    for name, region in res.all_regions(cloud).items():
        assert region.name == name
        assert len(region.zones) >= 2
        assert len(set(region.zones)) == len(region.zones)
        assert all(z.startswith(name) for z in region.zones)


def test_jurisdictions_of() -> None:
    assert res.jurisdictions_of("aws", "eu-central-1") == ["eu"]
    assert res.jurisdictions_of("aws", "eu-west-2") == ["uk"]
    assert res.jurisdictions_of("gcp", "europe-west6") == []
    assert res.jurisdictions_of("gcp", "nowhere1") == []


def test_lookups_and_errors() -> None:
    assert res.find_region("aws", "xx-nowhere-1") is None
    assert res.jurisdiction("eu").name == "European Union"
    with pytest.raises(KeyError):
        res.jurisdiction("mars")
    with pytest.raises(KeyError):
        res.regions("aws", "mars")
    with pytest.raises(KeyError):
        res.all_regions("azure")


def test_catalog_is_immutable() -> None:
    region = res.find_region("aws", "us-east-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        region.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        res.JURISDICTIONS["xx"] = res.jurisdiction("eu")  # type: ignore[index]
    # Callers get copies, so mutating a result does not change the catalog.
    res.regions("aws", "eu").clear()
    assert res.regions("aws", "eu")


# ----------------------------------------------------------------- accelerators
def test_accelerator_names() -> None:
    assert acc.ACCELERATOR_NAMES == (
        "nvidia-t4", "nvidia-a10g", "nvidia-l4", "nvidia-l40s",
        "nvidia-a100", "nvidia-h100", "nvidia-h200",
    )
    assert tuple(acc.ACCELERATORS) == acc.ACCELERATOR_NAMES


def test_pinned_aws_shapes() -> None:
    assert acc.aws_instance_for("nvidia-l4", 1) == acc.AwsInstanceOption("g6.xlarge", 1, 4, 16)
    assert acc.aws_instance_for("nvidia-t4", 8) == acc.AwsInstanceOption("g4dn.metal", 8, 96, 384)
    assert acc.aws_instance_for("nvidia-a10g", 4).instance_type == "g5.12xlarge"
    assert acc.aws_instance_for("nvidia-l40s", 1) == acc.AwsInstanceOption("g6e.xlarge", 1, 4, 32)
    assert acc.aws_instance_for("nvidia-a100", 8).instance_type == "p4d.24xlarge"
    assert acc.aws_instance_for("nvidia-h100", 8) == acc.AwsInstanceOption("p5.48xlarge", 8, 192, 2048)
    assert acc.aws_instance_for("nvidia-h100", 1).instance_type == "p5.4xlarge"
    assert acc.aws_instance_for("nvidia-h200", 8).instance_type == "p5en.48xlarge"
    assert acc.aws_instance_for("nvidia-l4", 2) is None


def test_pinned_gcp_shapes() -> None:
    assert acc.gcp_machine_for("nvidia-l4", 1) == acc.GcpMachineOption("g2-standard-4", "nvidia-l4", 1)
    assert acc.gcp_machine_for("nvidia-l4", 8).machine_type == "g2-standard-96"
    assert acc.gcp_machine_for("nvidia-t4", 1).accelerator_type == "nvidia-tesla-t4"
    assert acc.gcp_machine_for("nvidia-a100", 2).machine_type == "a2-highgpu-2g"
    assert acc.gcp_machine_for("nvidia-h100", 8) == acc.GcpMachineOption("a3-highgpu-8g", "nvidia-h100-80gb", 8)
    assert acc.gcp_machine_for("nvidia-h200", 8).accelerator_type == "nvidia-h200-141gb"
    assert acc.accelerator("nvidia-a10g").gcp == ()
    assert acc.accelerator("nvidia-l40s").gcp == ()
    assert acc.gcp_machine_for("nvidia-a10g", 1) is None


@pytest.mark.parametrize("cloud", res.CLOUDS)
@pytest.mark.parametrize("name", acc.ACCELERATOR_NAMES)
def test_gpu_counts_ascending_and_consistent(cloud: str, name: str) -> None:
    counts = acc.gpu_counts(cloud, name)
    assert list(counts) == sorted(set(counts))
    find = acc.aws_instance_for if cloud == "aws" else acc.gcp_machine_for
    for n in counts:
        assert find(name, n).gpus == n
    # Regions are listed exactly when shapes exist.
    assert bool(counts) == bool(acc.regions_offering(cloud, name))


def test_gpu_counts_values() -> None:
    assert acc.gpu_counts("aws", "nvidia-l4") == (1, 4, 8)
    assert acc.gpu_counts("gcp", "nvidia-l4") == (1, 2, 4, 8)
    assert acc.gpu_counts("gcp", "nvidia-a10g") == ()
    assert acc.gpu_counts("aws", "nvidia-h100") == (1, 8)


def test_one_shape_per_gpu_count() -> None:
    for a in acc.ACCELERATORS.values():
        assert len({o.gpus for o in a.aws}) == len(a.aws)
        assert len({o.gpus for o in a.gcp}) == len(a.gcp)
        assert all(o.vcpus > 0 and o.memory_gib > 0 for o in a.aws)


@pytest.mark.parametrize("name", acc.ACCELERATOR_NAMES)
def test_offering_zones_belong_to_region(name: str) -> None:
    a = acc.accelerator(name)
    for cloud, table in (("aws", a.aws_regions), ("gcp", a.gcp_regions)):
        for region, zones in table.items():
            known = res.find_region(cloud, region)
            assert known is not None, (cloud, region)
            assert zones and set(zones) <= set(known.zones), (cloud, region, zones)
    for option in a.aws:
        for region in res.all_regions("aws"):
            assert set(acc.aws_offering_zones(option.instance_type, region)) <= set(a.aws_regions.get(region, ()))
    for option in a.gcp:
        for region in res.all_regions("gcp"):
            zones = acc.gcp_offering_zones(option.accelerator_type, region)
            assert set(zones) <= set(res.find_region("gcp", region).zones)


def test_pinned_offerings() -> None:
    assert acc.aws_offering_zones("g6.xlarge", "us-east-1") == (
        "us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f",
    )
    assert acc.aws_offering_zones("g6.xlarge", "ap-northeast-1") == ("ap-northeast-1a", "ap-northeast-1c")
    assert "us-east-1e" not in acc.aws_offering_zones("g4dn.xlarge", "us-east-1")
    assert acc.aws_offering_zones("g5.xlarge", "ap-east-2") == ()
    assert acc.aws_offering_zones("no.such", "us-east-1") == ()
    assert acc.aws_offering_zones("p5e.48xlarge", "us-east-2")
    assert acc.gcp_offering_zones("nvidia-l4", "us-central1") == (
        "us-central1-a", "us-central1-b", "us-central1-c",
    )
    assert acc.gcp_offering_zones("nvidia-tesla-t4", "europe-west3") == ("europe-west3-b",)
    assert acc.gcp_offering_zones("nvidia-l4", "southamerica-east1") == ()
    assert acc.gcp_offering_zones("nvidia-nope", "us-central1") == ()


def test_named_jurisdictions_have_t4_on_both_clouds() -> None:
    for code in NAMED:
        for cloud in res.CLOUDS:
            here = set(res.regions(cloud, code))
            assert here & set(acc.regions_offering(cloud, "nvidia-t4")), (cloud, code)


def test_big_regions_have_datacenter_gpus() -> None:
    assert "us-east-1" in acc.regions_offering("aws", "nvidia-h100")
    assert "eu-central-1" in acc.regions_offering("aws", "nvidia-a100")
    assert "ap-northeast-1" in acc.regions_offering("aws", "nvidia-h200")
    assert "us-central1" in acc.regions_offering("gcp", "nvidia-h200")
    assert "europe-west4" in acc.regions_offering("gcp", "nvidia-h100")
    assert "asia-northeast1" in acc.regions_offering("gcp", "nvidia-a100")


def test_accelerator_errors_and_immutability() -> None:
    with pytest.raises(KeyError):
        acc.accelerator("nvidia-k80")
    with pytest.raises(KeyError):
        acc.aws_instance_for("nvidia-k80", 1)
    with pytest.raises(KeyError):
        acc.gpu_counts("azure", "nvidia-l4")
    with pytest.raises(TypeError):
        acc.ACCELERATORS["x"] = acc.accelerator("nvidia-l4")  # type: ignore[index]
    with pytest.raises(TypeError):
        acc.accelerator("nvidia-l4").aws_regions["x"] = ()  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        acc.accelerator("nvidia-l4").name = "x"  # type: ignore[misc]

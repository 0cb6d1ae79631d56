"""GPU accelerator catalog: instance / machine shapes per accelerator and where they exist.

Pure data, no cloud SDK imports.  The composer picks the node shape for a
workload's ``gpu.accelerator`` + ``gpu.gpusPerNode`` here, and the zones that can
host it; tests answer the mocked ``aws:ec2/getInstanceTypeOfferings`` invoke from
:func:`aws_offering_zones`.

Where the figures come from
---------------------------
* AWS shapes (GPUs, vCPUs, memory): EC2 ``DescribeInstanceTypes`` data as shipped
  in moto 5.2.1 (``moto/ec2/resources/instance_types.json``), which matches the
  EC2 accelerated-computing instance pages (e.g. g6.xlarge = 1 L4, 4 vCPU, 16 GiB).
* AWS zones: EC2 ``DescribeInstanceTypeOfferings --location-type
  availability-zone`` snapshots shipped in moto 5.2.1.  Zone letters are mapped
  per account in older regions, so another account may see other letters; the
  region list and the number of zones are what matter.  Regions newer than that
  snapshot (ap-east-2, ap-southeast-6/7, mx-central-1) are not listed for any GPU.
* GCP machine types and accelerator type names: Compute Engine "GPU machine
  types" / "Accelerator-optimized machine family" docs (G2 = L4, A2 High = A100
  40GB, A3 High = H100 80GB, A3 Ultra = H200 141GB; N1 + attached T4).
* GCP zones: Compute Engine "GPU regions and zones", as captured per zone from
  the Compute API in SkyPilot's public GCP catalog (2025).
* ``gpu_memory_gib``: NVIDIA's nominal memory per GPU (A10G/L4 report ~22.4 GiB
  usable, L40S ~44.7 GiB; the nominal 24/48 are listed).

Not offered (checked): NVIDIA A10G is an AWS-only part and GCP has no L40S
machine type, so those two have no GCP shapes.  GCP's a3-highgpu-1g/2g/4g exist
but only as Spot / Flex-start capacity, so only the on-demand a3-highgpu-8g is
catalogued for H100.  For H200 on AWS the catalogued shape is p5en.48xlarge (the
more widely offered of p5e/p5en); p5e.48xlarge offerings are still answered by
:func:`aws_offering_zones`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from blueprint.catalogs import residency

__all__ = [
    "ACCELERATORS",
    "ACCELERATOR_NAMES",
    "Accelerator",
    "AwsInstanceOption",
    "GcpMachineOption",
    "accelerator",
    "aws_instance_for",
    "aws_offering_zones",
    "gcp_machine_for",
    "gcp_offering_zones",
    "gpu_counts",
    "regions_offering",
]

ACCELERATOR_NAMES: tuple[str, ...] = (
    "nvidia-t4",
    "nvidia-a10g",
    "nvidia-l4",
    "nvidia-l40s",
    "nvidia-a100",
    "nvidia-h100",
    "nvidia-h200",
)


@dataclass(frozen=True)
class AwsInstanceOption:
    """An EC2 instance type carrying the accelerator."""

    instance_type: str
    gpus: int
    vcpus: int
    memory_gib: int


@dataclass(frozen=True)
class GcpMachineOption:
    """A Compute Engine machine type plus the guest accelerator type it carries."""

    machine_type: str
    accelerator_type: str
    gpus: int


@dataclass(frozen=True)
class Accelerator:
    """One GPU model: its node shapes per cloud and the zones offering them."""

    name: str
    gpu_memory_gib: int
    aws: tuple[AwsInstanceOption, ...]
    gcp: tuple[GcpMachineOption, ...]
    aws_regions: Mapping[str, tuple[str, ...]]
    gcp_regions: Mapping[str, tuple[str, ...]]


# ------------------------------------------------------------------ AWS zones
# Key: instance family (the part before the dot) or, where one size is offered
# in fewer zones than its family, the full instance type.  Values: zone names.
_AWS_OFFERINGS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "g4dn": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-1": ("us-west-1a", "us-west-1b"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c"),
        "ca-central-1": ("ca-central-1a", "ca-central-1b"),
        "sa-east-1": ("sa-east-1a", "sa-east-1b", "sa-east-1c"),
        "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        "eu-west-1": ("eu-west-1a", "eu-west-1b", "eu-west-1c"),
        "eu-west-2": ("eu-west-2a", "eu-west-2b", "eu-west-2c"),
        "eu-west-3": ("eu-west-3a", "eu-west-3b", "eu-west-3c"),
        "eu-north-1": ("eu-north-1a", "eu-north-1b", "eu-north-1c"),
        "eu-south-1": ("eu-south-1b", "eu-south-1c"),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"),
        "ap-northeast-2": ("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"),
        "ap-northeast-3": ("ap-northeast-3b", "ap-northeast-3c"),
        "ap-south-1": ("ap-south-1a", "ap-south-1b", "ap-south-1c"),
        "ap-southeast-1": ("ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"),
        "ap-southeast-2": ("ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"),
        "ap-east-1": ("ap-east-1a", "ap-east-1b", "ap-east-1c"),
        "me-south-1": ("me-south-1b", "me-south-1c"),
        "af-south-1": ("af-south-1b", "af-south-1c"),
    },
    "g5": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c"),
        "ca-central-1": ("ca-central-1a", "ca-central-1b"),
        "sa-east-1": ("sa-east-1a", "sa-east-1b"),
        "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        "eu-west-1": ("eu-west-1a", "eu-west-1b", "eu-west-1c"),
        "eu-west-2": ("eu-west-2a", "eu-west-2b"),
        "eu-north-1": ("eu-north-1b", "eu-north-1c"),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c"),
        "ap-northeast-2": ("ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2d"),
        "ap-south-1": ("ap-south-1a", "ap-south-1b"),
        "ap-southeast-2": ("ap-southeast-2b", "ap-southeast-2c"),
        "ap-southeast-3": ("ap-southeast-3a", "ap-southeast-3c"),
        "ap-east-1": ("ap-east-1a", "ap-east-1b"),
        "me-central-1": ("me-central-1a", "me-central-1b"),
        "il-central-1": ("il-central-1a", "il-central-1b", "il-central-1c"),
    },
    "g6": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
        "ca-central-1": ("ca-central-1a", "ca-central-1b", "ca-central-1d"),
        "sa-east-1": ("sa-east-1a", "sa-east-1b"),
        "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        "eu-west-2": ("eu-west-2a", "eu-west-2b", "eu-west-2c"),
        "eu-west-3": ("eu-west-3b", "eu-west-3c"),
        "eu-north-1": ("eu-north-1a", "eu-north-1b"),
        "eu-south-2": ("eu-south-2a", "eu-south-2b", "eu-south-2c"),
        "eu-central-2": ("eu-central-2b", "eu-central-2c"),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c"),
        "ap-northeast-2": ("ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2d"),
        "ap-south-1": ("ap-south-1a", "ap-south-1b"),
        "ap-southeast-2": ("ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"),
        "ap-southeast-5": ("ap-southeast-5a", "ap-southeast-5b"),
        "me-central-1": ("me-central-1a", "me-central-1b"),
    },
    "g6e": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
        "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        "eu-north-1": ("eu-north-1a", "eu-north-1b"),
        "eu-south-2": ("eu-south-2b", "eu-south-2c"),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c"),
        "ap-northeast-2": ("ap-northeast-2a", "ap-northeast-2b"),
        "ap-northeast-3": ("ap-northeast-3b", "ap-northeast-3c"),
        "ap-south-1": ("ap-south-1a", "ap-south-1b"),
        "me-central-1": ("me-central-1a", "me-central-1b"),
    },
    "p4d": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
        "ca-central-1": ("ca-central-1a", "ca-central-1b"),
        "sa-east-1": ("sa-east-1a", "sa-east-1c"),
        "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        "eu-west-1": ("eu-west-1c",),
        "eu-west-2": ("eu-west-2a", "eu-west-2b"),
        "eu-north-1": ("eu-north-1c",),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c"),
        "ap-northeast-2": ("ap-northeast-2b", "ap-northeast-2d"),
        "ap-south-1": ("ap-south-1a", "ap-south-1b", "ap-south-1c"),
        "ap-southeast-2": ("ap-southeast-2b", "ap-southeast-2c"),
    },
    "p5": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-1": ("us-west-1a", "us-west-1b"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
        "ca-central-1": ("ca-central-1d",),
        "sa-east-1": ("sa-east-1c",),
        "eu-west-2": ("eu-west-2a", "eu-west-2b", "eu-west-2c"),
        "eu-north-1": ("eu-north-1a", "eu-north-1b", "eu-north-1c"),
        "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c"),
        "ap-northeast-2": ("ap-northeast-2a",),
        "ap-south-1": ("ap-south-1a", "ap-south-1b", "ap-south-1c"),
        "ap-southeast-2": ("ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"),
        "ap-southeast-3": ("ap-southeast-3a",),
    },
    "p5e": {
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2c",),
        "sa-east-1": ("sa-east-1b", "sa-east-1c"),
        "eu-west-2": ("eu-west-2a",),
        "eu-north-1": ("eu-north-1a",),
        "ap-southeast-2": ("ap-southeast-2a",),
        "ap-southeast-3": ("ap-southeast-3a", "ap-southeast-3c"),
    },
    "p5en": {
        "us-east-1": ("us-east-1a", "us-east-1c"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-1": ("us-west-1b",),
        "us-west-2": ("us-west-2a", "us-west-2c", "us-west-2d"),
        "eu-north-1": ("eu-north-1a", "eu-north-1c"),
        "eu-south-2": ("eu-south-2a", "eu-south-2b"),
        "ap-northeast-1": ("ap-northeast-1a",),
        "ap-northeast-2": ("ap-northeast-2a",),
        "ap-south-1": ("ap-south-1a", "ap-south-1b"),
        "ap-southeast-3": ("ap-southeast-3b", "ap-southeast-3c"),
        "me-central-1": ("me-central-1a", "me-central-1c"),
    },
    "p5.4xlarge": {
        "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"),
        "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
        "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
        "sa-east-1": ("sa-east-1c",),
        "eu-west-2": ("eu-west-2a", "eu-west-2b", "eu-west-2c"),
        "ap-northeast-1": ("ap-northeast-1c",),
        "ap-south-1": ("ap-south-1a", "ap-south-1b", "ap-south-1c"),
        "ap-southeast-2": ("ap-southeast-2a",),
        "ap-southeast-3": ("ap-southeast-3a",),
    },
}

# ------------------------------------------------------------------ GCP zones
# Key: GCP accelerator type.  For the A-series (built-in GPUs) the zones are
# those of the machine type catalogued below (a2-highgpu-*, a3-highgpu-8g,
# a3-ultragpu-8g).
_GCP_OFFERINGS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "nvidia-tesla-t4": {
        "us-central1": ("a", "b", "c", "f"),
        "us-east4": ("a", "b", "c"),
        "us-east1": ("c", "d"),
        "us-west1": ("a", "b"),
        "us-west4": ("a", "b"),
        "us-west2": ("b", "c"),
        "us-west3": ("b",),
        "europe-west4": ("a", "b", "c"),
        "europe-west1": ("b", "c", "d"),
        "europe-west3": ("b",),
        "europe-central2": ("b", "c"),
        "europe-west2": ("a", "b"),
        "asia-northeast1": ("a", "c"),
        "asia-southeast1": ("a", "b", "c"),
        "australia-southeast1": ("a", "c"),
        "asia-south1": ("a", "b"),
        "asia-northeast3": ("b", "c"),
        "asia-east1": ("a", "c"),
        "asia-east2": ("a", "c"),
        "asia-southeast2": ("a", "b"),
        "northamerica-northeast1": ("c",),
        "southamerica-east1": ("a", "c"),
        "me-west1": ("b", "c"),
    },
    "nvidia-l4": {
        "us-central1": ("a", "b", "c"),
        "us-east4": ("a", "c"),
        "us-east1": ("b", "c", "d"),
        "us-west1": ("a", "b", "c"),
        "us-west4": ("a", "c"),
        "europe-west4": ("a", "b", "c"),
        "europe-west1": ("b", "c"),
        "europe-west3": ("a", "b"),
        "europe-west2": ("a", "b"),
        "europe-west6": ("b", "c"),
        "asia-northeast1": ("a", "b", "c"),
        "asia-southeast1": ("a", "b", "c"),
        "asia-south1": ("a", "b", "c"),
        "asia-northeast3": ("a", "b"),
        "asia-east1": ("a", "b", "c"),
        "northamerica-northeast1": ("b",),
        "northamerica-northeast2": ("a", "b"),
        "me-central2": ("a", "c"),
    },
    "nvidia-tesla-a100": {
        "us-central1": ("a", "b", "c", "f"),
        "us-east1": ("b",),
        "us-west1": ("b",),
        "us-west4": ("b",),
        "us-west3": ("b",),
        "europe-west4": ("a", "b"),
        "asia-northeast1": ("a", "c"),
        "asia-southeast1": ("b", "c"),
        "asia-northeast3": ("a", "b"),
        "me-west1": ("a", "c"),
    },
    "nvidia-h100-80gb": {
        "us-central1": ("a", "b", "c"),
        "us-east4": ("a", "b", "c"),
        "us-west1": ("a", "b"),
        "us-east5": ("a",),
        "us-west4": ("a",),
        "europe-west4": ("b", "c"),
        "europe-west1": ("b", "c"),
        "europe-west3": ("c",),
        "europe-north1": ("c",),
        "asia-northeast1": ("b",),
        "asia-southeast1": ("b", "c"),
        "australia-southeast1": ("c",),
        "asia-south1": ("c",),
        "asia-east1": ("c",),
    },
    "nvidia-h200-141gb": {
        "us-central1": ("b",),
        "us-east4": ("b",),
        "us-west1": ("c",),
        "us-east5": ("a",),
        "us-south1": ("b",),
        "europe-west4": ("a",),
        "europe-west1": ("b",),
        "asia-south1": ("b",),
        "asia-south2": ("c",),
    },
}


# ------------------------------------------------------------------ shapes
def _a(instance_type: str, gpus: int, vcpus: int, memory_gib: int) -> AwsInstanceOption:
    return AwsInstanceOption(instance_type, gpus, vcpus, memory_gib)


def _g(machine_type: str, accelerator_type: str, gpus: int) -> GcpMachineOption:
    return GcpMachineOption(machine_type, accelerator_type, gpus)


_SHAPES: dict[str, tuple[int, tuple[AwsInstanceOption, ...], tuple[GcpMachineOption, ...]]] = {
    # name: (nominal GiB per GPU, AWS shapes, GCP shapes); one shape per GPU count.
    "nvidia-t4": (
        16,
        (_a("g4dn.xlarge", 1, 4, 16), _a("g4dn.12xlarge", 4, 48, 192), _a("g4dn.metal", 8, 96, 384)),
        # N1 with attached T4s: up to 4 per VM.
        (
            _g("n1-standard-4", "nvidia-tesla-t4", 1),
            _g("n1-standard-8", "nvidia-tesla-t4", 2),
            _g("n1-standard-16", "nvidia-tesla-t4", 4),
        ),
    ),
    "nvidia-a10g": (
        24,
        (_a("g5.xlarge", 1, 4, 16), _a("g5.12xlarge", 4, 48, 192), _a("g5.48xlarge", 8, 192, 768)),
        (),
    ),
    "nvidia-l4": (
        24,
        (_a("g6.xlarge", 1, 4, 16), _a("g6.12xlarge", 4, 48, 192), _a("g6.48xlarge", 8, 192, 768)),
        (
            _g("g2-standard-4", "nvidia-l4", 1),
            _g("g2-standard-24", "nvidia-l4", 2),
            _g("g2-standard-48", "nvidia-l4", 4),
            _g("g2-standard-96", "nvidia-l4", 8),
        ),
    ),
    "nvidia-l40s": (
        48,
        (_a("g6e.xlarge", 1, 4, 32), _a("g6e.12xlarge", 4, 48, 384), _a("g6e.48xlarge", 8, 192, 1536)),
        (),
    ),
    "nvidia-a100": (
        40,
        (_a("p4d.24xlarge", 8, 96, 1152),),
        (
            _g("a2-highgpu-1g", "nvidia-tesla-a100", 1),
            _g("a2-highgpu-2g", "nvidia-tesla-a100", 2),
            _g("a2-highgpu-4g", "nvidia-tesla-a100", 4),
            _g("a2-highgpu-8g", "nvidia-tesla-a100", 8),
        ),
    ),
    "nvidia-h100": (
        80,
        (_a("p5.4xlarge", 1, 16, 256), _a("p5.48xlarge", 8, 192, 2048)),
        (_g("a3-highgpu-8g", "nvidia-h100-80gb", 8),),
    ),
    "nvidia-h200": (
        141,
        (_a("p5en.48xlarge", 8, 192, 2048),),
        (_g("a3-ultragpu-8g", "nvidia-h200-141gb", 8),),
    ),
}

# Instance types aws_offering_zones answers for: every catalogued shape, plus
# p5e.48xlarge (the other H200 type).
_AWS_KNOWN_TYPES: frozenset[str] = frozenset(
    {o.instance_type for _, aws, _ in _SHAPES.values() for o in aws} | {"p5e.48xlarge"}
)


def aws_offering_zones(instance_type: str, region: str) -> tuple[str, ...]:
    """Zones of ``region`` offering ``instance_type``; ``()`` if none or not catalogued."""
    if instance_type not in _AWS_KNOWN_TYPES:
        return ()
    table = _AWS_OFFERINGS.get(instance_type) or _AWS_OFFERINGS.get(instance_type.split(".")[0], {})
    return tuple(table.get(region, ()))


def gcp_offering_zones(accelerator_type: str, region: str) -> tuple[str, ...]:
    """Zones of ``region`` offering GCP ``accelerator_type``; ``()`` if none or unknown."""
    suffixes = _GCP_OFFERINGS.get(accelerator_type, {}).get(region, ())
    return tuple(f"{region}-{s}" for s in suffixes)


def _ordered(cloud: str, zones_of) -> Mapping[str, tuple[str, ...]]:
    """Region -> zones for every catalogued region that offers something, in the
    residency catalog's order, zones in the region's own order."""
    out: dict[str, tuple[str, ...]] = {}
    for name, region in residency.all_regions(cloud).items():
        offered = set(zones_of(name))
        if offered:
            out[name] = tuple(z for z in region.zones if z in offered)
    return MappingProxyType(out)


def _build(name: str) -> Accelerator:
    memory, aws, gcp = _SHAPES[name]
    aws_types = tuple(o.instance_type for o in aws)
    gcp_types = tuple(sorted({o.accelerator_type for o in gcp}))
    return Accelerator(
        name=name,
        gpu_memory_gib=memory,
        aws=aws,
        gcp=gcp,
        # An accelerator's AWS regions: where any of its instance types is offered.
        aws_regions=_ordered(
            "aws", lambda r: [z for t in aws_types for z in aws_offering_zones(t, r)]
        ),
        gcp_regions=_ordered(
            "gcp", lambda r: [z for t in gcp_types for z in gcp_offering_zones(t, r)]
        ),
    )


ACCELERATORS: Mapping[str, Accelerator] = MappingProxyType(
    {name: _build(name) for name in ACCELERATOR_NAMES}
)


def accelerator(name: str) -> Accelerator:
    """The accelerator called ``name``; ``KeyError`` if it is not catalogued."""
    try:
        return ACCELERATORS[name]
    except KeyError:
        raise KeyError(
            f"unknown accelerator {name!r}; expected one of {', '.join(ACCELERATOR_NAMES)}"
        ) from None


def aws_instance_for(name: str, gpus: int) -> AwsInstanceOption | None:
    """The EC2 instance type with ``gpus`` of accelerator ``name``, if AWS has one."""
    return next((o for o in accelerator(name).aws if o.gpus == gpus), None)


def gcp_machine_for(name: str, gpus: int) -> GcpMachineOption | None:
    """The GCP machine type with ``gpus`` of accelerator ``name``, if GCP has one."""
    return next((o for o in accelerator(name).gcp if o.gpus == gpus), None)


def gpu_counts(cloud: str, name: str) -> tuple[int, ...]:
    """Allowed GPUs per node for accelerator ``name`` on ``cloud``, ascending."""
    if cloud not in residency.CLOUDS:
        raise KeyError(f"unknown cloud {cloud!r}; expected one of {', '.join(residency.CLOUDS)}")
    acc = accelerator(name)
    options = acc.aws if cloud == "aws" else acc.gcp
    return tuple(sorted({o.gpus for o in options}))


def regions_offering(cloud: str, name: str) -> tuple[str, ...]:
    """Regions of ``cloud`` where accelerator ``name`` is offered, in catalog order."""
    if cloud not in residency.CLOUDS:
        raise KeyError(f"unknown cloud {cloud!r}; expected one of {', '.join(residency.CLOUDS)}")
    acc = accelerator(name)
    return tuple(acc.aws_regions if cloud == "aws" else acc.gcp_regions)

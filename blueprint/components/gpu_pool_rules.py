"""Rules every GPU node pool follows, whatever the cloud (blueprint.components.aws.gpu_node_pool and
blueprint.components.gcp.gpu_node_pool): the workload name, the accelerator and machine shape from the
catalog, the capacity rules and how 'mixed' capacity splits into an on-demand and a spot pool, and
the Kubernetes labels the nodes carry. Written once here, as typed aliases and plain functions;
each cloud passes its own words (instance type or machine type, spot group or Spot pool).
Cloud-neutral: imports no cloud SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Optional

from blueprint.catalogs.accelerators import ACCELERATOR_NAMES, accelerator

from ._validation import Check, checked

# The node labels' prefix (Kubernetes label keys <prefix>/<name>).
LABEL_PREFIX = "blueprint.dev"
# blueprint.config.models WORKLOAD_NAME. The name is also a Kubernetes label value on the nodes, which
# must begin and end with an alphanumeric character (k8s.io/apimachinery pkg/util/validation/
# validation.go IsValidLabelValue; kubernetes.io/docs/concepts/overview/working-with-objects/labels/
# "Syntax and character set"), so a trailing '-' is refused here rather than by the node API later.
_WORKLOAD = re.compile(r"^[a-z][a-z0-9-]{1,30}$")

Capacity = Literal["on-demand", "spot", "mixed"]


def check_workload(field: str, value: str) -> str:
    if not _WORKLOAD.match(value) or value.endswith("-"):
        raise ValueError(
            f"{field}: {value!r} must match [a-z][a-z0-9-]{{1,30}} (lower case, digits, '-', not ending with '-'), "
            "e.g. 'fraud-scoring'"
        )
    return value


def accelerator_check(cloud: Literal["aws", "gcp"]) -> Check:
    """A check that the accelerator is catalogued and has shapes on ``cloud``."""
    what = {"aws": "AWS instance type", "gcp": "GCP machine type"}[cloud]

    def check(field: str, value: str) -> str:
        if value not in ACCELERATOR_NAMES:
            raise ValueError(f"{field}: {value!r} is not catalogued; choose one of {', '.join(ACCELERATOR_NAMES)}")
        if not getattr(accelerator(value), cloud):
            offered = [n for n in ACCELERATOR_NAMES if getattr(accelerator(n), cloud)]
            raise ValueError(f"{field}: {value!r} has no {what} in the catalog; choose one of {', '.join(offered)}")
        return value

    return check


WorkloadName = Annotated[str, checked(check_workload)]
AwsAccelerator = Annotated[str, checked(accelerator_check("aws"))]
GcpAccelerator = Annotated[str, checked(accelerator_check("gcp"))]


def check_shape(accel: str, field: str, value: str, shapes: Mapping[str, Any], gpus_per_node: int, what: str) -> Any:
    """The catalogued shape ``value`` of ``accel`` (``shapes``: name -> offering with ``.gpus``);
    refused when the accelerator has no such shape or its GPU count is not ``gpus_per_node``.
    ``what`` names the shapes in the message, e.g. 'AWS types'."""
    shape = shapes.get(value)
    if shape is None:
        raise ValueError(
            f"{field}: {value!r} does not carry {accel}; catalogued {what} for it are {', '.join(sorted(shapes))}"
        )
    if shape.gpus != gpus_per_node:
        by_count = ", ".join(f"{o.gpus} -> {name}" for name, o in shapes.items())
        raise ValueError(
            f"gpus_per_node: {gpus_per_node} does not match {value} ({shape.gpus} GPU(s)); {accel} shapes are {by_count}"
        )
    return shape


def check_capacity(guaranteed: bool, capacity: str, low: int, high: int, *, spot_notice: str, burst: str) -> None:
    """min <= max; no spot-only pool where GPUs must be guaranteed (``guaranteed``: the pool's
    guaranteed_capacity); 'mixed' leaves the spot side room to burst.
    ``spot_notice`` says how spot capacity goes away, ``burst`` names the spot side (e.g. 'spot group')."""
    if high < low:
        raise ValueError(
            f"max_nodes_per_zone: {high} is below min_nodes_per_zone ({low}); raise it to at least {low}"
        )
    if capacity == "spot" and guaranteed:
        raise ValueError(
            f"capacity: 'spot' leaves a pool with guaranteed_capacity=True without guaranteed GPUs ({spot_notice}); use "
            "'on-demand' or 'mixed' (on-demand minimum, spot burst)"
        )
    if capacity == "mixed" and high <= max(low, 1):
        raise ValueError(
            f"capacity: 'mixed' needs max_nodes_per_zone ({high}) above max(min_nodes_per_zone, 1) = {max(low, 1)} "
            f"so the {burst} has room to burst; raise max_nodes_per_zone or use 'on-demand'"
        )


def capacity_split(
    capacity: str, low: int, high: int, on_demand_base: Optional[int] = None
) -> list[tuple[Literal["on-demand", "spot"], int, int]]:
    """(capacity, min per zone, max per zone) of each pool: one pool for 'on-demand' or 'spot'; for
    'mixed' an on-demand pool for the guaranteed base (min..base, base default max(min, 1)) and a
    spot pool for the burst (0..max - base), so the per-zone total never exceeds max."""
    if capacity == "mixed":
        base = on_demand_base if on_demand_base is not None else max(low, 1)
        return [("on-demand", low, base), ("spot", 0, high - base)]
    return [(capacity, low, high)]  # type: ignore[list-item]


def node_labels(accel: str, workload: str, tier: str, capacity: Optional[str] = None) -> dict[str, str]:
    """The Kubernetes labels of a pool's nodes: ``blueprint.dev/{accelerator,workload,tier[,capacity]}``."""
    labels = {
        f"{LABEL_PREFIX}/accelerator": accel,
        f"{LABEL_PREFIX}/workload": workload,
        f"{LABEL_PREFIX}/tier": tier,
    }
    if capacity is not None:
        labels[f"{LABEL_PREFIX}/capacity"] = capacity
    return labels

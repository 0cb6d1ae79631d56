"""Where each planned resource lives: region (or ``global``), zone and the workload it serves.

Rules, in order (documented in docs/plan.md):

* region: global services by type (IAM, Route 53, GCP global load-balancing pieces, ...);
  the resource's own ``region`` input (pulumi-aws v7 per-resource region, GCP ``region``);
  a zonal ``zone``/``location``; the region of its explicit provider; for components, the single
  region of their regional descendants (``global`` when they span several); else the stack's
  default region (``aws:region`` / ``gcp:region``).
* zone: ``availabilityZone`` / GCP ``zone`` or a zonal ``location``; else the zone of the single
  subnet it is placed in (``subnetId``, or ``subnetIds`` all in one zone); components get a zone
  when every zonal descendant shares it and none is merely regional.
* workload: the ``blueprint:workload`` tag (AWS) or label (``blueprint-workload`` on GCP and
  Kubernetes); else the workload of the nearest ancestor; components take the single workload
  of their tagged descendants.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from blueprint.types import aws, gcp

GLOBAL = "global"

# Types whose API has no region (the registry's NO_REGION_PREFIXES; distinct from the residency
# policy's narrower GLOBAL_SERVICE_PREFIXES, which also requires that they hold no customer data).
_GLOBAL_PREFIXES = aws.NO_REGION_PREFIXES + gcp.NO_REGION_PREFIXES
_REGIONAL_EXCEPTIONS = aws.REGIONAL_EXCEPTIONS

WORKLOAD_TAG = "blueprint:workload"
WORKLOAD_LABEL = "blueprint-workload"

_GCP_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")
_GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")


def is_global_type(type_: str) -> bool:
    return type_.startswith(_GLOBAL_PREFIXES) and not type_.startswith(_REGIONAL_EXCEPTIONS)


def own_region(type_: str, inputs: dict[str, Any]) -> Optional[str]:
    if is_global_type(type_):
        return GLOBAL
    if isinstance(inputs.get("region"), str) and inputs["region"]:
        return inputs["region"]
    zone = own_zone(type_, inputs)
    if zone and type_.startswith(gcp.PACKAGE_PREFIX):
        return zone.rsplit("-", 1)[0]
    location = inputs.get("location")
    if type_.startswith(gcp.PACKAGE_PREFIX) and isinstance(location, str) and _GCP_REGION.match(location.lower()):
        return location.lower()
    return None


def own_zone(type_: str, inputs: dict[str, Any]) -> Optional[str]:
    # A generic rule on purpose, not the registry's per-type zone_keys: it places ANY type that names
    # one zone (types the registry does not list too), while zone_keys also lists the multi-zone and
    # subnet inputs the facts read (nodeLocations, subnetIds: the engine's subnet rule covers those).
    # tests/test_type_registry.py checks the two agree on every registered top-level zone key.
    for key in ("availabilityZone", "zone"):
        if isinstance(inputs.get(key), str) and inputs[key]:
            return inputs[key]
    location = inputs.get("location")
    if type_.startswith(gcp.PACKAGE_PREFIX) and isinstance(location, str) and _GCP_ZONE.match(location):
        return location
    return None


def own_workload(inputs: dict[str, Any]) -> Optional[str]:
    for key, bag in (("tags", WORKLOAD_TAG), ("labels", WORKLOAD_LABEL), ("resourceLabels", WORKLOAD_LABEL),
                     ("userLabels", WORKLOAD_LABEL)):  # Cloud Monitoring alert policies
        value = inputs.get(key)
        if isinstance(value, dict) and isinstance(value.get(bag), str):
            return value[bag]
    settings = inputs.get("settings")  # Cloud SQL: settings.userLabels
    if isinstance(settings, dict) and isinstance(settings.get("userLabels"), dict):
        label = settings["userLabels"].get(WORKLOAD_LABEL)
        if isinstance(label, str):
            return label
    # GKE node pools carry their labels in nodeConfig (Kubernetes labels and GCE resource labels).
    node_config = inputs.get("nodeConfig")
    if isinstance(node_config, dict):
        for key in ("resourceLabels", "labels"):
            value = node_config.get(key)
            if isinstance(value, dict) and isinstance(value.get(WORKLOAD_LABEL), str):
                return value[WORKLOAD_LABEL]
    metadata = inputs.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
        label = metadata["labels"].get(WORKLOAD_LABEL)
        if isinstance(label, str):
            return label
    return None


def consensus(values: Iterable[Optional[str]], ignore: tuple[Optional[str], ...] = (None,)) -> tuple[Optional[str], bool]:
    """The single value among ``values`` (ignoring ``ignore``), and whether several were seen."""
    distinct = {v for v in values if v not in ignore}
    if len(distinct) == 1:
        return next(iter(distinct)), False
    return None, len(distinct) > 1

"""Small helpers shared by the GCP components: label merging and checks of resource inputs.

GCP labels (Resource Manager "Labels" requirements): at most 64 per resource; keys 1..63 characters,
starting with a lowercase letter; keys and values only lowercase letters, digits, '_' and '-';
values 0..63 characters. blueprint keeps to ASCII (GCP also allows international lowercase letters).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from blueprint.components._validation import check_input

MAX_LABELS = 64
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
# projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> (a CryptoKey id, as
# `gcp.kms.CryptoKey.id` returns it; a key *version* is refused: CMEK wants the key itself so rotation
# applies).
_KMS_KEY_ID = re.compile(r"^projects/[a-z0-9:.-]+/locations/[a-z0-9-]+/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}$")
# Compute Engine regions and zones: europe-west4, us-central1, northamerica-northeast2; zone = region + -a.
GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")
GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
# RFC 1035 names (networks, subnets, routers, firewalls, clusters, node pools): lowercase letter first,
# then lowercase letters, digits or '-', not ending with '-'.
RFC1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def label_value(text: str) -> str:
    """``text`` as a valid label value: lower case, other characters -> '-', at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "-", text.lower())[:63]


def merge_labels(labels: Mapping[str, str] | None, name: str) -> dict[str, str]:
    """The component's labels plus ``blueprint-name`` = the child's logical name (GCP has no ``Name``
    tag; the child's own name wins over a caller's)."""
    return {**(labels or {}), "blueprint-name": label_value(name)}


def check_labels(field: str, labels: Mapping[str, str], *, adds_name: bool = True) -> dict[str, str]:
    """Validate a label map against GCP's rules; raise ValueError naming the field, key and fix.
    ``adds_name``: the component adds ``blueprint-name`` (merge_labels), leaving one label less."""
    if adds_name and len(labels) > MAX_LABELS - 1:  # one is left for blueprint-name
        raise ValueError(f"{field}: {len(labels)} labels; GCP allows {MAX_LABELS} per resource and blueprint adds "
                         f"one, so pass at most {MAX_LABELS - 1}")
    if len(labels) > MAX_LABELS:
        raise ValueError(f"{field}: {len(labels)} labels; GCP allows at most {MAX_LABELS}")
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"{field}: label {key!r}={value!r} must map a string to a string")
        if not _KEY.match(key):
            raise ValueError(
                f"{field}: label key {key!r} is invalid; use 1..63 lowercase letters, digits, '_' or '-', starting "
                f"with a letter (e.g. {label_value(key) or 'blueprint-workload'!r})"
            )
        if not _VALUE.match(value):
            raise ValueError(
                f"{field}: value {value!r} of label {key!r} is invalid; use at most 63 lowercase letters, digits, "
                f"'_' or '-' (e.g. {label_value(value)!r})"
            )
    return dict(labels)


# Accept a pulumi Output (checked by GCP at deploy time) or a literal Cloud KMS CryptoKey id.
check_kms_key_id = check_input(
    _KMS_KEY_ID, "is not a Cloud KMS key id; pass the CryptoKey's id (e.g. KmsKey(...).id or "
    "'projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>'), not a key version")


def check_region(field: str, value: str) -> str:
    if not isinstance(value, str) or not GCP_REGION.match(value):
        raise ValueError(f"{field}: {value!r} is not a GCP region name; use names like 'europe-west4'")
    return value


def check_zones(field: str, zones: tuple[str, ...], region: str | None) -> tuple[str, ...]:
    """Zones of one region, at least one, no duplicates."""
    if not zones:
        raise ValueError(f"{field}: empty; list at least one zone, e.g. ('europe-west4-a', 'europe-west4-b')")
    for zone in zones:
        match = GCP_ZONE.match(zone) if isinstance(zone, str) else None
        if not match:
            raise ValueError(f"{field}: {zone!r} is not a GCP zone name; use names like 'europe-west4-a'")
        if region is not None and match.group(1) != region:
            raise ValueError(f"{field}: zone {zone!r} is not in region {region!r}; list only {region}-<letter> zones")
    if len(set(zones)) != len(zones):
        raise ValueError(f"{field}: {list(zones)!r} lists a zone twice; list each zone once")
    return tuple(zones)


def check_name(field: str, value: str, max_length: int = 63) -> str:
    if not isinstance(value, str) or len(value) > max_length or not RFC1035.match(value):
        raise ValueError(
            f"{field}: {value!r} is not a valid GCP resource name; use 1..{max_length} lowercase letters, digits or "
            "'-', starting with a letter and not ending with '-'"
        )
    return value

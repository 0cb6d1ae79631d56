"""Plain values the composers resolve from a workload's tier (blueprint.footprint.WorkloadIntent)
and the components take: written once here as typed aliases, so no component declares the tier's
values itself. The tier reaches a component only as a label (``TierLabel``): tags, Kubernetes and
GCP labels, alert descriptions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from ._validation import checked

# A Kubernetes label value (at most 63 characters, alphanumeric at both ends: k8s.io/apimachinery
# pkg/util/validation/validation.go IsValidLabelValue) that is also a GCP label value (lower case,
# digits, '-'; https://cloud.google.com/compute/docs/labeling-resources "Requirements for labels").
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def check_tier_label(field: str, value: str) -> str:
    if not _LABEL.match(value):
        raise ValueError(f"{field}: {value!r} is not a label value; use lower case, digits and '-', at most 63 characters")
    return value


def check_disruption_budget(field: str, value: dict[str, Any]) -> dict[str, Any]:
    """Exactly one of minAvailable / maxUnavailable (mutually exclusive in policy/v1
    PodDisruptionBudgetSpec, kubernetes api/policy/v1 types.go), an int >= 0 or a percentage 'N%'."""
    keys = set(value)
    if len(keys) != 1 or not keys <= {"minAvailable", "maxUnavailable"}:
        raise ValueError(f"{field}: {value!r} must hold exactly one of 'minAvailable' or 'maxUnavailable', "
                         "e.g. {'minAvailable': '66%'} or {'maxUnavailable': 1}")
    amount = next(iter(value.values()))
    valid = (isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0) or (
        isinstance(amount, str) and re.fullmatch(r"(100|[1-9]?[0-9])%", amount) is not None)
    if not valid:
        raise ValueError(f"{field}: {amount!r} must be a whole number >= 0 or a percentage such as '50%'")
    return value


def check_percent(field: str, value: int) -> int:
    if not 1 <= value <= 100:
        raise ValueError(f"{field}: {value} is outside 1..100 (percent of the pods' CPU request)")
    return value


TierLabel = Annotated[str, checked(check_tier_label)]
DisruptionBudget = Annotated[dict[str, Any], checked(check_disruption_budget)]
Percent = Annotated[int, checked(check_percent)]

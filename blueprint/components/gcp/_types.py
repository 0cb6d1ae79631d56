"""Typed aliases for the GCP components' Args fields: the checks of blueprint.components.gcp._labels, written
once and attached to the type (blueprint.components._validation.checked) instead of a ``@field_validator``
copy in every model. The error names the field it guards (pydantic passes the field name in).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any

from pydantic import Field

from blueprint.components._validation import check_input, checked

from ._labels import check_kms_key_id, check_labels, check_name, check_region

# A label map within GCP's rules, leaving room for the blueprint-name label merge_labels adds.
Labels = Annotated[dict[str, str], checked(check_labels)]
# A Cloud KMS CryptoKey id (not a key version), or a pulumi Output GCP checks at deploy.
KmsKeyId = Annotated[Any, checked(check_kms_key_id)]
# A Compute Engine region name such as 'europe-west4'.
Region = Annotated[str, checked(check_region)]
# The labels of a component that passes them through unchanged (no blueprint-name label added).
LabelsAsGiven = Annotated[dict[str, str], checked(partial(check_labels, adds_name=False))]
# A project id: 6..30 lower-case letters, digits or '-', starting with a letter, not ending with '-'
# (https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin).
ProjectId = Annotated[str, Field(pattern=r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")]
# A workload name as the stack file allows it (blueprint.config.models.Workload.name).
WorkloadName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,30}$")]


def GcpName(max_length: int = 63) -> Any:  # noqa: N802 (a type factory)
    """An RFC 1035 resource name of at most ``max_length`` characters (blueprint.components.gcp._labels.check_name)."""
    return Annotated[str, checked(partial(check_name, max_length=max_length))]


# A CryptoKey id whose location a component compares with its own (Cloud SQL, Cloud Storage): the
# location is captured (kms_key_location), the other parts only shaped, as the component always did.
_CRYPTO_KEY = re.compile(r"^projects/[^/]+/locations/([a-z0-9-]+)/keyRings/[^/]+/cryptoKeys/[^/]+$")


# A pulumi Output passes (GCP checks it at deploy time); a literal must be a CryptoKey id.
check_crypto_key_id = check_input(
    _CRYPTO_KEY, "is not a Cloud KMS crypto key id; pass "
    "'projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>' (e.g. KmsKey(...).id)")


def kms_key_location(key_id: str) -> str:
    """The location part of a literal CryptoKey id that check_crypto_key_id accepted."""
    return _CRYPTO_KEY.match(key_id).group(1)  # type: ignore[union-attr]


CryptoKeyId = Annotated[Any, checked(check_crypto_key_id)]

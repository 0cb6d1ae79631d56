"""Typed aliases for the AWS components' Args fields: the checks of blueprint.components.aws._tags, written
once and attached to the type (blueprint.components._validation.checked) instead of a ``@field_validator``
copy in every model. The error names the field it guards (pydantic passes the field name in).
"""

from __future__ import annotations

from typing import Annotated, Any

from blueprint.components._validation import checked

from ._tags import check_kms_key_arn, check_tags

# A tag map within AWS's limits (key 1..128, value 0..256 characters, no reserved 'aws:' prefix).
Tags = Annotated[dict[str, str], checked(check_tags)]
# A customer-managed KMS key ARN (not an alias, not a key id), or a pulumi Output AWS checks at deploy.
KmsKeyArn = Annotated[Any, checked(check_kms_key_arn)]

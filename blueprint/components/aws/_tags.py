"""Small helpers shared by the AWS components: tag merging and checks of resource inputs.

Kept dependency-free (only pulumi) so every component file can import it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from blueprint.components._validation import check_input

# AWS tag limits: key 1..128 characters, value 0..256 characters; the `aws:` prefix is reserved.
_MAX_KEY = 128
_MAX_VALUE = 256

# arn:<partition>:kms:<region>:<account>:key/<id> (an alias ARN is refused on purpose: CloudWatch Logs
# and S3 default encryption need the key itself, and an alias can be re-pointed silently).
_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")


def merge_tags(tags: Mapping[str, str] | None, name: str) -> dict[str, str]:
    """The component's tags plus {"Name": name} (the child's own name wins over a caller's Name)."""
    return {**(tags or {}), "Name": name}


def check_tags(field: str, tags: Mapping[str, str]) -> dict[str, str]:
    """Validate a tag map against AWS limits; raise ValueError naming the field, key and fix."""
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"{field}: tag {key!r}={value!r} must map a string to a string")
        if not 1 <= len(key) <= _MAX_KEY:
            raise ValueError(f"{field}: tag key {key!r} must be 1..{_MAX_KEY} characters long")
        if len(value) > _MAX_VALUE:
            raise ValueError(f"{field}: value of tag {key!r} is {len(value)} characters; shorten it to at most {_MAX_VALUE}")
        if key.lower().startswith("aws:"):
            raise ValueError(f"{field}: tag key {key!r} uses the reserved 'aws:' prefix; choose another prefix such as 'blueprint:'")
    return dict(tags)


# Accept a pulumi Output (checked by AWS at deploy time) or a literal KMS key ARN.
check_kms_key_arn = check_input(
    _KMS_KEY_ARN, "is not a KMS key ARN; pass the customer-managed key's ARN "
    "(e.g. KmsKey(...).arn or 'arn:aws:kms:<region>:<account>:key/<key-id>'), not a key id or alias")

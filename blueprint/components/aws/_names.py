"""Physical names that fit AWS's limits, derived from component names.

Pulumi's autoname (``<logical name>-<7 random>``) outgrows short limits such as ELBv2's 32 once a
workload name is long (blueprint/readiness/name_limits_aws.py has each limit and its source).
:func:`fit_name` is :func:`blueprint.components.naming.fit_name` with AWS's pattern; the ``*Prefix`` helpers
leave room for the provider's own unique suffix.
"""

from __future__ import annotations

from typing import Optional

from blueprint.components import naming
from blueprint.components.naming import HASH_LENGTH  # noqa: F401 (re-exported for callers and tests)

# ELBv2, SQS, SNS ... names: letters, digits and hyphens (each limit: blueprint/readiness/name_limits_aws.py).
AWS_NAME_PATTERN = r"[A-Za-z0-9-]+"
# terraform-provider-aws id.PrefixedUniqueId appends 26 characters to a *Prefix input
# (internal/create/naming.go, id.UniqueIDSuffixLength), so a prefix may use the limit minus 26.
PREFIXED_UNIQUE_ID_LENGTH = 26
# IAM role names: at most 64 (API_CreateRole RoleName) -> name_prefix at most 38
# (terraform-provider-aws internal/service/iam/role.go, roleNamePrefixMaxLen).
IAM_ROLE_NAME_PREFIX_MAX = 64 - PREFIXED_UNIQUE_ID_LENGTH
# EKS node group names: at most 63 (terraform-provider-aws internal/service/eks/node_group.go).
EKS_NODE_GROUP_NAME_PREFIX_MAX = 63 - PREFIXED_UNIQUE_ID_LENGTH
# A *Prefix input works beside Pulumi's autonaming: the bridge does not fill a default `name` that
# conflicts with a set property (github.com/pulumi/pulumi-aws/issues/143).


def fit_name(*parts: str, max_length: int, pattern: str = AWS_NAME_PATTERN, salt: str = "", separator: str = "-") -> str:
    """:func:`blueprint.components.naming.fit_name` with AWS's common name pattern as the default."""
    return naming.fit_name(*parts, max_length=max_length, pattern=pattern, salt=salt, separator=separator)


def fit_prefix(*parts: str, max_length: int, pattern: str = AWS_NAME_PATTERN) -> str:
    """A ``*Prefix`` input (IAM ``namePrefix``, EKS ``nodeGroupNamePrefix``...) of at most
    ``max_length`` characters ending with '-': the provider appends a unique suffix of its own
    (terraform-provider-aws ``id.PrefixedUniqueId``: 26 characters), so the prefix keeps names
    unique across stacks and replacements. Long names are shortened as by :func:`fit_name`."""
    return fit_name(*parts, max_length=max_length - 1, pattern=pattern) + "-"


# IAM names: letters, digits and '+=,.@_-' (API_CreateRole RoleName).
IAM_NAME_PATTERN = r"[\w+=,.@-]+"


# Pulumi's autoname appends "-" and 7 random characters (pulumi-terraform-bridge tfbridge.AutoName).
AUTONAME_SUFFIX_LENGTH = 8


def autoname_fits(logical_name: str, limit: int) -> bool:
    """Whether Pulumi's autoname "<logical name>-<7 random>" stays within ``limit``."""
    return len(logical_name) + AUTONAME_SUFFIX_LENGTH <= limit


def iam_role_name_prefix(logical_name: str) -> Optional[str]:
    """``name_prefix`` of an IAM role named after ``logical_name``: None (keep Pulumi's autoname,
    so existing roles keep their names) while "<logical name>-<7 random>" fits IAM's 64, else a
    prefix that leaves room for the provider's unique suffix (roles are account-wide, so the
    suffix keeps stacks apart)."""
    if autoname_fits(logical_name, IAM_ROLE_NAME_PREFIX_MAX + PREFIXED_UNIQUE_ID_LENGTH):
        return None
    return fit_prefix(logical_name, max_length=IAM_ROLE_NAME_PREFIX_MAX, pattern=IAM_NAME_PATTERN)

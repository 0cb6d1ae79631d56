"""Physical names that fit AWS's limits, derived from component names.

Pulumi's autoname (``<logical name>-<7 random>``) outgrows short limits such as ELBv2's 32 once a
workload name is long (blueprint/readiness/name_limits_aws.py has each limit and its source).
:func:`fit_name` keeps a readable prefix and, when the full name does not fit (or ``salt`` asks for
it), ends with a short stable hash of the full name, so two long names never collide and the same
program always plans the same name.
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

# Enough to keep names apart: 16**8 values per readable prefix.
HASH_LENGTH = 8
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


def _hash(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def fit_name(*parts: str, max_length: int, pattern: str = r"[A-Za-z0-9-]+", salt: str = "", separator: str = "-") -> str:
    """``parts`` joined by ``separator``, unchanged when it fits ``max_length`` and no ``salt`` is
    given; else a readable prefix of it + ``separator`` + a hash of the full name (and ``salt``),
    ``max_length`` at most. ``salt`` makes names of one program unique across stacks (pass
    ``f"{project}/{stack}"`` for names unique per account and region).

    ValueError when the result does not match ``pattern`` (``re.fullmatch``) or ``max_length`` is
    too small to hold a prefix and the hash."""
    full = separator.join(p for p in parts if p)
    if not full:
        raise ValueError("fit_name: no name parts given; pass at least one non-empty part")
    if max_length < HASH_LENGTH + 2:
        raise ValueError(f"fit_name: max_length {max_length} is too small; at least {HASH_LENGTH + 2} is needed")
    if len(full) <= max_length and not salt:
        name = full
    else:
        digest = _hash(f"{full}|{salt}", HASH_LENGTH)
        prefix = full[: max_length - HASH_LENGTH - len(separator)].rstrip("-_.")
        name = f"{prefix}{separator}{digest}" if prefix else digest
    if not re.fullmatch(pattern, name):
        raise ValueError(f"fit_name: {name!r} (from {full!r}) does not match {pattern!r}; use parts of allowed characters")
    return name


def fit_prefix(*parts: str, max_length: int, pattern: str = r"[A-Za-z0-9-]+") -> str:
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

"""One row of a name-limit table: where a resource type's physical name comes from and what is legal.

The tables (``name_limits_aws``, ``name_limits_gcp``, ``name_limits_k8s``) map a Pulumi type token
to a :class:`NameRule`; :mod:`blueprint.readiness.names` computes the physical name the provider
will use and checks it against the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Autoname:
    """How the provider names a resource whose name input is unset: ``<logical name><separator>
    <random>``. ``max_length`` is the provider's own cap on the autoname (0: none); a logical name
    too long for it fails ``pulumi preview`` ("name '...' plus N random chars is longer than maximum
    length"), so it is checked like the service limit."""

    random: int = 7  # tfbridge.AutoName: Randlen 7 (pulumi-terraform-bridge pkg/tfbridge/names.go)
    separator: str = "-"
    lower: bool = False  # AutoNameTransform(strings.ToLower)
    max_length: int = 0
    source: str = ""


@dataclass(frozen=True)
class NameRule:
    """The physical name of one resource type."""

    prop: str  # input holding the name, dotted for nested ones ("metadata.name")
    max_length: int
    pattern: str  # the whole name must match (re.fullmatch)
    rule: str  # the limit in words, for the message
    source: str  # where the limit is documented
    min_length: int = 1
    autoname: Optional[Autoname] = None  # None: no provider autoname (the name is required or server-assigned)
    prefix_prop: Optional[str] = None  # e.g. namePrefix / bucketPrefix
    prefix_random: int = 26  # terraform-provider-aws id.PrefixedUniqueId: prefix + 26 chars
    forbidden_prefixes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        re.compile(self.pattern)


# Patterns several tables share.
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL = r"[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN = rf"{DNS1123_LABEL}(\.{DNS1123_LABEL})*"
# A fully qualified DNS name (optional trailing dot): labels of 1..63 letters, digits, '-', '_' (for
# _acme / ACM validation records), not starting or ending with '-'.
_FQDN_LABEL = r"[A-Za-z0-9_*]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?"
FQDN = rf"({_FQDN_LABEL}\.)*{_FQDN_LABEL}\.?"

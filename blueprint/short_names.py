"""Short names for resources in human-readable output (issue 19, "Readable tables").

A URN (``urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>``, Pulumi docs, "Resource
URNs": https://www.pulumi.com/docs/iac/concepts/resources/names/#urns) is 100-200 characters here
and wrapped a table cell over ten lines. Text output shows ``Kind/name`` instead: the last segment
of the resource's own type token and its resource name (``HealthCheck/fraud-scoring-dns-us-east-1-
health-check``); every name this project registers starts with its workload or platform prefix, so
the pair stays unambiguous to a reader. JSON and SARIF output keep the full URN.
"""

from __future__ import annotations

import re

_PREFIX = "urn:pulumi:"

# A URN inside free text: prefix, stack, project, qualified type (no whitespace), then the name. The
# name stops at whitespace, a bracket, a comma/semicolon/quote, or at a ':' or '.' that ends a clause
# ("...-db-cluster: Aurora User Guide"), as the analysis writes its sentences.
_URN_IN_TEXT = re.compile(
    r"urn:pulumi:[^\s:]*::[^\s:]*::[^\s]+?::"
    r"(?P<name>[^\s()\[\],;'\"]+?)"
    r"(?=[\s()\[\],;'\"]|[:.](?:\s|$)|[:.]$|$)"
)


def short_urn(urn: str) -> str:
    """``Kind/name`` for a URN; anything that is not a URN comes back unchanged."""
    if not isinstance(urn, str) or not urn.startswith(_PREFIX):
        return urn
    head, sep, name = urn.rpartition("::")
    if not sep:
        return urn
    qualified = head.split("::", 3)[-1] if head.count("::") >= 2 else head
    own_type = qualified.rsplit("$", 1)[-1]
    kind = own_type.rsplit(":", 1)[-1] or own_type
    return f"{kind}/{name}"


def shorten_urns(text: str) -> str:
    """Every URN in ``text`` replaced by its short name (sentences of the analysis name resources by URN)."""
    if not text or _PREFIX not in text:
        return text
    return _URN_IN_TEXT.sub(lambda m: short_urn(m.group(0)), text)

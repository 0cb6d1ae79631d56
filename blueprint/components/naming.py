"""Cloud-neutral naming: a physical name that fits a provider's limit, derived from readable parts.

Pulumi's autoname (``<logical name>-<7 random>``) and names composed from an environment, a workload
and a region outgrow short limits (ELBv2's 32, GKE's 40, Compute Engine's 63: each limit and its
source is in blueprint/readiness/name_limits_<cloud>.py). :func:`fit_name` keeps a readable prefix
and, when the full name does not fit (or ``salt`` asks for it), ends with a short stable hash of the
full name, so two long names never collide and the same program always plans the same name.
``blueprint.components.aws._names`` and ``blueprint.components.gcp._names`` give it each cloud's pattern; this module
imports no cloud SDK, so neither cloud's programs import the other's.
"""

from __future__ import annotations

import hashlib
import re

# Enough to keep names apart: 16**8 values per readable prefix.
HASH_LENGTH = 8


def fit_name(*parts: str, max_length: int, pattern: str, salt: str = "", separator: str = "-") -> str:
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
        digest = hashlib.sha256(f"{full}|{salt}".encode("utf-8")).hexdigest()[:HASH_LENGTH]
        prefix = full[: max_length - HASH_LENGTH - len(separator)].rstrip("-_.")
        name = f"{prefix}{separator}{digest}" if prefix else digest
    if not re.fullmatch(pattern, name):
        raise ValueError(f"fit_name: {name!r} (from {full!r}) does not match {pattern!r}; use parts of allowed characters")
    return name

"""Typed validator aliases shared by the components' Args models (cloud-neutral: pydantic only).

A check written once as ``check(field, value) -> value`` (raising ValueError that names the field,
the value and what is allowed) becomes a type: ``Annotated[T, checked(check)]``. pydantic passes
the field's name in, so one check serves every field it guards, in every component, instead of a
``@field_validator`` copy per model. Cloud-specific aliases live next to their checks
(blueprint.components.aws._types, blueprint.components.gcp._types); this module imports no cloud SDK (pulumi and
pydantic only), so neither cloud imports the other's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import pulumi
from pydantic import AfterValidator, ValidationInfo

Check = Callable[[str, Any], Any]


def checked(check: Check) -> AfterValidator:
    """An AfterValidator that runs ``check(<field name>, value)`` once the value has its type."""

    def run(value: Any, info: ValidationInfo) -> Any:
        return check(info.field_name, value)

    return AfterValidator(run)


def check_between(low: int, high: int, *, scope: str = "", note: str = "") -> Check:
    """``field: <value> is outside <scope><low>..<high><note>`` for integers outside low..high;
    ``scope`` names whose limit it is (e.g. "SQS's "), ``note`` adds the default or the reason."""

    def check(field: str, value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{field}: {value} is outside {scope}{low}..{high}{note}")
        return value

    return check


def IntBetween(low: int, high: int, *, scope: str = "", note: str = "") -> Any:  # noqa: N802 (a type factory)
    """An ``int`` field limited to low..high (both included), e.g. ``IntBetween(1, 1000, note="; default 5")``."""
    return Annotated[int, checked(check_between(low, high, scope=scope, note=note))]


def check_distinct(what: str) -> Check:
    """A check that a sequence names no ``what`` (e.g. "a secret") twice."""

    def check(field: str, value: Any) -> Any:
        if len(set(value)) != len(value):
            raise ValueError(f"{field}: {list(value)} names {what} twice")
        return value

    return check


def check_prefix_expiration(field: str, value: dict[str, int]) -> dict[str, int]:
    """Object-prefix lifecycle rules: each prefix ends in '/' and expires after at least a day."""
    for prefix, days in value.items():
        if not prefix or not prefix.endswith("/") or days < 1:
            raise ValueError(f"{field}: {prefix!r}: {days} needs a prefix ending in '/' and days >= 1")
    return value


def check_non_negative(field: str, value: int) -> int:
    if value < 0:
        raise ValueError(f"{field}: {value} is negative; use 0 (scale from zero) or more")
    return value


def check_at_least_one(field: str, value: int) -> int:
    if value < 1:
        raise ValueError(f"{field}: {value} must be at least 1 (a pool that can never scale up serves nothing)")
    return value


def check_positive(field: str, value: int) -> int:
    if value < 1:
        raise ValueError(f"{field}: {value} must be at least 1")
    return value


# A count or threshold of 1 or more (alert thresholds, e.g. seconds of backlog age, 5xx per minute).
AtLeastOne = Annotated[int, checked(check_positive)]

# Node counts per zone: a minimum may be 0 (scale from zero, pilot light); a maximum at least 1.
MinNodes = Annotated[int, checked(check_non_negative)]
MaxNodes = Annotated[int, checked(check_at_least_one)]


def check_tcp_port(field: str, value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"{field}: {value} is not a TCP port; pass 1..65535")
    return value


# A TCP port number, 1..65535.
TcpPort = Annotated[int, checked(check_tcp_port)]


def check_http_path(max_length: int, whose: str) -> Check:
    """An absolute HTTP path without whitespace, at most ``max_length`` characters (``whose`` limit)."""

    def check(field: str, value: str) -> str:
        if not value.startswith("/") or len(value) > max_length or any(c.isspace() for c in value):
            raise ValueError(
                f"{field}: {value!r} must be an absolute HTTP path without spaces, at most {max_length} characters "
                f"({whose}), e.g. '/ready'"
            )
        return value

    return check


def HttpPath(max_length: int, whose: str) -> Any:  # noqa: N802 (a type factory)
    """A ``str`` field holding an absolute HTTP path of at most ``max_length`` characters."""
    return Annotated[str, checked(check_http_path(max_length, whose))]


def check_input(pattern: re.Pattern[str], hint: str, *, optional: bool = False) -> Check:
    """A ``pulumi.Input[str]``: a pulumi Output passes (the cloud checks it at deploy time), a literal
    must match ``pattern``, else ``field: <value> <hint>``; ``optional`` lets None through too."""

    def check(field: str, value: Any) -> Any:
        if isinstance(value, pulumi.Output) or (optional and value is None):
            return value
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"{field}: {value!r} {hint}")
        return value

    return check


def InputMatching(pattern: re.Pattern[str], hint: str, *, optional: bool = False) -> Any:  # noqa: N802 (a type factory)
    """A ``pulumi.Input[str]`` field whose literal values must match ``pattern`` (see check_input)."""
    return Annotated[Any, checked(check_input(pattern, hint, optional=optional))]

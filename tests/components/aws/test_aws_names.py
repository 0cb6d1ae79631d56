"""blueprint/components/aws/_names.py: names that fit AWS's limits, readable, stable and collision-free."""

from __future__ import annotations

import re

import pytest

from blueprint.components.aws._names import (
    EKS_NODE_GROUP_NAME_PREFIX_MAX,
    HASH_LENGTH,
    IAM_ROLE_NAME_PREFIX_MAX,
    fit_name,
    fit_prefix,
    iam_role_name_prefix,
)


def test_short_name_is_kept() -> None:
    assert fit_name("fraud-scoring", "alb", max_length=32) == "fraud-scoring-alb"


def test_long_name_keeps_a_readable_prefix_and_a_hash() -> None:
    name = fit_name("recommendations-eu-central-1-lb", "alb", max_length=32)
    assert len(name) == 32 and name.startswith("recommendations-eu-cen")
    assert re.fullmatch(rf"[a-z0-9-]+-[0-9a-f]{{{HASH_LENGTH}}}", name)


def test_names_are_stable() -> None:
    assert fit_name("a" * 40, max_length=32) == fit_name("a" * 40, max_length=32)


def test_two_long_names_with_one_prefix_do_not_collide() -> None:
    one = fit_name("fraud-scoring-realtime-model-a1-ap-southeast-2-lb", "tg", max_length=32)
    two = fit_name("fraud-scoring-realtime-model-b2-ap-southeast-2-lb", "tg", max_length=32)
    assert one != two and one[:20] == two[:20]


def test_salt_always_hashes_so_stacks_differ() -> None:
    dev = fit_name("api-lb", "alb", max_length=32, salt="blueprint/dev")
    prod = fit_name("api-lb", "alb", max_length=32, salt="blueprint/prod")
    assert dev != prod and dev.startswith("api-lb-alb-") and len(dev) <= 32


def test_no_trailing_separator_before_the_hash() -> None:
    name = fit_name("abcdefghijklmnopqrstuv", "x" * 20, max_length=32)  # the cut falls on the '-'
    assert name.startswith("abcdefghijklmnopqrstuv-") and "--" not in name


def test_prefix_leaves_room_for_the_providers_26_characters() -> None:
    prefix = iam_role_name_prefix("environment-name-20c-ap-southeast-2-cluster-autoscaler-role")
    assert prefix.endswith("-") and len(prefix) <= IAM_ROLE_NAME_PREFIX_MAX == 38
    assert len(prefix) + 26 <= 64
    # While the autoname "<logical>-<7 random>" fits 64, the role keeps it (no replacement of existing roles).
    assert iam_role_name_prefix("prod-us-east-1-net-flow-logs-role") is None
    assert iam_role_name_prefix("r" * 56) is None and iam_role_name_prefix("r" * 57) is not None
    assert EKS_NODE_GROUP_NAME_PREFIX_MAX == 37
    assert len(fit_prefix("x" * 80, max_length=EKS_NODE_GROUP_NAME_PREFIX_MAX)) == 37


def test_fails_name_not_matching_pattern() -> None:
    with pytest.raises(ValueError, match="does not match"):
        fit_name("under_score", max_length=32, pattern=r"[a-z0-9-]+")


def test_fails_max_length_too_small() -> None:
    with pytest.raises(ValueError, match="max_length 5 is too small"):
        fit_name("abc", max_length=5)


def test_fails_no_parts() -> None:
    with pytest.raises(ValueError, match="no name parts"):
        fit_name("", max_length=32)

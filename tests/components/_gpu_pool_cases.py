"""Validation cases both clouds' GpuNodePoolArgs must pass alike (the capacity and workload rules of
blueprint.components.gpu_pool_rules), written once. Each cloud's test_gpu_node_pool.py imports them (pytest
then collects them under that module's ids) and provides the ``pool_args`` fixture: its own
``_args(**overrides)`` builder of a valid Args. This file is no test module itself (its name does
not start with ``test_``), so each case runs once per cloud and never on its own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

# What `from tests.components._gpu_pool_cases import *` brings into each cloud's module: every case
# below (a case left out of this list would run on neither cloud).
__all__ = [
    "test_fails_spot_only_with_guaranteed_capacity",
    "test_mixed_allowed_with_guaranteed_capacity_and_spot_by_default",
    "test_fails_max_below_min",
    "test_fails_zero_max",
    "test_fails_negative_min",
    "test_fails_mixed_without_room_to_burst",
    "test_fails_invalid_workload",
    "test_fails_unknown_field",
]


def test_fails_spot_only_with_guaranteed_capacity(pool_args):
    with pytest.raises(ValidationError, match="capacity: 'spot' leaves a pool with guaranteed_capacity=True"):
        pool_args(capacity="spot", guaranteed_capacity=True)


def test_mixed_allowed_with_guaranteed_capacity_and_spot_by_default(pool_args):
    assert pool_args(capacity="mixed", guaranteed_capacity=True).capacity == "mixed"
    # Secure default is on-demand capacity; spot-only is the caller's explicit choice (no guarantee asked).
    assert pool_args().guaranteed_capacity is False and pool_args(capacity="spot").capacity == "spot"


def test_fails_max_below_min(pool_args):
    with pytest.raises(ValidationError, match="max_nodes_per_zone: 2 is below min_nodes_per_zone"):
        pool_args(min_nodes_per_zone=3, max_nodes_per_zone=2)


def test_fails_zero_max(pool_args):
    with pytest.raises(ValidationError, match="max_nodes_per_zone: 0 must be at least 1"):
        pool_args(min_nodes_per_zone=0, max_nodes_per_zone=0)


def test_fails_negative_min(pool_args):
    with pytest.raises(ValidationError, match="min_nodes_per_zone: -1 is negative"):
        pool_args(min_nodes_per_zone=-1)


def test_fails_mixed_without_room_to_burst(pool_args):
    with pytest.raises(ValidationError, match=r"capacity: 'mixed' needs max_nodes_per_zone \(2\) above"):
        pool_args(capacity="mixed", min_nodes_per_zone=2, max_nodes_per_zone=2)


@pytest.mark.parametrize("workload", ["Fraud", "f", "9lives", "fraud_scoring"])
def test_fails_invalid_workload(pool_args, workload):
    with pytest.raises(ValidationError, match="workload: .* must match"):
        pool_args(workload=workload)


def test_fails_unknown_field(pool_args):
    with pytest.raises(ValidationError, match="desired_nodes_per_zone"):
        pool_args(desired_nodes_per_zone=2)


"""Every shipped stack plans the same resources with the same inputs as its snapshot.

The guard for speed work on the plan engine, mocks and placement (issue 15): a faster plan must be
the same plan. A footprint change regenerates the snapshots on purpose (tests/plan_snapshots.py:
`.venv/bin/python -m tests.plan_snapshots --update`) and the JSON diff is reviewed.
"""

from __future__ import annotations

import pytest

from tests import plan_snapshots as snapshots
from tests.conftest import SHIPPED_STACKS


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_plan_matches_its_snapshot(stack):
    expected = snapshots.read_snapshot(stack)
    assert expected is not None, f"no snapshot for stack {stack!r}: run {snapshots.UPDATE_COMMAND} {stack}"
    diff = snapshots.differences(expected, snapshots.plan_digests(snapshots.plan_shipped(stack)))
    assert not any(diff.values()), snapshots.describe(stack, diff)


def test_snapshot_covers_every_shipped_stack():
    assert SHIPPED_STACKS == snapshots.shipped_stacks()
    assert {"prod", "dev", "prod-eu", "gcp-prod"} <= set(SHIPPED_STACKS)


def test_differences_name_the_missing_new_and_changed_urns():
    diff = snapshots.differences({"a": "1", "b": "2", "c": "3"}, {"b": "2", "c": "9", "d": "4"})
    assert diff == {"missing": ["a"], "new": ["d"], "changed": ["c"]}
    text = snapshots.describe("prod", diff)
    assert "missing (1):\n    a" in text and "new (1):\n    d" in text and "changed (1):\n    c" in text
    assert snapshots.UPDATE_COMMAND in text


def test_digest_changes_with_any_input_and_ignores_key_order():
    assert snapshots._digest({"a": 1, "b": [1, 2]}) == snapshots._digest({"b": [1, 2], "a": 1})
    assert snapshots._digest({"a": 1}) != snapshots._digest({"a": 2})

"""Plan JSON is byte-stable (issue 16): two plans of the same stack are byte-identical, so a PR diff of
a saved plan shows only real changes. The engine lists resources in a canonical order
(blueprint/plan/canonical.py) and every mapping with sorted keys (engine._plain), whatever order the
SDK registered and serialized them in; the export and the resilience report follow.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from blueprint.plan.canonical import canonical_order

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output  # 1: a finding (readiness, a missed target), still written
    return result.stdout


@pytest.mark.parametrize("stack", SHIPPED)
def test_two_plans_of_a_shipped_stack_are_byte_identical(stack):
    first = _invoke("plan", "--stack", stack, "--format", "json")
    assert first.startswith("{") and first == _invoke("plan", "--stack", stack, "--format", "json")


def test_two_plan_processes_write_byte_identical_files(tmp_path):
    """Separate processes, with different hash seeds (set and dict-of-set orders differ between them)."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"plan-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "BLUEPRINT_PROGRESS": "never"}
        subprocess.run([sys.executable, "-m", "blueprint", "plan", "--stack", "dev", "--format", "json", "--out", str(out)],
                       cwd=ROOT, env=env, capture_output=True, check=False, timeout=300)
        outputs.append(out.read_bytes())
    assert outputs[0] and outputs[0] == outputs[1]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stack", ["dev", "gcp-prod"])
def test_two_exports_and_resilience_reports_are_byte_identical(stack, tmp_path):
    trees = []
    for run in ("a", "b"):
        _invoke("export", "--stack", stack, "--out", str(tmp_path / run))
        trees.append(_tree(tmp_path / run))
    assert trees[0] and trees[0] == trees[1]
    report = _invoke("resilience", "--stack", stack, "--format", "json")
    assert report and report == _invoke("resilience", "--stack", stack, "--format", "json")


def _node(parent=None, provider=None, dependencies=()):
    return SimpleNamespace(parent=parent, provider=provider, dependencies=list(dependencies))


def test_canonical_order_keeps_parents_providers_and_dependencies_first_whatever_the_registration_order():
    records = {
        "z-component": _node(),
        "a-child": _node(parent="z-component", provider="m-provider"),
        "m-provider": _node(parent="z-component"),
        "b-user": _node(dependencies=["a-child", "stack-not-planned"]),
        "c-free": _node(parent="stack-not-planned"),
    }
    expected = canonical_order(records)
    assert expected == ["c-free", "z-component", "m-provider", "a-child", "b-user"]
    for seed in range(5):
        shuffled = list(records.items())
        random.Random(seed).shuffle(shuffled)
        assert canonical_order(dict(shuffled)) == expected


def test_canonical_order_never_drops_a_resource_even_in_a_cycle():
    records = {"b": _node(dependencies=["a"]), "a": _node(dependencies=["b"]), "c": _node()}
    assert canonical_order(records) == ["c", "a", "b"]


def test_planned_inputs_and_outputs_have_sorted_keys():
    from blueprint.plan.engine import _plain

    plain = _plain({"b": 1, "a": {"d": [{"y": 1, "x": 2}], "c": 3}})
    assert list(plain) == ["a", "b"] and list(plain["a"]) == ["c", "d"] and list(plain["a"]["d"][0]) == ["x", "y"]

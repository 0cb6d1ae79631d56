"""Plans for the resilience tests: each stack planned once per test session."""

from __future__ import annotations

import copy
import sys
from functools import lru_cache
from pathlib import Path

import importlib.util

sys.path.insert(0, str(Path(__file__).resolve().parent))

from blueprint.plan.model import Plan  # noqa: E402
from blueprint.plan.run import load_stack, plan_stack  # noqa: E402
from blueprint.project import StackRef  # noqa: E402

# tests/conftest.py's helpers, loaded by path: another folder's conftest.py may own the name.
_spec = importlib.util.spec_from_file_location("blueprint_tests_conftest", Path(__file__).resolve().parent.parent / "conftest.py")
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
ROOT = _shared.ROOT
write_stack = _shared.write_stack


@lru_cache(maxsize=None)
def _planned(path: str) -> Plan:
    file = Path(path)
    name = file.name[len("Pulumi."):-len(".yaml")]
    return plan_stack(ROOT, StackRef(name, file))


def plan_file(path: Path) -> Plan:
    """A deep copy (tests mutate plans to plant faults) of the stack file's cached plan."""
    return copy.deepcopy(_planned(str(path)))


def targets_of(path: Path):
    from blueprint.analysis import targets_from_config

    file = Path(path)
    config, _, _ = load_stack(ROOT, StackRef(file.name[len("Pulumi."):-len(".yaml")], file))
    return targets_from_config(config)


def moved_primary(folder: Path, source: Path, primary: str, name: str) -> Path:
    """``folder/Pulumi.<name>.yaml``: the stack file ``source`` with its primary region (and provider region)
    moved to ``primary``, the rest unchanged. prod moved off us-east-1 keeps its workloads while its Region
    switch plans' trigger alarms (evaluated in us-east-1, where Route 53 health-check metrics are) survive
    the primary's loss, so the automatic trigger can be tested on prod's shape."""
    import yaml

    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["config"]["aws:region"] = raw["config"]["blueprint:primaryRegion"] = primary
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


# The sources of the parallel steps that wait for the failover orchestration (its trigger, its manual
# approval, or, when its only trigger alarm is evaluated in the lost region, the declared disaster that
# starts it instead) or for the traffic it moves (blueprint/analysis/resilience.py, issue 17).
ORCHESTRATION_START = ("starts when its trigger fires", "starts after its manual approval",
                       "so in that loss nothing starts the plan: counted from declaring a disaster",
                       "it starts when traffic reaches the secondary")


def rto_misses_come_from_the_orchestration(w) -> bool:
    """Every step that ends after the RTO target waits for the orchestration (or what it moves)."""
    late = [s for s in w["breakdown"] if s["parallel"] and s["starts_at_s"] + s["seconds"] > w["rto_target_s"]]
    return bool(late) and all(any(k in s["source"] for k in ORCHESTRATION_START) for s in late)

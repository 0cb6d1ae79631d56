"""A saved plan must be exactly what its stack file plans (issue 16: ``intent-replan``).

The intent rules (blueprint/policies/intent.py) check what the footprint *requires*; a tampered plan
can still move a region field, delete a Deployment, clear a ``workload`` field or add an IAM user no
workload owns. For blueprint's own program the stack file determines the whole plan (plan JSON is
byte-stable, blueprint/plan/canonical.py), so ``blueprint check --plan F`` re-plans the stack file in
process (:func:`blueprint.plan.run.plan_stack`, the call ``check --stack`` makes) and compares the two
resource by resource, by URN: missing, extra, and for common URNs any difference in any saved field
(type, name, parent, provider, region, zone, workload, dependencies, inputs, custom, id, outputs),
plus the top-level ``stack``, ``cloud``, ``residency`` and ``outputs``. Each difference is one
mandatory ``intent-replan`` finding naming the resource, the first differing JSON path and both values.

Hand-composed programs (``StackIntent.config`` None: their keys are their own) are not re-planned.

Speed: a re-plan costs one plan (5-12 s). :func:`fresh_plan_json` memoizes it per process (functools
cache) by (project dir, stack name, the bytes of the stack file, Pulumi.yaml and __main__.py, the
identity of the loaded ``blueprint`` package), so a test process that checks many saved plans of
one stack plans it once. The code of a running process does not change; a stack file that does
changes the key.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

from blueprint.check.pack import Finding, RuleInfo
from blueprint.plan.model import Plan

POLICY = "intent-replan"
MAX_FINDINGS = 50  # then one finding counts the rest: a plan of another stack differs everywhere
TOP_LEVEL = ("stack", "cloud", "residency", "outputs")  # "summary" is derived from the resources
SHORT = 120  # characters of a value a message shows


def remediation(stack: str) -> str:
    return (f"re-plan the stack file (`blueprint plan --stack {stack} --format json --out F`) and check that plan; "
            "a saved plan must be exactly what the stack file plans with this blueprint version")


RULE = RuleInfo(
    id=POLICY, enforcement="mandatory", category="intent", scope="stack",
    description="A saved plan is exactly what its stack file plans with this blueprint version: every resource "
                "(by URN) with the same fields, no resource missing, none extra (blueprint's own program; "
                "`check --plan` re-plans the stack file and compares)",
    remediation=remediation("S"),
)


def _identity() -> str:
    """The loaded blueprint package: where it lives and which module object it is (a reload is another)."""
    package = sys.modules["blueprint"]
    return f"{getattr(package, '__file__', '')}#{id(package)}"


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def fresh_plan_json(project_dir: Path, stack: str, stack_file: Path) -> dict[str, Any]:
    """The stack file's plan as JSON (normalized through ``json``), memoized (module docstring).
    Callers must not modify it."""
    project_dir = Path(project_dir).resolve()
    key = (str(project_dir), stack, str(Path(stack_file).resolve()), _bytes(Path(stack_file)),
           _bytes(project_dir / "Pulumi.yaml"), _bytes(project_dir / "__main__.py"), _identity())
    return _planned(*key)


@functools.lru_cache(maxsize=16)  # 16 stacks' plans (~2-20 MB each) per process; a test session uses 4
def _planned(project_dir: str, stack: str, stack_file: str, *_key: Any) -> dict[str, Any]:
    from blueprint.plan.run import plan_stack
    from blueprint.project import StackRef

    plan = plan_stack(Path(project_dir), StackRef(stack, Path(stack_file)))
    return json.loads(json.dumps(plan.to_json()))


def _short(value: Any) -> str:
    text = "absent" if value is _ABSENT else json.dumps(value, sort_keys=True)
    return text if len(text) <= SHORT else text[:SHORT - 3] + "..."


_ABSENT = object()


def first_difference(saved: Any, fresh: Any, path: str = "") -> Optional[tuple[str, Any, Any]]:
    """The first JSON path where ``saved`` and ``fresh`` differ, with both values; None when equal."""
    if type(saved) is type(fresh) and not isinstance(saved, (dict, list)) and saved == fresh:
        return None  # containers are walked: 1 == True == 1.0 must not hide a retyped value inside
    if isinstance(saved, dict) and isinstance(fresh, dict):
        for key in [*fresh, *(k for k in saved if k not in fresh)]:
            found = first_difference(saved.get(key, _ABSENT), fresh.get(key, _ABSENT), _join(path, key))
            if found is not None:
                return found
        return None
    if isinstance(saved, list) and isinstance(fresh, list):
        for i in range(max(len(saved), len(fresh))):
            found = first_difference(saved[i] if i < len(saved) else _ABSENT,
                                     fresh[i] if i < len(fresh) else _ABSENT, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return path or "(the value)", saved, fresh


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _join(path: str, key: str) -> str:
    simple = key.replace("_", "a").isalnum() and not key[:1].isdigit()
    return (f"{path}.{key}" if path else key) if simple else f"{path}[{json.dumps(key)}]"


def _differences(saved: dict[str, Any], fresh: dict[str, Any]) -> Iterator[tuple[Optional[str], Optional[dict], str]]:
    """(URN, resource, message) for each differing top-level field and resource: missing resources first,
    then extra ones, then changed ones (a deletion also edits its dependents' ``dependencies``: the
    deleted resource is named before the cap is reached)."""
    for key in TOP_LEVEL:
        found = first_difference(saved.get(key), fresh.get(key), key)
        if found is not None:
            yield None, None, (f"the saved plan's {found[0]} is {_short(found[1])}; its stack file plans "
                               f"{_short(found[2])}")
    planned = {r["urn"]: r for r in fresh["resources"]}
    have = {r["urn"] for r in saved["resources"]}
    for r in fresh["resources"]:
        if r["urn"] not in have:
            yield r["urn"], r, f"{r['type']} {r['name']!r} is missing from the saved plan: its stack file plans it"
    for r in saved["resources"]:
        if r["urn"] not in planned:
            yield r["urn"], r, f"{r['type']} {r['name']!r} is in the saved plan but its stack file does not plan it"
    for r in saved["resources"]:
        twin = planned.get(r["urn"])
        if twin is None or _canonical(r) == _canonical(twin):
            continue  # the fast path (json.dumps in C) tells 1, 1.0 and true apart, as the walk does
        found = first_difference(r, twin)
        if found is not None:
            yield r["urn"], r, (f"{r['type']} {r['name']!r} differs from what its stack file plans: {found[0]} is "
                                f"{_short(found[1])} in the saved plan, {_short(found[2])} planned")


def compare(saved: Plan, fresh: dict[str, Any], stack: str) -> list[Finding]:
    """The ``intent-replan`` findings of ``saved`` against the stack file's plan ``fresh`` (JSON)."""
    fix = remediation(stack)
    found: list[Finding] = []
    rest = 0
    for urn, r, message in _differences(json.loads(json.dumps(saved.to_json())), fresh):
        if len(found) >= MAX_FINDINGS:
            rest += 1
            continue
        found.append(Finding(policy=POLICY, enforcement="mandatory", urn=urn, message=message, remediation=fix,
                             resource_type=r["type"] if r else None, resource_name=r["name"] if r else None))
    if rest:
        found.append(Finding(policy=POLICY, enforcement="mandatory", urn=None, remediation=fix,
                             message=f"and {rest:,} more difference(s) from what the stack file plans"))
    return found


def replan_findings(saved: Plan, intent: Any, project_dir: Path) -> list[Finding]:
    """``saved`` compared with a fresh plan of the intent's stack file; nothing to compare (no finding)
    without a stack file or for a hand-composed program (``intent.config`` None)."""
    if intent is None or getattr(intent, "stack_file", None) is None or getattr(intent, "config", None) is None:
        return []
    stack = getattr(intent, "stack", None) or saved.stack
    from blueprint.progress import phase

    phase("re-plan the stack file")
    return compare(saved, fresh_plan_json(project_dir, stack, intent.stack_file), stack)

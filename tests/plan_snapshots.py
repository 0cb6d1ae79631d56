"""Plan snapshots of the shipped stacks: one sha256 per planned resource, keyed by URN.

A refactoring of the plan engine, mocks or placement must keep every shipped stack's plan the
same resource for resource; ``tests/test_plan_snapshot.py`` compares each plan with its snapshot
in ``tests/data/plan-snapshots/<stack>.json`` and prints the URNs that differ.

A change of the footprint (a component, a catalog, a stack file) changes plans on purpose; then
regenerate the snapshots from the project root and review the diff of the JSON files:

    .venv/bin/python -m tests.plan_snapshots --update            # every shipped stack
    .venv/bin/python -m tests.plan_snapshots --update prod dev    # some of them
    .venv/bin/python -m tests.plan_snapshots                      # compare only, print the diff

Each resource's digest covers everything the plan JSON holds for it (type, name, parent, inputs,
dependencies, region, zone, workload, custom, provider, and the ID and outputs the mocks
answered), as canonical JSON (sorted keys, no whitespace), so any change to any of them shows.
The stack's exported outputs get one more digest under the key ``(stack outputs)``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "tests" / "data" / "plan-snapshots"
STACK_OUTPUTS_KEY = "(stack outputs)"
DIGEST_LENGTH = 16  # hex characters of the sha256: 64 bits, ample for a few thousand resources
UPDATE_COMMAND = ".venv/bin/python -m tests.plan_snapshots --update"


def shipped_stacks() -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:DIGEST_LENGTH]


def plan_digests(plan: Any) -> dict[str, str]:
    """URN -> digest of the resource's canonical JSON, plus the stack outputs' digest."""
    digests = {r.urn: _digest(r.to_json()) for r in plan.resources}
    digests[STACK_OUTPUTS_KEY] = _digest(plan.outputs)
    return digests


def plan_shipped(stack: str) -> Any:
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    return plan_stack(ROOT, resolve_stack(ROOT, stack, None))


def snapshot_path(stack: str) -> Path:
    return SNAPSHOT_DIR / f"{stack}.json"


def read_snapshot(stack: str) -> Optional[dict[str, str]]:
    path = snapshot_path(stack)
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["digests"]


def write_snapshot(stack: str, digests: dict[str, str]) -> Path:
    path = snapshot_path(stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"stack": stack, "regenerate": UPDATE_COMMAND, "resources": len(digests) - 1, "digests": dict(sorted(digests.items()))}
    # One URN per line: a footprint change shows as a readable diff of this file.
    path.write_text(json.dumps(data, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    return path


def differences(expected: dict[str, str], actual: dict[str, str]) -> dict[str, list[str]]:
    """The URNs missing from ``actual``, new in it, and changed, each sorted."""
    return {
        "missing": sorted(set(expected) - set(actual)),
        "new": sorted(set(actual) - set(expected)),
        "changed": sorted(u for u in set(expected) & set(actual) if expected[u] != actual[u]),
    }


def describe(stack: str, diff: dict[str, list[str]], limit: int = 40) -> str:
    """A readable account of ``diff`` naming each URN (up to ``limit`` per kind)."""
    lines = [f"plan of stack {stack!r} differs from tests/data/plan-snapshots/{stack}.json:"]
    for kind, urns in diff.items():
        if urns:
            lines.append(f"  {kind} ({len(urns)}):")
            lines += [f"    {u}" for u in urns[:limit]]
            if len(urns) > limit:
                lines.append(f"    ... and {len(urns) - limit} more")
    lines.append(f"If the footprint changed on purpose, regenerate: {UPDATE_COMMAND} {stack}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Compare (or --update) the shipped stacks' plan snapshots.")
    parser.add_argument("stacks", nargs="*", help="stack names (default: every stacks/Pulumi.*.yaml)")
    parser.add_argument("--update", action="store_true", help="write the snapshots from the current plans")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    failed = False
    for stack in args.stacks or shipped_stacks():
        actual = plan_digests(plan_shipped(stack))
        if args.update:
            print(f"wrote {write_snapshot(stack, actual)} ({len(actual) - 1} resources)")
            continue
        expected = read_snapshot(stack)
        if expected is None:
            print(f"{stack}: no snapshot yet; run {UPDATE_COMMAND} {stack}")
            failed = True
            continue
        diff = differences(expected, actual)
        if any(diff.values()):
            print(describe(stack, diff))
            failed = True
        else:
            print(f"{stack}: {len(actual) - 1} resources, identical to the snapshot")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast is `blueprint plan`, and how close to the Pulumi SDK's own floor?

For 1, 5, 20 and 40 workloads (by default) this benchmark, in process:

1. generates a valid AWS stack file with that many workloads (``Pulumi.bench-N.yaml`` in a
   temporary folder);
2. plans it the way the CLI does (:func:`blueprint.plan.run.plan_stack`: config load, validation,
   the real ``__main__.py`` under the mocks, placement) -- "blueprint";
3. re-registers exactly the same resources (type, name, parent, inputs, custom, provider,
   dependencies, in the recorded order) under the SDK's plain mocks with no project code --
   "floor", the least any program declaring those resources can cost;
4. reports seconds per resource for both, the ratio blueprint / floor, and whether the cost per
   resource stays flat as the number of workloads grows;
5. plans each generated stack once more as a whole process (``blueprint plan --config``) for its
   wall time and peak memory.

Then the whole-process table of the shipped stacks (benchmarks/process_speed.py): plan, floor,
resilience, check, checkov alone and checkov inside check, side by side in the same run.

Goals (issue 15): plan / floor <= 1.2 (in process at every N, and the whole `plan` process of
prod); ms per resource max/min <= 1.1 across 1..40 workloads; `check --stack prod` <= 15 s; peak
memory of a 40-workload plan < 1 GB. A benchmark, not a test: it prints figures and exits 0.

    python benchmarks/plan_speed.py [--workloads 1 5 20 40] [--repeat 3] [--stacks prod dev] [--json]
    python benchmarks/plan_speed.py --quick     # 1 workload, stack dev, no check: the smoke test
"""

from __future__ import annotations

import argparse
import hashlib
import gc
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from blueprint.plan.engine import _collector_for_a_plan  # noqa: E402
from blueprint.plan.model import Plan  # noqa: E402
from blueprint.plan.run import plan_stack  # noqa: E402
from blueprint.project import StackRef  # noqa: E402

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import floor  # noqa: E402
import process_speed  # noqa: E402

DEFAULT_WORKLOADS = (1, 5, 20, 40)
DEFAULT_STACKS = ("prod", "dev", "prod-eu", "gcp-prod")
FLAT_LIMIT = 1.1  # max/min of ms per resource across N still counted as "flat" (issue 15)
RATIO_GOAL = 1.2
MEMORY_GOAL_MB = 1024  # peak RSS of the largest plan
CHECK_GOAL_S = 15.0  # `blueprint check --stack prod`
TIERS = ("mission-critical", "business-critical", "standard", "best-effort")
_MIN_RETENTION = {"mission-critical": 35, "business-critical": 30, "standard": 14, "best-effort": 7}


# -- configs -------------------------------------------------------------------------------------
def workload(index: int) -> dict[str, Any]:
    """Workload number ``index`` (1-based): tiers cycle mission-critical, business-critical,
    standard, best-effort; GPU, service, database and queue vary so every component is exercised."""
    tier = TIERS[(index - 1) % len(TIERS)]
    name = f"w{index:02d}"
    w: dict[str, Any] = {"name": name, "tier": tier}
    if tier != "best-effort":
        w["gpu"] = {
            "accelerator": "nvidia-l4",
            "gpusPerNode": 1,
            "minNodesPerZone": 0 if tier == "standard" else 1,
            "maxNodesPerZone": 4,
            "capacity": {"mission-critical": "on-demand", "business-critical": "mixed"}.get(tier, "spot"),
        }
    if tier in ("mission-critical", "business-critical"):
        w["service"] = {
            # pinned by digest: a tier with recovery data pulls a tag only from its own repositories (config rules)
            "image": f"registry.example.com/{name}@sha256:{hashlib.sha256(name.encode()).hexdigest()}",
            "port": 8080,
            "readinessPath": "/ready",
            "livenessPath": "/healthz",
            "replicasPerZone": 1,
        }
    if tier != "standard":
        w["database"] = {
            "engine": "postgres" if index % 2 else "mysql",
            "size": "medium" if tier != "best-effort" else "small",
        }
    w["backup"] = {"retentionDays": _MIN_RETENTION[tier]}
    if tier in ("mission-critical", "standard"):
        w["queue"] = {"maxReceiveCount": 5, "visibilityTimeoutSeconds": 300}
    return w


def stack_config(n: int) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file with ``n`` workloads (as written in Pulumi.<stack>.yaml)."""
    workloads = [workload(i) for i in range(1, n + 1)]
    config: dict[str, Any] = {
        "aws:region": "us-east-1",
        "blueprint:cloud": "aws",
        "blueprint:environment": "bench",
        "blueprint:residency": "us",
        "blueprint:primaryRegion": "us-east-1",
        "blueprint:secondaryRegion": "us-west-2",
        "blueprint:zonesPerRegion": 3,
        # An RFC 5737 documentation range: the plan never contacts the clusters it declares.
        "blueprint:deployerCidrs": ["203.0.113.10/32"],
    }
    if any("service" in w for w in workloads):
        config["blueprint:dnsZone"] = "bench.ml.example.com"
    config["blueprint:workloads"] = workloads
    return config


def raw_config(n: int) -> dict[str, Any]:
    """The same configuration as the program reads it (``blueprint:`` keys without namespace),
    ready for :func:`blueprint.config.validate.validate_config`."""
    return {k[len("blueprint:"):] if k.startswith("blueprint:") else k: v for k, v in stack_config(n).items()}


def write_stack(folder: Path, n: int) -> StackRef:
    path = folder / f"Pulumi.bench-{n}.yaml"
    header = f"# Generated by benchmarks/plan_speed.py: {n} workload(s).\n"
    path.write_text(header + yaml.safe_dump({"config": stack_config(n)}, sort_keys=False), encoding="utf-8")
    return StackRef(f"bench-{n}", path)


# -- the two runs --------------------------------------------------------------------------------
def run_blueprint(stack: StackRef) -> Plan:
    """The whole `blueprint plan`: stack file -> config map -> validation -> program -> placement."""
    return plan_stack(ROOT, stack)


def run_floor(plan: Plan, config: dict[str, str], secrets: list[str]) -> int:
    """Register the plan's resources again under the SDK's plain mocks (benchmarks/floor.py);
    return how many were registered (excluding the root stack)."""
    return floor.replay(plan.resources, plan.stack_urn, plan.stack, config, secrets)


class _GcClock:
    """Wall time spent in the cyclic garbage collector (all generations) while active."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start

    def __enter__(self) -> "_GcClock":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.callbacks.remove(self)


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float, Any]:
    """(best wall seconds, GC seconds of that run, best CPU seconds, result). CPU: the process's
    user + system time (time.process_time, every thread: the SDK's registrations run on its
    executor's), which a machine shared with other work disturbs far less than the wall time."""
    best, best_gc, best_cpu, result = float("inf"), 0.0, float("inf"), None
    for _ in range(repeat):
        gc.collect()
        with _GcClock() as clock:
            start, cpu = time.perf_counter(), time.process_time()
            result = fn()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if elapsed < best:
            best, best_gc = elapsed, clock.seconds
        best_cpu = min(best_cpu, cpu)
    return best, best_gc, best_cpu, result


# -- the benchmark -------------------------------------------------------------------------------
def _row(n: int, stack: StackRef, repeat: int, same_gc: bool, processes: bool) -> dict[str, Any]:
    """One workload count: blueprint and floor in process, and (``processes``) the whole process."""
    from blueprint.config.loader import pulumi_config_map

    values, secrets = pulumi_config_map(stack.file, ROOT / "Pulumi.yaml")
    bp_s, bp_gc, bp_cpu, plan = _best(lambda: run_blueprint(stack), repeat)

    def replay() -> int:
        if not same_gc:
            return run_floor(plan, values, secrets)
        with _collector_for_a_plan():  # the floor under the plan's collector policy
            return run_floor(plan, values, secrets)

    floor_s, floor_gc, floor_cpu, registered = _best(replay, repeat)
    resources = len(plan.resources)
    row = {
        "workloads": n, "resources": resources, "floor_resources": registered, "counts_match": registered == resources,
        "blueprint_s": bp_s, "floor_s": floor_s, "blueprint_gc_s": bp_gc, "floor_gc_s": floor_gc,
        "ratio": bp_s / floor_s if floor_s else None,
        "blueprint_ms_per_resource": 1000 * bp_s / resources, "floor_ms_per_resource": 1000 * floor_s / resources,
        "blueprint_cpu_s": bp_cpu, "floor_cpu_s": floor_cpu, "cpu_ratio": bp_cpu / floor_cpu if floor_cpu else None,
        "blueprint_cpu_ms_per_resource": 1000 * bp_cpu / resources, "floor_cpu_ms_per_resource": 1000 * floor_cpu / resources,
    }
    if processes:
        row["process"] = process_speed.bench_plan_process(stack.file, 1)
    return row


def measure(counts: tuple[int, ...] = DEFAULT_WORKLOADS, repeat: int = 3, gc_freeze: bool = False,
            processes: bool = True) -> dict[str, Any]:
    """``gc_freeze``: run the floor under the plan's collector policy too (engine._collector_for_a_plan)."""
    from blueprint.config.loader import pulumi_config_map

    with tempfile.TemporaryDirectory(prefix="blueprint-bench-") as tmp:
        folder = Path(tmp)
        stacks = {n: write_stack(folder, n) for n in counts}
        # Warm-up: imports, catalogs and the SDK's lazy state are paid here, by neither figure.
        warm = run_blueprint(stacks[counts[0]])
        values, secrets = pulumi_config_map(stacks[counts[0]].file, ROOT / "Pulumi.yaml")
        run_floor(warm, values, secrets)
        rows = [_row(n, stacks[n], repeat, gc_freeze, processes) for n in counts]
    bp_per = [r["blueprint_ms_per_resource"] for r in rows]
    floor_per = [r["floor_ms_per_resource"] for r in rows]
    bp_spread = max(bp_per) / min(bp_per)
    floor_spread = max(floor_per) / min(floor_per)
    worst_ratio = max(r["ratio"] for r in rows if r["ratio"] is not None)
    bp_cpu_per = [r["blueprint_cpu_ms_per_resource"] for r in rows]
    floor_cpu_per = [r["floor_cpu_ms_per_resource"] for r in rows]
    peak = max((r["process"]["max_rss_mb"] for r in rows if "process" in r), default=None)
    return {
        "gc_freeze": gc_freeze,
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "pulumi": _pulumi_version(),
        },
        "repeat": repeat,
        "rows": rows,
        "summary": {
            "worst_ratio": worst_ratio,
            "ratio_goal": RATIO_GOAL,
            "ratio_goal_met": worst_ratio <= RATIO_GOAL,
            "blueprint_per_resource_spread": bp_spread,
            "floor_per_resource_spread": floor_spread,
            "flat_limit": FLAT_LIMIT,
            "blueprint_per_resource_flat": bp_spread <= FLAT_LIMIT,
            "worst_cpu_ratio": max(r["cpu_ratio"] for r in rows if r["cpu_ratio"] is not None),
            "blueprint_cpu_per_resource_spread": max(bp_cpu_per) / min(bp_cpu_per),
            "floor_cpu_per_resource_spread": max(floor_cpu_per) / min(floor_cpu_per),
            "largest_plan_peak_mb": peak,
            "memory_goal_mb": MEMORY_GOAL_MB,
        },
    }


def _pulumi_version() -> Optional[str]:
    try:
        from importlib.metadata import version

        return version("pulumi")
    except Exception:  # noqa: BLE001 - informational only
        return None


def render(result: dict[str, Any]) -> str:
    m, s = result["machine"], result["summary"]
    lines = [
        f"Python {m['python']} ({m['implementation']}), {m['cpu_count']} CPU(s), pulumi {m['pulumi']}, "
        f"{m['platform']}; best of {result['repeat']}"
        + ("; floor under the plan's collector policy" if result["gc_freeze"] else ""),
        "",
        "In process (plan_stack vs the floor replay):",
        f"{'workloads':>9} {'resources':>9} {'blueprint s':>11} {'floor s':>8} {'ratio':>6} "
        f"{'bp ms/res':>9} {'floor ms/res':>12} {'bp gc s':>8} {'floor gc s':>10} {'process s':>9} {'peak MB':>7} "
        f"{'bp cpu s':>8} {'floor cpu s':>11} {'cpu ratio':>9} {'bp cpu ms/res':>13}",
    ]
    for r in result["rows"]:
        mark = "" if r["counts_match"] else f"  (floor registered {r['floor_resources']}!)"
        proc = r.get("process") or {}
        lines.append(
            f"{r['workloads']:>9} {r['resources']:>9} {r['blueprint_s']:>11.3f} {r['floor_s']:>8.3f} "
            f"{r['ratio']:>6.2f} {r['blueprint_ms_per_resource']:>9.3f} {r['floor_ms_per_resource']:>12.3f} "
            f"{r['blueprint_gc_s']:>8.3f} {r['floor_gc_s']:>10.3f} "
            f"{proc.get('seconds', float('nan')):>9.2f} {proc.get('max_rss_mb', float('nan')):>7.0f} "
            f"{r['blueprint_cpu_s']:>8.3f} {r['floor_cpu_s']:>11.3f} {r['cpu_ratio']:>9.2f} "
            f"{r['blueprint_cpu_ms_per_resource']:>13.3f}{mark}"
        )
    lines += [
        "",
        f"ratio: worst {s['worst_ratio']:.2f} (goal <= {s['ratio_goal']}: {'met' if s['ratio_goal_met'] else 'NOT met'})",
        f"cost per resource, max/min across workloads: blueprint {s['blueprint_per_resource_spread']:.2f}, "
        f"floor {s['floor_per_resource_spread']:.2f} "
        f"(flat if <= {s['flat_limit']}: {'yes' if s['blueprint_per_resource_flat'] else 'no'})",
        f"CPU time: worst ratio {s['worst_cpu_ratio']:.2f}; cost per resource max/min: blueprint "
        f"{s['blueprint_cpu_per_resource_spread']:.2f}, floor {s['floor_cpu_per_resource_spread']:.2f}",
    ]
    if s.get("largest_plan_peak_mb") is not None:
        lines.append(f"peak memory of the largest plan's process: {s['largest_plan_peak_mb']:.0f} MB "
                     f"(goal < {s['memory_goal_mb']} MB)")
    if result.get("stacks"):
        lines += ["", *process_speed.render_stacks(result["stacks"])]
        prod = next((r for r in result["stacks"]["rows"] if r["stack"] == "prod" and "check" in r), None)
        if prod:
            lines.append(f"check --stack prod: {prod['check']['seconds']:.1f} s (goal <= {CHECK_GOAL_S:.0f} s)")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", type=int, nargs="+", default=list(DEFAULT_WORKLOADS),
                        help="workload counts to plan (default: 1 5 20 40)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per in-process measurement; the best is kept (default 3)")
    parser.add_argument("--stacks", nargs="*", default=list(DEFAULT_STACKS),
                        help="shipped stacks for the whole-process table (default: all four; none: skip it)")
    parser.add_argument("--skip-check", action="store_true", help="whole-process table without check and checkov")
    parser.add_argument("--quick", action="store_true",
                        help="1 workload, best of 1, stack dev without check: a fast smoke run")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="run the floor under the plan's collector policy too (both sides, same collector settings)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.workloads, args.repeat, args.stacks, args.skip_check = [1], 1, ["dev"], True
    try:
        result = measure(tuple(args.workloads), max(1, args.repeat), args.gc_freeze, processes=not args.quick)
        if args.stacks:
            result["stacks"] = process_speed.measure_stacks(args.stacks, 1, with_check=not args.skip_check)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not fail the build
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 0
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

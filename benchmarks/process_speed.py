"""Whole-process figures: `blueprint plan`, `resilience` and `check` of the shipped stacks beside
the SDK's floor and checkov alone, all measured in the same run (used by plan_speed.py).

For each stack:

* **plan**: ``blueprint plan --stack S --format json --out FILE`` (the saved plan CI checks);
* **floor**: ``benchmarks/floor.py FILE`` -- a bare process importing ``pulumi`` and the provider
  SDK modules of the plan's resource types, replaying the same graph under plain mocks;
* **resilience**: ``blueprint resilience --stack S --format json``;
* **check**: ``blueprint check --stack S --format json`` (plans, exports, runs checkov and the rules);
* **checkov alone**: the checkov command ``check`` runs, on the same export written beforehand;
* **checkov in check**: from checkov's start to its result inside an in-process ``run_check``.

Each process's wall time, CPU time (user + system, ``ru_utime + ru_stime``) and peak resident memory
(``ru_maxrss``), all of that child, from ``wait4``. On a machine shared with other work the CPU
seconds move far less than the wall seconds (a process waiting for a core is not charged).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "blueprint.cli"]


# Runs one command and writes its wall seconds, peak RSS and exit code to argv[1]. A small
# launcher: a child forked from the (large) benchmark process would report the parent's RSS as
# its own ru_maxrss; forked from this one, the figure is the command's.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_mb": usage.ru_maxrss / 1024,
           "exit": os.waitstatus_to_exitcode(status)}, open(sys.argv[1], "w"))
"""


def timed(argv: list[str], repeat: int = 1, env: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Best wall seconds of ``repeat`` runs of ``argv`` (cwd: the project root, output discarded),
    with that run's peak RSS in MB and exit code (and stderr's last line when it exited above 1)."""
    best: dict[str, Any] = {"seconds": float("inf")}
    with tempfile.TemporaryDirectory(prefix="blueprint-bench-timed-") as tmp:
        out = Path(tmp) / "timed.json"
        for _ in range(repeat):
            done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(out), *argv], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
            figures = json.loads(out.read_text(encoding="utf-8"))
            figures["stderr_tail"] = done.stderr.strip().splitlines()[-1:] if figures["exit"] not in (0, 1) else []
            if figures["seconds"] < best["seconds"]:
                best = figures
    return best


def checkov_available() -> bool:
    from blueprint.checkov import CheckovNotInstalled, find_checkov

    try:
        find_checkov(project_dir=ROOT)
        return True
    except CheckovNotInstalled:
        return False


def _checkov_alone(plan_file: Path, folder: Path, repeat: int) -> dict[str, Any]:
    """checkov on the export of ``plan_file``, run exactly as ``check`` runs it."""
    from blueprint.check import load_plan_file
    from blueprint.checkov.runner import _OFFLINE, _PLATFORM_VARIABLES, checkov_command, find_checkov
    from blueprint.export import K8S_DIR, TFPLAN_FILE, export_plan

    out = folder / "export"
    export_plan(load_plan_file(plan_file), out)
    k8s = out / K8S_DIR
    command = checkov_command(find_checkov(project_dir=ROOT), out / TFPLAN_FILE, k8s if any(k8s.glob("*.yaml")) else None)
    env = {k: v for k, v in os.environ.items() if k not in _PLATFORM_VARIABLES}
    env.update(_OFFLINE)
    return timed(command, repeat, env)


def _checkov_in_check(plan_file: Path) -> dict[str, Any]:
    """In-process ``run_check`` of the saved plan: its total, and checkov's start-to-result part."""
    import blueprint.checkov.runner as runner
    from blueprint.check import load_plan_file, resolve_jurisdiction, run_check

    spans: list[float] = []
    real_start = runner.start_checkov

    def start(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        running = real_start(*args, **kwargs)
        real_wait = running.wait

        def wait() -> Any:
            try:
                return real_wait()
            finally:
                spans.append(time.perf_counter() - begun)

        running.wait = wait
        return running

    runner.start_checkov = start
    try:
        plan = load_plan_file(plan_file)
        started = time.perf_counter()
        report = run_check(plan, resolve_jurisdiction(plan, None, None, ROOT), project_dir=ROOT)
        total = time.perf_counter() - started
    finally:
        runner.start_checkov = real_start
    return {"seconds": total, "checkov_seconds": spans[0] if spans else None, "checkov_error": report.checkov_error}


def stack_row(stack: str, repeat: int, with_check: bool, folder: Path) -> dict[str, Any]:
    plan_file = folder / f"plan-{stack}.json"
    row: dict[str, Any] = {"stack": stack}
    row["plan"] = timed(CLI + ["plan", "--stack", stack, "--format", "json", "--out", str(plan_file)], repeat)
    if not plan_file.is_file():
        row["error"] = f"plan failed: {row['plan']}"
        return row
    row["resources"] = len(json.loads(plan_file.read_text(encoding="utf-8"))["resources"])
    row["floor"] = timed([sys.executable, str(BENCH / "floor.py"), str(plan_file)], repeat)
    row["plan_over_floor"] = row["plan"]["seconds"] / row["floor"]["seconds"]
    row["plan_over_floor_cpu"] = row["plan"]["cpu_seconds"] / row["floor"]["cpu_seconds"]
    row["resilience"] = timed(CLI + ["resilience", "--stack", stack, "--format", "json"], repeat)
    if with_check:
        row["check"] = timed(CLI + ["check", "--stack", stack, "--format", "json"], repeat)
        row["checkov_alone"] = _checkov_alone(plan_file, folder / stack, repeat)
        row["check_in_process"] = _checkov_in_check(plan_file)
    return row


def bench_plan_process(stack_file: Path, repeat: int) -> dict[str, Any]:
    """Whole-process ``blueprint plan --config FILE`` of a generated stack: seconds and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="blueprint-bench-out-") as tmp:
        return timed(CLI + ["plan", "--config", str(stack_file), "--format", "json", "--out", str(Path(tmp) / "p.json")], repeat)


def measure_stacks(stacks: list[str], repeat: int = 1, with_check: bool = True) -> dict[str, Any]:
    with_check = with_check and checkov_available()
    with tempfile.TemporaryDirectory(prefix="blueprint-bench-proc-") as tmp:
        rows = [stack_row(stack, repeat, with_check, Path(tmp)) for stack in stacks]
    return {"rows": rows, "with_check": with_check}


def _s(cell: Optional[dict[str, Any]], key: str = "seconds") -> str:
    return f"{cell[key]:.2f}" if cell and cell.get(key) is not None else "-"


def render_stacks(result: dict[str, Any]) -> list[str]:
    lines = ["Whole process (wall s, CPU s / peak MB), same run:",
             f"{'stack':>9} {'res':>5} {'plan s':>7} {'floor s':>7} {'ratio':>6} {'plan cpu':>8} {'floor cpu':>9} "
             f"{'cpu ratio':>9} {'plan MB':>7} {'floor MB':>8} "
             f"{'resil s':>7} {'check s':>7} {'check MB':>8} {'ckv alone s':>11} {'ckv in check s':>14}"]
    for r in result["rows"]:
        if "error" in r:
            lines.append(f"{r['stack']:>9} {r['error']}")
            continue
        lines.append(
            f"{r['stack']:>9} {r['resources']:>5} {_s(r['plan']):>7} {_s(r['floor']):>7} {r['plan_over_floor']:>6.2f} "
            f"{_s(r['plan'], 'cpu_seconds'):>8} {_s(r['floor'], 'cpu_seconds'):>9} {r['plan_over_floor_cpu']:>9.2f} "
            f"{r['plan']['max_rss_mb']:>7.0f} {r['floor']['max_rss_mb']:>8.0f} {_s(r['resilience']):>7} "
            f"{_s(r.get('check')):>7} {_s(r.get('check'), 'max_rss_mb'):>8} {_s(r.get('checkov_alone')):>11} "
            f"{_s(r.get('check_in_process'), 'checkov_seconds'):>14}")
    if not result["with_check"]:
        lines.append("(check and checkov skipped: --quick/--skip-check, or no .venv-checkov)")
    return lines

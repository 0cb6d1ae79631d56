"""`blueprint resilience` as text: tables that fit the terminal (issue 19, "Readable tables").

Resources appear by short name (``Kind/name``, :mod:`blueprint.short_names`); the JSON report keeps
every URN. Cells hold short values only: the long explanations (where a step's duration comes from,
why a single point of failure matters) are numbered notes under their table, word-wrapped at the
console's width, so a row stays one or two lines high on a 100-column terminal.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from blueprint.short_names import short_urn, shorten_urns

# A light frame: a rule under the header, no outer edge, two spaces between columns: the width goes
# to the values (a 7-column table spends 12 characters on its frame instead of 22).
_BOX = box.SIMPLE_HEAD


def _table(title: str, caption: Optional[str] = None) -> Table:
    return Table(title=title, caption=caption, box=_BOX, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                 title_justify="left", caption_justify="left")


def _dur(seconds: Optional[float]) -> str:
    if seconds is None:
        return "unbounded"
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}%"


def _line(console: Console, text: str) -> None:
    """Prose, word-wrapped at the console's width (never markup: resource names hold brackets)."""
    console.print(Text(text), overflow="fold")


def _notes(console: Console, notes: list[str]) -> None:
    """Numbered notes under their table."""
    for number, note in enumerate(notes, 1):
        _line(console, f"[{number}] {note}")


def render(report: Mapping[str, Any], console: Console) -> None:
    from blueprint.analysis.report import failed

    console.print(summary_table(report))
    drill = report.get("drill")
    if drill:
        _line(console, f"measured figures from the {drill.get('scenario')} drill of {drill.get('zone') or drill.get('region')} on "
                       f"{drill.get('date')}: {drill.get('figures') or {}} {drill.get('steps') or {}}")
    for w in report["workloads"]:
        console.print()
        steps, notes = breakdown_table(w)
        console.print(steps)
        _notes(console, notes)
        _workload_lines(w, console)
        console.print(scenario_table(w))
        for line in degraded_lines(w):
            _line(console, line)
    console.print()
    spofs = report["single_points_of_failure"]
    if spofs:
        table, notes = spof_table(spofs)
        console.print(table)
        _notes(console, notes)
    else:
        console.print("no single points of failure")
    console.print(f"rebuild estimate for {report['rebuild_region']} (pulumi up, critical path): {_dur(report['rebuild_estimate_s'])}")
    verdict = ("FAIL: a workload misses its target, cannot write in a region it serves, or has a forbidden single point of failure"
               if failed(report) else "OK: every workload meets its tier")
    console.print(verdict)
    console.print("(resources by short name Kind/name; `--format json` has their URNs)")


def summary_table(report: Mapping[str, Any]) -> Table:
    table = _table(f"blueprint resilience: stack {report['stack']} (primary {report['primary_region']}, "
                   f"secondary {report['secondary_region'] or 'none'})")
    for col in ("workload", "tier", "strategy"):
        table.add_column(col, no_wrap=True)
    table.add_column("RTO est. / target")
    table.add_column("RPO est. / target")
    table.add_column("meets", no_wrap=True)
    for w in report["workloads"]:
        table.add_row(w["name"], w["tier"], w["strategy"], f"{_dur(w['rto_estimate_s'])} / {_dur(w['rto_target_s'])}",
                      f"{_dur(w['rpo_estimate_s'])} / {_dur(w['rpo_target_s'])}", "yes" if w["meets"] else "NO")
    return table


def breakdown_table(w: Mapping[str, Any]) -> tuple[Table, list[str]]:
    """The region-loss steps; where each duration comes from is note [n] under the table."""
    steps = _table(f"{w['name']}: region-loss breakdown (parallel steps run side by side after detection)")
    # The two texts share what the numbers leave, 2:3 (what automates a step names a resource and is the longer).
    steps.expand = True
    steps.add_column("step", ratio=2)
    steps.add_column("seconds")  # "48 (measured; modeled 60)" after a drill may wrap
    steps.add_column("starts", no_wrap=True)
    steps.add_column("automated by", ratio=3, overflow="fold")
    steps.add_column("note", no_wrap=True)
    notes: list[str] = []
    for s in w["breakdown"]:
        starts = "" if not s["parallel"] else f"{s['starts_at_s']:g}"
        measured = f" (measured; modeled {s['modeled_s']:g})" if s.get("modeled_s") is not None else ""
        notes.append(shorten_urns(s["source"]))
        steps.add_row(s["step"], f"{s['seconds']:g}{measured}", starts,
                      shorten_urns(s.get("automated_by") or "nobody: a human acts"), f"[{len(notes)}]")
    notes.append(shorten_urns(w["rpo_source"]))
    steps.add_row("RPO", str(w["rpo_estimate_s"]), "", "", f"[{len(notes)}]")
    return steps, notes


def _workload_lines(w: Mapping[str, Any], console: Console) -> None:
    orch = w.get("orchestration") or {}
    if orch.get("missing"):
        _line(console, shorten_urns(orch["message"]))
    elif orch.get("present"):
        _line(console, f"orchestration: {orch['kind']} {short_urn(orch['urn'])} ({orch['approval']} approval; automates "
                       f"{', '.join(sorted(orch['steps'])) or 'nothing'})")
    for p in w.get("write_paths", []):
        to = f" to {p['to_region']}" if p["path"] in ("forwarded", "remote") else ""
        _line(console, f"writes in {p['region']}: {p['path']}{to} ({shorten_urns(p['detail'])})")
    for miss in w.get("measured_misses", []):
        _line(console, f"MEASURED MISS: {shorten_urns(miss)}")
    for problem in w.get("write_path_problems", []):
        _line(console, f"WRITE PATH MISSING: {shorten_urns(problem)}")


def scenario_table(w: Mapping[str, Any]) -> Table:
    sc = _table(f"{w['name']}: failure scenarios",
                caption="GPU: capacity right after the failure -> after scale-up; backups: intact after the failure")
    sc.add_column("scenario", no_wrap=True)
    sc.add_column("serving", no_wrap=True)
    sc.add_column("GPU", no_wrap=True)
    sc.add_column("DB writer", no_wrap=True)
    sc.add_column("backups", no_wrap=True)
    sc.add_column("recovery")
    for s in w["scenarios"]:
        sc.add_row(s["scenario"], "yes" if s["serving"] else "NO",
                   f"{_pct(s['gpu_capacity_pct'])} -> {_pct(s['gpu_capacity_after_scale_up_pct'])}", s["db_writer"] or "-",
                   "yes" if s["backups_intact"] else "no", shorten_urns(s["recovery"]))
    return sc


def degraded_lines(w: Mapping[str, Any]) -> list[str]:
    """Notes under the scenario table on the fallback's degraded serving (issue 18): one per scenario where
    it serves; one line when a fallback is planned but serves in none. Empty without a fallback."""
    planned = [s for s in w["scenarios"] if s.get("degraded_serving") is not None]
    if not planned:
        return []
    fallback = w.get("fallback") or {}
    lines = [f"fallback (degraded mode): {shorten_urns(fallback['source']) or 'routed nowhere'}"
             + (f"; runs unrouted in {', '.join(fallback['unrouted'])}" if fallback.get("unrouted") else "")] if fallback else []
    active = [s for s in planned if s["degraded_serving"]["active"]]
    if not active:
        return lines + [f"degraded serving: no scenario ({shorten_urns(planned[-1]['degraded_serving']['source'])})"]
    for s in active:
        d = s["degraded_serving"]
        until = "the zone returns" if d["until_s"] is None else _dur(d["until_s"])
        lines.append(f"degraded serving, {s['scenario']}: the fallback in {', '.join(d['regions'])} from {_dur(d['from_s'])} "
                     f"until {until}")
    return lines


def spof_table(spofs: list[Mapping[str, Any]]) -> tuple[Table, list[str]]:
    """Single points of failure; why each matters is note [n] under the table."""
    t = _table("single points of failure")
    t.add_column("forbidden", no_wrap=True)
    t.add_column("kind", no_wrap=True)
    t.add_column("workload", no_wrap=True)
    t.add_column("resource", overflow="fold")
    t.add_column("why", no_wrap=True)
    notes: list[str] = []
    for s in spofs:
        notes.append(shorten_urns(s["message"]))
        t.add_row("YES" if s["forbidden"] else "no (noted)", s["kind"], s["workload"] or "(platform)", short_urn(s["urn"]),
                  f"[{len(notes)}]")
    return t, notes

"""`blueprint rebuild --lost-region R`: the promoted stack file and the runbook (DESIGN.md, CLI contract).

Output directory (default ``./rebuild-<stack>-<R>/``):

* ``Pulumi.<stack>.yaml``: the same stack, promoted (the survivor is ``blueprint:primaryRegion`` and
  ``<cloud>:region``; a new secondary inside the jurisdiction, or none). Same stack name on purpose:
  the state (and its secrets) stay the stack's, and ``pulumi up`` of the promoted file reuses every
  resource that survived. Written only when it validates and plans.
* ``runbook.md``: ordered, numbered steps with exact commands and modeled durations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from blueprint.fileio import write_atomic
from blueprint.project import StackRef
from blueprint.rebuild.promote import Promotion, promote
from blueprint.rebuild.runbook import render_runbook

__all__ = ["RUNBOOK_FILE", "RebuildResult", "default_out_dir", "output_files", "rebuild", "promote", "Promotion"]


@dataclass(frozen=True)
class RebuildResult:
    promotion: Promotion
    out_dir: Path
    stack_file: Optional[Path]
    runbook: Path
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.stack_file is not None and self.error is None


RUNBOOK_FILE = "runbook.md"


def default_out_dir(stack: str, lost: str) -> Path:
    return Path.cwd() / f"rebuild-{stack}-{lost}"


def output_files(stack: str) -> list[str]:
    """The names a rebuild writes into its folder (the CLI refuses to overwrite them without --force)."""
    return [f"Pulumi.{stack}.yaml", RUNBOOK_FILE]


def rebuild(project_dir: Path, ref: StackRef, lost: str, out_dir: Optional[Path] = None,
            new_secondary: Optional[str] = None) -> RebuildResult:
    """Raises ConfigError for invalid input; returns a result whose ``ok`` is False when a decision
    is needed (runbook written, stack file not)."""
    from blueprint.analysis import analyse, rebuild_estimate, targets_from_config
    from blueprint.plan.run import plan_stack
    from blueprint.progress import phase  # the CLI's progress display (a no-op when nobody listens)

    phase("promote the stack file")
    promo = promote(project_dir, ref, lost, new_secondary)
    out = out_dir or default_out_dir(ref.name, lost)
    out.mkdir(parents=True, exist_ok=True)
    phase("plan the stack as it was")
    plan = plan_stack(project_dir, ref)
    try:
        phase("analyse the loss")
        report = analyse(plan, targets_from_config(promo.original))
    except ValueError:  # no resilience model for this cloud yet: the runbook says "not modeled"
        report = None
    promoted_plan = None
    error = None
    stack_file = None
    rebuild_s = None
    if promo.ok:
        stack_file = out / f"Pulumi.{ref.name}.yaml"
        write_atomic(stack_file, promo.text or "")  # whole or not at all (blueprint/fileio.py)
        try:
            phase("plan the promoted stack file")
            promoted_plan = plan_stack(project_dir, StackRef(ref.name, stack_file))
        except Exception as exc:  # noqa: BLE001 - reported, the file is removed
            stack_file.unlink()
            stack_file, error = None, f"the promoted stack file validates but does not plan: {exc}"
        except BaseException:  # Ctrl-C / SIGTERM (blueprint/interrupt.py): an interrupted rebuild writes nothing
            stack_file.unlink(missing_ok=True)
            raise
        if promoted_plan is not None and promo.cloud == "aws":
            rebuild_s = rebuild_estimate(promoted_plan, region=promo.new_secondary or promo.survivor).seconds
    phase("write the runbook")
    runbook = out / RUNBOOK_FILE
    write_atomic(runbook, render_runbook(promo, plan, promoted_plan, report, rebuild_s, str(out)))
    return RebuildResult(promo, out, stack_file, runbook, error)

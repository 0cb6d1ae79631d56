"""`blueprint diagram` (registered by blueprint/cli.py): the plan drawn as SVG (docs/diagram.md).

Exit codes as every command: 0 written; 1 the program failed while planning; 2 invalid input (an
output path that is not .svg or cannot be written, a scenario the plan has no region or zone for)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from blueprint.cli_support import check_out_file, err, fail_invalid, progress_for, saved_or_planned, write_out
from blueprint.config.errors import ConfigError, Problem


def _invalid(option: str, message: str, value: object) -> typer.Exit:
    return fail_invalid(ConfigError([Problem(option, message, str(value))], source="arguments"))


def _check_out(out: Path) -> None:
    """Before planning: the file must be an .svg in a folder that exists."""
    if out.suffix.lower() != ".svg":
        raise _invalid("--out", "the diagram is SVG: give a file name ending in .svg", out)
    check_out_file(out)  # the folder exists and can be written (blueprint.cli_support)


def diagram(
    out: Path = typer.Option(..., "--out", "-o", help="The SVG file to write (e.g. prod.svg).", dir_okay=False),
    stack: Optional[str] = typer.Option(None, "--stack", "-s", help="Stack name: reads stacks/Pulumi.NAME.yaml."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Any stack file, anywhere on disk.", dir_okay=False),
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="Draw a plan saved by `blueprint plan --format json` instead of planning.", dir_okay=False),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Grey out a failed domain: zone-loss:<zone> or region-loss:<region>; "
                                           "each workload says what keeps serving (blueprint resilience's scenario)."),
    project_dir: Optional[Path] = typer.Option(None, "--project-dir", help="Folder of Pulumi.yaml (default: found from the working directory).", file_okay=False),
) -> None:
    """Draw the footprint as SVG: regions side by side, zones, each workload's GPU pools, load balancer,
    database role, vaults and replication, DNS / global LB, tier and strategy; optionally a failure scenario."""
    from blueprint.diagram import draw
    from blueprint.diagram.scenario import ScenarioError
    from blueprint.progress import phase

    _check_out(out)
    with progress_for(out=out):  # the SVG goes to --out: stderr may show the phases on a terminal
        planned = saved_or_planned(plan_file, stack, config, project_dir)
        phase("draw the diagram")
        try:
            svg = draw(planned, scenario)
        except ScenarioError as error:
            raise _invalid("--scenario", str(error), scenario) from None
        except ValueError as error:  # e.g. a saved plan of a cloud the read model has no facts for
            raise _invalid("--plan", str(error), plan_file or stack or config) from None
    write_out(out, svg)  # atomic: temporary file + rename
    err.print(f"wrote the diagram of stack {planned.stack} to {out}" + (f" (scenario {scenario})" if scenario else ""), markup=False)

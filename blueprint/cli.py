"""The ``blueprint`` command line (DESIGN.md, "CLI contract").

Exit codes: 0 ok; 1 the check found problems (or the program failed); 2 invalid input.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from blueprint.config.errors import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Resilient AI platform infrastructure, by tier.")
# Plain text on stderr: no markup, no emoji codes (":cloud:" is a config key here), no wrapping.
err = Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)

EXIT_PROBLEMS = 1
EXIT_INVALID = 2


class PlanFormat(str, Enum):
    table = "table"
    json = "json"


StackOption = typer.Option(None, "--stack", "-s", help="Stack name: reads stacks/Pulumi.NAME.yaml.")
ConfigOption = typer.Option(None, "--config", "-c", help="Any stack file, anywhere on disk.", dir_okay=False)
ProjectOption = typer.Option(None, "--project-dir", help="Folder of Pulumi.yaml (default: found from the working directory).", file_okay=False)


def _fail_invalid(error: ConfigError) -> "typer.Exit":
    err.print(str(error), markup=False)
    return typer.Exit(EXIT_INVALID)


def _fail_program(error: BaseException) -> "typer.Exit":
    if os.environ.get("BLUEPRINT_DEBUG"):
        raise error
    err.print(f"error: the program failed while planning: {error}", markup=False)
    err.print("(set BLUEPRINT_DEBUG=1 for the traceback)", markup=False)
    return typer.Exit(EXIT_PROBLEMS)


@app.command()
def plan(
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    format: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="table or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the plan to this file instead of stdout.", dir_okay=False),
    project_dir: Optional[Path] = ProjectOption,
) -> None:
    """Plan a stack offline: run the real program under the Pulumi SDK's mocks and print the resources."""
    from blueprint.plan.render import render_table
    from blueprint.plan.run import plan_stack
    from blueprint.project import find_project_dir, resolve_stack

    try:
        root = project_dir.resolve() if project_dir else find_project_dir()
        ref = resolve_stack(root, stack, config)
        planned = plan_stack(root, ref)
    except ConfigError as error:
        raise _fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise _fail_program(error) from None
    if format is PlanFormat.json:
        text = json.dumps(planned.to_json(), indent=2, sort_keys=False)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
            err.print(f"wrote {len(planned.resources)} resources to {out}", markup=False)
        else:
            sys.stdout.write(text + "\n")
        return
    if out:
        with out.open("w", encoding="utf-8") as handle:
            render_table(planned, Console(file=handle, width=160, emoji=False, markup=False))
        err.print(f"wrote the plan table to {out}", markup=False)
    else:
        render_table(planned, Console(width=max(120, Console().width), emoji=False, markup=False))


@app.callback()
def main() -> None:
    """blueprint: a typed description of AI workloads -> resilient infrastructure on AWS and GCP."""


def run() -> None:
    """Console-script entry point: usage errors exit 2 (click), never with a traceback."""
    app()


if __name__ == "__main__":
    run()

"""What every ``blueprint`` command shares: the exit codes, stderr, invalid-input and program-failure
exits without a traceback, and the plan a command works on (saved with --plan, or planned now).
``blueprint.cli`` and the command groups it registers (``blueprint.drill.cli``) import it; it imports
neither."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from blueprint.config.errors import ConfigError, Problem

# Plain text on stderr: no markup, no emoji codes (":cloud:" is a config key here), no wrapping.
err = Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)

EXIT_PROBLEMS = 1
EXIT_INVALID = 2


def fail_invalid(error: ConfigError) -> "typer.Exit":
    err.print(str(error), markup=False)
    return typer.Exit(EXIT_INVALID)


def fail_program(error: BaseException) -> "typer.Exit":
    if os.environ.get("BLUEPRINT_DEBUG"):
        raise error
    err.print(f"error: the program failed while planning: {error}", markup=False)
    err.print("(set BLUEPRINT_DEBUG=1 for the traceback)", markup=False)
    return typer.Exit(EXIT_PROBLEMS)


def load_plan(path: Path):
    """A plan JSON saved earlier; a file that is not one is invalid input (exit 2)."""
    from blueprint.plan.model import Plan

    if not path.is_file():
        raise ConfigError([Problem("--plan", "file not found", str(path))], source="arguments")
    try:
        return Plan.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValueError, TypeError) as error:
        raise ConfigError([Problem("--plan", f"not a plan saved by `blueprint plan --format json`: {error}", str(path))], source="arguments") from None


def saved_or_planned(plan_file: Optional[Path], stack: Optional[str], config: Optional[Path], project_dir: Optional[Path]):
    """The plan a command works on: a saved plan JSON (--plan), or the stack planned now. Invalid
    input exits 2, a failing program 1, both without a traceback."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import find_project_dir, resolve_stack

    try:
        if plan_file is not None:
            if stack is not None or config is not None:
                raise ConfigError([Problem("--plan", "give either --plan FILE or --stack/--config, not both")], source="arguments")
            return load_plan(plan_file)
        root = project_dir.resolve() if project_dir else find_project_dir()
        return plan_stack(root, resolve_stack(root, stack, config))
    except ConfigError as error:
        raise fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise fail_program(error) from None

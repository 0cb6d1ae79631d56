"""What every ``blueprint`` command shares: the exit codes, stderr, invalid-input and program-failure
exits without a traceback, and the plan a command works on (saved with --plan, or planned now).
``blueprint.cli`` and the command groups it registers (``blueprint.drill.cli``) import it; it imports
neither."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from blueprint.config.errors import ConfigError, Problem
from blueprint.fileio import write_atomic  # noqa: F401 - re-exported for the commands

# Plain text on stderr: no markup, no emoji codes (":cloud:" is a config key here), no wrapping.
err = Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)

EXIT_PROBLEMS = 1
EXIT_INVALID = 2


def text_console() -> Console:
    """stdout for text reports and tables: on a terminal, the terminal's width (tables fit it,
    issue 19); piped, at least 120 columns (or $COLUMNS), so a saved report reads like a wide terminal."""
    probe = Console(emoji=False, markup=False)
    width = probe.width if probe.is_terminal else max(120, probe.width)
    return Console(width=width, emoji=False, markup=False)


def progress_for(machine_readable: bool = False, out: Optional[Path] = None):
    """The progress display (blueprint/progress.py) for a command's work: on stderr, only on a
    terminal, never beside a machine-readable document on the terminal streams."""
    from blueprint import progress

    return progress.show(progress.wanted(machine_readable, out))


def fail_invalid(error: ConfigError) -> "typer.Exit":
    from blueprint import progress

    progress.stop()  # the message must not land inside the progress display
    err.print(str(error), markup=False)
    return typer.Exit(EXIT_INVALID)


def fail_program(error: BaseException) -> "typer.Exit":
    from blueprint import progress

    progress.stop()
    if os.environ.get("BLUEPRINT_DEBUG"):
        raise error
    err.print(f"error: the program failed while planning: {error}", markup=False)
    err.print("(set BLUEPRINT_DEBUG=1 for the traceback)", markup=False)
    return typer.Exit(EXIT_PROBLEMS)


def load_plan(path: Path):
    """A plan JSON saved earlier, through the one validated reader (blueprint/plan/saved.py,
    issue 16); a file that is not one is invalid input (ConfigError, exit 2) naming every problem."""
    from blueprint.plan.saved import read_saved_plan

    return read_saved_plan(path)


def saved_or_planned(plan_file: Optional[Path], stack: Optional[str], config: Optional[Path], project_dir: Optional[Path]):
    """The plan a command works on: a saved plan JSON (--plan), or the stack planned now. Invalid
    input exits 2, a failing program 1, both without a traceback."""
    from blueprint.plan.run import plan_stack
    from blueprint.progress import phase
    from blueprint.project import find_project_dir, resolve_stack

    try:
        if plan_file is not None:
            if stack is not None or config is not None:
                raise ConfigError([Problem("--plan", "give either --plan FILE or --stack/--config, not both")], source="arguments")
            phase("read the saved plan")
            return load_plan(plan_file)
        phase("load the stack file")
        root = project_dir.resolve() if project_dir else find_project_dir()
        return plan_stack(root, resolve_stack(root, stack, config))
    except ConfigError as error:
        raise fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise fail_program(error) from None


def _invalid_out(message: str, out: Path) -> "typer.Exit":
    return fail_invalid(ConfigError([Problem("--out", message, str(out))], source="arguments"))


def check_out_file(out: Optional[Path]) -> None:
    """Before any work (issue 16): ``--out FILE`` must name a file in an existing folder this process
    may write into, and not a folder. Invalid input, exit 2, naming the path."""
    if out is None:
        return
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise _invalid_out("is a folder; give a file name", out)
    if not parent.is_dir():
        raise _invalid_out(f"the folder {str(parent)!r} does not exist" if not parent.exists() else f"{str(parent)!r} is not a folder", out)
    if out.exists() and not os.access(out, os.W_OK):
        raise _invalid_out("the file exists and cannot be written", out)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _invalid_out(f"the folder {str(parent)!r} cannot be written", out)


def check_out_dir(out: Optional[Path]) -> None:
    """Before any work: ``--out DIR`` is an existing folder, or one that can be created under its
    nearest existing ancestor (which must be a writable folder)."""
    if out is None:
        return
    if out.exists():
        if not out.is_dir():
            raise _invalid_out("exists and is not a folder", out)
        if not os.access(out, os.W_OK | os.X_OK):
            raise _invalid_out("the folder cannot be written", out)
        return
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise _invalid_out(f"{str(ancestor)!r} is a file, so the folder cannot be created", out)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise _invalid_out(f"the folder cannot be created: {str(ancestor)!r} cannot be written", out)


def check_no_overwrite(out: Path, writes: list[str], force: bool) -> None:
    """``--out DIR`` must be empty unless ``--force`` (issue 16): a rebuild into ``stacks/`` would
    otherwise replace the live stack file silently. Raises ConfigError (exit 2) naming the folder and
    the files that would be overwritten, or what it holds when none would be."""
    if force or not out.is_dir():
        return
    present = sorted(p.name for p in out.iterdir())
    if not present:
        return
    clobbered = [name for name in writes if name in present]
    what = (f"{', '.join(clobbered)} would be overwritten" if clobbered
            else f"it holds {', '.join(present[:10])}{', ...' if len(present) > 10 else ''}")
    raise ConfigError([Problem("--out", f"the folder is not empty: {what}; use --force to overwrite, or give an empty folder", str(out))],
                      source="arguments")


def write_out(out: Path, text: str) -> None:
    """``write_atomic`` for a command's ``--out``: an OS error (disk full, the folder removed meanwhile)
    is invalid input naming the path, never a traceback."""
    try:
        write_atomic(out, text)
    except OSError as error:
        raise _invalid_out(f"cannot be written: {error.strerror or error}", out) from None

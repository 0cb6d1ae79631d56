"""Progress of the long commands on a terminal (issue 19): phases and a live resource count.

Anything may announce a phase (``progress.phase("export")``), and the plan engine reports each
resource the program registers (``progress.resource_hook()``, read once per plan by
blueprint/plan/engine.py). Both are a ContextVar lookup when nothing listens; the CLI listens with
:func:`show` only when someone is watching:

* the display goes to **stderr**, and only when stderr is a terminal;
* never when the command writes a machine-readable format (json, sarif, junit) to the terminal
  streams: ``plan --format json | jq`` gets the JSON on stdout and nothing on stderr but real
  warnings (``--out FILE`` moves the document to a file, so the display may show);
* ``BLUEPRINT_PROGRESS=never`` turns it off; ``always`` draws it even when stderr is not a
  terminal (recordings, tests), still never beside a machine-readable document on the terminal.

The display is transient: it is erased when the command's work is done, before the output.
This module imports nothing heavy: rich is loaded only when a display is drawn.
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Protocol

ENV = "BLUEPRINT_PROGRESS"
MODES = ("auto", "always", "never")
# Where --out may point and still be the terminal: the document would land next to the display.
_TERMINAL_STREAMS = {"/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/1", "/dev/fd/2", "-"}


class Listener(Protocol):
    def phase(self, name: str) -> None: ...

    def resource(self, urn: str) -> None: ...


_listener: ContextVar[Optional[Listener]] = ContextVar("blueprint_progress_listener", default=None)


def phase(name: str) -> None:
    """Announce the phase a command enters (shown until the next one starts)."""
    listener = _listener.get()
    if listener is not None:
        listener.phase(name)


def resource_hook() -> Optional[Callable[[str], None]]:
    """What the plan engine calls with each registered URN, or None when nobody listens (then the
    engine does not call anything per resource)."""
    listener = _listener.get()
    return listener.resource if listener is not None else None


def mode() -> str:
    value = os.environ.get(ENV, "auto").strip().lower()
    return value if value in MODES else "auto"


def wanted(machine_readable: bool = False, out: Optional[Path] = None) -> bool:
    """Whether to draw: see the module docstring. ``machine_readable``: the command's format is
    json/sarif/junit; ``out``: the file its output goes to (None: stdout)."""
    current = mode()
    if current == "never":
        return False
    if machine_readable and (out is None or str(out) in _TERMINAL_STREAMS):
        return False
    if current == "always":
        return True
    return _stderr_console().is_terminal


def _stderr_console(force: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, markup=False, force_terminal=True if force else None)


class _Display:
    """One line per phase: spinner (or 'done'), the phase, its detail (resource count), elapsed time."""

    def __init__(self, console: Any):
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        # Transient: erased on exit so the command's output follows the prompt cleanly. stdout is
        # not redirected: a program's own prints stay on stdout, where the user sent them.
        self.progress = Progress(
            SpinnerColumn(finished_text="done"), TextColumn("{task.description}"), TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(), console=console, transient=True, redirect_stdout=False, refresh_per_second=8,
        )
        self._task: Optional[Any] = None
        self._count = itertools.count(1)  # next() is atomic: the SDK registers resources from worker threads

    def phase(self, name: str) -> None:
        self._finish()
        self._task = self.progress.add_task(name, total=None, detail="")

    def resource(self, urn: str) -> None:
        count = next(self._count)
        if self._task is not None:
            self.progress.update(self._task, detail=f"{count} resources")

    def _finish(self) -> None:
        if self._task is not None:
            self.progress.update(self._task, total=1, completed=1)

    def close(self) -> None:
        self._finish()
        self.progress.stop()  # erases the display (transient); stopping twice is a no-op


def stop() -> None:
    """Erase the display now, if one is drawn: before a message goes to stderr beside it (an error
    printed while the display is live would be overwritten or left half erased)."""
    listener = _listener.get()
    if isinstance(listener, _Display):
        listener.close()


@contextmanager
def listening(listener: Listener) -> Iterator[Listener]:
    """Send the phases and registered resources of the enclosed work to ``listener``."""
    token = _listener.set(listener)
    try:
        yield listener
    finally:
        _listener.reset(token)


@contextmanager
def show(enabled: bool, console: Any = None) -> Iterator[Optional[_Display]]:
    """Draw the progress of the enclosed work when ``enabled`` (see :func:`wanted`)."""
    if not enabled:
        yield None
        return
    display = _Display(console if console is not None else _stderr_console(force=mode() == "always"))
    with listening(display), display.progress:
        try:
            yield display
        finally:
            display.close()

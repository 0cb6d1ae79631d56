"""Interrupts (issue 16): Ctrl-C (SIGINT) or SIGTERM ends any ``blueprint`` command promptly, with
exit 130 (SIGINT) or 143 (SIGTERM), one line ``interrupted`` on stderr, no traceback, and nothing
written: no ``--out`` file, no temporary file, no checkov process left running.

How, and why here:

* :func:`install` (the console script and ``python -m blueprint``, before any work) turns both
  signals into :class:`Interrupted`, a ``KeyboardInterrupt``, so every ``finally`` on the way out
  runs (temporary files removed, checkov's process group killed) and no ``except Exception``
  catches it. A second signal ends the process at once (``os._exit``): a user who presses Ctrl-C
  twice never waits for cleanup.
* :func:`typer_group` (the CLI's Typer group) turns the interrupt into the message and the
  exit code. Typer would otherwise exit 130 silently, and 130 for SIGTERM too (typer/core.py
  ``_main``: ``except KeyboardInterrupt: raise Exit(130)``, typer 0.29).
* The plan runs the program on a thread of its own and the SDK's RPCs on an executor's threads
  (blueprint/plan/engine.py): the signal reaches the main thread only, which cancels the plan
  (every further registration fails fast). :func:`exit_now` then ends the process without waiting
  for whatever those threads still finish (interpreter shutdown joins the executor's threads).
* :func:`check` is asked by every atomic write (blueprint/fileio.py) just before the rename that
  publishes a file: even if some library swallowed the ``KeyboardInterrupt``, nothing is written
  after a signal.

Nothing is installed on import: library callers (tests, users' scripts) keep Python's own handlers.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, Optional

# The shell's convention for a process ended by a signal: 128 + the signal's number (bash manual,
# "Exit Status": https://www.gnu.org/software/bash/manual/html_node/Exit-Status.html).
EXIT_SIGINT = 128 + signal.SIGINT  # 130
EXIT_SIGTERM = 128 + signal.SIGTERM  # 143
MESSAGE = "interrupted"

_received: list[int] = []  # the signals this process received, in order
_announced: list[bool] = []  # whether MESSAGE was printed (once per process)
_immediate: list[bool] = []  # set when the command is over: a signal then ends the process at once


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by the handler :func:`install` sets: a KeyboardInterrupt, so code
    that treats Ctrl-C specially (asyncio, click, the SDK) treats SIGTERM the same way."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def install() -> None:
    """Handle SIGINT and SIGTERM as described in the module docstring (signals reach the main thread
    only, and only it may set handlers: elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGTERM, _handler)


def _handler(signum: int, frame: Optional[FrameType]) -> None:
    if _received or _immediate:  # a second signal (no waiting for the cleanup), or the work is over
        _received.append(signum)
        announce()
        _hard_exit(exit_code())
    _received.append(signum)
    raise Interrupted(signum)


def received() -> bool:
    """Whether this process received SIGINT or SIGTERM (through the handler :func:`install` set)."""
    return bool(_received)


def exit_code(error: Optional[BaseException] = None) -> int:
    """143 when the first signal was SIGTERM (or ``error`` is a SIGTERM Interrupted), else 130."""
    signum = _received[0] if _received else getattr(error, "signum", signal.SIGINT)
    return EXIT_SIGTERM if signum == signal.SIGTERM else EXIT_SIGINT


def check() -> None:
    """Raise :class:`Interrupted` when a signal was received: called before anything is published
    (fileio's renames), so a swallowed interrupt still writes nothing."""
    if _received:
        raise Interrupted(_received[0])


def announce() -> None:
    """Print MESSAGE on stderr after erasing the progress display (it would overwrite it): once per
    process after a signal (a second one must not print it again); every time for a KeyboardInterrupt
    raised in-process (tests invoke the CLI many times in one process)."""
    if _announced and _received:
        return
    _announced.append(True)
    try:
        from blueprint import progress

        progress.stop()
    except Exception:  # noqa: BLE001 - the display is cosmetic: the message must still go out
        pass
    try:
        sys.stderr.write(MESSAGE + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or a broken pipe: the exit code still says it
        pass


def exit_now() -> None:
    """When a signal was received: announce it and end the process with its exit code now, without
    waiting for the threads a cancelled plan leaves (see the module docstring). Otherwise the command
    is over: a signal from now on (interpreter shutdown) ends the process at once, never with a
    traceback from a ``finally`` it would interrupt."""
    _immediate.append(True)
    if _received:
        announce()
        _hard_exit(exit_code())


def _hard_exit(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _interrupt_exit(error: BaseException) -> Any:
    """The Typer exit for an interrupt: the message, then the signal's exit code."""
    import typer

    announce()
    return typer.Exit(exit_code(error))


@functools.cache
def typer_group() -> type:
    """The Typer group class the CLI uses (``typer.Typer(cls=...)``): TyperGroup whose ``invoke``
    turns an interrupt into MESSAGE and exit 130/143. Built on first use: importing this module
    (fileio does) does not import typer."""
    from typer.core import TyperGroup

    class InterruptibleGroup(TyperGroup):
        def invoke(self, ctx: Any) -> Any:
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as error:
                raise _interrupt_exit(error) from None

    return InterruptibleGroup

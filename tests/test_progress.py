"""Progress of the long commands (issue 19, blueprint/progress.py): on stderr, only for a person
watching a terminal; a piped `plan --format json` prints only JSON and no progress."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
from rich.console import Console
from typer.testing import CliRunner

from blueprint import progress
from blueprint.cli import app
from blueprint.plan.engine import plan_program
from tests.conftest import ROOT

CONSOLE_SCRIPT = Path(sys.executable).parent / "blueprint"
PLAN_PHASES = ("load the stack file", "run the program", "place resources", "check deploy readiness")
ANSI = re.compile(r"\x1b\[")


class _Recorder:
    def __init__(self) -> None:
        self.phases: list[str] = []
        self.urns: list[str] = []

    def phase(self, name: str) -> None:
        self.phases.append(name)

    def resource(self, urn: str) -> None:
        self.urns.append(urn)


def _three_resources() -> None:
    class Box(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("blueprint:test:Box", name, None, None)
            self.register_outputs({})

    for name in ("a", "b", "c"):
        Box(name)


# ---------------------------------------------------------------------------------------- the hook


def test_nobody_listens_by_default_so_the_engine_calls_nothing_per_resource():
    assert progress.resource_hook() is None
    progress.phase("anything")  # a no-op without a listener


def test_the_engine_reports_its_phases_and_every_registered_resource():
    recorder = _Recorder()
    with progress.listening(recorder):
        plan = plan_program(_three_resources, stack="unit")
    assert recorder.phases == ["run the program", "place resources"]
    assert recorder.urns == [r.urn for r in plan.resources] and len(recorder.urns) == 3
    assert progress.resource_hook() is None  # the listener ends with its block


# ----------------------------------------------------------------------------------- when to draw


@pytest.mark.parametrize(("mode", "machine", "out", "expected"), [
    ("always", False, None, True),
    ("always", True, None, False),              # a JSON/SARIF document on stdout: never a display beside it
    ("always", True, Path("/dev/stderr"), False),
    ("always", True, Path("plan.json"), True),  # the document goes to a file
    ("never", False, None, False),
    ("auto", False, None, False),               # pytest's stderr is not a terminal
])
def test_wanted_follows_the_terminal_the_format_and_the_env(monkeypatch, mode, machine, out, expected):
    monkeypatch.setenv(progress.ENV, mode)
    assert progress.wanted(machine, out) is expected


def test_the_display_shows_each_phase_and_the_resource_count():
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with progress.show(True, console=console):
        progress.phase("load the stack file")
        plan_program(_three_resources, stack="unit")
    text = stream.getvalue()
    for name in ("load the stack file", "run the program", "place resources"):
        assert name in text
    assert "3 resources" in text


# ------------------------------------------------------------------------------------- the CLI


def test_interactive_plan_shows_phases_and_a_resource_count_on_stderr(monkeypatch):
    monkeypatch.setenv(progress.ENV, "always")  # CliRunner's stderr is no terminal: draw as if it were
    result = CliRunner().invoke(app, ["plan", "--stack", "dev"])
    assert result.exit_code == 0, result.stderr
    for name in PLAN_PHASES:
        assert name in result.stderr
    counts = [int(n) for n in re.findall(r"(\d+) resources", result.stderr)]
    assert counts and max(counts) > 100  # dev registers a few hundred resources
    assert "run the program" not in result.stdout and not ANSI.search(result.stdout)  # the table stays on stdout


def test_forced_progress_never_joins_a_json_document_on_stdout(monkeypatch):
    monkeypatch.setenv(progress.ENV, "always")
    result = CliRunner().invoke(app, ["plan", "--stack", "dev", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    assert not any(name in result.stderr for name in PLAN_PHASES) and not ANSI.search(result.stderr)


def test_piped_plan_json_prints_only_json_and_no_progress():
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", progress.ENV)}
    done = subprocess.run([str(CONSOLE_SCRIPT), "plan", "--stack", "dev", "--format", "json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("{")
    json.loads(done.stdout)  # the whole of stdout is one JSON document
    assert not any(name in done.stderr for name in PLAN_PHASES)
    assert not ANSI.search(done.stderr) and "resources" not in done.stderr  # only real warnings remain there


def test_an_error_is_printed_after_the_display_is_erased(monkeypatch):
    """fail_invalid stops the display first: a message printed beside a live display would be
    overwritten by its next refresh or half erased with it."""
    monkeypatch.setenv(progress.ENV, "always")
    result = CliRunner().invoke(app, ["resilience", "--stack", "no-such-stack"])
    assert result.exit_code == 2
    assert "load the stack file" in result.stderr  # the display was drawn
    after_last_erase = result.stderr.rsplit("\x1b[2K", 1)[-1]
    assert "no stack file" in after_last_erase and "known stacks" in after_last_erase

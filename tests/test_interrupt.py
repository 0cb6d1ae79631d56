"""Interrupts (issue 16, blueprint/interrupt.py): Ctrl-C (SIGINT) or SIGTERM during a command ends it
within seconds with exit 130 / 143, one line "interrupted" on stderr, no traceback, no --out file, no
temporary file beside it, and no checkov process left behind.

The subprocess tests start `python -m blueprint` in a session of its own, wait until the work is
visibly under way (the progress display's phase on stderr, or the fake checkov's processes), then
send the signal. Every process of that session must be gone afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blueprint import interrupt
from blueprint.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXIT_WITHIN_S = 10.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _start(args: list[str], tmp_path: Path, **env: str) -> tuple[subprocess.Popen, Path]:
    stderr = tmp_path / "stderr.txt"
    environment = {**os.environ, "BLUEPRINT_PROGRESS": "always", **env}
    with stderr.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "blueprint", *args], cwd=ROOT, env=environment,
                                   stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
    return process, stderr


def _wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the command ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no sign of {what} within {timeout:.0f} s")
        time.sleep(0.05)


def _interrupt(process: subprocess.Popen, stderr: Path, signum: int = signal.SIGINT) -> float:
    """Send ``signum`` until the process says it was interrupted (a signal is never lost, but a
    retry keeps the test deterministic); the seconds from the first send to its exit."""
    start = time.monotonic()
    process.send_signal(signum)
    while process.poll() is None:
        if interrupt.MESSAGE not in stderr.read_text(errors="replace") and time.monotonic() - start > 3:
            process.send_signal(signum)
        if time.monotonic() - start > EXIT_WITHIN_S:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"still running {EXIT_WITHIN_S:.0f} s after the signal")
        time.sleep(0.02)
    return time.monotonic() - start


def _session_processes(session: int) -> list[str]:
    """Command lines of the live (not zombie) processes of ``session``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, _ppid, _pgrp, sid = stat.rsplit(")", 1)[1].split()[:4]
        if int(sid) == session and state != "Z":
            found.append(cmdline)
    return found


def _assert_clean_exit(process: subprocess.Popen, stderr: Path, out: Path, code: int) -> None:
    text = stderr.read_text(errors="replace")
    assert process.returncode == code, text
    assert "Traceback" not in text, text
    lines = ANSI.sub("", text).splitlines()  # the progress display's erase codes precede the message
    assert [line for line in lines if interrupt.MESSAGE in line] == [interrupt.MESSAGE], text
    assert not out.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["stderr.txt"]  # no temporary file either
    deadline = time.monotonic() + 5  # killed processes may take a moment to disappear from /proc
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_processes(process.pid) == []


def _plan_running(stderr: Path):
    return lambda: "run the program" in stderr.read_text(errors="replace")


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_plan_exits_promptly_and_writes_nothing(tmp_path, signum, code):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "plan.json"
    process, stderr = _start(["plan", "--stack", "prod", "--format", "json", "--out", str(out)], out_dir)
    _wait_for(_plan_running(stderr), process, "the plan running")
    seconds = _interrupt(process, stderr, signum)
    assert seconds < EXIT_WITHIN_S
    _assert_clean_exit(process, stderr, out, code)


def _fake_checkov(tmp_path: Path) -> Path:
    """A checkov that never finishes and forks a worker, as checkov's parallel runner does."""
    script = tmp_path / "fake-checkov"
    script.write_text("#!/bin/sh\nsleep 300 &\nsleep 301\n")
    script.chmod(0o755)
    return script


def test_ctrl_c_during_check_kills_checkov_and_its_workers(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.txt"
    checkov = _fake_checkov(tmp_path)
    process, stderr = _start(["check", "--stack", "dev", "--out", str(out)], out_dir, BLUEPRINT_CHECKOV=str(checkov))
    _wait_for(lambda: any("sleep 301" in c for c in _session_processes(process.pid)), process, "checkov running")
    _interrupt(process, stderr)
    _assert_clean_exit(process, stderr, out, 130)


def test_a_second_ctrl_c_exits_at_once(tmp_path):
    """The first SIGINT's cleanup is never waited for twice: a second one ends the process now."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "plan.json"
    process, stderr = _start(["plan", "--stack", "prod", "--format", "json", "--out", str(out)], out_dir)
    _wait_for(_plan_running(stderr), process, "the plan running")
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=EXIT_WITHIN_S)
    text = stderr.read_text(errors="replace")
    assert process.returncode == 130 and "Traceback" not in text, text
    assert not out.exists()


def test_an_interrupt_inside_the_program_exits_130_in_process(tmp_path, monkeypatch):
    """A KeyboardInterrupt raised by a component (the plan runs it on a thread of its own) reaches the
    CLI, which reports it and exits 130 without writing --out."""
    from blueprint.components.aws import platform

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(platform, "AlarmTopic", interrupted)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(app, ["plan", "--stack", "dev", "--format", "json", "--out", str(out)])
    assert result.exit_code == 130, result.output
    assert result.stderr.strip() == interrupt.MESSAGE
    assert list(tmp_path.iterdir()) == []


def test_a_write_after_a_signal_publishes_nothing(tmp_path, monkeypatch):
    """Even when some library swallowed the interrupt, write_atomic does not rename its file in."""
    from blueprint.fileio import write_atomic

    monkeypatch.setattr(interrupt, "_received", [signal.SIGINT])
    with pytest.raises(interrupt.Interrupted):
        write_atomic(tmp_path / "report.txt", "text")
    assert list(tmp_path.iterdir()) == []


def test_importing_the_cli_leaves_python_s_signal_handlers_alone():
    """Library callers (tests, users' scripts) keep Python's handlers: only the command installs its own."""
    code = ("import signal, blueprint.cli, blueprint.plan.engine; "
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
            "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.split() == ["True", "True"]


def test_sigterm_exit_code_and_message_are_the_shell_convention():
    assert (interrupt.EXIT_SIGINT, interrupt.EXIT_SIGTERM) == (130, 143)
    assert interrupt.exit_code(interrupt.Interrupted(signal.SIGTERM)) == 143
    assert interrupt.exit_code(KeyboardInterrupt()) == 130


def _program_failing_after_a_deferred_output(error: BaseException):
    def program() -> None:
        import pulumi
        import pulumi_aws as aws

        later, resolve = pulumi.deferred_output()  # resolved further down: never, the program fails first
        aws.s3.Bucket("waits", tags=later.apply(lambda v: {"v": str(v)}))
        raise error

    return program


@pytest.mark.parametrize("error", [KeyboardInterrupt(), ValueError("the program's own error")])
def test_a_program_failing_mid_plan_ends_the_plan_at_once(error):
    """The SDK waits for every pending Output before re-raising a program's error; one the program
    meant to resolve later never resolves, so the plan hung for ever. The engine abandons them."""
    import threading

    from blueprint.plan.engine import plan_program

    outcome: dict = {}

    def plan() -> None:
        try:
            plan_program(_program_failing_after_a_deferred_output(error), config={"aws:region": "us-east-1"})
        except BaseException as raised:  # noqa: BLE001 - inspected below
            outcome["raised"] = raised

    worker = threading.Thread(target=plan, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the plan hangs after the program failed"
    assert outcome["raised"] is error


def test_an_interrupted_rebuild_leaves_no_promoted_stack_file(tmp_path, monkeypatch):
    """rebuild writes the promoted stack file to plan it: Ctrl-C during that plan removes it again."""
    from blueprint.plan import run

    real, calls = run.plan_stack, []

    def interrupted_second_plan(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # the promoted stack file's plan
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "plan_stack", interrupted_second_plan)
    out = tmp_path / "rebuild"
    result = CliRunner().invoke(app, ["rebuild", "--stack", "prod", "--lost-region", "us-east-1", "--out", str(out)])
    assert result.exit_code == 130 and result.stderr.strip() == interrupt.MESSAGE, result.output
    assert len(calls) == 2 and list(out.iterdir()) == []

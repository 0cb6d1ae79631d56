"""The issue-16 alias bomb: a ~1 KB "billion laughs" stack file (nine levels of nine aliases: 9^9
strings, gigabytes once expanded) is refused with exit 2 in bounded time and memory by the real
console script in its own process. The child's own peak resident memory comes from ``os.wait4``; an
address-space limit (RLIMIT_AS) is a safety net so a regression fails the test instead of exhausting
the machine."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from tests.adversarial.corpus import FILE, _bomb

CONSOLE_SCRIPT = Path(sys.executable).parent / "blueprint"
TIMEOUT_S = 120  # generous: the refusal itself takes milliseconds; the rest is importing the CLI
MAX_RSS_MB = 200  # measured: 62 MB (the CLI process with its imports); a bomb expanded would take gigabytes
ADDRESS_SPACE = 4 * 2**30


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run(args: list[str], stderr_file: Path) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS in MB) of the console script, measured with os.wait4."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("BLUEPRINT_DEBUG", None)
    started = time.monotonic()
    with stderr_file.open("wb") as err:
        child = subprocess.Popen([str(CONSOLE_SCRIPT), *args], stdout=err, stderr=err, env=env,
                                 preexec_fn=_limit_address_space)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > TIMEOUT_S:
            child.kill()
            os.wait4(child.pid, 0)
            raise AssertionError(f"`blueprint {' '.join(args)}` did not finish within {TIMEOUT_S} s")
        time.sleep(0.05)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: Popen must not wait again
    return child.returncode, time.monotonic() - started, usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux


def test_fails_alias_bomb_with_exit_2_in_bounded_time_and_memory(tmp_path):
    bomb = tmp_path / FILE
    bomb.write_bytes(_bomb())
    assert len(bomb.read_bytes()) < 1500  # the "1 KB" bomb
    output = tmp_path / "output.txt"
    code, seconds, peak_mb = _run(["plan", "--config", str(bomb)], output)
    text = output.read_text(encoding="utf-8", errors="replace")
    assert code == 2, text[-2000:]
    assert "Traceback" not in text and FILE in text and "alias bomb" in text
    assert seconds < TIMEOUT_S
    assert peak_mb < MAX_RSS_MB, f"peak resident memory {peak_mb:.0f} MB while refusing a 1 KB alias bomb"

"""Writing files whole or not at all (issue 16): used by every command that writes a report, a plan or
a stack file, so an interrupt, a full disk or a crash never leaves half a file behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from blueprint import interrupt


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same folder (so the rename stays
    on one file system), flushed to disk, then ``os.replace`` over the target. The file gets the usual
    mode (0666 minus the umask); on any failure the temporary file is removed and the previous
    content of ``path`` is untouched."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # Opened inside the try: an interrupt right after the open still removes the temporary file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        interrupt.check()  # after Ctrl-C / SIGTERM nothing is published, even if the interrupt was swallowed
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def staging_dir(target: Path) -> Path:
    """A fresh, empty folder beside ``target`` (same file system, so :func:`replace_dir` can rename
    it); created with the usual mode (0777 minus the umask), unlike ``tempfile.mkdtemp``'s 0700."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    if staging.exists():  # left by a killed run whose pid this process reuses: ours by name
        shutil.rmtree(staging)
    os.mkdir(staging)
    return staging


def replace_dir(staging: Path, target: Path) -> None:
    """Swap the finished folder ``staging`` in as ``target`` whole (issue 16): the old ``target`` is
    renamed aside, ``staging`` renamed in, then the old one removed, so ``target`` never mixes old and
    new files. Between the two renames ``target`` is briefly absent; if the second rename fails, the old
    folder is renamed back."""
    staging, target = Path(staging), Path(target)
    interrupt.check()  # as in write_atomic: nothing is swapped in after Ctrl-C / SIGTERM
    if not target.exists():
        os.rename(staging, target)
        return
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    if old.exists():
        shutil.rmtree(old)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)

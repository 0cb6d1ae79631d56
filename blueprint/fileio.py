"""Writing files whole or not at all (issue 16): used by every command that writes a report, a plan or
a stack file, so an interrupt, a full disk or a crash never leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same folder (so the rename stays
    on one file system), flushed to disk, then ``os.replace`` over the target. The file gets the usual
    mode (0666 minus the umask); on any failure the temporary file is removed and the previous
    content of ``path`` is untouched."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

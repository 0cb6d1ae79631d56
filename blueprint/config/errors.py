"""Configuration problems: each names the key path, the value received and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

_MISSING = object()


@dataclass(frozen=True)
class Problem:
    path: str  # key path as written in the stack file, e.g. blueprint:workloads[1].gpu.minNodesPerZone
    message: str  # what is wrong and what is allowed
    value: Any = _MISSING  # the value received; absent for missing keys

    def __str__(self) -> str:
        got = "" if self.value is _MISSING else f" (got {self.value!r})"
        return f"{self.path}: {self.message}{got}"


class ConfigError(Exception):
    """An invalid stack configuration, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem], source: str = "stack configuration"):
        self.problems = list(problems)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        lines = [f"invalid {self.source}: {n} problem{'s' if n != 1 else ''}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def key_path(loc: Iterable[Any], namespace: str = "blueprint") -> str:
    """Turn a pydantic location tuple into the key path of the stack file."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i == 0:
            out = part if ":" in str(part) else f"{namespace}:{part}"
        else:
            out += f".{part}"
    return out

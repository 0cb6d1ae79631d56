"""Deploy readiness: what a real ``pulumi up`` would reject, found in the offline plan.

The mocks accept any value; the providers, the clouds and the controllers do not. Each check here
reads a :class:`~blueprint.plan.model.Plan` and reports what would fail on a first deploy from
empty (or leave a mechanism the docs rely on missing), naming the resource, the value and the
rule with its documented source. ``blueprint plan`` and ``blueprint check`` run every check.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Optional

from blueprint.plan.model import Plan


@dataclass(frozen=True)
class ReadinessProblem:
    """One thing a real deploy would reject or leave broken."""

    check: str  # the check's id, e.g. "deploy-name-limit"
    urn: str  # the resource the problem is on
    type: str
    name: str  # the resource's logical name
    value: Any  # the offending value (a physical name, a reference, a setting)
    rule: str  # what is required, in words
    source: str  # where the rule is documented (provider source or docs)

    @property
    def message(self) -> str:
        return f"{self.type} {self.name!r}: {self.value!r}: {self.rule} (source: {self.source})"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Check = Callable[[Plan], Iterable[ReadinessProblem]]


def _checks() -> tuple[tuple[str, Check], ...]:
    """Every check, by id. Imported here so each check module stays independent of the others."""
    from blueprint.readiness import registry

    return registry.CHECKS


def readiness_problems(plan: Plan, only: Optional[Iterable[str]] = None) -> list[ReadinessProblem]:
    """Every readiness problem of ``plan`` (or of the checks named in ``only``), in check order."""
    wanted = set(only) if only is not None else None
    found: list[ReadinessProblem] = []
    for check_id, check in _checks():
        if wanted is None or check_id in wanted:
            found.extend(check(plan))
    return found

"""The policy pack ``blueprint check`` runs, found by its entry point instead of imported.

The core (``blueprint``) does not import the policy pack (``policies``): the pack depends on the core
(its read model, catalogs and type registry), never the reverse. A pack registers itself in its
distribution's metadata, in the entry-point group ``blueprint.policy_packs`` (this project's
pyproject.toml: ``blueprint = "blueprint.policies.pack:PACK"``), and ``blueprint check`` loads it by name.
A pack is any object with:

* ``rules``: the rules it runs (each with ``id``, ``description``, ``enforcement``, ``category``,
  ``scope``, ``remediation``), listed in every report format;
* ``evaluate(plan, jurisdiction)``: the violations of a :class:`blueprint.plan.model.Plan` (each with
  ``policy``, ``enforcement``, ``urn``, ``message``, ``remediation``, ``resource_type``, ``resource_name``).

:class:`RuleInfo` and :class:`Finding` are the core's own shapes of those, used for the deploy-readiness
checks the core reports beside the pack's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Iterable, Optional, Protocol, Sequence

from blueprint.config.errors import ConfigError, Problem

ENTRY_POINT_GROUP = "blueprint.policy_packs"
DEFAULT_PACK = "blueprint"


@dataclass(frozen=True)
class RuleInfo:
    id: str
    description: str
    enforcement: str
    category: str
    scope: str
    remediation: str


@dataclass(frozen=True)
class Finding:
    policy: str
    enforcement: str
    urn: Optional[str]
    message: str
    remediation: str = ""
    resource_type: Optional[str] = None
    resource_name: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "enforcement": self.enforcement, "urn": self.urn, "message": self.message,
                "remediation": self.remediation, "type": self.resource_type, "name": self.resource_name}


class PolicyPack(Protocol):
    rules: Sequence[Any]

    def evaluate(self, plan: Any, jurisdiction: str) -> list[Any]: ...


def installed_packs() -> dict[str, Any]:
    """Entry points of the group, by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_policy_pack(name: str = DEFAULT_PACK, available: Optional[Iterable[Any]] = None) -> PolicyPack:
    """The pack registered under ``name``; a clear error (exit 2) when none is installed."""
    packs = {ep.name: ep for ep in available} if available is not None else installed_packs()
    if name not in packs:
        found = ", ".join(sorted(packs)) or "none"
        raise ConfigError([Problem("policy pack", f"no policy pack {name!r} in the entry-point group {ENTRY_POINT_GROUP!r} "
                                   f"(installed: {found}); install the project (`make setup`, or pip install -e .) so "
                                   "its pack is registered", name)], source="installation")
    return packs[name].load()

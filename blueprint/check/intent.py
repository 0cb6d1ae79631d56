"""The stack's intent: what its stack file says, the authority a plan is checked against (issue 16).

A plan is output: anyone can edit a saved plan's ``residency``, its tags, or delete resources from it.
``blueprint check`` therefore reads the stack file itself (``--stack``/``--config``, else
``stacks/Pulumi.<plan's stack>.yaml``) and hands the pack a :class:`StackIntent`: the jurisdiction
and, for blueprint's own program, the validated configuration (workloads, tiers, regions). The pack's
intent rules (blueprint/policies/intent.py) compare the plan with it; its tier rules judge each
workload by its configured tier.

Without a stack file, an operator may still check a plan with ``--residency CODE``: the intent is then
*unverified* (``StackIntent.stack_file`` None) and the pack reports the mandatory ``intent-unverified``,
so such a check can never pass silently (docs/policies.md, "The stack file is the authority").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from blueprint.config.errors import ConfigError, Problem

NO_STACK_FILE = ("a saved plan is checked against its stack file's intent: pass --stack or --config "
                 "(or --residency CODE to check it unverified, which always fails with intent-unverified)")


@dataclass(frozen=True)
class StackIntent:
    """What the stack file requires of the plan."""

    stack_file: Optional[Path]  # None: no stack file known (the operator's --residency only: unverified)
    residency: str  # the jurisdiction the plan is checked against
    # The validated configuration (blueprint.config.models.StackConfig) of blueprint's own program;
    # None for a hand-composed program's stack file (its keys are its own) or without a stack file.
    config: Any = None
    # The stack name the stack file is planned as (its URNs' stack): what `check --plan` re-plans
    # (blueprint/check/replan.py); None without a stack file.
    stack: Optional[str] = None

    @property
    def verified(self) -> bool:
        return self.stack_file is not None


def find_stack_file(plan: Any, stack_file: Optional[Path], project_dir: Path) -> Optional[Path]:
    """The given stack file, else ``<stackConfigDir>/Pulumi.<plan's stack>.yaml`` when it exists."""
    if stack_file is not None:
        return stack_file
    if not isinstance(getattr(plan, "stack", None), str) or not plan.stack:
        return None
    from blueprint.project import stack_config_dir

    try:
        candidate = stack_config_dir(project_dir) / f"Pulumi.{plan.stack}.yaml"
    except (OSError, yaml.YAMLError, ConfigError):
        return None
    return candidate if candidate.is_file() else None


def _residency_of(stack_file: Path) -> Optional[str]:
    from blueprint.check import stack_file_residency

    return stack_file_residency(stack_file)


def load_intent(project_dir: Path, stack_name: str, stack_file: Path, explicit: Optional[str] = None) -> StackIntent:
    """The intent of ``stack_file``; ConfigError (exit 2) when it is invalid or names no jurisdiction.
    A hand-composed program's stack file may set no ``blueprint:residency`` (its keys are its own): the
    operator's ``explicit`` jurisdiction then applies."""
    from blueprint.project import StackRef, is_blueprint_project

    config = None
    if is_blueprint_project(project_dir):
        from blueprint.plan.run import load_stack

        config, _, _ = load_stack(project_dir, StackRef(stack_name, stack_file))  # every problem at once (exit 2)
        residency = config.residency
    else:
        residency = _residency_of(stack_file) or explicit
    residency = getattr(residency, "value", residency)
    if not residency:
        raise ConfigError([Problem("blueprint:residency", f"the stack file {stack_file} names no jurisdiction; set "
                                   "blueprint:residency in it, or pass --residency CODE", None)], source="arguments")
    return StackIntent(stack_file, str(residency), config, stack_name)


def resolve_intent(plan: Any, explicit: Optional[str], stack_name: Optional[str], stack_file: Optional[Path],
                   project_dir: Path) -> StackIntent:
    """The intent ``blueprint check`` checks ``plan`` against.

    * a stack file is known (given, or found from the plan's stack name): its intent; ``--residency``
      is refused unless it names the same jurisdiction (the stack file is the authority);
    * none is known: ``--residency`` gives an unverified intent (the pack fails it: intent-unverified);
      without it, ConfigError naming ``--stack``.
    The plan's own ``residency`` is never the source (a tampered plan could declare "any")."""
    from blueprint.catalogs.residency import JURISDICTIONS

    found = find_stack_file(plan, stack_file, project_dir)
    if found is not None:
        name = stack_name or (plan.stack if isinstance(plan.stack, str) and plan.stack else found.stem)
        intent = load_intent(project_dir, name, found, explicit)
        if explicit is not None and explicit != intent.residency:
            raise ConfigError([Problem("--residency", f"refused: the stack file {found} sets blueprint:residency "
                                       f"{intent.residency!r}, which is the authority; drop --residency", explicit)],
                              source="arguments")
    elif explicit is not None:
        intent = StackIntent(None, explicit, None)
    else:
        raise ConfigError([Problem("--stack", NO_STACK_FILE + f"; no stack file found for the plan's stack "
                                   f"{getattr(plan, 'stack', None)!r}")], source="arguments")
    if intent.residency not in JURISDICTIONS:
        raise ConfigError([Problem("--residency", f"unknown jurisdiction; expected one of {', '.join(JURISDICTIONS)}",
                                   intent.residency)], source="arguments")
    return intent

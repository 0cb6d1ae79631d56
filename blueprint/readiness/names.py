"""Check ``deploy-name-limit``: every physical name the providers will create is legal.

The mocks accept any name; AWS, Google Cloud and the Kubernetes API server do not. For each planned
resource whose type has a row in a name-limit table (``name_limits_aws``, ``name_limits_gcp``,
``name_limits_k8s``) the physical name is computed as the provider will generate it - the explicit
input, else the ``*Prefix`` input plus the provider's unique suffix, else the provider's autoname
``<logical name><separator><random>`` - and checked against the type's documented length and
pattern. Random parts are modelled by their length only (their characters are legal everywhere).
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import get
from blueprint.readiness.name_limits_aws import AWS_NAME_RULES, AWS_NO_NAME
from blueprint.readiness.name_limits_gcp import GCP_NAME_RULES, GCP_NO_NAME
from blueprint.readiness.name_limits_k8s import K8S_NAME_RULES, K8S_NO_NAME
from blueprint.readiness.name_rule import NameRule
from blueprint.types import command

CHECK_ID = "deploy-name-limit"

NAME_RULES: dict[str, NameRule] = {**AWS_NAME_RULES, **GCP_NAME_RULES, **K8S_NAME_RULES}
NO_NAME: frozenset[str] = AWS_NO_NAME | GCP_NO_NAME | K8S_NO_NAME
# The random characters stand in as '0': a hex digit, legal in every pattern of the tables.
_RANDOM_CHAR = "0"


# Types of no cloud at all: Pulumi's providers, and pulumi-command's local commands (a process run
# where `pulumi up` runs; nothing is named in a cloud).
OTHER_NO_NAME: frozenset[str] = frozenset({command.LOCAL_COMMAND})


def has_no_name(type_: str) -> bool:
    """Types classified as having no physical name of their own."""
    return type_ in NO_NAME or type_ in OTHER_NO_NAME or type_.startswith("pulumi:providers:")


def physical_name(resource: PlannedResource, rule: NameRule) -> Optional[tuple[str, str]]:
    """``(name, how)``: the physical name the provider will use and where it comes from, or None
    when the plan cannot tell (an unknown value) or the provider assigns it itself."""
    explicit = get(resource.inputs, rule.prop)
    if isinstance(explicit, str) and explicit:
        return explicit, f"{rule.prop} as set"
    if explicit is not None and explicit != "":
        return None
    prefix = get(resource.inputs, rule.prefix_prop) if rule.prefix_prop else None
    if isinstance(prefix, str) and prefix:
        return prefix + _RANDOM_CHAR * rule.prefix_random, f"{rule.prefix_prop} {prefix!r} + {rule.prefix_random} unique characters"
    auto = rule.autoname
    if auto is None:
        return None
    base = resource.name.lower() if auto.lower else resource.name
    how = f"{rule.prop} autonamed from the logical name + {auto.separator!r} + {auto.random} random characters"
    return base + auto.separator + _RANDOM_CHAR * auto.random, how


def violations(name: str, rule: NameRule) -> list[str]:
    """What is wrong with ``name`` under ``rule`` (empty when it is legal)."""
    wrong = []
    if len(name) > rule.max_length:
        wrong.append(f"{len(name)} characters, over the limit of {rule.max_length}")
    if len(name) < rule.min_length:
        wrong.append(f"{len(name)} characters, under the minimum of {rule.min_length}")
    if not re.fullmatch(rule.pattern, name):
        wrong.append("characters or form not allowed")
    for prefix in rule.forbidden_prefixes:
        if name.startswith(prefix):
            wrong.append(f"starts with {prefix!r}")
    return wrong


def _problems(resource: PlannedResource, rule: NameRule) -> Iterable[ReadinessProblem]:
    found = physical_name(resource, rule)
    if found is None:
        return
    name, how = found
    wrong = violations(name, rule)
    auto = rule.autoname
    source = rule.source
    if how.startswith(f"{rule.prop} autonamed") and auto is not None and auto.max_length and len(name) > auto.max_length:
        wrong.append(f"over the provider's autoname cap of {auto.max_length} (pulumi preview fails)")
        source = f"{source}; {auto.source}"
    if wrong:
        yield ReadinessProblem(
            check=CHECK_ID, urn=resource.urn, type=resource.type, name=resource.name, value=name,
            rule=f"physical name ({how}): {'; '.join(wrong)}; allowed: {rule.rule}", source=source)


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    """Every planned resource whose physical name breaks its type's documented limit or pattern."""
    for resource in plan.resources:
        rule = NAME_RULES.get(resource.type)
        if rule is not None and resource.custom:
            yield from _problems(resource, rule)

"""pulumi-policy's arguments -> the rules' :class:`Resource` / :class:`Context`, and the
validate callbacks of the CrossGuard pack (``policies/__main__.py``).

Duck-typed: nothing here imports pulumi_policy, so the adapters are testable without it and
``import blueprint.policies`` never starts a pack. :func:`build_policies` takes the pulumi_policy
module as an argument.
"""

from __future__ import annotations

import os
from collections.abc import Mapping as MappingABC, Sequence as SequenceABC
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from blueprint.plan.placement import is_global_type, own_region, own_workload, own_zone

from blueprint.policies.model import GLOBAL, MANDATORY, UNKNOWN, Context, Resource, Rule
from blueprint.policies.registry import RULES

ENV_RESIDENCY = "BLUEPRINT_RESIDENCY"
CONFIG_KEY = "residency"
# pulumi's sentinels for values unknown during preview (pulumi_policy.proxy).
_UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})
PROJECT_DIR = Path(__file__).resolve().parents[2]


def _read(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except Exception as error:  # pulumi_policy.proxy.UnknownValueError during preview
        if type(error).__name__ == "UnknownValueError":
            return UNKNOWN
        raise


def plain(value: Any) -> Any:
    """pulumi-policy's unknown-checking proxies -> plain dicts/lists, unknown values -> UNKNOWN."""
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, (MappingABC, dict)):
        return {k: plain(_read(value, k)) for k in list(value)}
    if isinstance(value, (SequenceABC, list, tuple)) and not isinstance(value, (bytes, bytearray)):
        return [plain(_read(value, i)) for i in range(len(value))]
    return value


def region_of(type_: str, props: dict[str, Any], provider_props: Optional[dict[str, Any]]) -> Optional[str]:
    """The region the resource lives in, as ``blueprint plan`` places it (blueprint/plan/placement.py)."""
    if is_global_type(type_):
        return GLOBAL
    known = {k: v for k, v in props.items() if v is not UNKNOWN}
    region = own_region(type_, known)
    if region:
        return region
    provider_region = (provider_props or {}).get("region")
    return provider_region if isinstance(provider_region, str) and provider_region else None


def _resource(type_: str, urn: str, name: str, props: Any, provider: Any, parent: Optional[str],
              dependencies: Iterable[str]) -> Resource:
    data = plain(props) if props is not None else {}
    provider_props = plain(getattr(provider, "props", None) or {}) if provider is not None else {}
    known = {k: v for k, v in data.items() if v is not UNKNOWN}
    return Resource(urn=urn, type=type_, name=name, region=region_of(type_, data, provider_props),
                    zone=own_zone(type_, known), workload=own_workload(known), props=data, state=data, parent=parent,
                    dependencies=list(dependencies))


def from_validation_args(args: Any) -> Resource:
    """``ResourceValidationArgs`` (inputs of one proposed resource) -> Resource."""
    opts = getattr(args, "opts", None)
    return _resource(args.resource_type, args.urn, args.name, args.props, getattr(args, "provider", None),
                     getattr(opts, "parent", None) or None, [])


def from_policy_resource(resource: Any) -> Resource:
    """A ``PolicyResource`` of ``StackValidationArgs`` (outputs, parent, dependencies) -> Resource."""
    parent = getattr(resource, "parent", None)
    return _resource(resource.resource_type, resource.urn, resource.name, resource.props,
                     getattr(resource, "provider", None), getattr(parent, "urn", None),
                     [d.urn for d in getattr(resource, "dependencies", None) or []])


def stack_of(urn: str) -> Optional[str]:
    parts = urn.split(":", 3)
    return parts[2] if len(parts) > 3 and parts[0] == "urn" and parts[1] == "pulumi" else None


def jurisdiction_for(config: Optional[Any], urn: Optional[str], project_dir: Path = PROJECT_DIR) -> Optional[str]:
    """The policy config's ``residency``, else ``$BLUEPRINT_RESIDENCY``, else ``blueprint:residency``
    of the stack file of the URN's stack in this project (stacks/Pulumi.<stack>.yaml)."""
    value = (config or {}).get(CONFIG_KEY) if isinstance(config, MappingABC) else None
    if isinstance(value, str) and value:
        return value
    if os.environ.get(ENV_RESIDENCY):
        return os.environ[ENV_RESIDENCY]
    stack = stack_of(urn or "")
    if not stack:
        return None
    try:
        from blueprint.config import safe_yaml
        from blueprint.project import stack_config_dir

        path = stack_config_dir(project_dir) / f"Pulumi.{stack}.yaml"
        data = safe_yaml.load_file(path) or {}  # bounded YAML (issue 16)
    except Exception:  # noqa: BLE001 - no stack file: the residency rule reports the unknown jurisdiction
        return None
    value = (data.get("config") or {}).get("blueprint:residency") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _cloud(resources: Iterable[Resource]) -> Optional[str]:
    clouds = {r.cloud for r in resources if r.cloud}
    return clouds.pop() if len(clouds) == 1 else None


def _message(text: str, rule: Rule) -> str:
    return f"{text}. Fix: {rule.remediation}"


def resource_validator(rule: Rule) -> Callable[[Any, Callable[..., None]], None]:
    """The ``validate`` callback of the ResourceValidationPolicy wrapping ``rule``."""

    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        if rule.types and args.resource_type not in rule.types:
            return
        resource = from_validation_args(args)
        config = args.get_config() if hasattr(args, "get_config") else None
        ctx = Context([resource], jurisdiction_for(config, args.urn), resource.cloud, stack_of(args.urn) or "")
        for violation in rule.check_resource(resource, ctx):
            report_violation(_message(violation.message, rule))

    return validate


def stack_validator(rule: Rule) -> Callable[[Any, Callable[..., None]], None]:
    """The ``validate`` callback of the StackValidationPolicy wrapping ``rule``."""

    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        resources = [from_policy_resource(r) for r in args.resources]
        config = args.get_config() if hasattr(args, "get_config") else None
        first = resources[0].urn if resources else None
        ctx = Context(resources, jurisdiction_for(config, first), _cloud(resources), stack_of(first or "") or "")
        for violation in rule.evaluate(ctx):
            report_violation(_message(violation.message, rule), violation.urn)

    return validate


def build_policies(pp: Any, rules: Iterable[Rule] = RULES) -> list[Any]:
    """One pulumi-policy policy per rule; ``pp`` is the ``pulumi_policy`` module."""
    from blueprint.catalogs.residency import JURISDICTIONS

    schema = pp.PolicyConfigSchema(properties={CONFIG_KEY: {"type": "string", "enum": sorted(JURISDICTIONS)}})
    policies = []
    for rule in rules:
        level = pp.EnforcementLevel.MANDATORY if rule.enforcement == MANDATORY else pp.EnforcementLevel.ADVISORY
        common = dict(name=rule.id, description=rule.description, enforcement_level=level, config_schema=schema,
                      remediation_steps=rule.remediation, tags=[rule.category])
        if rule.scope == "resource":
            policies.append(pp.ResourceValidationPolicy(validate=resource_validator(rule), **common))
        else:
            policies.append(pp.StackValidationPolicy(validate=stack_validator(rule), **common))
    return policies

"""A blueprint plan as Terraform-plan JSON (``terraform show -json <plan>``), for checkov.

checkov's ``terraform_plan`` framework reads ``planned_values.root_module.resources`` (the
attribute values), ``resource_changes`` (the actions) and ``configuration.root_module.resources``
(the expressions: which attribute refers to which resource, the edges of its graph checks).
This module writes exactly those, the way Terraform writes them for a plan that creates
everything:

* every bridged resource under its real Terraform type (:mod:`blueprint.export.types`) and
  a Terraform-safe name derived from its Pulumi name; its address maps back to the Pulumi URN;
* attribute values in Terraform's names and shapes (:mod:`blueprint.export.schema`): snake_case,
  blocks of at most one item as one-element lists, maps verbatim, numbers as integers when
  whole, secrets still redacted, ``tags_all`` = the provider's default tags merged with ``tags``;
* references: an input equal to an identity attribute (``id``, ``arn``, ``name``, ``bucket``,
  ``key_id``, ...) of one of the resource's dependencies, as the mocks answered it, is a reference
  ``<type>.<name>.<attr>`` in ``configuration``. When that attribute is only known after apply
  (computed by the cloud, as every ``id`` and ``arn`` of a resource being created is), the value
  is omitted from ``values`` and flagged in ``after_unknown``, as Terraform does; checkov then
  puts the reference in its place, which is how its graph connects, e.g., a public access block
  to its bucket.

Resource types with no Terraform mapping are skipped and listed, never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from blueprint.export import schema as sch
from blueprint.export.types import (
    PLUGIN_FRAMEWORK_TYPES,
    PROVIDER_ADDRESS,
    PROVIDER_NAME,
    cloud_of,
    provider_address,
    provider_local_name,
    terraform_type,
)
from blueprint.plan.model import Plan, PlannedResource

FORMAT_VERSION = "1.2"  # the plan JSON format of Terraform >= 1.5 (checkov accepts any 1.x)
TERRAFORM_VERSION = "1.9.8"  # the Terraform release whose output this mirrors
SECRET = "[secret]"  # the engine's redaction of secret values

# Output attributes that identify a resource, i.e. that another resource's input may refer to.
_IDENTITY_ATTRIBUTES = frozenset({"id", "arn", "name", "bucket", "url", "fqdn", "endpoint", "readerEndpoint", "dnsName", "zoneId", "arnSuffix", "selfLink"})
_IDENTITY_SUFFIXES = ("Id", "Arn", "Name", "Identifier", "Endpoint")
# Attribute names whose object value is a map when the SDK's schema cannot be read.
_GUESSED_MAPS = frozenset({"tags", "tagsAll", "labels", "dimensions", "parameters", "metadata", "annotations"})


@dataclass
class TerraformExport:
    """The Terraform-plan document and what it took to build it."""

    document: dict[str, Any]
    address_to_urn: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # unmapped Pulumi type -> URNs
    notes: list[str] = field(default_factory=list)

    @property
    def urn_to_address(self) -> dict[str, str]:
        return {urn: address for address, urn in self.address_to_urn.items()}


def to_terraform_plan(plan: Plan) -> dict[str, Any]:
    """The Terraform-plan JSON document of ``plan`` (``tfplan.json``)."""
    return build_terraform_plan(plan).document


@dataclass
class _Reference:
    address: str
    attribute: str
    rank: int  # 0 id, 1 arn, 2 any other identity attribute: the lower wins
    unknown: bool  # known only after apply


@dataclass
class _Converted:
    values: dict[str, Any]
    expressions: dict[str, Any]
    after_unknown: dict[str, Any]
    sensitive: dict[str, Any]


class _Exporter:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.export = TerraformExport(document={})
        self.by_urn = {r.urn: r for r in plan.resources}
        self.address: dict[str, str] = {}  # URN -> Terraform address
        self.tf_type: dict[str, str] = {}
        self.tf_name: dict[str, str] = {}
        self.schemas: dict[str, Optional[sch.ObjectSchema]] = {}
        self.identity: dict[str, dict[str, _Reference]] = {}  # URN -> value -> reference to it
        self.unknown_top: dict[str, set[str]] = {}  # URN -> top-level Terraform attributes unknown at plan
        self.providers: dict[str, dict[str, Any]] = {}  # provider URN -> {key, region, default_tags}
        self.guessed: list[str] = []

    # -- naming ------------------------------------------------------------------------------
    def _names(self, resources: list[PlannedResource]) -> None:
        taken: set[str] = set()
        for r in resources:
            tf_type = self.tf_type[r.urn]
            base = re.sub(r"[^A-Za-z0-9_-]", "_", r.name) or "resource"
            if not re.match(r"[A-Za-z_]", base):
                base = f"_{base}"
            name, n = base, 2
            while f"{tf_type}.{name}" in taken:
                name, n = f"{base}_{n}", n + 1
            taken.add(f"{tf_type}.{name}")
            self.tf_name[r.urn] = name
            self.address[r.urn] = f"{tf_type}.{name}"

    # -- providers ---------------------------------------------------------------------------
    def _provider_configs(self) -> dict[str, Any]:
        configs: dict[str, Any] = {}
        for r in self.plan.resources:
            if not r.type.startswith("pulumi:providers:"):
                continue
            package = r.type.rsplit(":", 1)[-1]
            local = PROVIDER_NAME.get(package)
            if local is None:
                continue
            alias = re.sub(r"[^A-Za-z0-9_]", "_", r.name)
            key = f"{local}.{alias}"
            region = r.inputs.get("region") if isinstance(r.inputs.get("region"), str) else None
            default_tags = _default_tags(r.inputs.get("defaultTags"))
            self.providers[r.urn] = {"key": key, "region": region, "default_tags": default_tags}
            expressions: dict[str, Any] = {}
            if region:
                expressions["region"] = {"constant_value": region}
            if package == "gcp" and isinstance(r.inputs.get("project"), str):
                expressions["project"] = {"constant_value": r.inputs["project"]}
            if default_tags:
                expressions["default_tags"] = [{"tags": {"constant_value": default_tags}}]
            configs[key] = {"name": local, "full_name": PROVIDER_ADDRESS[package], "alias": alias, "expressions": expressions}
        return configs

    def _provider_of(self, r: PlannedResource) -> tuple[str, Optional[str], dict[str, str]]:
        """(provider_config_key, region, default tags) of a resource."""
        local = provider_local_name(r.type) or cloud_of(r.type)
        found = self.providers.get(r.provider or "")
        if found:
            alias = found["key"].split(".", 1)[1]
            return f"{local}.{alias}", found["region"], found["default_tags"]
        region = r.region if r.region and r.region != "global" else None
        return local, region, {}

    # -- identity attributes (what others refer to) --------------------------------------------
    def _index_identity(self, r: PlannedResource, schema: Optional[sch.ObjectSchema]) -> None:
        refs: dict[str, _Reference] = {}
        unknown_inputs = self.unknown_top.get(r.urn, set())

        def offer(value: Any, attribute: str, rank: int, unknown: bool) -> None:
            if not isinstance(value, str) or len(value) < 3 or value == SECRET:
                return
            current = refs.get(value)
            if current is None or rank < current.rank:
                refs[value] = _Reference(self.address[r.urn], attribute, rank, unknown)

        if r.id:
            offer(r.id, "id", 0, True)  # a resource being created has no ID before apply
        for key, value in (r.outputs or {}).items():
            if key == "id" or not (key in _IDENTITY_ATTRIBUTES or key.endswith(_IDENTITY_SUFFIXES)):
                continue
            prop = schema.props.get(key) if schema else None
            if schema is not None and (prop is None or prop.kind != sch.SCALAR):
                continue  # not an attribute of this Terraform type (the mocks add a few)
            attribute = prop.tf_name if prop else sch.snake_case(key)
            computed = key not in r.inputs
            offer(value, attribute, 1 if attribute == "arn" else 2, computed or attribute in unknown_inputs)
        self.identity[r.urn] = refs

    # -- values --------------------------------------------------------------------------------
    def _reference(self, value: Any, deps: list[str]) -> Optional[_Reference]:
        if not isinstance(value, str):
            return None
        best: Optional[_Reference] = None
        for dep in deps:
            found = self.identity.get(dep, {}).get(value)
            if found is not None and (best is None or found.rank < best.rank):
                best = found
        return best

    def _convert(self, obj: dict[str, Any], schema: Optional[sch.ObjectSchema], deps: list[str], blocks_as_lists: bool) -> _Converted:
        out = _Converted({}, {}, {}, {})
        for key, value in obj.items():
            if value is None:
                continue
            prop = schema.props.get(key) if schema else None
            if prop is None:
                prop = self._guess(key, value)
            name = prop.tf_name
            if value == SECRET:
                out.values[name] = SECRET
                out.sensitive[name] = True
                continue
            if prop.kind == sch.SCALAR or (prop.kind == sch.LIST and not isinstance(value, list)):
                ref = self._reference(value, deps)
                if ref is not None:
                    out.expressions[name] = {"references": [f"{ref.address}.{ref.attribute}", ref.address]}
                    if ref.unknown:
                        out.after_unknown[name] = True
                        continue
                else:
                    out.expressions[name] = {"constant_value": _number(value)}
                out.values[name] = _number(value)
            elif prop.kind == sch.LIST:
                refs = [self._reference(v, deps) for v in value]
                found = [ref for ref in refs if ref is not None]
                if found:
                    addresses = []
                    for ref in found:
                        addresses += [f"{ref.address}.{ref.attribute}", ref.address]
                    out.expressions[name] = {"references": list(dict.fromkeys(addresses))}
                    if len(found) == len(value) and all(ref.unknown for ref in found):
                        out.after_unknown[name] = True
                        continue
                else:
                    out.expressions[name] = {"constant_value": _number(value)}
                out.values[name] = _number(value)
            elif prop.kind == sch.MAP:
                out.values[name] = _number(value)
                out.expressions[name] = {"constant_value": _number(value)}
            else:  # OBJECT / OBJECT_LIST
                items = value if isinstance(value, list) else [value]
                items = [item for item in items if isinstance(item, dict)]
                nested_schema = prop.nested if prop.nested and prop.nested.props else None
                converted = [self._convert(item, nested_schema, deps, blocks_as_lists) for item in items]
                as_list = prop.kind == sch.OBJECT_LIST or blocks_as_lists or isinstance(value, list)
                pick = (lambda xs: xs) if as_list else (lambda xs: xs[0] if xs else {})
                out.values[name] = pick([c.values for c in converted])
                out.expressions[name] = pick([c.expressions for c in converted])
                if any(c.after_unknown for c in converted):
                    out.after_unknown[name] = pick([c.after_unknown for c in converted])
                if any(c.sensitive for c in converted):
                    out.sensitive[name] = pick([c.sensitive for c in converted])
        return out

    def _guess(self, key: str, value: Any) -> sch.Prop:
        """Shape of an attribute the SDK's schema does not list (or no schema at all)."""
        if isinstance(value, dict):
            kind = sch.MAP if key in _GUESSED_MAPS else sch.OBJECT
        elif isinstance(value, list):
            kind = sch.OBJECT_LIST if value and all(isinstance(v, dict) for v in value) else sch.LIST
        else:
            kind = sch.SCALAR
        return sch.Prop(tf_name=sch.snake_case(key), kind=kind)

    # -- the document ----------------------------------------------------------------------------
    def build(self) -> TerraformExport:
        exported: list[PlannedResource] = []
        for r in self.plan.resources:
            if not r.custom or r.type.startswith("pulumi:providers:"):
                continue
            cloud = cloud_of(r.type)
            if cloud == "kubernetes":
                continue  # rendered as manifests (blueprint.export.k8s)
            tf_type = terraform_type(r.type)
            if tf_type is None:
                self.export.skipped.setdefault(r.type, []).append(r.urn)
                continue
            self.tf_type[r.urn] = tf_type
            exported.append(r)
        self._names(exported)
        provider_config = self._provider_configs()

        planned, changes, configured = [], [], []
        for r in exported:
            tf_type, address = self.tf_type[r.urn], self.address[r.urn]
            schema = sch.resource_schema(r.type, tf_type, r.type in PLUGIN_FRAMEWORK_TYPES)
            if schema is None:
                self.guessed.append(r.type)
            deps = [d for d in r.dependencies if d in self.address and d != r.urn]
            converted = self._convert(r.inputs, schema, deps, schema.blocks_as_lists if schema else True)
            self.unknown_top[r.urn] = {k for k, v in converted.after_unknown.items() if v is True}
            self._index_identity(r, schema)
            key, region, default_tags = self._provider_of(r)
            values = converted.values
            if schema is not None and "tagsAll" in schema.props:
                values["tags_all"] = {**default_tags, **(values.get("tags") or {})}
            if cloud_of(r.type) == "aws" and schema is not None and "region" in schema.props and "region" not in values and region:
                values["region"] = region
            provider_name = provider_address(r.type)
            common = {"address": address, "mode": "managed", "type": tf_type, "name": self.tf_name[r.urn], "provider_name": provider_name}
            planned.append({**common, "schema_version": 0, "values": values, "sensitive_values": converted.sensitive})
            changes.append({**common, "change": {
                "actions": ["create"], "before": None, "after": values, "after_unknown": converted.after_unknown,
                "before_sensitive": False, "after_sensitive": converted.sensitive,
            }})
            configured.append({"address": address, "mode": "managed", "type": tf_type, "name": self.tf_name[r.urn],
                               "provider_config_key": key, "expressions": converted.expressions, "schema_version": 0})
            self.export.address_to_urn[address] = r.urn
            if key not in provider_config:  # the default provider, or google-beta beside an aliased google one
                local, _, alias = key.partition(".")
                provider_config[key] = {"name": local, "full_name": provider_name, "expressions": {}, **({"alias": alias} if alias else {})}

        if exported and not any(r.id or r.outputs for r in exported):
            self.export.notes.append(
                "the plan has no recorded resource outputs (saved by an older blueprint): no references exported; "
                "re-run `blueprint plan --format json` for graph checks to connect resources"
            )
        if self.guessed:
            self.export.notes.append(
                "attribute shapes guessed (no class in the installed Pulumi SDK) for: " + ", ".join(sorted(set(self.guessed)))
            )
        for token, urns in sorted(self.export.skipped.items()):
            self.export.notes.append(f"skipped {len(urns)} resource(s) of type {token}: no Terraform type mapping")
        self.export.document = {
            "format_version": FORMAT_VERSION,
            "terraform_version": TERRAFORM_VERSION,
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {"provider_config": provider_config, "root_module": {"resources": configured}},
            "applyable": True,
            "complete": True,
            "errored": False,
        }
        return self.export


def build_terraform_plan(plan: Plan) -> TerraformExport:
    """The Terraform-plan document of ``plan`` with its address -> URN table and skipped types."""
    return _Exporter(plan).build()


def _number(value: Any) -> Any:
    """JSON numbers as Terraform writes them: ``365.0`` -> ``365`` (recursively)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_number(v) for v in value]
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    return value


def _default_tags(raw: Any) -> dict[str, str]:
    """The provider's ``defaultTags`` input (a JSON string, as provider inputs are sent)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return {}
    tags = raw.get("tags") if isinstance(raw, dict) else None
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}

"""The shape of a bridged resource's attributes, read from the installed Pulumi SDK itself.

Terraform and Pulumi name and shape the same attributes a little differently:

* names: Pulumi camelCases Terraform's snake_case (``versioningConfiguration`` ->
  ``versioning_configuration``) and pluralises list attributes whose Terraform name is singular
  (``rules`` is Terraform's ``rule`` block, ``defaultActions`` is ``default_action``);
* shapes: a Terraform block limited to one item (``versioning_configuration``, ``vpc_config``,
  ``metadata_options``, ...) is a plain object in Pulumi, but a one-element list in a Terraform
  plan; map attributes (``tags``, ``labels``, ...) are objects in both, keys kept verbatim.

Each resource class of pulumi-aws / pulumi-gcp declares every output property with its Pulumi
name (``@pulumi.getter(name=...)``), its Python (snake_case) name and its type: ``Mapping[...]``
for maps, ``Sequence[...]`` for lists, an output class for nested objects. That is what this
module reads, recursively, so maps and blocks are told apart exactly. The only rule that is not
read from the SDK is the reverse of the pluralisation, below.
"""

from __future__ import annotations

import collections.abc
import importlib
import re
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

SCALAR = "scalar"  # strings, numbers, booleans (JSON documents are strings too)
MAP = "map"  # Mapping[str, ...]: keys are data, kept verbatim
LIST = "list"  # Sequence of scalars (or of maps)
OBJECT = "object"  # one nested object: a block of at most one item in Terraform
OBJECT_LIST = "object_list"  # a list (or set) of nested blocks

# List-of-block attributes whose Terraform name is already plural, so the bridge did not
# pluralise them and they must not be singularised back: (Terraform type or "*", Python name).
# AWS's provider names its list blocks in the singular (``rule``, ``default_action``,
# ``metric_query``); these are its exceptions, checked in the Terraform resource documentation.
_PLURAL_IN_TERRAFORM = frozenset({
    ("aws_launch_template", "block_device_mappings"),
    ("aws_launch_template", "network_interfaces"),
    ("aws_launch_template", "tag_specifications"),
    ("aws_launch_template", "elastic_gpu_specifications"),
    ("aws_acm_certificate", "domain_validation_options"),
    ("aws_eks_node_group", "resources"),
    ("aws_route53_record", "coordinates"),  # geoproximity_routing_policy.coordinates
    ("*", "autoscaling_groups"),  # aws_eks_node_group.resources[*].autoscaling_groups
    ("*", "string_equals"),  # aws_backup_selection.condition[*]
    ("*", "string_like"),
    ("*", "string_not_equals"),
    ("*", "string_not_like"),
})
# The Google provider is mostly generated from the API (Magic Modules), whose list fields keep
# their plural names (``route_rules``, ``cidr_blocks``, ``database_flags``, ``conditions``); the
# blocks it names in the singular are these (Terraform type or "*", Python name).
_SINGULAR_IN_GOOGLE = frozenset({
    ("*", "lifecycle_rules"),  # google_storage_bucket.lifecycle_rule
    ("*", "allows"),  # google_compute_firewall.allow
    ("*", "denies"),
    ("*", "node_pools"),  # google_container_cluster.node_pool
    ("*", "taints"),  # node_config.taint
    ("*", "guest_accelerators"),
    ("*", "maintenance_exclusions"),
    ("*", "node_affinities"),
    ("*", "secondary_ip_ranges"),  # google_compute_subnetwork.secondary_ip_range
    ("*", "access_configs"),  # instance network_interface.access_config
    ("*", "wrrs"),  # google_dns_record_set.routing_policy.wrr / geo / primary_backup.backup_geo
    ("*", "geos"),
    ("*", "backup_geos"),
    ("google_compute_url_map", "host_rules"),
    ("google_compute_url_map", "path_matchers"),
    ("google_compute_url_map", "path_rules"),
    ("google_compute_url_map", "tests"),
    ("google_compute_backend_service", "backends"),
    ("google_compute_region_backend_service", "backends"),
    ("google_compute_router_nat", "subnetworks"),
    ("google_compute_security_policy", "rules"),
    ("google_compute_instance", "network_interfaces"),
    ("google_compute_instance_template", "network_interfaces"),
    ("google_compute_instance_template", "disks"),
    ("google_kms_crypto_key", "primaries"),
    ("google_sql_database_instance", "ip_addresses"),
    ("google_sql_database_instance", "server_ca_certs"),
})


@dataclass(frozen=True)
class Prop:
    """One attribute: its Terraform name, its kind and, for nested objects, their schema."""

    tf_name: str
    kind: str
    nested: Optional["ObjectSchema"] = None


@dataclass
class ObjectSchema:
    props: dict[str, Prop] = field(default_factory=dict)  # keyed by the Pulumi (camelCase) name
    blocks_as_lists: bool = True  # False for plugin-framework resources (objects stay objects)

    def by_tf_name(self, name: str) -> Optional[Prop]:
        return next((p for p in self.props.values() if p.tf_name == name), None)


def snake_case(name: str) -> str:
    """camelCase / PascalCase -> snake_case (``kmsMasterKeyId`` -> ``kms_master_key_id``,
    ``IAMMember`` -> ``iam_member``)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.lower()


def singular(name: str) -> str:
    """The reverse of the bridge's pluralisation of the last word: ``rules`` -> ``rule``,
    ``metric_queries`` -> ``metric_query``, ``aliases`` -> ``alias``, ``denies`` -> ``deny``."""
    head, _, last = name.rpartition("_")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "shes", "ches", "xes", "ases")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    return f"{head}_{last}" if head else last


def list_block_name(tf_type: str, python_name: str) -> str:
    """The Terraform name of a list-of-blocks attribute whose Python name is ``python_name``."""
    if tf_type.startswith("google_"):
        listed = (tf_type, python_name) in _SINGULAR_IN_GOOGLE or ("*", python_name) in _SINGULAR_IN_GOOGLE
        return singular(python_name) if listed else python_name
    if (tf_type, python_name) in _PLURAL_IN_TERRAFORM or ("*", python_name) in _PLURAL_IN_TERRAFORM:
        return python_name
    return singular(python_name)


def _sdk_class(token: str) -> Optional[type]:
    """``aws:s3/bucket:Bucket`` -> ``pulumi_aws.s3.Bucket`` (``aws:lambda/...`` lives in
    ``pulumi_aws.lambda_``); None when the SDK has no such class."""
    try:
        package, middle, class_name = token.split(":")
    except ValueError:
        return None
    module = middle.split("/", 1)[0]
    candidates = [f"pulumi_{package}"] if module == "index" else [f"pulumi_{package}.{module}", f"pulumi_{package}.{module}_"]
    for candidate in candidates:
        try:
            mod = importlib.import_module(candidate)
        except ImportError:
            continue
        cls = getattr(mod, class_name, None)
        if isinstance(cls, type):
            return cls
    return None


def _resolve(annotation: Any, namespace: dict) -> Any:
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        try:
            return eval(annotation, namespace)  # noqa: S307 - a dotted name from the SDK's own annotations
        except Exception:  # noqa: BLE001 - unresolvable: treated as a scalar
            return None
    return annotation


def _unwrap(annotation: Any, namespace: dict) -> Any:
    """Strip pulumi.Output[...] / Optional[...] / Input unions down to the value type."""
    while True:
        annotation = _resolve(annotation, namespace)
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Union:
            rest = [a for a in args if a is not type(None)]
            if len(rest) != 1:
                return rest[0] if rest else None
            annotation = rest[0]
            continue
        if origin is not None and getattr(origin, "__name__", "") == "Output" and args:
            annotation = args[0]
            continue
        return annotation


def _kind(annotation: Any, namespace: dict, tf_type: str, depth: int) -> tuple[str, Optional[ObjectSchema]]:
    value_type = _unwrap(annotation, namespace)
    origin = typing.get_origin(value_type)
    if origin in (collections.abc.Mapping, dict):
        return MAP, None
    if origin in (collections.abc.Sequence, list):
        (element,) = typing.get_args(value_type) or (None,)
        element = _unwrap(element, namespace)
        if isinstance(element, type) and _is_output_type(element):
            return OBJECT_LIST, _object_schema(element, tf_type, depth + 1)
        return LIST, None
    if isinstance(value_type, type) and _is_output_type(value_type):
        return OBJECT, _object_schema(value_type, tf_type, depth + 1)
    return SCALAR, None


def _is_output_type(cls: type) -> bool:
    return any(isinstance(v, property) and hasattr(v.fget, "_pulumi_name") for v in vars(cls).values())


@lru_cache(maxsize=None)
def _object_schema(cls: type, tf_type: str, depth: int = 0) -> ObjectSchema:
    # Cached (speed, issue 15): nested output types recur across a resource's attributes (WAFv2's
    # statements, to depth 12), so without it prod's export walked 58k schemas for 64 types (~1.2 s
    # of `blueprint check`). A shared result is only ever mutated by _objects_stay_objects, whose
    # flag follows the resource type, which tf_type in the key fixes.
    schema = ObjectSchema()
    if depth > 12:  # recursive types (WAF statements) stop here; deeper levels export as plain data
        return schema
    for python_name, attribute in vars(cls).items():
        if not isinstance(attribute, property) or not hasattr(attribute.fget, "_pulumi_name"):
            continue
        getter = attribute.fget
        pulumi_name = getter._pulumi_name  # noqa: SLF001 - set by @pulumi.getter
        kind, nested = _kind(getter.__annotations__.get("return"), getter.__globals__, tf_type, depth)
        tf_name = python_name.rstrip("_")
        if kind == OBJECT_LIST:
            tf_name = list_block_name(tf_type, tf_name)
        schema.props[pulumi_name] = Prop(tf_name=tf_name, kind=kind, nested=nested)
    return schema


@lru_cache(maxsize=None)
def resource_schema(token: str, tf_type: str, plugin_framework: bool = False) -> Optional[ObjectSchema]:
    """The attribute schema of the resource type ``token`` (exported as ``tf_type``), or None when
    the installed SDK does not have it (the exporter then converts names only)."""
    cls = _sdk_class(token)
    if cls is None:
        return None
    schema = _object_schema(cls, tf_type)
    if plugin_framework:
        _objects_stay_objects(schema)
    return schema


def _objects_stay_objects(schema: ObjectSchema) -> None:
    schema.blocks_as_lists = False
    for prop in schema.props.values():
        if prop.nested is not None:
            _objects_stay_objects(prop.nested)

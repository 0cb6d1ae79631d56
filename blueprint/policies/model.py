"""What the rules read and report: planned resources, the stack context, violations.

Pure Python: no Pulumi, no pulumi-policy. ``blueprint check`` builds a :class:`Context` from a plan
(:meth:`Context.from_plan`), the CrossGuard pack from pulumi-policy's arguments
(``policies/__main__.py``); the rules cannot tell the difference.

Values a ``pulumi preview`` does not know yet arrive as :data:`UNKNOWN`; rules never report a
violation on an unknown value (the same rule runs again at ``pulumi up`` with everything known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from blueprint.check.pack import Finding
from blueprint.types import aws

MANDATORY = "mandatory"
ADVISORY = "advisory"
ENFORCEMENT_LEVELS = (MANDATORY, ADVISORY)

GLOBAL = "global"


class _Unknown:
    """A value ``pulumi preview`` cannot know yet (computed by the cloud at ``pulumi up``)."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()

TIER_TAG = "blueprint:tier"
STRATEGY_TAG = "blueprint:strategy"
WORKLOAD_TAG = "blueprint:workload"
REGION_ROLE_TAG = "blueprint:region-role"
RESIDENCY_EXEMPTION_TAG = "blueprint:residency-exemption"


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def truthy(value: Any) -> Optional[bool]:
    """Booleans as the engine passes them (True, "true", "Enabled", 1); None when unknown/absent."""
    if value is None or is_unknown(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "on", "enabled", "yes")
    return bool(value)


def number(value: Any) -> Optional[float]:
    if value is None or is_unknown(value) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_ARN = re.compile(r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):(?P<account>[^:]*):(?P<rest>.+)$")


def arn_region(arn: Any) -> Optional[str]:
    """The region field of an ARN ("" for global/S3 ARNs); None when not an ARN."""
    if not isinstance(arn, str):
        return None
    match = _ARN.match(arn)
    return match.group("region") if match else None


def type_chain(urn: str) -> list[str]:
    """The type tokens in a URN, outermost parent first (``urn:pulumi:stack::project::A$B$C::name``)."""
    parts = urn.split("::")
    if len(parts) < 4:
        return []
    return parts[2].split("$")


@dataclass
class Resource:
    """One planned (or, in CrossGuard, proposed) resource as every rule sees it."""

    urn: str
    type: str
    name: str
    region: Optional[str] = None  # a region, "global", or None when it cannot be known
    zone: Optional[str] = None
    workload: Optional[str] = None
    props: dict[str, Any] = field(default_factory=dict)  # what is declared: the inputs (CrossGuard stack rules: the state)
    state: dict[str, Any] = field(default_factory=dict)  # what the cloud answered (ids, ARNs, names); for look-ups only
    parent: Optional[str] = None  # the parent's URN
    dependencies: list[str] = field(default_factory=list)
    custom: bool = True

    def ident(self, key: str) -> Any:
        """An identifying value (``bucket``, ``arn``, ``id``, ``name``): declared, else computed."""
        value = self.props.get(key)
        return value if value not in (None, "") else self.state.get(key)

    @property
    def tags(self) -> dict[str, Any]:
        tags = self.props.get("tags")
        return dict(tags) if isinstance(tags, Mapping) else {}

    @property
    def labels(self) -> dict[str, Any]:
        for key in ("labels", "resourceLabels"):
            value = self.props.get(key)
            if isinstance(value, Mapping):
                return dict(value)
        return {}

    @property
    def parent_type(self) -> Optional[str]:
        chain = type_chain(self.urn)
        return chain[-2] if len(chain) >= 2 else None

    @property
    def cloud(self) -> Optional[str]:
        head = self.type.split(":", 1)[0]
        return head if head in ("aws", "gcp") else None

    @property
    def is_cloud_resource(self) -> bool:
        """A resource a cloud provider creates (not a component, provider or Kubernetes object)."""
        return self.custom and self.cloud is not None

    def get(self, *path: Any, default: Any = None) -> Any:
        """``props[a][b][0]...``; ``default`` when a step is missing; UNKNOWN when a step is unknown."""
        value: Any = self.props
        for step in path:
            if is_unknown(value):
                return UNKNOWN
            if isinstance(step, int):
                if not isinstance(value, (list, tuple)) or step >= len(value):
                    return default
                value = value[step]
            else:
                if not isinstance(value, Mapping) or step not in value:
                    return default
                value = value[step]
        return value

    @classmethod
    def from_planned(cls, planned: Any) -> "Resource":
        """From a ``blueprint.plan.model.PlannedResource`` (or its JSON dict)."""
        data = planned if isinstance(planned, Mapping) else planned.__dict__
        state = dict(data.get("outputs") or {})
        if data.get("id") and "id" not in state:
            state["id"] = data["id"]
        return cls(
            urn=data["urn"], type=data["type"], name=data.get("name", ""), region=data.get("region"),
            zone=data.get("zone"), workload=data.get("workload"), props=dict(data.get("inputs") or {}), state=state,
            parent=data.get("parent"),
            dependencies=list(data.get("dependencies") or []), custom=bool(data.get("custom", True)),
        )


# A rule's finding is the core's report shape (blueprint.check.pack.Finding): one type for the pack's
# violations and the core's readiness problems, so every report format reads both alike.
Violation = Finding


class Context:
    """The stack being checked: its resources, its jurisdiction, and look-ups over the graph."""

    def __init__(self, resources: Iterable[Resource], jurisdiction: Optional[str] = None, cloud: Optional[str] = None,
                 stack: str = ""):
        self.resources: list[Resource] = list(resources)
        self.jurisdiction = jurisdiction
        self.cloud = cloud
        self.stack = stack
        # The blueprint Plan the context was built from (from_plan); None in CrossGuard. The tier
        # rules read it through the cloud-neutral read model (blueprint/policies/read_model.py).
        self.plan: Any = None
        self._memo: dict[str, Any] = {}
        self._by_urn = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[Resource]] = {}
        for r in self.resources:
            self._by_type.setdefault(r.type, []).append(r)

    @classmethod
    def from_plan(cls, plan: Any, jurisdiction: Optional[str] = None) -> "Context":
        """From a ``blueprint.plan.model.Plan``; the jurisdiction defaults to the plan's own."""
        resources = [Resource.from_planned(r) for r in plan.resources]
        ctx = cls(resources, jurisdiction or getattr(plan, "residency", None), plan.cloud, plan.stack)
        ctx.plan = plan
        return ctx

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per context (what several rules derive from the same stack)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def of_type(self, *types: str) -> list[Resource]:
        found: list[Resource] = []
        for t in types:
            found.extend(self._by_type.get(t, []))
        return found

    def by_urn(self, urn: Optional[str]) -> Optional[Resource]:
        return self._by_urn.get(urn) if urn else None

    def children(self, urn: str) -> list[Resource]:
        return [r for r in self.resources if r.parent == urn]

    # ---- look-ups by the values that reference a resource -------------------------------------

    def s3_bucket(self, ref: Any) -> Optional[Resource]:
        """The aws:s3/bucket:Bucket a bucket name or ``arn:aws:s3:::name`` refers to."""
        if not isinstance(ref, str) or not ref:
            return None
        name = ref.split(":::", 1)[1] if ref.startswith("arn:") and ":::" in ref else ref
        for b in self.of_type(*S3_BUCKET_TYPES):
            if name in (b.ident("bucket"), b.ident("id")) or ref == b.ident("arn"):
                return b
        return None

    def for_bucket(self, bucket: Resource, *types: str) -> list[Resource]:
        """The bucket-level configuration resources (versioning, encryption, ...) of ``bucket``."""
        names = {v for v in (bucket.ident("bucket"), bucket.ident("id")) if isinstance(v, str) and v}
        found = []
        for r in self.of_type(*types):
            ref = r.props.get("bucket")
            if isinstance(ref, str) and ref in names:
                found.append(r)
            elif bucket.urn in r.dependencies and (is_unknown(ref) or not names):
                found.append(r)  # preview: the name is not known yet, the dependency is
        return found

    def workload_tags(self, workload: Optional[str]) -> dict[str, str]:
        """The blueprint:tier / blueprint:strategy a workload's tagged resources carry."""
        if not workload:
            return {}
        for r in self.resources:
            tags = r.tags
            if tags.get(WORKLOAD_TAG) == workload and isinstance(tags.get(TIER_TAG), str):
                return {k: v for k, v in tags.items() if k in (TIER_TAG, STRATEGY_TAG)}
        return {}


S3_BUCKET_TYPES = aws.S3_BUCKET_TYPES


ResourceCheck = Callable[[Resource, Context], Iterable[str]]
StackCheck = Callable[[Context], Iterable[tuple[Optional[str], str]]]


@dataclass(frozen=True)
class Rule:
    """A policy: an id, what it demands, how strictly, how to fix it, and its check.

    ``scope`` "resource": ``check(resource, ctx)`` yields messages about that one resource and may
    not look at other resources (CrossGuard runs it on each resource as it is proposed); ``types``
    lists the resource types it applies to (empty: all). ``scope`` "stack": ``check(ctx)`` yields
    ``(urn, message)`` over the whole graph (CrossGuard runs it once on the whole stack).
    """

    id: str
    description: str
    enforcement: str
    remediation: str
    category: str
    scope: str
    check: Callable[..., Iterable[Any]]
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.enforcement not in ENFORCEMENT_LEVELS:
            raise ValueError(f"rule {self.id}: enforcement must be one of {ENFORCEMENT_LEVELS}, got {self.enforcement!r}")
        if self.scope not in ("resource", "stack"):
            raise ValueError(f"rule {self.id}: scope must be 'resource' or 'stack', got {self.scope!r}")

    def applies_to(self, resource: Resource) -> bool:
        return not self.types or resource.type in self.types

    def check_resource(self, resource: Resource, ctx: Context) -> list[Violation]:
        if self.scope != "resource" or not self.applies_to(resource):
            return []
        return [self._violation(resource.urn, message, resource) for message in self.check(resource, ctx)]

    def evaluate(self, ctx: Context) -> list[Violation]:
        if self.scope == "resource":
            found: list[Violation] = []
            for resource in ctx.resources:
                found.extend(self.check_resource(resource, ctx))
            return found
        return [self._violation(urn, message, ctx.by_urn(urn)) for urn, message in self.check(ctx)]

    def _violation(self, urn: Optional[str], message: str, resource: Optional[Resource]) -> Violation:
        return Violation(policy=self.id, enforcement=self.enforcement, urn=urn, message=message,
                         remediation=self.remediation,
                         resource_type=resource.type if resource else None,
                         resource_name=resource.name if resource else None)

"""The saved plan format (what ``blueprint plan --format json`` writes, :meth:`Plan.to_json`), validated.

Every command that takes ``--plan FILE`` (check, resilience, export, audit, diagram, drill, queue)
reads the file with :func:`read_saved_plan`, and only with it (issue 16): a file that is not a plan
this project wrote, in shape or in consistency, is invalid input (ConfigError, exit 2) naming every
problem at once by its JSON path (``resources[3].dependencies``), the value found and what is allowed;
never a traceback, never a pass, never an analysis of nonsense.

Two levels, one model:

* the shape (:class:`SavedPlan`, :class:`SavedResource`, :func:`input_map_problems`): types and value
  spaces of every field the writer (blueprint/plan/engine.py, ``Plan.to_json``) produces, and the
  ``tags``/``labels`` maps inside ``inputs``/``outputs`` that the readers (blueprint/analysis,
  blueprint/policies, blueprint/plan/placement.py, blueprint/readiness) read as string -> string maps;
* the consistency (:func:`consistency_problems`, checked once the shape is valid): unique URNs, each
  URN agreeing with its ``type`` and ``name``, parents, dependencies and providers naming resources of
  the plan (or the stack root), and no resource of the other cloud.

:meth:`Plan.from_json` stays the trusted in-process path (JSON a test or tool built itself): it must
run in the CrossGuard pack's environment, which has no pydantic (tests/policies/test_packaging.py),
and policy tests build partial plans with it (resources deleted to model a tampering). Every FILE
goes through :func:`read_saved_plan`.

Bounds, before anything is parsed or validated: :data:`MAX_PLAN_BYTES`, :data:`MAX_CONTAINERS`,
:data:`MAX_DEPTH`, :data:`MAX_RESOURCES`, :data:`MAX_DEPENDENCIES` (each documented with its reason).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from blueprint.config.errors import ConfigError, Problem
from blueprint.plan.model import Plan
from blueprint.types import k8s as k8s_types

# The largest plan allowed is a 50-workload stack (blueprint.config.models.MAX_WORKLOADS): saved by
# `blueprint plan --format json` it is 18.3 MiB (7,022 resources; benchmarks/plan_speed.py's stack of
# 50 workloads with every option, measured 2026-12). 64 MiB leaves 3.5x headroom for footprint growth
# and refuses a 200 MB file before reading it (json.loads of 64 MiB peaks at ~0.6 GB).
MAX_PLAN_BYTES = 64 * 1024 * 1024
# The deepest value of any shipped stack's plan is 15 levels (18 in the 50-workload plan: IAM policy
# documents inside inputs); 64 is ample, far below what Python's json parser refuses (RecursionError).
MAX_DEPTH = 64
# JSON objects and lists, counted as the '{' and '[' bytes of the file before parsing (an upper
# bound: brackets inside strings count too): 84,777 in the 50-workload plan. 1,000,000 bounds the
# parser's objects and the nesting walk (~1 us each) for a file of millions of empty lists.
MAX_CONTAINERS = 1_000_000
# 7,022 resources in the 50-workload plan; 20,000 leaves headroom and bounds validation time.
MAX_RESOURCES = 20_000
# At most 106 dependencies on one resource in the 50-workload plan; 2,000 bounds a tampered list.
MAX_DEPENDENCIES = 2_000
SHOWN_PROBLEMS = 20  # listed in the message; the rest are counted ("and N more")
COUNTED_PROBLEMS = 1_000  # validation stops counting here: a file of a million bad values stays fast

# Pulumi's own stack-name rule (pulumi/pulumi pkg/backend/filestate/backend.go, ValidateStackName:
# "^[A-Za-z0-9_.-]{1,100}$"); `blueprint check` reads stacks/Pulumi.<stack>.yaml, so no path separator.
STACK_NAME = r"^[A-Za-z0-9_.-]{1,100}$"
NOT_A_PLAN = "not a plan saved by `blueprint plan --format json`"

NonEmpty = Annotated[str, Field(min_length=1)]


class SavedResource(BaseModel):
    """One entry of ``resources`` (``PlannedResource.to_json``). Keys a newer writer adds are
    ignored; ``custom``/``provider``/``id``/``outputs`` may be absent (plans saved before they existed)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    urn: NonEmpty
    type: NonEmpty
    name: NonEmpty
    parent: Optional[NonEmpty]  # the root stack's URN for top-level resources
    dependencies: Annotated[list[NonEmpty], Field(max_length=MAX_DEPENDENCIES)]
    region: Optional[NonEmpty]  # a region, or "global"; null when unplaced (a policy violation, not a shape error)
    zone: Optional[NonEmpty]
    workload: Optional[NonEmpty]
    inputs: dict[str, Any]
    custom: bool = True
    provider: Optional[NonEmpty] = None
    id: Optional[str] = None  # the mocks' physical ID ("" for components is legal)
    outputs: dict[str, Any] = Field(default_factory=dict)


class SavedPlan(BaseModel):
    """The top level (``Plan.to_json``). ``resources`` entries are validated one at a time against
    :class:`SavedResource` (bounded memory, stops counting at COUNTED_PROBLEMS); ``summary`` is
    derived, so it is ignored and recomputed."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    stack: Annotated[str, Field(pattern=STACK_NAME)]
    cloud: Optional[Literal["aws", "gcp"]] = None  # null for programs run without blueprint:cloud
    resources: Annotated[list[Any], Field(max_length=MAX_RESOURCES)]
    outputs: dict[str, Any] = Field(default_factory=dict)
    residency: Optional[str] = None  # a jurisdiction of the residency catalog, or null (plans saved before it)

    @field_validator("residency")
    @classmethod
    def _known_jurisdiction(cls, value: Optional[str]) -> Optional[str]:
        from blueprint.catalogs.residency import JURISDICTIONS

        if value is not None and value not in JURISDICTIONS:
            raise ValueError(f"expected one of {', '.join(JURISDICTIONS)} or null")
        return value


# What each field holds, for the messages ("expected ...").
EXPECTED = {
    "stack": "a Pulumi stack name (letters, digits, '-', '_', '.'; 1 to 100 characters)",
    "cloud": "\"aws\", \"gcp\" or null",
    "resources": f"a list of resources (at most {MAX_RESOURCES:,})",
    "outputs": "a JSON object",
    "residency": "a jurisdiction code or null",
    "urn": "a URN (a non-empty string)",
    "type": "a Pulumi type token (a non-empty string)",
    "name": "a resource name (a non-empty string)",
    "parent": "the parent's URN (a non-empty string) or null",
    "dependencies": f"a list of URNs (at most {MAX_DEPENDENCIES:,})",
    "region": "a region name, \"global\" or null",
    "zone": "a zone name or null",
    "workload": "a workload name or null",
    "inputs": "a JSON object",
    "custom": "true or false",
    "provider": "the provider's URN or null",
    "id": "a string or null",
    "resource": "a JSON object (a planned resource)",
}

# The maps the readers read as string -> string (tags, labels) and the objects they read them from:
# aws_facts/aws_inventory/queue_facts/readiness (tags), gcp_facts/gcp_orchestration/graph (labels,
# settings.userLabels, nodeConfig.resourceLabels), placement.py (tags, labels, resourceLabels,
# userLabels, metadata.labels), readiness/neg.py (metadata.annotations), rebuild_records (metadata, spec).
MAP_KEYS = ("tags", "tagsAll", "labels", "resourceLabels", "userLabels", "effectiveLabels")
OBJECT_KEYS = {"settings": ("userLabels",), "nodeConfig": ("resourceLabels", "labels"),
               "metadata": ("labels", "annotations"), "spec": ()}
STRING_MAP = "a map of strings to strings (a JSON object) or null"


class _Counter:
    """The problems found so far: all of them up to COUNTED_PROBLEMS, then only counted."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.full = False

    def add(self, where: str, what: str, value: Any = ...) -> None:
        if len(self.problems) >= COUNTED_PROBLEMS:
            self.full = True
            return
        message = f"not a blueprint plan: {where}: {what}"
        self.problems.append(Problem("--plan", message) if value is ... else Problem("--plan", message, shown(value)))


def shown(value: Any) -> Any:
    """A value as a message shows it: short scalars as they are, anything long as a description."""
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= 400 else f"a string of {len(value):,} characters"  # URNs are long
    if isinstance(value, (list, dict)) and len(repr(value)) <= 160:
        return value
    if isinstance(value, list):
        return f"a list of {len(value):,} items"
    if isinstance(value, dict):
        return f"an object of {len(value):,} keys"
    return type(value).__name__


def json_path(loc: Iterable[Any], prefix: str = "") -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out or "(the top level)"


def _add_errors(found: _Counter, error: ValidationError, prefix: str) -> None:
    for e in error.errors(include_url=False):
        loc = tuple(e["loc"])
        field = next((p for p in reversed(loc) if isinstance(p, str)), "resource")
        expected = "a URN (a non-empty string)" if loc and isinstance(loc[-1], int) else EXPECTED.get(field, "another value")
        kind = e["type"]
        if kind == "missing":
            found.add(json_path(loc, prefix), f"missing; expected {expected}")
        elif kind == "too_long":
            found.add(json_path(loc, prefix), f"too many items; expected {expected}", e["input"])
        elif kind == "value_error":
            found.add(json_path(loc, prefix), str(e.get("ctx", {}).get("error", e["msg"])), e["input"])
        else:
            found.add(json_path(loc, prefix), f"expected {expected}", e["input"])


def _map_problems(found: _Counter, where: str, bag: dict[str, Any], keys: Iterable[str]) -> None:
    for key in keys:
        value = bag.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            found.add(f"{where}.{key}", f"expected {STRING_MAP}", value)
            continue
        bad = [k for k, v in value.items() if not isinstance(v, str)]
        for k in bad[:3]:
            found.add(json_path([k], f"{where}.{key}"), "expected a string (tag and label values are strings)", value[k])


def input_map_problems(found: _Counter, where: str, bag: dict[str, Any]) -> None:
    """The tags/labels maps (and the objects holding them) in one resource's ``inputs`` or ``outputs``."""
    _map_problems(found, where, bag, MAP_KEYS)
    for key, inner in OBJECT_KEYS.items():
        value = bag.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            found.add(f"{where}.{key}", "expected a JSON object or null", value)
        else:
            _map_problems(found, f"{where}.{key}", value, inner)


def _shape(found: _Counter, data: Any) -> None:
    if not isinstance(data, dict):
        found.add("(the top level)", "expected a JSON object with stack, cloud and resources", data)
        return
    try:
        SavedPlan.model_validate(data)
    except ValidationError as error:
        _add_errors(found, error, "")
    resources = data.get("resources")
    if not isinstance(resources, list) or len(resources) > MAX_RESOURCES:
        return
    for i, r in enumerate(resources):
        if found.full:
            return
        where = f"resources[{i}]"
        if not isinstance(r, dict):
            found.add(where, f"expected {EXPECTED['resource']}", r)
            continue
        try:
            SavedResource.model_validate(r)
        except ValidationError as error:
            _add_errors(found, error, where)
        for key in ("inputs", "outputs"):
            if isinstance(r.get(key), dict):
                input_map_problems(found, f"{where}.{key}", r[key])


def shape_problems(data: Any) -> list[Problem]:
    """Every shape problem of a saved plan's JSON (at most COUNTED_PROBLEMS)."""
    found = _Counter()
    _shape(found, data)
    return found.problems


# Resources the program reads (``Resource.get``) rather than creates: Pulumi records them as
# dependencies of what uses them, but they are not registrations, so the plan lists no entry for
# them. Today: the cluster's kube-system namespace (blueprint/components/gcp/regional_platform.py).
READ_TYPES = frozenset({k8s_types.NAMESPACE})
STACK_ROOT_TYPE = "pulumi:pulumi:Stack"
URN_SHAPE = "urn:pulumi:<stack>::<project>::<qualified type>::<name>"


def split_urn(urn: str) -> Optional[tuple[str, str, str]]:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>`` -> (``urn:pulumi:<stack>::<project>``,
    qualified type, name): the URN format Pulumi's engine writes (pulumi/pulumi sdk/go/common/resource/urn.go)."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:") or not all(parts):
        return None
    return f"{parts[0]}::{parts[1]}", parts[2], parts[3]


def stack_root(prefix: str) -> str:
    """The root stack resource's URN: type pulumi:pulumi:Stack, name <project>-<stack>."""
    head, project = prefix.split("::", 1)
    return f"{prefix}::{STACK_ROOT_TYPE}::{project}-{head[len('urn:pulumi:'):]}"


def _urns(found: _Counter, resources: list[dict[str, Any]]) -> tuple[dict[str, str], set[str]]:
    """URN -> qualified type of every resource whose URN is well formed, unique and agrees with
    its type and name; and the URN prefixes (stack and project) seen."""
    qualified: dict[str, str] = {}
    first: dict[str, int] = {}
    prefixes: set[str] = set()
    for i, r in enumerate(resources):
        urn, where = r["urn"], f"resources[{i}]"
        if urn in first:
            found.add(f"{where}.urn", f"duplicate URN: resources[{first[urn]}] has the same", urn)
            continue
        first[urn] = i
        parsed = split_urn(urn)
        if parsed is None:
            found.add(f"{where}.urn", f"expected {URN_SHAPE}", urn)
            continue
        prefix, q, name = parsed
        prefixes.add(prefix)
        qualified[urn] = q
        own = q.rsplit("$", 1)[-1]
        if own != r["type"]:
            found.add(f"{where}.type", f"does not match the type in its URN ({own!r})", r["type"])
        if name != r["name"]:
            found.add(f"{where}.name", f"does not match the name in its URN ({name!r})", r["name"])
    return qualified, prefixes


def _is_read(urn: str, prefix: str, components: set[str]) -> bool:
    parsed = split_urn(urn)
    if parsed is None or parsed[0] != prefix or "$" not in parsed[1]:
        return False
    chain, own = parsed[1].rsplit("$", 1)
    return own in READ_TYPES and chain in components


def _references(found: _Counter, resources: list[dict[str, Any]], qualified: dict[str, str], prefix: str) -> None:
    root = stack_root(prefix)
    components = set(qualified.values())
    for i, r in enumerate(resources):
        where, q = f"resources[{i}]", qualified.get(r["urn"])
        parent = r["parent"]
        if parent is None or parent == root:
            if q is not None and "$" in q:
                found.add(f"{where}.parent", f"a top-level parent for a URN nested under {q.rsplit('$', 1)[0]!r}", parent)
        elif parent not in qualified:
            found.add(f"{where}.parent", f"names no resource of the plan and is not the stack root ({root})", parent)
        elif q is not None and ("$" not in q or qualified[parent] != q.rsplit("$", 1)[0]):
            found.add(f"{where}.parent", "does not match the parent type in the resource's URN", parent)
        for j, dep in enumerate(r["dependencies"]):
            if dep not in qualified and dep != root and not _is_read(dep, prefix, components):
                found.add(f"{where}.dependencies[{j}]", "names no resource of the plan", dep)
        provider = r.get("provider")
        if provider is not None and not (provider in qualified and qualified[provider].rsplit("$", 1)[-1].startswith("pulumi:providers:")):
            found.add(f"{where}.provider", "names no provider of the plan", provider)


def _cloud(found: _Counter, data: dict[str, Any]) -> None:
    """A plan of one cloud holds no resource, component or provider of the other: the readers pick
    the cloud's rules and facts by ``cloud``, so a relabelled plan would be judged by the wrong ones."""
    cloud = data.get("cloud")
    if cloud not in ("aws", "gcp"):
        return
    other = "gcp" if cloud == "aws" else "aws"
    foreign = [i for i, r in enumerate(data["resources"])
               if r["type"].startswith((f"{other}:", f"blueprint:{other}:", f"pulumi:providers:{other}"))]
    if foreign:
        found.add("cloud", f"the plan holds {len(foreign)} {other} resource(s) (first: resources[{foreign[0]}], "
                  f"{data['resources'][foreign[0]]['type']})", cloud)


def consistency_problems(data: dict[str, Any]) -> list[Problem]:
    """The problems of a plan whose shape is valid: URNs, parents, dependencies, providers, cloud."""
    found = _Counter()
    resources = data["resources"]
    qualified, prefixes = _urns(found, resources)
    if len(prefixes) > 1:
        found.add("resources", f"URNs of {len(prefixes)} stacks or projects: {', '.join(sorted(prefixes)[:3])}")
    elif prefixes:
        prefix = prefixes.pop()
        _stack_name(found, data, prefix)
        _references(found, resources, qualified, prefix)
    _cloud(found, data)
    return found.problems


def _stack_name(found: _Counter, data: dict[str, Any], prefix: str) -> None:
    """The plan's ``stack`` is the stack in its URNs (``urn:pulumi:<stack>::``): the stack name picks the
    stack file the plan is checked against, so a relabelled plan would be judged by another stack's intent."""
    in_urns = prefix.split("::", 1)[0][len("urn:pulumi:"):]
    if data["stack"] != in_urns:
        first = next(i for i, r in enumerate(data["resources"]) if split_urn(r["urn"]) is not None)
        found.add("stack", f"differs from the stack in the plan's URNs ({in_urns!r}, e.g. resources[{first}].urn)",
                  data["stack"])


class _NotJson(ValueError):
    """A JSON text this reader refuses: NaN/Infinity (json.dumps of a plan never writes them)."""


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


class _Objects:
    """json's object hook: builds each object and notes the keys an object repeats (JSON keeps the
    last one silently, so a second ``"residency"`` would override what a reviewer reads first)."""

    def __init__(self) -> None:
        self.repeated: list[str] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            self.repeated += [k for k, _ in pairs if k in seen or seen.add(k)]
        return obj


def _depth_problem(data: Any) -> Optional[str]:
    """The JSON path of the first value nested deeper than MAX_DEPTH, else None (iterative: a deep
    value cannot exhaust the stack here)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            return path if len(path) <= 160 else path[:160] + "..."
        if isinstance(value, dict):
            stack.extend((v, depth + 1, json_path([k], path)) for k, v in value.items() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(value) if isinstance(v, (dict, list)))
    return None


def _refuse(path: Path, message: str) -> ConfigError:
    return ConfigError([Problem("--plan", message, str(path))], source="arguments")


def load_json(path: Path) -> Any:
    """The file's JSON, bounded: size before reading, nesting while and after parsing."""
    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "file not found; cannot read the plan file" if not path.exists() else "not a file; cannot read the plan file")
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise _refuse(path, f"the file is {size:,} bytes ({size / 2**20:,.1f} MiB); a saved plan is at most "
                                f"{MAX_PLAN_BYTES:,} bytes ({MAX_PLAN_BYTES // 2**20} MiB) "
                                "(a 50-workload stack's plan is about 18 MiB)")
        with path.open("rb") as stream:
            raw = stream.read(MAX_PLAN_BYTES + 1)
    except OSError as error:
        raise _refuse(path, f"cannot read the plan file: {error.strerror or error}") from None
    if len(raw) > MAX_PLAN_BYTES:
        raise _refuse(path, f"the file grew past {MAX_PLAN_BYTES // 2**20} MiB while being read")
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > MAX_CONTAINERS:
        raise _refuse(path, f"the file opens {containers:,} JSON objects and lists ('{{' and '['); a saved plan opens at most "
                            f"{MAX_CONTAINERS:,} (a 50-workload stack's plan: about 85,000)")
    objects = _Objects()
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=objects)
    except UnicodeDecodeError as error:
        raise _refuse(path, f"not JSON: not UTF-8 text (byte {error.start}); {NOT_A_PLAN}") from None
    except json.JSONDecodeError as error:
        raise _refuse(path, f"not JSON ({error.msg} at line {error.lineno}); save one with `blueprint plan --format json --out FILE`") from None
    except _NotJson as error:
        raise _refuse(path, f"not JSON: {error}; {NOT_A_PLAN}") from None
    except RecursionError:
        raise _refuse(path, f"nested too deeply to be a plan (a saved plan nests at most {MAX_DEPTH} levels)") from None
    if objects.repeated:
        keys = ", ".join(repr(k) for k in dict.fromkeys(objects.repeated))
        raise _refuse(path, f"not a blueprint plan: an object repeats the key(s) {keys}; a saved plan never repeats a key")
    deep = _depth_problem(data)
    if deep is not None:
        raise ConfigError([Problem("--plan", f"not a blueprint plan: {deep}: nested deeper than {MAX_DEPTH} levels "
                                   "(a saved plan nests under 20)")], source=f"plan file {path} ({NOT_A_PLAN})")
    return data


def problems_error(problems: list[Problem], full: bool, source: str) -> ConfigError:
    """At most SHOWN_PROBLEMS problems, then how many more."""
    shown_ = problems[:SHOWN_PROBLEMS]
    rest = len(problems) - len(shown_)
    if rest > 0 or full:
        more = f"and {'at least ' if full else ''}{rest:,} more problem{'s' if rest != 1 or full else ''} of the same kinds"
        shown_.append(Problem("--plan", more))
    return ConfigError(shown_, source=source)


def read_saved_plan(path: Path) -> Plan:
    """A plan saved by ``blueprint plan --format json``, validated (shape, then consistency): the one
    way every command reads ``--plan FILE``. ConfigError (exit 2) names every problem found."""
    data = load_json(path)
    source = f"plan file {path} ({NOT_A_PLAN})"
    problems = shape_problems(data)
    if not problems:
        problems = consistency_problems(data)
    if problems:
        raise problems_error(problems, len(problems) >= COUNTED_PROBLEMS, source)
    return Plan.from_valid_json(data)

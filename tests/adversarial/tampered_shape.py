"""The adversarial corpus of saved plans with the wrong shape (issue 16, "Bad input": plan files).

:func:`build_corpus` starts from real saved plans (``blueprint plan --format json`` of ``dev`` on AWS
and ``gcp-prod`` on GCP) and applies every tampering of :data:`TAMPERINGS` to each: wrong types per
field, broken references (a parent, dependency or provider naming no resource of the plan), duplicate
or malformed URNs, a type or name that disagrees with its URN, the other cloud's label, unknown
jurisdictions, tags that are not string maps, and file-level attacks (not an object, not JSON, not
UTF-8, NaN, repeated keys, deep nesting, a file over the size limit, too many resources). Each case
carries the fragments its error message must contain: the JSON path and, where short, the value.
tests/adversarial/test_tampered_shape.py feeds every case to the commands that read ``--plan`` and
expects exit 2, those fragments and no traceback (blueprint/plan/saved.py is the one reader).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Callable

from blueprint.plan.saved import MAX_CONTAINERS, MAX_DEPENDENCIES, MAX_PLAN_BYTES, MAX_RESOURCES

STACKS = {"aws": "dev", "gcp": "gcp-prod"}
GHOST = "::aws:s3/bucket:Bucket::ghost"


@dataclass(frozen=True)
class Tampered:
    id: str
    cloud: str  # the plan it started from: aws (dev) | gcp (gcp-prod)
    data: bytes  # the file's bytes
    fragments: tuple[str, ...]  # each must appear in the error output (whitespace collapsed)
    pad_to: int = 0  # when set, the file is extended (sparse) to this many bytes


@dataclass
class Ctx:
    """The plan being tampered with and the resource the field tamperings aim at."""

    data: dict[str, Any]
    cloud: str
    i: int  # a custom resource with a tags (AWS) or labels (GCP) map, dependencies and a provider

    @property
    def r(self) -> dict[str, Any]:
        return self.data["resources"][self.i]

    @property
    def at(self) -> str:
        return f"resources[{self.i}]"

    @property
    def prefix(self) -> str:
        return self.r["urn"].split("::", 2)[0] + "::" + self.r["urn"].split("::", 2)[1]

    @property
    def map_key(self) -> str:
        return "tags" if self.cloud == "aws" else "labels"


def _target(data: dict[str, Any], cloud: str) -> int:
    key = "tags" if cloud == "aws" else "labels"
    return next(i for i, r in enumerate(data["resources"])
                if r["custom"] and isinstance(r["inputs"].get(key), dict) and r["inputs"][key] and r["dependencies"]
                and r["provider"] and isinstance(r.get("outputs"), dict))


def _set(field: str, value: Any, *expect: str) -> Callable[[Ctx], tuple[Any, tuple[str, ...]]]:
    def tamper(c: Ctx) -> tuple[Any, tuple[str, ...]]:
        c.r[field] = value
        return c.data, (f"{c.at}.{field}", *expect)
    return tamper


def _top(field: str, value: Any, *expect: str) -> Callable[[Ctx], tuple[Any, tuple[str, ...]]]:
    def tamper(c: Ctx) -> tuple[Any, tuple[str, ...]]:
        c.data[field] = value
        return c.data, (f"{field}:", *expect)
    return tamper


def _drop(field: str) -> Callable[[Ctx], tuple[Any, tuple[str, ...]]]:
    def tamper(c: Ctx) -> tuple[Any, tuple[str, ...]]:
        c.r.pop(field)
        return c.data, (f"{c.at}.{field}: missing",)
    return tamper


def _tags_string(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["inputs"][c.map_key] = "oops"
    return c.data, (f"{c.at}.inputs.{c.map_key}", "'oops'", "map of strings to strings")


def _tag_value_int(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    key = next(iter(c.r["inputs"][c.map_key]))
    c.r["inputs"][c.map_key][key] = 5
    return c.data, (f"{c.at}.inputs.{c.map_key}", key, "expected a string")


def _output_tags_list(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["outputs"][c.map_key] = ["a"]
    return c.data, (f"{c.at}.outputs.{c.map_key}", "['a']")


def _holder_string(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    # Readers call .get on these objects (gcp_facts: settings.userLabels; neg.py: metadata.annotations).
    key = "settings" if c.cloud == "gcp" else "metadata"
    c.r["inputs"][key] = "x"
    return c.data, (f"{c.at}.inputs.{key}", "expected a JSON object or null")


def _deps_item(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["dependencies"] = [1, c.r["dependencies"][0]]
    return c.data, (f"{c.at}.dependencies[0]", "a URN")


def _deps_dangling(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["dependencies"] = [*c.r["dependencies"], c.prefix + GHOST]
    return c.data, (f"{c.at}.dependencies[{len(c.r['dependencies']) - 1}]", "names no resource of the plan", "ghost")


def _deps_forged_read(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    # A read resource (kube-system namespace) under a component the plan does not hold.
    c.r["dependencies"] = [c.prefix + "::blueprint:x:Nowhere$kubernetes:core/v1:Namespace::kube-system"]
    return c.data, (f"{c.at}.dependencies[0]", "names no resource of the plan")


def _deps_too_many(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["dependencies"] = [c.r["dependencies"][0]] * (MAX_DEPENDENCIES + 1)
    return c.data, (f"{c.at}.dependencies", "too many items")


def _parent_dangling(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["parent"] = c.prefix + GHOST
    return c.data, (f"{c.at}.parent", "names no resource of the plan")


def _qualified(urn: str) -> str:
    return urn.split("::")[2]


def _parent_other(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    # Re-homed under a resource that exists, but not the parent its URN names.
    own = _qualified(c.r["parent"])
    c.r["parent"] = next(r["urn"] for r in c.data["resources"] if not r["custom"] and _qualified(r["urn"]) != own)
    return c.data, (f"{c.at}.parent", "does not match the parent type")


def _provider_dangling(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["provider"] = c.prefix + "::pulumi:providers:aws::ghost"
    return c.data, (f"{c.at}.provider", "names no provider of the plan")


def _provider_not_provider(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["provider"] = c.r["urn"]
    return c.data, (f"{c.at}.provider", "names no provider of the plan")


def _urn_duplicate(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data["resources"].append(copy.deepcopy(c.r))
    return c.data, (f"resources[{len(c.data['resources']) - 1}].urn", f"duplicate URN: {c.at} has the same")


def _urn_malformed(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["urn"] = "not-a-urn"
    return c.data, (f"{c.at}.urn", "urn:pulumi:<stack>::<project>", "'not-a-urn'")


def _type_retyped(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    # Retyped to dodge the rules of its real type.
    c.r["type"] = "pulumi:providers:random"
    return c.data, (f"{c.at}.type", "does not match the type in its URN")


def _name_renamed(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["name"] = c.r["name"] + "-x"
    return c.data, (f"{c.at}.name", "does not match the name in its URN")


def _cloud_swapped(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data["cloud"] = "gcp" if c.cloud == "aws" else "aws"
    return c.data, ("cloud:", f"{c.cloud} resource(s)")


def _resources_ints(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data["resources"] = [1, 2]
    return c.data, ("resources[0]: expected a JSON object", "resources[1]: expected a JSON object")


def _resources_too_many(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data["resources"] = [{}] * (MAX_RESOURCES + 1)
    return c.data, ("resources:", "too many items", f"{MAX_RESOURCES:,}")


def _drop_resources(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data.pop("resources")
    return c.data, ("resources: missing",)


def _many_at_once(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.data["stack"], c.r["region"], c.r["inputs"] = 5, 5, ["a"]
    return c.data, ("stack:", f"{c.at}.region", f"{c.at}.inputs", "3 problems")


def _as_list(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    return [c.data], ("(the top level)", "expected a JSON object")


def _text(text: str, *expect: str) -> Callable[[Ctx], tuple[Any, tuple[str, ...]]]:
    def tamper(c: Ctx) -> tuple[Any, tuple[str, ...]]:
        return text.encode("utf-8"), expect
    return tamper


def _nan(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    c.r["inputs"]["port"] = 1234.5678  # a marker no plan holds, replaced by the constant
    return json.dumps(c.data).replace("1234.5678", "NaN", 1).encode(), ("NaN is not a JSON number",)


def _repeated_key(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    text = json.dumps(c.data)
    return text.replace('"residency":', '"residency": "any", "residency":', 1).encode(), ("repeats the key", "'residency'")


def _not_utf8(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    return json.dumps(c.data).encode("utf-16"), ("not UTF-8",)


def _deep(levels: int, *expect: str, named: bool = True) -> Callable[[Ctx], tuple[Any, tuple[str, ...]]]:
    def tamper(c: Ctx) -> tuple[Any, tuple[str, ...]]:
        c.r["inputs"]["deep"] = "@@deep@@"  # a marker replaced by the nested lists (json.dumps would recurse)
        where = (f"{c.at}.inputs.deep",) if named else ()  # too deep for the parser: no path to name
        return json.dumps(c.data).replace('"@@deep@@"', "[" * levels + "]" * levels).encode(), (*where, *expect)
    return tamper


def _brackets_flood(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    # 3 MB of empty lists: small on disk, millions of objects once parsed.
    c.r["inputs"]["flood"] = "@@flood@@"
    return json.dumps(c.data).replace('"@@flood@@"', "[" + "[]," * MAX_CONTAINERS + "[]]").encode(), (
        "JSON objects and lists", f"at most {MAX_CONTAINERS:,}")


def _oversized(c: Ctx) -> tuple[Any, tuple[str, ...]]:
    return json.dumps(c.data).encode(), (f"the file is {MAX_PLAN_BYTES + 1:,} bytes", f"at most {MAX_PLAN_BYTES:,} bytes")


TAMPERINGS: dict[str, Callable[[Ctx], tuple[Any, tuple[str, ...]]]] = {
    "top-level-list": _as_list,
    "top-level-string": _text('"plan"', "(the top level)"),
    "not-json": _text("{not json", "not JSON"),
    "empty-file": _text("", "not JSON"),
    "not-utf8": _not_utf8,
    "nan": _nan,
    "repeated-key": _repeated_key,
    "nesting-100": _deep(100, "nested deeper than 64 levels"),
    "nesting-5000": _deep(5000, "nested too deeply", named=False),
    "oversized": _oversized,
    "brackets-flood": _brackets_flood,
    "resources-ints": _resources_ints,
    "resources-object": _top("resources", {}, "expected a list of resources"),
    "resources-missing": _drop_resources,
    "resources-too-many": _resources_too_many,
    "stack-int": _top("stack", 5, "(got 5)"),
    "stack-path": _top("stack", "../../etc/x", "'../../etc/x'"),
    "cloud-azure": _top("cloud", "azure", "'azure'"),
    "cloud-swapped": _cloud_swapped,
    "residency-int": _top("residency", 5, "(got 5)"),
    "residency-unknown": _top("residency", "mars", "'mars'", "expected one of"),
    "outputs-int": _top("outputs", 3, "(got 3)"),
    "urn-missing": _drop("urn"),
    "urn-int": _set("urn", 5, "(got 5)"),
    "urn-malformed": _urn_malformed,
    "urn-duplicate": _urn_duplicate,
    "type-retyped": _type_retyped,
    "name-renamed": _name_renamed,
    "inputs-list": _set("inputs", ["a"], "(got ['a'])"),
    "inputs-missing": _drop("inputs"),
    "tags-string": _tags_string,
    "tag-value-int": _tag_value_int,
    "output-tags-list": _output_tags_list,
    "tag-holder-string": _holder_string,
    "outputs-list": _set("outputs", [1], "(got [1])"),
    "dependencies-int": _set("dependencies", 7, "(got 7)", "a list of URNs"),
    "dependencies-item-int": _deps_item,
    "dependencies-dangling": _deps_dangling,
    "dependencies-forged-read": _deps_forged_read,
    "dependencies-too-many": _deps_too_many,
    "parent-list": _set("parent", [], "(got [])"),
    "parent-dangling": _parent_dangling,
    "parent-rehomed": _parent_other,
    "provider-int": _set("provider", 3, "(got 3)"),
    "provider-dangling": _provider_dangling,
    "provider-not-a-provider": _provider_not_provider,
    "region-int": _set("region", 5, "(got 5)"),
    "region-empty": _set("region", "", "(got '')"),
    "zone-list": _set("zone", ["a"], "(got ['a'])"),
    "workload-object": _set("workload", {"name": "x"}, "{'name': 'x'}"),
    "custom-string": _set("custom", "yes", "'yes'", "true or false"),
    "id-int": _set("id", 9, "(got 9)"),
    "many-at-once": _many_at_once,
}
OVERSIZED = "oversized"


def build_corpus(plans: dict[str, str]) -> list[Tampered]:
    """Every tampering applied to each cloud's plan; ``plans`` maps aws/gcp to the saved plan's JSON text."""
    cases = []
    for cloud, text in sorted(plans.items()):
        base = json.loads(text)
        target = _target(base, cloud)
        for name, tamper in TAMPERINGS.items():
            result, fragments = tamper(Ctx(copy.deepcopy(base), cloud, target))
            data = result if isinstance(result, bytes) else json.dumps(result).encode("utf-8")
            cases.append(Tampered(f"{cloud}-{name}", cloud, data, fragments, MAX_PLAN_BYTES + 1 if name == OVERSIZED else 0))
    return cases

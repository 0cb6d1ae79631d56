"""The adversarial corpus of malformed stack files (issue 16, "Bad input").

:func:`build_corpus` builds every case programmatically from the valid baselines of tests/conftest.py
(AWS ``BASELINE``, GCP ``GCP_US_STACK``): wrong types per field, out-of-range values, unknown keys at
every level, bad enums, missing required keys, YAML-level attacks (alias bombs, deep nesting,
duplicate keys, binary, UTF-16/32, an oversized document, tabs, non-mapping documents), conflicting
values, and too many workloads. Each case carries the fragments its error message must contain: the
key path (or the file) and the bad value. tests/adversarial/test_corpus.py runs every case through
``blueprint plan --config FILE`` and expects exit 2, those fragments, and no traceback.

``python -m tests.adversarial.corpus DIR`` writes the files to DIR, to try them by hand.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from tests.conftest import BASELINE, GCP_US_STACK, to_stack_config

FILE = "Pulumi.adversarial.yaml"  # the name every case is written under (a stack named "adversarial")
W0 = "blueprint:workloads[0]"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # type | range | unknown-key | enum | missing | yaml | conflict | limit
    data: bytes  # the stack file's bytes
    fragments: tuple[str, ...]  # each must appear in the error output (whitespace collapsed)


def _stack(raw: dict[str, Any]) -> dict[str, Any]:
    return {"config": to_stack_config(raw)}


def _dump(doc: Any) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")


def _set(doc: dict[str, Any], path: list[Any], value: Any) -> None:
    """Set ``value`` at ``path`` (keys and list indexes), creating mappings on the way."""
    node: Any = doc
    for part in path[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


def _delete(doc: dict[str, Any], path: list[Any]) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def _aws() -> dict[str, Any]:
    return _stack(copy.deepcopy(BASELINE))


def _gcp() -> dict[str, Any]:
    return _stack(copy.deepcopy(GCP_US_STACK))


def _wpath(*parts: Any) -> list[Any]:
    return ["config", "blueprint:workloads", 0, *parts]


def _mutated(path: list[Any], value: Any, base: Any = _aws) -> bytes:
    doc = base()
    _set(doc, path, value)
    return _dump(doc)


def _got(value: Any) -> str:
    return f"(got {value!r})"


# Integer fields inside workloads (structured: their YAML types reach validation): path, min, max.
INT_FIELDS: list[tuple[tuple[str, ...], int, int]] = [
    (("gpu", "gpusPerNode"), 1, 8), (("gpu", "minNodesPerZone"), 0, 100), (("gpu", "maxNodesPerZone"), 1, 100),
    (("service", "port"), 1, 65535), (("service", "replicasPerZone"), 1, 50),
    (("backup", "retentionDays"), 1, 36500), (("queue", "maxReceiveCount"), 1, 1000),
    (("queue", "visibilityTimeoutSeconds"), 0, 43200), (("artifacts", "checkpointExpirationDays"), 1, 36500),
    (("rtoSeconds",), 1, 0), (("rpoSeconds",), 0, 0),
]
# Text and enum fields inside workloads.
TEXT_FIELDS = [("name",), ("tier",), ("strategy",), ("gpu", "accelerator"), ("gpu", "capacity"), ("service", "image"),
               ("service", "readinessPath"), ("service", "livenessPath"), ("database", "engine"), ("database", "size"),
               ("failoverApproval",)]


def _dotted(parts: tuple[Any, ...]) -> str:
    return W0 + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _type_cases() -> Iterator[Case]:
    for parts, _, _ in INT_FIELDS:
        for label, value in (("bool", True), ("float", 1.0), ("quoted", "3"), ("list", [1]), ("mapping", {"a": 1})):
            yield Case(f"type-{'.'.join(parts)}-{label}", "type", _mutated(_wpath(*parts), value), (_dotted(parts), _got(value)))
    rps = ("service", "requestsPerSecondPerPod")
    for label, value, shown in (("bool", True, _got(True)), ("quoted", "8", _got("8")), ("list", [8], _got([8])),
                                ("nan", float("nan"), "(got nan)"), ("inf", float("inf"), "(got inf)")):
        yield Case(f"type-requestsPerSecondPerPod-{label}", "type", _mutated(_wpath(*rps), value), (_dotted(rps), shown))
    for parts in TEXT_FIELDS:
        for label, value in (("int", 123), ("bool", True), ("list", ["a"])):
            yield Case(f"type-{'.'.join(parts)}-{label}", "type", _mutated(_wpath(*parts), value), (_dotted(parts), _got(value)))
    # Top-level keys reach the program as text (pulumi.Config.get): the value is named as that text.
    for label, value, text in (("bool", True, "true"), ("float", 3.0, "3.0"), ("word", "three", "three"), ("list", [3], "[3]")):
        yield Case(f"type-zonesPerRegion-{label}", "type", _mutated(["config", "blueprint:zonesPerRegion"], value),
                   ("blueprint:zonesPerRegion", _got(text)))
    for key in ("environment", "dnsZone"):
        yield Case(f"type-{key}-list", "type", _mutated(["config", f"blueprint:{key}"], ["a", "b"]),
                   (f"blueprint:{key}", '["a", "b"]'))
    for label, value in (("text", "203.0.113.10/32"), ("mapping", {"a": "203.0.113.10/32"})):
        yield Case(f"type-deployerCidrs-{label}", "type", _mutated(["config", "blueprint:deployerCidrs"], value), ("blueprint:deployerCidrs",))
    yield Case("type-workloads-mapping", "type", _mutated(["config", "blueprint:workloads"], {"name": "x"}), ("blueprint:workloads",))
    yield Case("type-workloads-text", "type", _mutated(["config", "blueprint:workloads"], "fraud"), ("blueprint:workloads", "fraud"))
    yield Case("type-workload-item-text", "type", _mutated(["config", "blueprint:workloads", 0], "fraud"), (W0, "fraud"))
    yield Case("type-gpu-list", "type", _mutated(_wpath("gpu"), ["nvidia-l4"]), (_dotted(("gpu",)), "nvidia-l4"))
    yield Case("type-images-text", "type", _mutated(_wpath("images"), "fraud"), (_dotted(("images",)), "fraud"))


def _range_cases() -> Iterator[Case]:
    for parts, low, high in INT_FIELDS:
        yield Case(f"range-{'.'.join(parts)}-below", "range", _mutated(_wpath(*parts), low - 1), (_dotted(parts), _got(low - 1)))
        if high:
            yield Case(f"range-{'.'.join(parts)}-above", "range", _mutated(_wpath(*parts), high + 1), (_dotted(parts), _got(high + 1)))
    rps = ("service", "requestsPerSecondPerPod")
    for label, value in (("zero", 0), ("negative", -1.5), ("above", 10001)):
        yield Case(f"range-requestsPerSecondPerPod-{label}", "range", _mutated(_wpath(*rps), value), (_dotted(rps), _got(value)))
    for value in (1, 7, -3):
        yield Case(f"range-zonesPerRegion-{value}", "range", _mutated(["config", "blueprint:zonesPerRegion"], value),
                   ("blueprint:zonesPerRegion", _got(value) if value != 1 else "(got 1)"))
    yield Case("range-environment-too-long", "range", _mutated(["config", "blueprint:environment"], "e" * 21),
               ("blueprint:environment", "e" * 21))
    yield Case("range-name-too-long", "range", _mutated(_wpath("name"), "w" * 40), (_dotted(("name",)), "w" * 40))
    yield Case("range-name-trailing-dash", "range", _mutated(_wpath("name"), "fraud-"), (_dotted(("name",)), "fraud-"))
    yield Case("range-image-latest", "range", _mutated(_wpath("service", "image"), "registry.example.com/fraud:latest"),
               (_dotted(("service", "image")), "fraud:latest"))
    yield Case("range-readiness-no-slash", "range", _mutated(_wpath("service", "readinessPath"), "ready"),
               (_dotted(("service", "readinessPath")), "'ready'"))
    yield Case("range-images-empty", "range", _mutated(_wpath("images"), []), (_dotted(("images",)),))
    yield Case("range-workloads-empty", "range", _mutated(["config", "blueprint:workloads"], []), ("blueprint:workloads",))


def _unknown_key_cases() -> Iterator[Case]:
    doc = _aws()
    doc["conifg"] = doc.pop("config")
    yield Case("unknown-top-level-conifg", "unknown-key", _dump(doc), ("conifg", "unknown top-level key"))
    doc = _aws()
    doc["stacks"] = {"dev": {}}
    yield Case("unknown-top-level-stacks", "unknown-key", _dump(doc), ("stacks", "unknown top-level key"))
    yield Case("unknown-config-key", "unknown-key", _mutated(["config", "blueprint:zonesPerRegoin"], 3),
               ("blueprint:zonesPerRegoin", "unknown key"))
    yield Case("unknown-config-snake-case", "unknown-key", _mutated(["config", "blueprint:zones_per_region"], 3),
               ("blueprint:zones_per_region", "unknown key"))
    for parts in ((), ("gpu",), ("service",), ("database",), ("backup",), ("queue",), ("artifacts",)):
        yield Case(f"unknown-key-{'.'.join(parts) or 'workload'}", "unknown-key", _mutated(_wpath(*parts, "colour"), "blue"),
                   (_dotted((*parts, "colour")), "unknown key", "'blue'"))
    yield Case("unknown-key-gpu-snake-case", "unknown-key", _mutated(_wpath("gpu", "gpus_per_node"), 2),
               (_dotted(("gpu", "gpus_per_node")), "unknown key"))


def _enum_cases() -> Iterator[Case]:
    yield Case("enum-cloud", "enum", _mutated(["config", "blueprint:cloud"], "azure"), ("blueprint:cloud", "azure"))
    yield Case("enum-residency", "enum", _mutated(["config", "blueprint:residency"], "mars"), ("blueprint:residency", "mars"))
    yield Case("enum-primary-region", "enum", _mutated(["config", "blueprint:primaryRegion"], "us-middle-9"),
               ("blueprint:primaryRegion", "us-middle-9"))
    for parts, value in ((("tier",), "gold"), (("strategy",), "hot-hot"), (("gpu", "accelerator"), "nvidia-b200x"),
                         (("gpu", "capacity"), "reserved"), (("database", "engine"), "oracle"), (("database", "size"), "huge"),
                         (("failoverApproval",), "sometimes")):
        yield Case(f"enum-{'.'.join(parts)}", "enum", _mutated(_wpath(*parts), value), (_dotted(parts), value))


def _missing_cases() -> Iterator[Case]:
    for key in ("cloud", "environment", "residency", "primaryRegion", "workloads"):
        doc = _aws()
        _delete(doc, ["config", f"blueprint:{key}"])
        yield Case(f"missing-{key}", "missing", _dump(doc), (f"blueprint:{key}", "required"))
    for parts in (("name",), ("tier",), ("gpu", "accelerator"), ("backup", "retentionDays")):
        doc = _aws()
        _delete(doc, _wpath(*parts))
        yield Case(f"missing-{'.'.join(parts)}", "missing", _dump(doc), (_dotted(parts), "required"))
    doc = _aws()
    _delete(doc, ["config", "aws:region"])
    yield Case("missing-aws-region", "missing", _dump(doc), ("aws:region", "required"))
    doc = _aws()
    _delete(doc, ["config", "blueprint:deployerCidrs"])
    yield Case("missing-deployerCidrs", "missing", _dump(doc), ("blueprint:deployerCidrs",))
    doc = _gcp()
    _delete(doc, ["config", "gcp:project"])
    yield Case("missing-gcp-project", "missing", _dump(doc), ("gcp:project", "required"))
    yield Case("missing-everything-empty-file", "missing", b"", ("blueprint:cloud", "required"))
    yield Case("missing-config-empty", "missing", b"config:\n", ("blueprint:cloud", "required"))


def _bomb(levels: int = 9, key: str = "blueprint:workloads") -> bytes:
    lines = ["config:", '  lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"  lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    lines.append(f"  {key}: *l{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


def _yaml_cases() -> Iterator[Case]:
    valid = _dump(_aws())
    yield Case("yaml-alias-bomb", "yaml", _bomb(), (FILE, "alias"))
    yield Case("yaml-alias-bomb-unknown-key", "yaml", _bomb(key="blueprint:whatever"), (FILE, "alias"))
    yield Case("yaml-alias-bomb-mappings", "yaml", _bomb(levels=12), (FILE, "alias"))
    many = "config:\n  a: &a x\n" + "".join(f"  k{i}: *a\n" for i in range(300))
    yield Case("yaml-too-many-aliases", "yaml", many.encode(), (FILE, "aliases"))
    yield Case("yaml-recursive-alias", "yaml", b"config: &c\n  blueprint:workloads: [*c]\n", (FILE, "recursive"))
    yield Case("yaml-undefined-alias", "yaml", b"config:\n  blueprint:cloud: *nowhere\n", (FILE, "not valid YAML", "nowhere"))
    yield Case("yaml-deep-flow", "yaml", b"config: " + b"[" * 5000 + b"]" * 5000 + b"\n", (FILE, "nested deeper"))
    yield Case("yaml-deep-block", "yaml", "".join("  " * i + f"k{i}:\n" for i in range(200)).encode(), (FILE, "nested deeper"))
    yield Case("yaml-deep-flow-mappings", "yaml", b"config: " + b"{a: " * 3000 + b"1" + b"}" * 3000 + b"\n", (FILE, "nested deeper"))
    yield Case("yaml-duplicate-top", "yaml", valid + b"config: {}\n", (FILE, "duplicate key 'config'"))
    yield Case("yaml-duplicate-config-key", "yaml", valid.replace(b"config:\n", b"config:\n  blueprint:cloud: gcp\n", 1),
               (FILE, "config.blueprint:cloud", "duplicate key"))
    yield Case("yaml-duplicate-gpu-key", "yaml", valid.replace(b"      gpusPerNode: 1\n", b"      gpusPerNode: 1\n      gpusPerNode: 2\n", 1),
               (FILE, "blueprint:workloads[0].gpu.gpusPerNode", "duplicate key"))
    yield Case("yaml-duplicate-workload-key", "yaml", valid.replace(b"    tier: mission-critical\n", b"    tier: mission-critical\n    tier: best-effort\n", 1),
               (FILE, "blueprint:workloads[0].tier", "duplicate key"))
    yield Case("yaml-binary", "yaml", bytes(range(256)) * 4, (FILE, "not UTF-8"))
    yield Case("yaml-gzip", "yaml", b"\x1f\x8b\x08\x00" + bytes(range(128, 256)), (FILE, "not UTF-8"))
    yield Case("yaml-utf16-le", "yaml", valid.decode().encode("utf-16"), (FILE, "UTF-16"))
    yield Case("yaml-utf16-be", "yaml", b"\xfe\xff" + valid.decode().encode("utf-16-be"), (FILE, "UTF-16"))
    yield Case("yaml-utf32", "yaml", valid.decode().encode("utf-32"), (FILE, "UTF-32"))
    yield Case("yaml-latin1", "yaml", valid.replace(b"  blueprint:cloud", "  # caf\u00e9\n  blueprint:cloud".encode("latin-1"), 1), (FILE, "not UTF-8"))
    yield Case("yaml-nul-byte", "yaml", valid + b"# \x00\n", (FILE, "not valid YAML"))
    yield Case("yaml-huge", "yaml", valid + b"# " + b"x" * (600 * 1024) + b"\n", (FILE, "larger than"))
    yield Case("yaml-too-many-nodes", "yaml", b"config:\n  blueprint:deployerCidrs: [" + b"a, " * 30000 + b"a]\n", (FILE, "nodes"))
    yield Case("yaml-tabs", "yaml", b"config:\n\tblueprint:cloud: aws\n", (FILE, "not valid YAML"))
    yield Case("yaml-unclosed-quote", "yaml", b'config:\n  blueprint:cloud: "aws\n', (FILE, "not valid YAML"))
    yield Case("yaml-bad-indent", "yaml", b"config:\n  blueprint:cloud: aws\n blueprint:environment: dev\n", (FILE, "not valid YAML"))
    yield Case("yaml-two-documents", "yaml", valid + b"---\n" + valid, (FILE, "not valid YAML"))
    yield Case("yaml-list-document", "yaml", b"- config\n- x\n", (FILE, "mapping"))
    yield Case("yaml-scalar-document", "yaml", b"just text\n", (FILE, "mapping"))
    yield Case("yaml-config-list", "yaml", b"config: [1, 2]\n", (FILE, "config", "mapping"))
    yield Case("yaml-config-text", "yaml", b"config: aws\n", (FILE, "config", "mapping"))
    yield Case("yaml-config-int-key", "yaml", b"config:\n  123: x\n", (FILE, "config", "keys must be text", "(got 123)"))
    yield Case("yaml-unhashable-key", "yaml", b"config:\n  ? [a, b]\n  : x\n", (FILE, "not valid YAML"))
    yield Case("yaml-directory-like-tag", "yaml", b"config: !!python/object:os.system ls\n", (FILE, "not valid YAML"))


def _conflict_cases() -> Iterator[Case]:
    doc = _aws()
    _set(doc, _wpath("gpu", "minNodesPerZone"), 9)
    _set(doc, _wpath("gpu", "maxNodesPerZone"), 2)
    yield Case("conflict-min-above-max", "conflict", _dump(doc), (_dotted(("gpu", "minNodesPerZone")), "(got 9)"))
    yield Case("conflict-secondary-equals-primary", "conflict", _mutated(["config", "blueprint:secondaryRegion"], "us-east-1"),
               ("blueprint:secondaryRegion", "us-east-1"))
    yield Case("conflict-secondary-outside-jurisdiction", "conflict", _mutated(["config", "blueprint:secondaryRegion"], "eu-west-1"),
               ("blueprint:secondaryRegion", "eu-west-1", "jurisdiction"))
    doc = _aws()
    _set(doc, ["config", "blueprint:primaryRegion"], "eu-central-1")
    _set(doc, ["config", "aws:region"], "eu-central-1")
    yield Case("conflict-primary-outside-jurisdiction", "conflict", _dump(doc), ("blueprint:primaryRegion", "eu-central-1", "jurisdiction"))
    yield Case("conflict-aws-region-differs", "conflict", _mutated(["config", "aws:region"], "us-west-2"), ("aws:region", "us-west-2"))
    yield Case("conflict-gcp-key-on-aws", "conflict", _mutated(["config", "gcp:project"], "acme-ml-prod"), ("gcp:project", "acme-ml-prod"))
    yield Case("conflict-aws-key-on-gcp", "conflict", _mutated(["config", "aws:region"], "us-east-1", _gcp), ("aws:region", "us-east-1"))
    yield Case("conflict-gcp-region-differs", "conflict", _mutated(["config", "gcp:region"], "us-east4", _gcp), ("gcp:region", "us-east4"))
    yield Case("conflict-gcp-project-pattern", "conflict", _mutated(["config", "gcp:project"], "Acme_ML", _gcp), ("gcp:project", "Acme_ML"))
    yield Case("conflict-gcp-region-outside", "conflict", _mutated(["config", "blueprint:secondaryRegion"], "europe-west4", _gcp),
               ("blueprint:secondaryRegion", "europe-west4"))
    yield Case("conflict-strategy-weaker", "conflict", _mutated(_wpath("strategy"), "backup-restore"), (_dotted(("strategy",)), "backup-restore"))
    yield Case("conflict-rto-looser", "conflict", _mutated(_wpath("rtoSeconds"), 3600), (_dotted(("rtoSeconds",)), "(got 3600)"))
    yield Case("conflict-rpo-looser", "conflict", _mutated(_wpath("rpoSeconds"), 600), (_dotted(("rpoSeconds",)), "(got 600)"))
    yield Case("conflict-retention-below-tier", "conflict", _mutated(_wpath("backup", "retentionDays"), 7),
               (_dotted(("backup", "retentionDays")), "(got 7)"))
    doc = _aws()
    doc["config"]["blueprint:workloads"][1]["name"] = doc["config"]["blueprint:workloads"][0]["name"]
    yield Case("conflict-duplicate-workload-names", "conflict", _dump(doc), ("blueprint:workloads[1].name", "fraud-scoring"))
    yield Case("conflict-zones-below-tier", "conflict", _mutated(["config", "blueprint:zonesPerRegion"], 2), ("blueprint:zonesPerRegion", "(got 2)"))
    doc = _aws()
    _delete(doc, ["config", "blueprint:dnsZone"])
    yield Case("conflict-service-without-dns-zone", "conflict", _dump(doc), ("blueprint:dnsZone",))
    yield Case("conflict-cidr-any", "conflict", _mutated(["config", "blueprint:deployerCidrs"], ["0.0.0.0/0"]),
               ("blueprint:deployerCidrs[0]", "0.0.0.0/0"))
    yield Case("conflict-cidr-private", "conflict", _mutated(["config", "blueprint:deployerCidrs"], ["10.0.0.0/16"]),
               ("blueprint:deployerCidrs[0]", "10.0.0.0/16"))
    yield Case("conflict-failover-approval-backup-restore", "conflict",
               _mutated(["config", "blueprint:workloads", 1], {"name": "scratch", "tier": "best-effort", "failoverApproval": "manual"}),
               ("blueprint:workloads[1].failoverApproval", "manual"))
    yield Case("conflict-dr-replicas-on-aws", "conflict", _mutated(["config", "blueprint:designateDrReplicas"], True),
               ("blueprint:designateDrReplicas",))


def _limit_cases() -> Iterator[Case]:
    for count in (51, 500):
        doc = _aws()
        first = doc["config"]["blueprint:workloads"][1]
        doc["config"]["blueprint:workloads"] = [{**copy.deepcopy(first), "name": f"w{i:03d}"} for i in range(count)]
        yield Case(f"limit-workloads-{count}", "limit", _dump(doc), ("blueprint:workloads", "at most 50 workloads", f"(got {count})"))


def build_corpus() -> list[Case]:
    cases = [*_type_cases(), *_range_cases(), *_unknown_key_cases(), *_enum_cases(), *_missing_cases(),
             *_yaml_cases(), *_conflict_cases(), *_limit_cases()]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "adversarial-corpus")
    folder.mkdir(parents=True, exist_ok=True)
    for case in build_corpus():
        (folder / f"Pulumi.{case.id}.yaml").write_bytes(case.data)
    print(f"wrote {len(build_corpus())} malformed stack files to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

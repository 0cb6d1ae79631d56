"""Reading YAML files with bounds, before anything is expanded (issue 16, "Bad input").

Every YAML file the CLI reads (stack files, ``Pulumi.yaml``, drill records, checkov suppressions)
goes through :func:`load_file`. A plain ``yaml.safe_load`` accepts a 1 KB "billion laughs" document
whose aliases expand to gigabytes once JSON-encoded or validated, nests until Python's recursion
limit breaks, silently keeps the last of two duplicate keys, and reads UTF-16 as garbage. Here:

* the file is at most :data:`MAX_BYTES` (read no further than that) and strictly UTF-8: a UTF-16/32
  byte-order mark or an invalid byte is refused, naming the offset; a UTF-8 byte-order mark is
  dropped, as Pulumi does (pulumi/pulumi sdk/go/common/workspace/loaders.go, readFileStripUTF8BOM);
* composing refuses nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_ALIASES` aliases;
* the composed graph is measured *as it would expand* (every alias counted as a copy of what it
  points to) before anything is constructed: more than :data:`MAX_NODES` nodes, an expanded depth
  over :data:`MAX_EXPANDED_DEPTH`, or an alias pointing into itself is refused;
* a mapping that repeats a key is refused with both lines: YAML requires unique keys ("each of the
  keys is unique", YAML 1.2.2 spec, section 3.2.1.1, https://yaml.org/spec/1.2.2/#3211-nodes) and
  Go's gopkg.in/yaml.v3 refuses them ("mapping key ... already defined at line ...").

Every refusal is a :class:`~blueprint.config.errors.ConfigError` (the CLI exits 2) naming the file,
the key path where known, and what is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from blueprint.config.errors import ConfigError, Problem

# A stack file of the largest stack allowed (50 workloads, blueprint.config.models.MAX_WORKLOADS)
# with every option and comments is under 100 KiB; 512 KiB leaves room without reading a huge file.
MAX_BYTES = 512 * 1024
# The stack schema nests 5 levels under `config` (config > workloads > [i] > gpu > key); 32 is ample.
MAX_DEPTH = 32
# Anchors and aliases are legal YAML (a team may share a block between workloads), but a stack file
# never needs more than a few dozen.
MAX_ALIASES = 200
# Nodes, as composed and after expansion: 50 workloads of ~60 nodes are ~3,000. 20,000 refuses a
# "billion laughs" (1 KB expanding to 10^9 nodes) long before memory is at stake, and bounds the time
# PyYAML's pure-Python composer spends on any document (~50 us a node: about 1 s at the bound).
MAX_NODES = 20_000
MAX_EXPANDED_DEPTH = 64

_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32 (little endian)", b"\x00\x00\xfe\xff": "UTF-32 (big endian)",
    b"\xff\xfe": "UTF-16 (little endian)", b"\xfe\xff": "UTF-16 (big endian)",
}


class YamlBoundError(yaml.YAMLError):
    """A document over one of the bounds, or with a duplicate key; ``path`` is the key path."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def _path_text(parts: list[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that counts while composing and measures the expansion before constructing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._path: list[Any] = []
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Optional[Node], index: Any) -> Node:
        if parent is None:
            return self._compose_counted(parent, index)
        if isinstance(parent, MappingNode):
            part = index.value if isinstance(index, ScalarNode) else "?"  # index is None for a key
        else:
            part = index
        self._path.append(part)
        try:
            return self._compose_counted(parent, index)
        finally:
            self._path.pop()

    def _compose_counted(self, parent: Optional[Node], index: Any) -> Node:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlBoundError(_path_text(self._path), f"more than {MAX_NODES} nodes (a stack file has a few thousand)")
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlBoundError(_path_text(self._path), f"more than {MAX_ALIASES} aliases (*name): refused as a possible alias bomb")
        if len(self._path) > MAX_DEPTH:
            raise YamlBoundError(_path_text(self._path[:MAX_DEPTH]), f"nested deeper than {MAX_DEPTH} levels")
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Optional[str]) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            line = key.start_mark.line + 1
            first = seen.get((key.tag, key.value))
            if first is not None:
                raise YamlBoundError(_path_text(self._path + [key.value]),
                                     f"duplicate key {key.value!r} (lines {first} and {line}); each key may appear once in a mapping")
            seen[(key.tag, key.value)] = line
        return node

    def get_single_node(self) -> Optional[Node]:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _measure(root: Node) -> dict[int, tuple[int, int]]:
    """Nodes and depth of every node as it would expand (aliases copied), without expanding it: each
    distinct node is measured once, iteratively (a long alias chain cannot overflow the stack), the
    figures saturating just above the bounds. An alias into its own container is refused."""
    done: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in done:
            continue
        kids = _children(node)
        if not children_done:
            if key in active:
                raise YamlBoundError("(document)", "an alias refers to the node that contains it (a recursive structure)")
            active.add(key)
            stack.append((node, True))
            stack.extend((kid, False) for kid in kids)
            continue
        size = min(1 + sum(done[id(k)][0] for k in kids), MAX_NODES + 1)
        depth = min(1 + max((done[id(k)][1] for k in kids), default=0), MAX_EXPANDED_DEPTH + 1)
        active.discard(key)
        done[key] = (size, depth)
    return done


def _labelled_children(node: Node) -> list[tuple[Any, Node]]:
    if isinstance(node, SequenceNode):
        return list(enumerate(node.value))
    if isinstance(node, MappingNode):
        return [(k.value if isinstance(k, ScalarNode) else "?", v) for k, v in node.value]
    return []


def _where(root: Node, done: dict[int, tuple[int, int]], over: Any, max_parts: int) -> str:
    """The key path down to the deepest node that is over a bound on its own (e.g. the key an alias
    bomb hangs under), at most ``max_parts`` long."""
    parts: list[Any] = []
    node = root
    while len(parts) < max_parts:
        heavy = next(((label, kid) for label, kid in _labelled_children(node) if over(done[id(kid)])), None)
        if heavy is None:
            break
        parts.append(heavy[0])
        node = heavy[1]
    return _path_text(parts)


def _check_expansion(root: Node) -> None:
    done = _measure(root)
    size, depth = done[id(root)]
    if size > MAX_NODES:
        where = _where(root, done, lambda figures: figures[0] > MAX_NODES, MAX_DEPTH)
        raise YamlBoundError(where, f"expands to more than {MAX_NODES} nodes once its aliases are expanded: refused as an alias bomb")
    if depth > MAX_EXPANDED_DEPTH:
        where = _where(root, done, lambda figures: figures[1] > MAX_EXPANDED_DEPTH - 2, 2)
        raise YamlBoundError(where, f"nested deeper than {MAX_EXPANDED_DEPTH} levels once its aliases are expanded")


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8 text of a file's bytes (a UTF-8 byte-order mark dropped); else ConfigError."""
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            raise ConfigError([Problem(name, f"is encoded as {encoding}; YAML files must be UTF-8 (re-save the file as UTF-8)")], source=name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(name, f"is not UTF-8 text (invalid byte {data[exc.start]:#04x} at offset {exc.start}); "
                                         "YAML files must be UTF-8 (is it a binary file?)")], source=name) from None


def _check_flow_depth(text: str, name: str) -> None:
    """Flow collections (``[[[[...``) nested past the bound are refused before parsing: PyYAML's
    scanner keeps a possible simple key per open flow level and rescans them for every token, so
    thousands of open brackets on one line take quadratic time before the composer sees a node.
    Brackets inside quoted strings count too: a false refusal needs 64 unclosed ones in a string."""
    depth = 0
    for char in re.sub(r"[^\[\]{}]+", "", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        if depth > MAX_EXPANDED_DEPTH:
            raise ConfigError([Problem(name, f"flow collections ([...] or {{...}}) nested deeper than {MAX_EXPANDED_DEPTH} levels")], source=name)


def loads(text: str, name: str) -> Any:
    """Parse YAML text under the bounds; ``name`` (the file) is named in every problem."""
    if len(text.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
        raise ConfigError([Problem(name, f"is larger than {MAX_BYTES // 1024} KiB, the limit for a YAML file here")], source=name)
    _check_flow_depth(text, name)
    loader: Optional[BoundedLoader] = None
    try:
        loader = BoundedLoader(text)
        return loader.get_single_data()
    except YamlBoundError as exc:
        where = name if exc.path == "(document)" else f"{name}: {exc.path}"
        raise ConfigError([Problem(where, exc.message)], source=name) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(name, f"not valid YAML: {exc}")], source=name) from None
    except RecursionError:  # belt and braces: the depth bounds come first
        raise ConfigError([Problem(name, "nested too deeply to read")], source=name) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_file(path: Path, what: Optional[str] = None) -> Any:
    """Read and parse a YAML file under the bounds (at most MAX_BYTES are read). Raises ConfigError
    naming the file for a missing, unreadable, oversized, non-UTF-8 or malformed file."""
    name = str(path)
    source = what or name
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([Problem(name, f"{source} not found")], source=source) from None
    except IsADirectoryError:
        raise ConfigError([Problem(name, "is a directory, not a YAML file")], source=source) from None
    except OSError as exc:
        raise ConfigError([Problem(name, f"cannot be read: {exc.strerror or exc}")], source=source) from None
    if len(data) > MAX_BYTES:
        raise ConfigError([Problem(name, f"is larger than {MAX_BYTES // 1024} KiB, the limit for a YAML file here")], source=source)
    try:
        return loads(decode(data, name), name)
    except ConfigError as error:
        raise ConfigError(error.problems, source=source) from None

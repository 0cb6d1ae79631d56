"""The bounded YAML reader (blueprint/config/safe_yaml.py, issue 16): every bound refuses with a
ConfigError naming the file (and the key path where known); ordinary files read exactly as
``yaml.safe_load`` reads them."""

from __future__ import annotations

import pytest
import yaml

from blueprint.config import safe_yaml
from blueprint.config.errors import ConfigError
from tests.conftest import ROOT


def _refused(text: str, *fragments: str) -> str:
    with pytest.raises(ConfigError) as info:
        safe_yaml.loads(text, "Pulumi.x.yaml")
    message = str(info.value)
    for fragment in ("Pulumi.x.yaml", *fragments):
        assert fragment in message, message
    return message


@pytest.mark.parametrize("path", sorted([*ROOT.glob("stacks/*.yaml"), ROOT / "Pulumi.yaml", *ROOT.glob("tests/data/*/*.yaml"),
                                         ROOT / "policies" / "checkov-suppressions.yaml"]), ids=lambda p: p.name)
def test_shipped_yaml_reads_as_safe_load_does(path):
    assert safe_yaml.load_file(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_anchors_aliases_and_merge_keys_within_bounds_are_read():
    data = safe_yaml.loads("base: &b {a: 1}\nx: *b\ny:\n  <<: *b\n  c: 2\n", "f.yaml")
    assert data == {"base": {"a": 1}, "x": {"a": 1}, "y": {"a": 1, "c": 2}}


def test_utf8_byte_order_mark_is_dropped_as_pulumi_does():
    assert safe_yaml.decode(b"\xef\xbb\xbfa: 1\n", "f.yaml") == "a: 1\n"


def test_fails_alias_bomb_before_expanding():
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    # Named at the first key that is over the bound on its own: a4 expands to 9^5 strings.
    _refused("\n".join(levels) + "\n", "Pulumi.x.yaml: a4: expands to more than 20000 nodes", "alias bomb")


def test_fails_too_many_aliases():
    _refused("a: &a x\n" + "".join(f"k{i}: *a\n" for i in range(safe_yaml.MAX_ALIASES + 1)), "aliases")


def test_fails_recursive_alias():
    _refused("a: &a [1, *a]\n", "recursive")


def test_fails_deep_block_nesting_naming_the_path():
    _refused("".join("  " * i + f"k{i}:\n" for i in range(safe_yaml.MAX_DEPTH + 5)), "nested deeper than", "k0.k1.k2")


def test_fails_deep_flow_nesting_before_parsing():
    _refused("a: " + "[" * 5000 + "]" * 5000, "nested deeper than")


def test_fails_too_many_nodes():
    _refused("a: [" + "1, " * safe_yaml.MAX_NODES + "1]\n", "nodes")


def test_fails_duplicate_key_naming_the_path_and_both_lines():
    _refused("config:\n  w:\n    - gpu:\n        n: 1\n        n: 2\n", "config.w[0].gpu.n", "duplicate key 'n'", "lines 4 and 5")


def test_fails_oversized_file_without_reading_it_whole(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (safe_yaml.MAX_BYTES + 10))
    with pytest.raises(ConfigError, match="larger than 512 KiB"):
        safe_yaml.load_file(path)


@pytest.mark.parametrize("data,fragment", [
    ("a: 1\n".encode("utf-16"), "UTF-16 (little endian)"),
    (b"\xfe\xff" + "a: 1\n".encode("utf-16-be"), "UTF-16 (big endian)"),
    ("a: 1\n".encode("utf-32"), "UTF-32"),
    ("a: caf\u00e9\n".encode("latin-1"), "invalid byte 0xe9 at offset 6"),
    (bytes(range(256)), "not UTF-8"),
])
def test_fails_non_utf8_files(tmp_path, data, fragment):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as info:
        safe_yaml.load_file(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_fails_python_tags_like_safe_load():
    _refused("a: !!python/object/apply:os.system [ls]\n", "not valid YAML")

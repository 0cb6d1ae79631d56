"""Every malformed stack file of the adversarial corpus (tests/adversarial/corpus.py) is invalid input:
``blueprint plan --config FILE`` exits 2, names the key (or the file) and the bad value, prints no
traceback, and never reaches the Pulumi program (the validation path refuses it first)."""

from __future__ import annotations

import re
import tracemalloc
from collections import Counter

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tests.adversarial.corpus import FILE, build_corpus

CORPUS = build_corpus()
KINDS = ("type", "range", "unknown-key", "enum", "missing", "yaml", "conflict", "limit")


def _plan(tmp_path, data: bytes):
    path = tmp_path / FILE
    path.write_bytes(data)
    return CliRunner().invoke(app, ["plan", "--config", str(path)])


def test_corpus_size_and_coverage():
    # README.md states these figures ("Bad input").
    assert len(CORPUS) >= 150
    counts = Counter(c.kind for c in CORPUS)
    assert set(counts) == set(KINDS), counts
    assert all(counts[kind] >= 2 for kind in KINDS), counts


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_fails_malformed_stack_file(tmp_path, case, monkeypatch):
    import blueprint.plan.run as run

    def no_program(*args, **kwargs):  # invalid input must be refused before the program runs
        raise AssertionError(f"the Pulumi program ran for malformed input {case.id}")

    monkeypatch.setattr(run, "plan_project", no_program)
    result = _plan(tmp_path, case.data)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (case.id, result.exit_code, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and result.stdout == ""
    text = re.sub(r"\s+", " ", result.stderr)
    for fragment in case.fragments:
        assert fragment in text, (case.id, fragment, text[:3000])


@pytest.mark.parametrize("case", [c for c in CORPUS if "alias-bomb" in c.id], ids=lambda c: c.id)
def test_fails_alias_bomb_in_bounded_memory(tmp_path, case):
    tracemalloc.start()
    try:
        result = _plan(tmp_path, case.data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2, result.stderr
    assert peak < 100 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB while refusing an alias bomb"


def test_readme_states_the_corpus_figures():
    from tests.conftest import ROOT

    text = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    counts = Counter(c.kind for c in CORPUS)
    assert f"{len(CORPUS)} malformed stack files" in text and f"All {len(CORPUS)} get exit 2" in text
    for kind, words in (("type", "wrong types"), ("range", "out-of-range values"), ("yaml", "YAML-level attacks"),
                        ("conflict", "conflicting values"), ("missing", "missing keys"), ("unknown-key", "unknown keys"),
                        ("enum", "bad enums")):
        assert f"{counts[kind]} {words}" in text, (kind, counts[kind])
    config_doc = re.sub(r"\s+", " ", (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8"))
    assert f"{len(CORPUS)} malformed stack files" in config_doc

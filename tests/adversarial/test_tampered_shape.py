"""Every saved plan of the tampered-shape corpus (tests/adversarial/tampered_shape.py) is invalid input
in every command that reads ``--plan``: exit 2, the JSON path (and the value) named, no traceback,
no report. ``check --skip-checkov`` and ``resilience`` run every case; export, audit, diagram, drill
and queue replay run a representative subset (they share the one reader, blueprint/plan/saved.py)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tests.adversarial.tampered_shape import STACKS, TAMPERINGS, Tampered, build_corpus
from tests.policies.policy_helpers import plan_json

ROOT = Path(__file__).resolve().parents[2]
CASES = [(cloud, name) for cloud in sorted(STACKS) for name in TAMPERINGS]
# The other commands on a subset: a file-level attack, a type error, a broken reference, a tags map.
SUBSET = ("top-level-list", "nesting-5000", "oversized", "dependencies-int", "parent-dangling", "tags-string",
          "cloud-swapped", "urn-duplicate")


@pytest.fixture(scope="module")
def corpus() -> dict[str, Tampered]:
    return {case.id: case for case in build_corpus({cloud: plan_json(stack) for cloud, stack in STACKS.items()})}


def _write(tmp_path: Path, case: Tampered) -> Path:
    path = tmp_path / "plan.json"
    path.write_bytes(case.data)
    if case.pad_to:
        with path.open("r+b") as stream:
            stream.truncate(case.pad_to)  # sparse: refused by its size before it is read
    return path


def _assert_refused(result, case: Tampered) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (case.id, result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output and result.stdout == ""
    text = re.sub(r"\s+", " ", result.stderr)
    assert "--plan" in text
    for fragment in case.fragments:
        assert fragment in text, (case.id, fragment, text[:3000])


def _run(*args: str):
    return CliRunner().invoke(app, [*args, "--project-dir", str(ROOT)])


def test_corpus_size_and_coverage(corpus):
    # README.md states this figure (issue 16, "Done when").
    assert len(TAMPERINGS) >= 30 and len(corpus) == 2 * len(TAMPERINGS)
    assert Counter(c.cloud for c in corpus.values()) == {"aws": len(TAMPERINGS), "gcp": len(TAMPERINGS)}


@pytest.mark.parametrize("cloud,name", CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_fails_tampered_plan_in_check_and_resilience(corpus, tmp_path, cloud, name):
    case = corpus[f"{cloud}-{name}"]
    path = str(_write(tmp_path, case))
    _assert_refused(_run("check", "--plan", path, "--skip-checkov"), case)
    _assert_refused(_run("resilience", "--plan", path, "--format", "json"), case)


@pytest.mark.parametrize("cloud,name", [(c, n) for c in sorted(STACKS) for n in SUBSET], ids=lambda v: v)
def test_fails_tampered_plan_in_every_other_plan_reader(corpus, tmp_path, cloud, name):
    case = corpus[f"{cloud}-{name}"]
    path = str(_write(tmp_path, case))
    for args in (("export", "--plan", path, "--out", str(tmp_path / "export")),
                 ("audit", "--plan", path, "--endpoint-url", "http://127.0.0.1:9"),
                 ("diagram", "--plan", path, "--out", str(tmp_path / "plan.svg")),
                 ("drill", "--plan", path),
                 ("queue", "replay", "--workload", "w", "--region", "r", "--plan", path, "--dry-run")):
        _assert_refused(_run(*args), case)
    assert not (tmp_path / "export").exists() and not (tmp_path / "plan.svg").exists()


def test_readme_states_the_tampered_shape_figure():
    text = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert f"{2 * len(TAMPERINGS)} saved plans with the wrong shape" in text

"""`blueprint export --out DIR`: from a stack, from a saved plan, and invalid input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tiny_aws import tiny_plan  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory, tiny_plan) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(json.dumps(tiny_plan.to_json()), encoding="utf-8")
    return path


def test_export_a_stack(tmp_path):
    result = invoke("export", "--stack", "dev", "--out", str(tmp_path / "out"), "--project-dir", str(ROOT))
    assert result.exit_code == 0, result.stderr
    tfplan = json.loads((tmp_path / "out" / "tfplan.json").read_text())
    assert tfplan["planned_values"]["root_module"]["resources"]
    assert (tmp_path / "out" / "k8s").is_dir()
    index = json.loads((tmp_path / "out" / "export.json").read_text())
    assert index["stack"] == "dev" and index["address_to_urn"]
    manifests = sorted(p.name for p in (tmp_path / "out" / "k8s").glob("*.yaml"))
    assert manifests == sorted(index["manifest_to_urn"])
    # every skipped type is listed with its reason, never silently dropped
    for token, urns in index["skipped"].items():
        assert f"skipped {len(urns)} resource(s) of type {token}:" in result.stderr
    if not index["skipped"]:
        assert "skipped types: none" in result.stderr
    assert "tfplan.json" in result.stderr and result.stdout == ""


def test_export_a_saved_plan(tmp_path, saved_plan):
    result = invoke("export", "--plan", str(saved_plan), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    index = json.loads((tmp_path / "export.json").read_text())
    assert index["address_to_urn"]["aws_s3_bucket.data"].endswith("::data")


@pytest.mark.parametrize("args, fragment", [
    (["--plan", "/no/such/plan.json"], "--plan: file not found"),
    (["--stack", "no-such-stack"], "no stack file"),
    ([], "give exactly one: --stack NAME or --config FILE"),
])
def test_invalid_input_exits_2_without_traceback(tmp_path, args, fragment):
    result = invoke("export", *args, "--out", str(tmp_path), "--project-dir", str(ROOT))
    assert result.exit_code == 2, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_plan_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a plan"}')
    result = invoke("export", "--plan", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "not a plan saved by `blueprint plan --format json`" in result.stderr


def test_plan_and_stack_together_exit_2(tmp_path, saved_plan):
    result = invoke("export", "--plan", str(saved_plan), "--stack", "dev", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "either --plan FILE or --stack/--config" in result.stderr


def test_out_is_required():
    assert invoke("export", "--stack", "dev").exit_code == 2


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_fails_midway_export_leaves_the_previous_export_and_no_temp_folder(tmp_path, saved_plan, monkeypatch, error):
    """Issue 16: the export is written beside --out and swapped in whole, so a failure after tfplan.json
    is written (here: the manifests' writer raises) leaves the previous export as it was."""
    import blueprint.export

    out = tmp_path / "out"
    assert invoke("export", "--plan", str(saved_plan), "--out", str(out)).exit_code == 0
    (out / "k8s" / "previous-stack.yaml").write_text("kind: Deployment\n", encoding="utf-8")  # a previous stack's manifest
    (out / "tfplan.json").write_text('{"previous": true}\n', encoding="utf-8")
    before = _tree(out)

    def broken(plan):
        raise error

    monkeypatch.setattr(blueprint.export, "kubernetes_manifests", broken)
    if isinstance(error, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            blueprint.export.export_plan(blueprint.export.Plan.from_json(json.loads(saved_plan.read_text())), out)
    else:
        result = invoke("export", "--plan", str(saved_plan), "--out", str(out))
        assert result.exit_code == 2 and "--out" in result.stderr and "No space left on device" in result.stderr, result.stderr
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging or set-aside folder left behind


def test_a_new_export_replaces_the_previous_one_whole(tmp_path, saved_plan):
    out = tmp_path / "out"
    (out / "k8s").mkdir(parents=True)
    (out / "k8s" / "previous-stack.yaml").write_text("kind: Deployment\n", encoding="utf-8")
    assert invoke("export", "--plan", str(saved_plan), "--out", str(out)).exit_code == 0
    assert not (out / "k8s" / "previous-stack.yaml").exists() and (out / "tfplan.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_fails_export_into_a_folder_of_other_files_exit_2(tmp_path, saved_plan):
    """The swap replaces the whole folder: one holding anything but an export is refused, untouched."""
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke("export", "--plan", str(saved_plan), "--out", str(tmp_path))
    text = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "--out" in text and "notes.txt" in text and str(tmp_path) in text, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]

"""Bad input on the command line (issue 16): exit 2 naming the option or key and the value, no
traceback, and refused *before* the work (no plan runs for a bad --out, --recent-hours or
--project-dir). Also: atomic writes, strict integers, the workload limit."""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import blueprint.cli_support as cli_support
import blueprint.fileio as fileio
from blueprint.cli import app
from blueprint.config.errors import ConfigError
from blueprint.config.models import MAX_WORKLOADS
from blueprint.config.validate import validate_config
from tests.conftest import BASELINE, write_stack


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _assert_invalid(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and result.stdout == ""
    text = re.sub(r"\s+", " ", result.stderr)
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command starts its work (locating the project and the stack comes first)."""
    import blueprint.project as project

    def refuse(*args, **kwargs):
        raise AssertionError("the command started its work before refusing its arguments")

    monkeypatch.setattr(project, "find_project_dir", refuse)
    monkeypatch.setattr(project, "resolve_stack", refuse)


# ------------------------------------------------------------------------------------ --out

@pytest.mark.parametrize("command", [["plan", "--stack", "dev"], ["plan", "--stack", "dev", "--format", "json"],
                                     ["check", "--stack", "dev", "--skip-checkov"], ["resilience", "--stack", "dev"],
                                     ["resilience", "--stack", "dev", "--format", "json"], ["check", "--stack", "dev", "--format", "sarif"]])
def test_fails_out_in_a_missing_folder_before_planning(tmp_path, no_work, command):
    out = tmp_path / "missing" / "report.txt"
    _assert_invalid(_invoke(*command, "--out", str(out)), "--out", "does not exist", str(out))


def test_fails_out_under_a_file_before_planning(tmp_path, no_work):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "plan.json"
    _assert_invalid(_invoke("plan", "--stack", "dev", "--out", str(out)), "--out", "is not a folder", str(out))


def test_fails_out_that_is_a_folder(tmp_path, no_work):
    # dir_okay=False: click refuses it as a usage error, exit 2 as well.
    result = _invoke("check", "--stack", "dev", "--out", str(tmp_path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_fails_out_in_an_unwritable_folder(tmp_path, no_work, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(cli_support.os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    out = tmp_path / "plan.txt"
    _assert_invalid(_invoke("plan", "--stack", "dev", "--out", str(out)), "--out", "cannot be written", str(out))


@pytest.mark.parametrize("command", [["export", "--stack", "dev"], ["rebuild", "--stack", "dev", "--lost-region", "us-east-2"]])
def test_fails_out_folder_that_cannot_be_created(tmp_path, no_work, command):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "sub" / "dir"
    _assert_invalid(_invoke(*command, "--out", str(out)), "--out", "is a file", str(out))


def test_fails_export_out_that_is_a_file(tmp_path, no_work):
    out = tmp_path / "export"
    out.write_text("x", encoding="utf-8")
    result = _invoke("export", "--stack", "dev", "--out", str(out))  # click's own check (file_okay=False): exit 2
    assert result.exit_code == 2 and "Traceback" not in result.stderr and "is a" in result.stderr and "file" in result.stderr


def test_fails_diagram_out_in_a_missing_folder(tmp_path, no_work):
    out = tmp_path / "missing" / "dev.svg"
    _assert_invalid(_invoke("diagram", "--stack", "dev", "--out", str(out)), "--out", "does not exist", str(out))


def test_write_atomic_replaces_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")
    fileio.write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()  # not the 0600 of a mkstemp file


def test_fails_write_atomic_midway_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "plan.json"
    target.write_text("previous", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", broken_replace)
    with pytest.raises(OSError):
        fileio.write_atomic(target, "half")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_fails_write_out_on_a_full_disk_names_the_path(tmp_path, monkeypatch):
    import typer

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", full_disk)
    out = tmp_path / "report.json"
    with pytest.raises(typer.Exit) as info:
        cli_support.write_out(out, "{}")
    assert info.value.exit_code == 2 and not out.exists()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------------------ --project-dir

def test_fails_project_dir_without_pulumi_yaml(tmp_path):
    stack = write_stack(tmp_path, copy.deepcopy(BASELINE))
    _assert_invalid(_invoke("plan", "--project-dir", str(tmp_path), "--config", str(stack)),
                    "--project-dir", "has no Pulumi.yaml", str(tmp_path))


def test_fails_project_dir_that_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere"
    result = _invoke("resilience", "--project-dir", str(missing), "--stack", "dev")
    _assert_invalid(result, "--project-dir", "does not exist", str(missing))


def test_fails_project_file_with_duplicate_keys(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: team\nruntime: python\nname: other\n", encoding="utf-8")
    stack = write_stack(tmp_path, {"team:x": 1})
    _assert_invalid(_invoke("plan", "--project-dir", str(tmp_path), "--config", str(stack)), "Pulumi.yaml", "duplicate key 'name'")


# ------------------------------------------------------------------------------ audit --recent-hours

@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "-inf", "100000"])
def test_fails_audit_recent_hours_out_of_range(value, no_work):
    result = _invoke("audit", "--stack", "prod", "--recent-hours", value)
    _assert_invalid(result, "--recent-hours", "greater than 0 and at most 8760")


# ------------------------------------------------------------------------------ strict integers

@pytest.mark.parametrize("value", [True, False, 1.0, 2.5, "1"])
def test_fails_gpus_per_node_that_is_not_an_integer(baseline, value):
    baseline["workloads"][0]["gpu"]["gpusPerNode"] = value
    with pytest.raises(ConfigError) as info:
        validate_config(baseline)
    [problem] = info.value.problems
    assert problem.path == "blueprint:workloads[0].gpu.gpusPerNode" and problem.value == value
    assert "must be an integer" in problem.message


def test_top_level_integer_text_is_read_as_pulumi_config_does(baseline):
    # pulumi.Config.get hands top-level values to the program as text: "3" is the integer 3.
    baseline["zonesPerRegion"] = "3"
    assert validate_config(baseline).zones_per_region == 3


@pytest.mark.parametrize("text", ["true", "3.0", "three"])
def test_fails_top_level_integer_text_that_is_not_a_whole_number(baseline, text):
    baseline["zonesPerRegion"] = text
    with pytest.raises(ConfigError) as info:
        validate_config(baseline)
    assert [(p.path, p.value) for p in info.value.problems] == [("blueprint:zonesPerRegion", text)]


def test_fails_unknown_top_level_key_of_the_stack_file(tmp_path):
    path = tmp_path / "Pulumi.typo.yaml"
    path.write_text("conifg:\n  blueprint:cloud: aws\n", encoding="utf-8")
    _assert_invalid(_invoke("plan", "--config", str(path)), "conifg", "unknown top-level key", "allowed: config")


# ------------------------------------------------------------------------------ workload limit

def _workloads(count: int) -> list[dict]:
    return [{"name": f"w{i:03d}", "tier": "best-effort"} for i in range(count)]


def test_the_workload_limit_itself_validates(baseline):
    baseline["workloads"] = _workloads(MAX_WORKLOADS)
    assert len(validate_config(baseline).workloads) == MAX_WORKLOADS == 50


def test_fails_one_workload_over_the_limit_naming_count_and_limit(baseline):
    baseline["workloads"] = _workloads(MAX_WORKLOADS + 1)
    with pytest.raises(ConfigError) as info:
        validate_config(baseline)
    [problem] = info.value.problems
    assert problem.path == "blueprint:workloads" and problem.value == 51 and "at most 50 workloads" in problem.message

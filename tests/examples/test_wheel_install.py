"""The distribution works outside this checkout (issue 19, "Packaging"): the wheel built from the
source holds only the ``blueprint`` package (with ``py.typed`` and its data files), installs into a
fresh virtual environment with the pinned dependencies, and that environment's ``blueprint plan
--project-dir`` plans a team's own Pulumi project (examples/user-project) composing two components.

Slow (~1-2 min: the dependency install, from pip's cache or the registry after ``make setup``):
marked ``wheel``, runs in ``make test``; ``pytest -m wheel`` runs it alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
USER_PROJECT = ROOT / "examples" / "user-project"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

pytestmark = pytest.mark.wheel


def _run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    # No PYTHONPATH and a working directory outside the checkout: nothing can import the source tree.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _copy_source(dest: Path) -> Path:
    """What the sdist would hold (pyproject.toml, README.md, blueprint/): building from a copy keeps
    setuptools' build/ and *.egg-info out of the working tree."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "blueprint", dest / "blueprint", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = _copy_source(work / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(work / "dist")], cwd=work)
    (built,) = (work / "dist").glob("blueprint-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel and its pinned dependencies (constraints.txt);
    removed afterwards (~800 MB: pytest would keep the last three runs' copies)."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", str(folder)], cwd=folder.parent)
    python = folder / "bin" / "python"
    try:
        _run([str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(wheel)], cwd=folder.parent)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_wheel_holds_only_the_blueprint_package_with_py_typed(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name == f"blueprint-{VERSION}-py3-none-any.whl"
    assert {n.split("/", 1)[0] for n in names} == {"blueprint", f"blueprint-{VERSION}.dist-info"}
    assert "blueprint/py.typed" in names
    assert "blueprint/components/aws/data/aws-load-balancer-controller-policy.json" in names
    assert "blueprint/components/aws/kms_key.py" in names and "blueprint/policies/pack.py" in names
    top_level = zipfile.ZipFile(wheel).read(f"blueprint-{VERSION}.dist-info/top_level.txt").decode().split()
    assert top_level == ["blueprint"]


def test_installed_cli_reports_the_version_and_no_components_package(venv: Path, tmp_path: Path):
    out = _run([str(venv / "bin" / "blueprint"), "--version"], cwd=tmp_path).stdout
    assert out.strip() == f"blueprint {VERSION}"
    probe = "import importlib.util as u; print(u.find_spec('components'), u.find_spec('blueprint.components.aws') is not None)"
    assert _run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path).stdout.split() == ["None", "True"]


def test_installed_wheel_plans_a_users_own_project(venv: Path, tmp_path: Path):
    project = tmp_path / "team-platform"
    shutil.copytree(USER_PROJECT, project)
    out = _run([str(venv / "bin" / "blueprint"), "plan", "--project-dir", str(project), "--stack", "dev",
                "--format", "json"], cwd=tmp_path).stdout
    plan = json.loads(out)
    by_type: dict[str, list[dict]] = {}
    for resource in plan["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)
    assert (plan["stack"], plan["cloud"]) == ("dev", "aws")
    assert [r["name"] for r in by_type["blueprint:aws:KmsKey"]] == ["registry-key"]
    assert [r["name"] for r in by_type["blueprint:aws:BackupVault"]] == ["model-registry"]
    assert {r["region"] for r in plan["resources"]} == {"eu-central-1"}
    (key,) = by_type["aws:kms/key:Key"]
    assert key["inputs"]["enableKeyRotation"] is True
    (lock,) = by_type["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"]
    retention = lock["inputs"]["rule"]["defaultRetention"]
    assert (retention["mode"], retention["days"]) == ("COMPLIANCE", 35)  # the stack's team-platform:retentionDays

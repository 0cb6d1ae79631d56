"""A team's own Pulumi project plans with `blueprint plan --project-dir` (examples/user-project),
and the version and changelog agree (issue 19, "Packaging"). In process and fast; the wheel
round trip is tests/examples/test_wheel_install.py."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import blueprint
from blueprint.cli import app

ROOT = Path(__file__).resolve().parents[2]
USER_PROJECT = ROOT / "examples" / "user-project"
SCHEMA = ROOT.parent / "shared" / "reference" / "pulumi-project.schema.json"


def _plan(project: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["plan", "--project-dir", str(project), "--stack", "dev", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_user_project_plans_with_its_own_config():
    plan = _plan(USER_PROJECT)
    types = [r["type"] for r in plan["resources"]]
    assert types.count("blueprint:aws:KmsKey") == 1 and types.count("blueprint:aws:BackupVault") == 1
    assert {r["region"] for r in plan["resources"]} == {"eu-central-1"}
    (lock,) = [r for r in plan["resources"] if r["type"].endswith(":BucketObjectLockConfiguration")]
    # team-platform:retentionDays from Pulumi.dev.yaml, read by a namespace-less pulumi.Config()
    assert lock["inputs"]["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 35}


def test_user_project_default_comes_from_its_pulumi_yaml(tmp_path: Path):
    project = tmp_path / "team-platform"
    shutil.copytree(USER_PROJECT, project)
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n", encoding="utf-8")
    plan = _plan(project)
    (lock,) = [r for r in plan["resources"] if r["type"].endswith(":BucketObjectLockConfiguration")]
    assert lock["inputs"]["rule"]["defaultRetention"]["days"] == 14
    assert {r["region"] for r in plan["resources"]} == {"eu-west-1"}


def test_fails_a_blueprint_project_still_gets_its_schema(tmp_path: Path):
    """Only projects named `blueprint` carry the typed stack schema; an empty one is refused (exit 2)."""
    shutil.copy2(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "--project-dir", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 2
    assert "blueprint:workloads" in result.output


@pytest.mark.skipif(not SCHEMA.exists(), reason="shared/reference is not beside this checkout")
def test_user_project_file_validates_against_pulumis_schema():
    import jsonschema

    jsonschema.validate(yaml.safe_load((USER_PROJECT / "Pulumi.yaml").read_text()), json.loads(SCHEMA.read_text()))


def test_version_is_the_installed_metadata_and_the_cli_prints_it():
    assert blueprint.__version__ == importlib.metadata.version("blueprint")
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"blueprint {blueprint.__version__}\n"


def test_changelog_has_an_entry_for_the_pyproject_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M), version
    assert "from blueprint.components.aws import" in changelog  # the migration note


def test_examples_readme_plan_snippet_runs():
    """examples/README.md's offline-plan command works as written (from the checkout)."""
    import subprocess
    import sys

    text = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```bash\n(.*?)```", text, re.S).group(1).replace(".venv/bin/python", sys.executable)
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "'resources': " in result.stdout


def test_py_typed_ships_with_the_package():
    assert (Path(blueprint.__file__).parent / "py.typed").is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["blueprint"]
    assert "py.typed" in package_data


def _unshipped(files: list[str], patterns: list[str]) -> list[str]:
    import fnmatch

    return [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]


def test_every_data_file_of_the_package_ships():
    """A non-Python file under blueprint/ that no package-data pattern names would be missing from
    the wheel (as the Load Balancer Controller's policy JSON was): the installed library would fail."""
    package = Path(blueprint.__file__).parent
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*")
                   if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
                   and not p.name.startswith("."))
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["blueprint"]
    assert "components/aws/data/aws-load-balancer-controller-policy.json" in files
    assert _unshipped(files, patterns) == []
    assert "components/aws/data/aws-load-balancer-controller-policy.json" in _unshipped(files, ["py.typed"])  # 0.1.0's gap

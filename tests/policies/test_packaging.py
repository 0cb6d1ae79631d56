"""`policies` is an installed package: importable from anywhere, with no sys.path patch, and the
rules run with only what the CrossGuard pack's own environment provides (policies/requirements.txt)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from policy_helpers import ROOT, plan_json

# Distribution name -> the module it installs, where they differ.
_MODULE = {"pyyaml": "yaml"}


def _names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)", line.split("#", 1)[0])
        if match:
            name = match.group(1).lower().replace("-", "_")
            names.add(_MODULE.get(name, name))
    return names


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_policies_imports_from_another_directory(tmp_path: Path) -> None:
    result = _run("import sys, blueprint.policies; print(blueprint.policies.__file__); "
                  f"assert not any(p.rstrip('/') == {str(ROOT)!r} for p in sys.path), sys.path", tmp_path)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve() == ROOT / "blueprint" / "policies" / "__init__.py"


def test_fails_to_import_generic_top_level_names(tmp_path: Path) -> None:
    """The distribution installs one top-level package: the generic names ``components`` and
    ``policies`` would collide with other packages in a user's environment."""
    for name in ("components", "policies"):
        result = _run(f"import {name}", tmp_path)
        assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr, name


def test_check_has_no_path_patch() -> None:
    source = (ROOT / "blueprint" / "check" / "__init__.py").read_text(encoding="utf-8")
    assert "sys.path" not in source and "ensure_policies_importable" not in source


def test_rules_run_with_only_the_pack_requirements(tmp_path: Path) -> None:
    """Every project dependency the pack's environment lacks is made unimportable; the rules still
    import and run on a plan of each cloud."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pack = (ROOT / "policies" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    missing = sorted(_names(project) - _names(pack))
    assert "pydantic" in missing and "pulumi_aws" in missing  # the blocker has something to block
    for stack in ("prod", "gcp-prod"):
        (tmp_path / f"{stack}.json").write_text(plan_json(stack), encoding="utf-8")
    code = f"""
import importlib.abc, json, sys
MISSING = {missing!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in MISSING:
            raise ImportError('not in the pack environment: ' + name)
sys.meta_path.insert(0, Block())
for name in list(sys.modules):
    if name.split('.')[0] in MISSING:
        del sys.modules[name]
from blueprint.plan.model import Plan
from blueprint.policies import Context, run_rules
import blueprint.policies.crossguard
for stack in ('prod', 'gcp-prod'):
    plan = Plan.from_json(json.load(open(stack + '.json')))
    run_rules(Context.from_plan(plan))
print('ok')
"""
    result = _run(code, tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


_FAKE_PULUMI_POLICY = '''
import enum, json
class EnforcementLevel(enum.Enum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
class _Policy:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
class ResourceValidationPolicy(_Policy): pass
class StackValidationPolicy(_Policy): pass
class PolicyConfigSchema(_Policy):
    def __init__(self, properties):
        self.properties = properties
class PolicyPack:
    def __init__(self, name, policies, description=""):
        print(json.dumps({"name": name, "policies": [p.kwargs["name"] for p in policies]}))
'''


def test_crossguard_entry_point_builds_every_rule(tmp_path: Path) -> None:
    """``policies/__main__.py`` run as the pack's program (from the pack directory), with a stand-in
    pulumi_policy module: one policy per rule."""
    import json
    import os

    from blueprint.policies import RULES

    (tmp_path / "pulumi_policy.py").write_text(_FAKE_PULUMI_POLICY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, str(ROOT / "policies" / "__main__.py")], cwd=ROOT / "policies", env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    pack = json.loads(result.stdout.strip().splitlines()[-1])
    assert pack["name"] == "blueprint" and pack["policies"] == [r.id for r in RULES]

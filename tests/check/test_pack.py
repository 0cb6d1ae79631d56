"""blueprint check finds the policy pack by its entry point: the core never imports the pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint.check.pack import ENTRY_POINT_GROUP, installed_packs, load_policy_pack
from blueprint.config.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
IMPORTS_POLICIES = re.compile(r"^\s*(from|import)\s+policies\b", re.M)


def test_the_core_never_imports_the_policy_pack():
    importers = [str(p.relative_to(ROOT)) for p in (ROOT / "blueprint").rglob("*.py") if IMPORTS_POLICIES.search(p.read_text(encoding="utf-8"))]
    assert importers == []


def test_the_project_registers_its_pack_and_check_loads_every_rule():
    from blueprint.policies import RULES

    assert "blueprint" in installed_packs()
    pack = load_policy_pack()
    assert [r.id for r in pack.rules] == [r.id for r in RULES]


def test_fails_without_the_named_pack_naming_the_group_and_what_is_installed():
    with pytest.raises(ConfigError) as error:
        load_policy_pack("nope", available=[])
    problem = error.value.problems[0]
    assert problem.value == "nope"
    assert ENTRY_POINT_GROUP in problem.message and "installed: none" in problem.message

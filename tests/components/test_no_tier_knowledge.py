"""No tier knowledge in components/: every tier -> number decision lives in blueprint/catalogs and is
resolved by blueprint.footprint (WorkloadIntent); components take plain values and carry the tier only
as a label. A tier name, a ``*_BY_TIER`` table, a tier Literal or an import of the tier catalog in any
component file fails here (no exceptions)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

COMPONENTS = Path(__file__).resolve().parents[2] / "blueprint" / "components"
FILES = sorted(COMPONENTS.rglob("*.py"))

FORBIDDEN = {
    "a tier name": re.compile(r"mission-critical|business-critical|best-effort|[\"']standard[\"']"),
    "a tier table": re.compile(r"_BY_TIER\b"),
    # Imports only: comments may point readers to the catalog that decides a value.
    "an import of the tier catalogs": re.compile(
        r"^\s*(from|import)\s+blueprint\.catalogs(\.tiers|\.operations|\s+import\s+.*\b(tiers|operations))\b", re.M),
    "a tier lookup": re.compile(r"\b(tier_spec|probe_spec|operations_spec|database_backup_retention_days)\("),
}


def test_the_scan_sees_the_components():
    assert len(FILES) > 50 and COMPONENTS / "composition.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(COMPONENTS)))
def test_no_tier_knowledge_in_components(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [f"{what}: line {text[:m.start()].count(chr(10)) + 1}: {m.group(0)!r}"
             for what, pattern in FORBIDDEN.items() for m in pattern.finditer(text)]
    assert not found, f"{path.relative_to(COMPONENTS.parent)} holds tier knowledge (move it to blueprint/catalogs): {found}"


def test_the_scan_would_catch_a_tier_table():
    sample = 'PDB_BY_TIER = {"mission-critical": 1}\nfrom blueprint.catalogs.tiers import probe_spec\nprobe_spec(t)\n'
    assert all(pattern.search(sample) for pattern in FORBIDDEN.values())

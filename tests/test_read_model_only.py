"""Issue 14: the audit and the rebuild runbook read a plan only through the read model
(blueprint/analysis/facts.py, filled by aws_facts / gcp_facts), never the raw plan's resources."""

from __future__ import annotations

import re
from pathlib import Path

from blueprint.analysis.facts import Inventory, PlanFacts

ROOT = Path(__file__).resolve().parents[1]
# Raw reads of a Plan's resources: by type, by name, or a scan of all of them.
RAW_READS = re.compile(r"\.of_type\(|\bplan\.named\(|\b\w*plan\w*\.resources\b|\bself\.(?:plan|new)\.resources\b")
READ_MODEL = re.compile(r"from blueprint\.analysis(?:\.facts|\.report)? import|import blueprint\.analysis")


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / "blueprint" / package).glob("*.py"))


def _raw_reads(package: str) -> list[str]:
    return [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _sources(package)
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if RAW_READS.search(line)]


def test_the_audit_reads_no_raw_plan_resources():
    assert _raw_reads("audit") == []


def test_the_audit_imports_the_read_model():
    text = (ROOT / "blueprint" / "audit" / "expected.py").read_text(encoding="utf-8")
    assert READ_MODEL.search(text), "blueprint/audit/expected.py must build Expected from the read model"


def test_the_rebuild_reads_no_raw_plan_resources():
    assert _raw_reads("rebuild") == []


def test_the_rebuild_imports_the_read_model():
    for name in ("runbook.py", "orchestration.py"):
        text = (ROOT / "blueprint" / "rebuild" / name).read_text(encoding="utf-8")
        assert READ_MODEL.search(text), f"blueprint/rebuild/{name} must read the plan through the read model"


def test_the_diagram_reads_no_raw_plan_resources():
    assert _sources("diagram") and _raw_reads("diagram") == []


def test_the_diagram_model_imports_the_read_model():
    text = (ROOT / "blueprint" / "diagram" / "model.py").read_text(encoding="utf-8")
    assert READ_MODEL.search(text), "blueprint/diagram/model.py must build the picture from the read model"


def test_the_guard_catches_raw_reads():
    for line in ("plan.of_type(aws.S3_BUCKET)", "for r in plan.resources:", "self.plan.resources",
                 "promoted_plan.resources", "plan.named('x')"):
        assert RAW_READS.search(line), line
    assert not RAW_READS.search("facts.inventory.vaults")


def test_plan_facts_inventory_defaults_to_empty():
    facts = PlanFacts("gcp", "s", "r1", None, {}, [], [], {})
    assert facts.inventory == Inventory()
    assert facts.inventory is not PlanFacts("gcp", "s", "r1", None, {}, [], [], {}).inventory

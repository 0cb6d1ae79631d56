"""The pull-request workflow plans and checks every stack and uploads SARIF per stack."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_workflow_checks_every_stack_on_pull_requests() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "blueprint-check.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the `on:` key as True
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["check"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert "ls stacks/Pulumi.*.yaml" in "\n".join(s.get("run", "") for s in workflow["jobs"]["stacks"]["steps"])
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert "make setup" in runs
    assert 'blueprint plan --stack "${{ matrix.stack }}" --format json --out "plan-${{ matrix.stack }}.json"' in runs
    assert 'blueprint check --plan "plan-${{ matrix.stack }}.json" --format sarif --out "${{ matrix.stack }}.sarif"' in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["category"] == "blueprint-${{ matrix.stack }}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "setup:" in makefile and ".venv-checkov" in makefile

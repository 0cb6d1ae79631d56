"""`blueprint check` always hands the stack's intent to the pack (issue 16): planning now, a saved plan with
its stack file, and a hand-composed program's stack file (jurisdiction only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """run_check's intent, as the CLI passes it."""
    import blueprint.check as check_module

    seen: dict[str, Any] = {}
    real = check_module.run_check

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen["intent"] = kwargs.get("intent")
        return real(*args, **kwargs)

    monkeypatch.setattr(check_module, "run_check", spy)
    return seen


def _check(*args: str) -> Any:
    result = CliRunner().invoke(app, ["check", "--skip-checkov", *args])
    assert "Traceback" not in result.output
    return result


def test_check_stack_passes_the_intent(captured: dict[str, Any]) -> None:
    result = _check("--project-dir", str(ROOT), "--stack", "dev")
    assert result.exit_code == 0, result.output[-2000:]
    intent = captured["intent"]
    assert intent.verified and intent.residency == "us" and intent.config.environment == "dev"
    assert intent.stack_file.name == "Pulumi.dev.yaml"


def test_hand_composed_project_takes_residency_from_the_operator(captured: dict[str, Any]) -> None:
    """examples/user-project's stack file sets no blueprint:residency (its keys are its own)."""
    project = str(ROOT / "examples" / "user-project")
    result = _check("--project-dir", project, "--stack", "dev")
    assert result.exit_code == 2 and "names no jurisdiction" in result.stderr
    result = _check("--project-dir", project, "--stack", "dev", "--residency", "eu")
    assert result.exit_code == 0, result.output[-2000:]
    intent = captured["intent"]
    assert intent.verified and intent.residency == "eu" and intent.config is None

"""``blueprint check``: the policy rules on a plan, checkov on its export, one report.

* :func:`load_plan_file` reads a plan saved by ``blueprint plan --format json``;
* :func:`resolve_jurisdiction` finds the stack's jurisdiction (option, plan, stack file);
* :func:`run_check` runs the rules (``blueprint/policies``) and checkov (``blueprint.checkov``, from
  its isolated environment, on ``blueprint.export``'s files, with the checked-in suppressions);
* :mod:`blueprint.check.formats` prints the :class:`CheckReport` as text, JSON, SARIF or JUnit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from blueprint.check.pack import Finding, RuleInfo, load_policy_pack
from blueprint.config.errors import ConfigError, Problem
from blueprint.plan.model import Plan


@dataclass
class CheckReport:
    stack: str
    cloud: Optional[str]
    jurisdiction: Optional[str]
    plan_file: Optional[str]
    resources: int
    rules: list[Any]  # the pack's rules and RuleInfo (blueprint.check.pack)
    violations: list[Any]  # the pack's violations and Finding
    checkov: Optional[Any] = None  # blueprint.checkov.CheckovResult; None when not run
    checkov_error: Optional[str] = None
    notes: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Any]:
        return [v for v in self.violations if v.enforcement == "mandatory"]

    @property
    def ok(self) -> bool:
        """No mandatory violation, and checkov ran with no unsuppressed failure."""
        if self.mandatory or self.checkov_error is not None:
            return False
        return self.checkov is None or self.checkov.ok

    def checkov_json(self) -> dict[str, Any]:
        if self.checkov is None:
            return {"ran": False, "error": self.checkov_error, "passed": 0, "failed": 0, "skipped": 0, "suppressed": 0,
                    "failed_checks": [], "suppressed_checks": []}
        data = self.checkov.to_json()
        data["ran"] = True
        return data

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's shape (``violations``, ``checkov``) plus context keys."""
        return {
            "stack": self.stack,
            "cloud": self.cloud,
            "jurisdiction": self.jurisdiction,
            "plan": self.plan_file,
            "resources": self.resources,
            "ok": self.ok,
            "violations": [{"policy": v.policy, "enforcement": v.enforcement, "urn": v.urn, "message": v.message,
                            "remediation": v.remediation, "type": v.resource_type, "name": v.resource_name}
                           for v in self.violations],
            "rules": [{"id": r.id, "enforcement": r.enforcement, "category": r.category, "scope": r.scope,
                       "description": r.description, "remediation": r.remediation} for r in self.rules],
            "checkov": self.checkov_json(),
            "notes": self.notes,
        }


def load_plan_file(path: Path) -> Plan:
    """A saved plan; ConfigError (exit 2) when it is missing or not a blueprint plan."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError([Problem("--plan", f"cannot read the plan file: {error.strerror or error}", str(path))], source="arguments") from None
    except json.JSONDecodeError as error:
        raise ConfigError([Problem("--plan", f"not JSON ({error.msg} at line {error.lineno}); save one with "
                                   "`blueprint plan --format json --out FILE`", str(path))], source="arguments") from None
    try:
        plan = Plan.from_json(data)
        for r in plan.resources:
            if not isinstance(r.urn, str) or not isinstance(r.type, str) or not isinstance(r.inputs, dict):
                raise ValueError(f"resource {r.urn!r} lacks urn/type/inputs")
    except (ValueError, TypeError, KeyError) as error:
        raise ConfigError([Problem("--plan", f"not a blueprint plan: {error}", str(path))], source="arguments") from None
    return plan


def stack_file_residency(stack_file: Path) -> Optional[str]:
    from blueprint.config import safe_yaml

    try:  # under the YAML bounds (size, UTF-8, aliases, duplicate keys): issue 16
        data = safe_yaml.load_file(stack_file) or {}
    except ConfigError:
        return None
    value = (data.get("config") or {}).get("blueprint:residency") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def resolve_jurisdiction(plan: Plan, explicit: Optional[str], stack_file: Optional[Path], project_dir: Path) -> str:
    """``--residency`` > the plan's own ``residency`` > the stack file (given, or
    ``stacks/Pulumi.<plan's stack>.yaml``). ConfigError when none is found or it is unknown."""
    from blueprint.catalogs.residency import JURISDICTIONS

    value, origin = explicit, "--residency"
    if value is None and plan.residency:
        value, origin = plan.residency, "the plan's residency"
    if value is None:
        candidates = [stack_file] if stack_file else []
        if plan.stack:
            from blueprint.project import stack_config_dir

            try:
                candidates.append(stack_config_dir(project_dir) / f"Pulumi.{plan.stack}.yaml")
            except (OSError, yaml.YAMLError):
                pass
        for candidate in candidates:
            if candidate and candidate.is_file():
                value, origin = stack_file_residency(candidate), f"blueprint:residency of {candidate}"
                if value:
                    break
    if not value:
        raise ConfigError([Problem("--residency", "cannot tell the stack's jurisdiction: the plan records none and no stack "
                                   "file was found; pass --residency CODE or --stack/--config")], source="arguments")
    if value not in JURISDICTIONS:
        raise ConfigError([Problem("--residency", f"unknown jurisdiction from {origin}; expected one of {', '.join(JURISDICTIONS)}", value)],
                          source="arguments")
    return value


READINESS_CATEGORY = "deploy-readiness"


def readiness_rules() -> list[Any]:
    """One mandatory rule per deploy-readiness check (blueprint.readiness.registry), so every report
    format lists them beside the policies (SARIF rules, JUnit test cases)."""
    from blueprint.readiness import registry

    rules = []
    for check_id, check in registry.CHECKS:
        doc = (sys.modules[check.__module__].__doc__ or check_id).strip().splitlines()[0]
        rules.append(RuleInfo(id=check_id, description=doc, enforcement="mandatory", category=READINESS_CATEGORY, scope="stack",
                              remediation="Change the value the message names so the rule it quotes holds (docs/plan.md, "
                                          "\"Deploy readiness\")."))
    return rules


def readiness_violations(plan: Plan) -> list[Any]:
    """Each deploy-readiness problem of ``plan`` as a mandatory violation: policy = the check's id."""
    from blueprint.readiness import readiness_problems

    return [Finding(policy=p.check, enforcement="mandatory", urn=p.urn, message=p.message,
                      remediation=f"satisfy: {p.rule}", resource_type=p.type, resource_name=p.name)
            for p in readiness_problems(plan)]


def run_check(
    plan: Plan,
    jurisdiction: str,
    *,
    project_dir: Path,
    plan_file: Optional[str] = None,
    checkov: bool = True,
    suppressions: Optional[Path] = None,
    checkov_bin: Optional[Path] = None,
) -> CheckReport:
    """The rules on ``plan`` and (unless ``checkov`` is False) checkov on its export. A checkov
    that cannot run is reported in ``checkov_error`` (the check then fails); an invalid
    suppressions file raises ConfigError.

    Speed (issue 15): checkov is the longest part and runs in its own process, so the plan is
    exported once, checkov is started on that export, and the rules run while it scans; its
    result is then collected. Still one real checkov scan of the exported plan per check."""
    report = CheckReport(stack=plan.stack, cloud=plan.cloud, jurisdiction=jurisdiction, plan_file=plan_file,
                         resources=len(plan.resources), rules=[], violations=[])
    from blueprint.progress import phase  # the CLI's progress display (a no-op when nobody listens)

    if not checkov:
        phase("policy rules")
        _run_rules(report, plan, jurisdiction)
        report.notes.append("checkov was not run (--skip-checkov)")
        return report
    from blueprint.checkov import CheckovError, apply_suppressions
    from blueprint.checkov.runner import start_checkov
    from blueprint.export import K8S_DIR, TFPLAN_FILE, export_plan

    entries = _suppression_entries(project_dir, suppressions)
    with tempfile.TemporaryDirectory(prefix="blueprint-check-") as tmp:
        running = None
        try:
            phase("export for checkov")
            exported = export_plan(plan, Path(tmp))
            report.notes += [f"export: {line}" for line in exported.summary_lines()[2:]]
            k8s = Path(tmp) / K8S_DIR
            running = start_checkov(Path(tmp) / TFPLAN_FILE, k8s if k8s.is_dir() else None, checkov_bin=checkov_bin)
        except CheckovError as error:
            report.checkov_error = str(error)
        try:
            phase("policy rules (checkov scanning)")
            _run_rules(report, plan, jurisdiction)
        except BaseException:
            if running is not None:
                running.kill()
            raise
        if running is not None:
            phase("checkov scan")
            try:
                report.checkov = apply_suppressions(running.wait(), entries)
            except CheckovError as error:
                report.checkov_error = str(error)
    return report


def _run_rules(report: CheckReport, plan: Plan, jurisdiction: str) -> None:
    """The policy rules and the deploy-readiness checks, into ``report``."""
    # The policy pack is found by its entry point (blueprint.check.pack): the core never imports it.
    pack = load_policy_pack()
    report.rules = list(pack.rules) + readiness_rules()
    report.violations = list(pack.evaluate(plan, jurisdiction)) + readiness_violations(plan)


def _suppression_entries(project_dir: Path, suppressions: Optional[Path]) -> list[Any]:
    """The checkov suppressions: the given file, else the project's default one if present."""
    from blueprint.checkov import SuppressionError, load_suppressions
    from blueprint.checkov.suppressions import DEFAULT_FILE

    path = suppressions if suppressions is not None else project_dir / DEFAULT_FILE
    try:
        return load_suppressions(path) if (suppressions is not None or path.is_file()) else []
    except SuppressionError as error:
        raise ConfigError([Problem("--suppressions", p, str(error.path)) for p in error.problems],
                          source="checkov suppressions file") from None

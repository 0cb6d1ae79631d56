"""``blueprint check``: the policy rules on a plan, checkov on its export, one report.

* :func:`load_plan_file` reads a plan saved by ``blueprint plan --format json``;
* :func:`resolve_jurisdiction` finds the stack's jurisdiction: its stack file's (the authority;
  ``blueprint.check.intent`` also gives the pack the stack's intent), else an unverified ``--residency``;
* :func:`run_check` runs the rules (``blueprint/policies``) and checkov (``blueprint.checkov``, from
  its isolated environment, on ``blueprint.export``'s files, with the checked-in suppressions);
* :mod:`blueprint.check.formats` prints the :class:`CheckReport` as text, JSON, SARIF or JUnit.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

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
    """A saved plan, through the one validated reader every ``--plan`` uses (blueprint/plan/saved.py,
    issue 16); ConfigError (exit 2) naming every problem when it is missing or not a blueprint plan."""
    from blueprint.plan.saved import read_saved_plan

    return read_saved_plan(Path(path))


def stack_file_residency(stack_file: Path) -> Optional[str]:
    from blueprint.config import safe_yaml

    try:  # under the YAML bounds (size, UTF-8, aliases, duplicate keys): issue 16
        data = safe_yaml.load_file(stack_file) or {}
    except ConfigError:
        return None
    value = (data.get("config") or {}).get("blueprint:residency") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def resolve_jurisdiction(plan: Plan, explicit: Optional[str], stack_file: Optional[Path], project_dir: Path) -> str:
    """The jurisdiction ``plan`` is checked against: the stack file's ``blueprint:residency`` (given, or
    ``stacks/Pulumi.<plan's stack>.yaml``), else ``--residency`` (then unverified: the CLI passes the
    intent, and the pack fails it with intent-unverified). Never the plan's own ``residency`` (issue 16:
    a tampered plan may declare "any"). ConfigError when none is found, it is unknown, or
    ``--residency`` contradicts the stack file (blueprint.check.intent.resolve_intent)."""
    from blueprint.check.intent import resolve_intent

    return resolve_intent(plan, explicit, None, stack_file, project_dir).residency


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
    intent: Any = None,
    replan: bool = False,
) -> CheckReport:
    """The rules on ``plan`` and (unless ``checkov`` is False) checkov on its export. A checkov
    that cannot run is reported in ``checkov_error`` (the check then fails); an invalid
    suppressions file raises ConfigError.

    Speed (issue 15): checkov is the longest part and runs in its own process, so the plan is
    exported once, checkov is started on that export, and the rules run while it scans; its
    result is then collected. Still one real checkov scan of the exported plan per check.

    ``intent`` (blueprint.check.intent.StackIntent; the CLI always passes it) is what the stack file
    requires: the pack then checks the plan against it (residency, tiers, presence: issue 16). Without
    it (older Python callers) the plan is checked on its own, as before.

    ``replan`` (the CLI sets it for ``--plan FILE``): the plan is a saved one, so the intent's stack file is
    re-planned and the two compared resource by resource (blueprint/check/replan.py, ``intent-replan``)."""
    report = CheckReport(stack=plan.stack, cloud=plan.cloud, jurisdiction=jurisdiction, plan_file=plan_file,
                         resources=len(plan.resources), rules=[], violations=[])
    from blueprint.progress import phase  # the CLI's progress display (a no-op when nobody listens)

    if not checkov:
        phase("policy rules")
        _run_rules(report, plan, jurisdiction, intent, project_dir if replan else None)
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
            _run_rules(report, plan, jurisdiction, intent, project_dir if replan else None)
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


def _run_rules(report: CheckReport, plan: Plan, jurisdiction: str, intent: Any = None,
               replan_dir: Optional[Path] = None) -> None:
    """The policy rules, the deploy-readiness checks and (a saved plan: ``replan_dir``, the project) the
    comparison with a fresh plan of its stack file, into ``report``."""
    from blueprint.check import replan

    # The policy pack is found by its entry point (blueprint.check.pack): the core never imports it.
    pack = load_policy_pack()
    report.rules = list(pack.rules) + [replan.RULE] + readiness_rules()
    fresh = replan.replan_findings(plan, intent, replan_dir) if replan_dir is not None else []
    report.violations = fresh + _evaluate(pack, plan, jurisdiction, intent) + readiness_violations(plan)


def _evaluate(pack: Any, plan: Plan, jurisdiction: str, intent: Any) -> list[Any]:
    """The pack's violations, checked against ``intent`` when there is one. A pack whose ``evaluate``
    takes no ``intent`` cannot verify the plan against the stack file: a mandatory finding, never a
    silent pass (issue 16)."""
    if intent is None:
        return list(pack.evaluate(plan, jurisdiction))
    import inspect

    if "intent" in inspect.signature(pack.evaluate).parameters:
        return list(pack.evaluate(plan, jurisdiction, intent=intent))
    return [*pack.evaluate(plan, jurisdiction), Finding(
        policy="intent-unverified", enforcement="mandatory", urn=None,
        message="the policy pack takes no stack intent: the plan's residency, tiers and resources are not verified "
                "against the stack file", remediation="use a policy pack whose evaluate() accepts intent=")]


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

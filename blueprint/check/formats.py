"""A :class:`~blueprint.check.CheckReport` as text, JSON, SARIF 2.1.0 or JUnit XML."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any, Optional

from blueprint.check import CheckReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
POLICY_TOOL = "blueprint-policies"
CHECKOV_TOOL = "checkov"
INFORMATION_URI = "https://github.com/blueprint/blueprint/blob/main/docs/policies.md"


def render(report: CheckReport, fmt: str, stack_file: Optional[str] = None) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(report, stack_file), indent=2) + "\n"
    if fmt == "junit":
        return to_junit(report)
    return to_text(report)


# ---- text --------------------------------------------------------------------------------------

def to_text(report: CheckReport) -> str:
    lines = [f"blueprint check: stack {report.stack or '?'} ({report.cloud or '?'}), jurisdiction {report.jurisdiction}, "
             f"{report.resources} planned resources, {len(report.rules)} policy rules"]
    mandatory = len(report.mandatory)
    advisory = len(report.violations) - mandatory
    lines.append(f"policies: {mandatory} mandatory violation(s), {advisory} advisory")
    for v in report.violations:
        lines.append(f"  [{v.enforcement}] {v.policy}: {v.message}")
        lines.append(f"      resource: {v.urn or '(the stack)'}")
        if v.remediation:
            lines.append(f"      fix: {v.remediation}")
    if report.checkov is not None:
        c = report.checkov
        lines.append(f"checkov {c.version or ''}: {len(c.passed)} passed, {len(c.failed)} failed, {len(c.skipped)} skipped, "
                     f"{len(c.suppressed)} suppressed ({c.resource_count} resources scanned)")
        for f in c.failed:
            lines.append(f"  [failed] {f.check_id} {f.check_name}: {f.resource}")
            lines.append(f"      resource: {f.urn or '(no Pulumi URN)'}")
            if f.guideline:
                lines.append(f"      guide: {f.guideline}")
        for s in c.suppressed:
            lines.append(f"  [suppressed] {s.check_id} {s.resource}: {s.suppression_reason}")
        for u in c.unused_suppressions:
            entry = u.to_json() if hasattr(u, "to_json") else u
            lines.append(f"  [unused suppression] {entry.get('check_id')} {entry.get('resource')}: matches no failure; remove it")
        for e in c.parsing_errors:
            lines.append(f"  [parsing error] {e}")
    elif report.checkov_error:
        lines.append(f"checkov could not run: {report.checkov_error}")
    for note in report.notes:
        lines.append(f"note: {note}")
    lines.append("result: " + ("PASS" if report.ok else "FAIL"))
    return "\n".join(lines) + "\n"


# ---- SARIF 2.1.0 -------------------------------------------------------------------------------

def _fingerprint(*parts: Optional[str]) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()


def _locations(urn: Optional[str], name: Optional[str], kind_type: Optional[str], artifact: str) -> list[dict[str, Any]]:
    logical: dict[str, Any] = {"fullyQualifiedName": urn or "(stack)", "kind": "resource"}
    if name:
        logical["name"] = name
    if kind_type:
        logical["decoratedName"] = kind_type
    return [{
        # GitHub code scanning needs a physical location: the stack file the resource comes from.
        "physicalLocation": {"artifactLocation": {"uri": artifact}, "region": {"startLine": 1}},
        "logicalLocations": [logical],
    }]


def to_sarif(report: CheckReport, stack_file: Optional[str] = None) -> dict[str, Any]:
    artifact = stack_file or f"stacks/Pulumi.{report.stack}.yaml"
    rule_index = {r.id: i for i, r in enumerate(report.rules)}
    policy_rules = [{
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.description[:200]},
        "fullDescription": {"text": r.description},
        "help": {"text": r.remediation, "markdown": f"**Fix:** {r.remediation}"},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": "error" if r.enforcement == "mandatory" else "warning"},
        "properties": {"enforcement": r.enforcement, "category": r.category, "tags": ["security", r.category]},
    } for r in report.rules]
    policy_results = [{
        "ruleId": v.policy,
        "ruleIndex": rule_index.get(v.policy, 0),
        "level": "error" if v.enforcement == "mandatory" else "warning",
        "message": {"text": f"{v.message} (fix: {v.remediation})" if v.remediation else v.message},
        "locations": _locations(v.urn, v.resource_name, v.resource_type, artifact),
        "partialFingerprints": {"blueprintPolicy/v1": _fingerprint(v.policy, v.urn, v.message)},
        "properties": {"enforcement": v.enforcement, "urn": v.urn},
    } for v in report.violations]
    runs: list[dict[str, Any]] = [{
        "tool": {"driver": {"name": POLICY_TOOL, "informationUri": INFORMATION_URI, "rules": policy_rules}},
        "automationDetails": {"id": f"blueprint-check/{report.stack}/policies/"},
        "results": policy_results,
        "properties": {"stack": report.stack, "jurisdiction": report.jurisdiction},
    }]
    if report.checkov is not None:
        c = report.checkov
        findings = [(f, None) for f in c.failed] + [(s, s.suppression_reason) for s in c.suppressed]
        ids: list[str] = []
        names: dict[str, tuple[str, Optional[str]]] = {}
        for f, _ in findings:
            if f.check_id not in names:
                ids.append(f.check_id)
                names[f.check_id] = (f.check_name, f.guideline)
        checkov_rules = []
        for check_id in ids:
            name, guideline = names[check_id]
            rule: dict[str, Any] = {"id": check_id, "name": check_id, "shortDescription": {"text": name or check_id},
                                    "defaultConfiguration": {"level": "error"}}
            if guideline:
                rule["helpUri"] = guideline
            checkov_rules.append(rule)
        results = []
        for f, reason in findings:
            result: dict[str, Any] = {
                "ruleId": f.check_id,
                "ruleIndex": ids.index(f.check_id),
                "level": "error",
                "message": {"text": f"{f.check_name or f.check_id}: {f.resource}"},
                "locations": _locations(f.urn, f.resource, None, artifact),
                "partialFingerprints": {"blueprintCheckov/v1": _fingerprint(f.check_id, f.urn or f.resource)},
                "properties": {"resource": f.resource, "urn": f.urn, "framework": f.framework},
            }
            if reason is not None:
                result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason}]
            results.append(result)
        driver: dict[str, Any] = {"name": CHECKOV_TOOL, "informationUri": "https://www.checkov.io/", "rules": checkov_rules}
        if c.version:
            driver["version"] = c.version
        runs.append({
            "tool": {"driver": driver},
            "automationDetails": {"id": f"blueprint-check/{report.stack}/checkov/"},
            "results": results,
            "properties": {"passed": len(c.passed), "failed": len(c.failed), "skipped": len(c.skipped),
                           "suppressed": len(c.suppressed)},
        })
    return {"version": SARIF_VERSION, "$schema": SARIF_SCHEMA, "runs": runs}


# ---- JUnit XML ---------------------------------------------------------------------------------

def to_junit(report: CheckReport) -> str:
    suites = ET.Element("testsuites", name=f"blueprint check {report.stack}")
    policy = ET.SubElement(suites, "testsuite", name=POLICY_TOOL)
    tests = failures = 0
    by_rule: dict[str, list[Any]] = {}
    for v in report.violations:
        by_rule.setdefault(v.policy, []).append(v)
    for r in report.rules:
        found = by_rule.get(r.id, [])
        if not found:
            ET.SubElement(policy, "testcase", classname=f"{POLICY_TOOL}.{r.category}", name=r.id)
            tests += 1
            continue
        for v in found:
            case = ET.SubElement(policy, "testcase", classname=f"{POLICY_TOOL}.{r.category}", name=f"{r.id} {v.urn or '(stack)'}")
            tests += 1
            if v.enforcement == "mandatory":
                failure = ET.SubElement(case, "failure", message=v.message, type=v.enforcement)
                failure.text = f"{v.message}\nresource: {v.urn}\nfix: {v.remediation}"
                failures += 1
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"advisory: {v.message}\nfix: {v.remediation}"
    policy.set("tests", str(tests))
    policy.set("failures", str(failures))
    policy.set("errors", "0")
    policy.set("skipped", "0")

    checkov = ET.SubElement(suites, "testsuite", name=CHECKOV_TOOL)
    c_tests = c_failures = c_skipped = c_errors = 0
    if report.checkov is not None:
        c = report.checkov
        for kind, checks in (("passed", c.passed), ("failed", c.failed), ("skipped", c.skipped), ("suppressed", c.suppressed)):
            for f in checks:
                case = ET.SubElement(checkov, "testcase", classname=f"{CHECKOV_TOOL}.{f.check_id}", name=f"{f.check_id} {f.resource}")
                c_tests += 1
                if kind == "failed":
                    failure = ET.SubElement(case, "failure", message=f"{f.check_id} {f.check_name}", type="checkov")
                    failure.text = f"{f.check_name}\nresource: {f.resource}\nurn: {f.urn}\nguide: {f.guideline or '-'}"
                    c_failures += 1
                elif kind in ("skipped", "suppressed"):
                    ET.SubElement(case, "skipped", message=f.suppression_reason or "skipped by checkov")
                    c_skipped += 1
        for e in c.parsing_errors:
            case = ET.SubElement(checkov, "testcase", classname=f"{CHECKOV_TOOL}.parsing", name=str(e))
            ET.SubElement(case, "error", message=f"checkov could not parse {e}")
            c_tests += 1
            c_errors += 1
    else:
        case = ET.SubElement(checkov, "testcase", classname=f"{CHECKOV_TOOL}.run", name="checkov")
        c_tests += 1
        if report.checkov_error:
            ET.SubElement(case, "error", message=report.checkov_error)
            c_errors += 1
        else:
            ET.SubElement(case, "skipped", message="checkov was not run (--skip-checkov)")
            c_skipped += 1
    checkov.set("tests", str(c_tests))
    checkov.set("failures", str(c_failures))
    checkov.set("errors", str(c_errors))
    checkov.set("skipped", str(c_skipped))
    suites.set("tests", str(tests + c_tests))
    suites.set("failures", str(failures + c_failures))
    suites.set("errors", str(c_errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"

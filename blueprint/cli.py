"""The ``blueprint`` command line (DESIGN.md, "CLI contract").

Exit codes: 0 ok; 1 the check found problems (or the program failed); 2 invalid input.
"""

from __future__ import annotations

import io
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from blueprint.cli_support import EXIT_INVALID, EXIT_PROBLEMS, fail_invalid, fail_program, load_plan, saved_or_planned, err
from blueprint.cli_support import progress_for, text_console
from blueprint.cli_support import check_out_dir, check_out_file, write_out
from blueprint.progress import phase
from blueprint import interrupt
from blueprint.config.errors import ConfigError, Problem

# The group turns Ctrl-C / SIGTERM into "interrupted" and exit 130 / 143 (blueprint/interrupt.py, issue 16).
app = typer.Typer(cls=interrupt.typer_group(), add_completion=False, no_args_is_help=True,
                  help="Resilient AI platform infrastructure, by tier.")
class PlanFormat(str, Enum):
    table = "table"
    json = "json"


StackOption = typer.Option(None, "--stack", "-s", help="Stack name: reads stacks/Pulumi.NAME.yaml.")
ConfigOption = typer.Option(None, "--config", "-c", help="Any stack file, anywhere on disk.", dir_okay=False)
ProjectOption = typer.Option(None, "--project-dir", help="Folder of Pulumi.yaml (default: found from the working directory).", file_okay=False)


@app.command()
def plan(
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    format: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="table or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the plan to this file instead of stdout.", dir_okay=False),
    project_dir: Optional[Path] = ProjectOption,
) -> None:
    """Plan a stack offline: run the real program under the Pulumi SDK's mocks and print the resources."""
    from blueprint.plan.render import render_table
    from blueprint.plan.run import plan_stack
    from blueprint.project import find_project_dir, resolve_stack
    from blueprint.readiness import readiness_problems

    check_out_file(out)  # before the plan: a bad --out is known now, not after it (exit 2)
    try:
        with progress_for(machine_readable=format is PlanFormat.json, out=out):
            phase("load the stack file")
            root = project_dir.resolve() if project_dir else find_project_dir()
            ref = resolve_stack(root, stack, config)
            planned = plan_stack(root, ref)
            phase("check deploy readiness")
            problems = readiness_problems(planned)
    except ConfigError as error:
        raise fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise fail_program(error) from None
    if format is PlanFormat.json:
        from blueprint.plan.render import plan_json

        text = json.dumps(plan_json(planned), indent=2, sort_keys=False)
        if out:
            write_out(out, text + "\n")
            err.print(f"wrote {len(planned.resources)} resources to {out}", markup=False)
        else:
            sys.stdout.write(text + "\n")
    elif out:
        buffer = io.StringIO()
        render_table(planned, Console(file=buffer, width=160, emoji=False, markup=False))
        write_out(out, buffer.getvalue())
        err.print(f"wrote the plan table to {out}", markup=False)
    else:
        render_table(planned, text_console())
    _warn_placeholders(planned)
    _warn_cpu_only_scaling(root, ref)
    _report_readiness(problems)


def _warn_cpu_only_scaling(root, ref) -> None:
    """Served workloads without service.requestsPerSecondPerPod (blueprint.config.advice): stderr only."""
    from blueprint.config.advice import cpu_only_scaling_warnings
    from blueprint.plan.run import load_stack
    from blueprint.project import is_blueprint_project

    if not is_blueprint_project(root):  # a hand-composed project has no workloads to advise on
        return
    config, _, _ = load_stack(root, ref)  # validated already by plan_stack: cannot raise here
    for line in cpu_only_scaling_warnings(config):
        err.print(line, markup=False)


def _warn_placeholders(planned) -> None:
    """Placeholder deployer CIDRs (blueprint.check.placeholders): a warning on stderr, same exit code."""
    from blueprint.check.placeholders import placeholder_warning

    warning = placeholder_warning(planned)
    if warning:
        err.print(warning, markup=False)


def _report_readiness(problems) -> None:
    """Deploy readiness (blueprint.readiness, found while planning): what a real `pulumi up` would
    reject, on stderr after the plan (which is still written); exit 1 when there is any."""
    for problem in problems:
        err.print(f"deploy readiness [{problem.check}]: {problem.message}", markup=False)
        err.print(f"    resource: {problem.urn}", markup=False)
    if problems:
        err.print(f"{len(problems)} deploy-readiness problem(s): a real `pulumi up` would fail or leave this broken "
                  "(docs/plan.md, \"Deploy readiness\")", markup=False)
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write tfplan.json, k8s/ and export.json into: replaced whole at the end, so an interrupted export leaves the previous one.", file_okay=False),
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="Export a plan saved by `blueprint plan --format json` instead of planning.", dir_okay=False),
    project_dir: Optional[Path] = ProjectOption,
) -> None:
    """Export the plan as Terraform-plan JSON (tfplan.json, for checkov) and Kubernetes manifests (k8s/)."""
    from blueprint.export import export_plan, foreign_entries

    check_out_dir(out)  # before the plan (exit 2)
    others = foreign_entries(out)  # the export is swapped in whole: a folder of other files would lose them
    if others:
        raise fail_invalid(ConfigError([Problem("--out", f"the folder holds files that are not an export ({', '.join(others[:10])}); "
                                                "give an empty folder or a previous export's", str(out))], source="arguments"))
    with progress_for():  # the files go to --out: stdout/stderr carry only the summary
        planned = saved_or_planned(plan_file, stack, config, project_dir)
        phase("export tfplan.json and Kubernetes manifests")
        try:
            result = export_plan(planned, out)
        except OSError as error:
            raise fail_invalid(ConfigError([Problem("--out", f"cannot write the export: {error}", str(out))], source="arguments")) from None
    for line in result.summary_lines():
        err.print(line, markup=False)


class ResilienceFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def resilience(
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="Analyse a plan saved by `blueprint plan --format json` instead of planning (targets: the tiers', or the stack's when --stack/--config is given too).", dir_okay=False),
    format: ResilienceFormat = typer.Option(ResilienceFormat.text, "--format", "-f", help="text or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report to this file instead of stdout.", dir_okay=False),
    project_dir: Optional[Path] = ProjectOption,
    drills: Optional[Path] = typer.Option(None, "--drills", help="Measured figures written by `blueprint drill record` (default: drills/<stack>.yaml at the project root, when it exists).", dir_okay=False),
    no_drills: bool = typer.Option(False, "--no-drills", help="Ignore recorded drills: the modeled figures only."),
) -> None:
    """Modeled RTO/RPO per workload from the planned settings, zone and region loss, single points of failure.

    Exit 1 when a workload misses its tier's target or has a single point of failure its tier forbids."""
    from blueprint.analysis import analyse, failed, render_text, targets_from_config
    from blueprint.drill.record import drills_file, read_recorded
    from blueprint.plan.engine import plan_project
    from blueprint.plan.run import load_stack
    from blueprint.project import find_project_dir, resolve_stack

    check_out_file(out)  # before the plan (exit 2)
    with progress_for(machine_readable=format is ResilienceFormat.json, out=out):
        try:
            targets = None
            phase("read the saved plan" if plan_file is not None else "load the stack file")
            planned = load_plan(plan_file) if plan_file is not None else None
            if planned is None or stack is not None or config is not None:
                root = project_dir.resolve() if project_dir else find_project_dir()
                ref = resolve_stack(root, stack, config)
                stack_config, values, secrets = load_stack(root, ref)
                targets = targets_from_config(stack_config)
                if planned is None:
                    planned = plan_project(root, ref.name, values, secrets)
                if drills is None and not no_drills:
                    drills = drills_file(root, ref.name)
            recorded = None if no_drills else read_recorded(drills)
        except ConfigError as error:
            raise fail_invalid(error) from None
        except Exception as error:  # noqa: BLE001 - reported without a traceback
            raise fail_program(error) from None
        try:
            phase("analyse zone and region loss")
            report = analyse(planned, targets, drill=recorded)
        except ValueError as error:
            raise fail_invalid(ConfigError([Problem("--plan", str(error))], source="arguments")) from None
    if format is ResilienceFormat.json:
        text = json.dumps(report, indent=2) + "\n"
        if out:
            write_out(out, text)
        else:
            sys.stdout.write(text)
    elif out:
        buffer = io.StringIO()
        render_text(report, Console(file=buffer, width=200, emoji=False, markup=False))
        write_out(out, buffer.getvalue())
    else:
        render_text(report, text_console())
    if failed(report):
        raise typer.Exit(EXIT_PROBLEMS)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"


@app.command()
def check(
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    plan_file: Optional[Path] = typer.Option(None, "--plan", "-p", help="Check a plan saved by `blueprint plan --format json` instead of planning.", dir_okay=False),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text, json, sarif (2.1.0) or junit."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report to this file instead of stdout.", dir_okay=False),
    project_dir: Optional[Path] = ProjectOption,
    residency: Optional[str] = typer.Option(None, "--residency", help="Jurisdiction when no stack file states one: a saved plan whose stack file is unknown (checked unverified, which always fails: intent-unverified), or a hand-composed program's stack file; refused when it contradicts the stack file's blueprint:residency (the authority)."),
    suppressions: Optional[Path] = typer.Option(None, "--suppressions", help="checkov suppressions file (default: policies/checkov-suppressions.yaml).", dir_okay=False),
    skip_checkov: bool = typer.Option(False, "--skip-checkov", help="Run the policy rules only (local iteration; CI always runs checkov)."),
) -> None:
    """Run the policy rules on the plan and checkov on its export; exit 1 on a mandatory violation or an unsuppressed checkov failure."""
    from blueprint.check import load_plan_file, run_check
    from blueprint.check.intent import resolve_intent
    from blueprint.check.formats import render
    from blueprint.project import find_project_dir, resolve_stack

    check_out_file(out)  # before the plan and checkov (exit 2)
    try:
        with progress_for(machine_readable=format is not CheckFormat.text, out=out):
            phase("read the saved plan" if plan_file is not None else "load the stack file")
            root = project_dir.resolve() if project_dir else find_project_dir()
            ref = resolve_stack(root, stack, config) if (stack is not None or config is not None or plan_file is None) else None
            if plan_file is not None:
                planned = load_plan_file(plan_file)
            else:
                from blueprint.plan.run import plan_stack

                assert ref is not None
                planned = plan_stack(root, ref)
            # The stack file, not the plan, is the authority (issue 16; blueprint.check.intent).
            intent = resolve_intent(planned, residency, ref.name if ref else None, ref.file if ref else None, root)
            jurisdiction = intent.residency
            checkov_bin = None
            local = root / ".venv-checkov" / "bin" / "checkov"
            if not os.environ.get("BLUEPRINT_CHECKOV") and local.is_file():
                checkov_bin = local
            report = run_check(planned, jurisdiction, project_dir=root, plan_file=str(plan_file) if plan_file else None,
                               checkov=not skip_checkov, suppressions=suppressions, checkov_bin=checkov_bin, intent=intent,
                               replan=plan_file is not None)  # a saved plan: compared with its stack file's plan
    except ConfigError as error:
        raise fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise fail_program(error) from None
    stack_file = None
    if ref is not None:
        try:
            stack_file = str(ref.file.resolve().relative_to(root))
        except ValueError:
            stack_file = str(ref.file)
    text = render(report, format.value, stack_file=stack_file)
    if out:
        write_out(out, text)
        err.print(f"wrote the {format.value} report to {out}: " + ("PASS" if report.ok else "FAIL"), markup=False)
    else:
        sys.stdout.write(text)
    if report.checkov_error:
        err.print(f"error: checkov could not run: {report.checkov_error}", markup=False)
    _warn_placeholders(planned)
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def rebuild(
    lost_region: str = typer.Option(..., "--lost-region", help="The region that is lost (one of the stack's regions)."),
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Directory for Pulumi.<stack>.yaml and runbook.md (default ./rebuild-<stack>-<region>/).", file_okay=False),
    new_secondary: Optional[str] = typer.Option(None, "--new-secondary", help="Pick the new secondary yourself (default: first region of the jurisdiction that validates)."),
    project_dir: Optional[Path] = ProjectOption,
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out folder, overwriting its Pulumi.<stack>.yaml and runbook.md (refused without it)."),
) -> None:
    """After losing a region: the promoted stack file (survivor primary, new secondary in the jurisdiction) and a runbook.

    Exit 1 when no promoted stack file validates (the runbook says what must be decided)."""
    from blueprint.project import find_project_dir, resolve_stack
    from blueprint.cli_support import check_no_overwrite
    from blueprint.rebuild import default_out_dir, output_files
    from blueprint.rebuild import rebuild as run_rebuild

    check_out_dir(out)  # before the plans (exit 2)
    try:
        with progress_for():  # text on stdout: the display may show on stderr
            root = project_dir.resolve() if project_dir else find_project_dir()
            ref = resolve_stack(root, stack, config)
            out = out or default_out_dir(ref.name, lost_region)
            check_no_overwrite(out, output_files(ref.name), force)  # needs the stack's name; still before the plans
            result = run_rebuild(root, ref, lost_region, out, new_secondary)
    except ConfigError as error:
        raise fail_invalid(error) from None
    except Exception as error:  # noqa: BLE001 - reported without a traceback
        raise fail_program(error) from None
    p = result.promotion
    print(f"stack {p.stack}: lost {p.lost} ({p.lost_role}); primary after rebuild: {p.survivor or 'none'}; "
          f"new secondary: {p.new_secondary or 'NONE'}")
    if result.stack_file:
        print(f"wrote {result.stack_file} (validates and plans)")
    print(f"wrote {result.runbook}")
    if not result.ok:
        for line in ([result.error] if result.error else []) + [f"problem: {x}" for x in p.problems] + [f"option: {x}" for x in p.decisions]:
            err.print(line, markup=False)
        err.print("no promoted stack file written: a decision is needed (see the runbook)", markup=False)
        raise typer.Exit(EXIT_PROBLEMS)


class AuditFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def audit(
    stack: Optional[str] = StackOption,
    config: Optional[Path] = ConfigOption,
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="Audit against a plan saved by `blueprint plan --format json` instead of planning.", dir_okay=False),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="AWS endpoint (e.g. a test emulator); default: the real AWS endpoints."),
    recent_hours: float = typer.Option(24.0, "--recent-hours", help="A completed recovery point must exist within this many hours."),
    format: AuditFormat = typer.Option(AuditFormat.text, "--format", "-f", help="text or json."),
    project_dir: Optional[Path] = ProjectOption,
) -> None:
    """Compare a live AWS account (credentials from the environment) with the plan; exit 1 on anything missing or drifted
    (two buckets carrying one vault's Name tag count as drift)."""
    from blueprint.audit import AccessError, failed, render_json, render_text
    from blueprint.audit import audit as run_audit
    from blueprint.audit.options import check_recent_hours

    try:
        check_recent_hours(recent_hours)  # before planning or calling AWS
    except ConfigError as error:
        raise fail_invalid(error) from None
    planned = saved_or_planned(plan_file, stack, config, project_dir)
    try:
        findings = run_audit(planned, endpoint_url, recent_hours)
    except (AccessError, ValueError) as error:
        err.print(f"error: {error}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    sys.stdout.write(render_json(planned, findings) if format is AuditFormat.json else render_text(planned, findings))
    if failed(findings):
        raise typer.Exit(EXIT_PROBLEMS)


def _register_drill() -> None:
    from blueprint.drill.cli import drill_app

    app.add_typer(drill_app, name="drill")


_register_drill()


def _register_queue() -> None:
    from blueprint.queue.cli import queue_app

    app.add_typer(queue_app, name="queue")


_register_queue()


def _register_diagram() -> None:
    from blueprint.diagram.command import diagram

    app.command(name="diagram")(diagram)


_register_diagram()


def _print_version(value: bool) -> None:
    """``--version``: the installed distribution's version (blueprint.__version__), then exit 0."""
    if value:
        from blueprint import __version__

        sys.stdout.write(f"blueprint {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the installed version and exit."),
) -> None:
    """blueprint: a typed description of AI workloads -> resilient infrastructure on AWS and GCP."""


def run() -> None:
    """Console-script entry point: usage errors exit 2 (click), never with a traceback; SIGINT and
    SIGTERM exit 130 and 143 (blueprint/interrupt.py)."""
    import blueprint.plan

    interrupt.install()
    blueprint.plan.freeze_after_plans = True  # a short-lived process: see blueprint/plan/__init__.py
    try:
        app()
    finally:
        # After a signal: end now, not after the threads an abandoned plan still runs (interpreter
        # shutdown would join the SDK's executor threads); a swallowed interrupt still exits 130.
        interrupt.exit_now()
        # Speed (issue 15, benchmarks/README.md): the process is about to exit, and the interpreter's
        # shutdown collection would scan the whole heap a plan leaves (~1M objects, 1.5-2 s for
        # prod) to free memory the OS reclaims anyway. Frozen objects are skipped by it; output
        # streams are still flushed and atexit handlers still run.
        import gc

        gc.freeze()


if __name__ == "__main__":
    run()

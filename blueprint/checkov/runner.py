"""Run checkov, from its own virtual environment, on an exported plan and read its findings.

checkov pins versions that conflict with pulumi's (packaging, boto3), so it is never imported
here: ``make setup`` (or ``make checkov``) creates ``.venv-checkov`` with checkov pinned by
``constraints-checkov.txt``, and this module runs ``.venv-checkov/bin/checkov`` as a subprocess
(``$BLUEPRINT_CHECKOV`` or the ``checkov_bin`` argument point elsewhere).

The run is offline: ``--skip-download`` plus ``BC_SKIP_MAPPING=TRUE`` (no policy metadata or
guideline download from the Prisma Cloud platform), ``CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE`` (no
PyPI version check), and the platform's API key variables removed from its environment (nothing
is uploaded). ``--soft-fail`` keeps the exit code 0 when checks fail, so a non-zero exit always
means checkov itself failed. Its JSON report (``-o json``) is parsed into :class:`CheckovResult`,
each finding mapped back to the Pulumi URN through the export's address table.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

CHECKOV_VENV = ".venv-checkov"
ENV_CHECKOV = "BLUEPRINT_CHECKOV"
FRAMEWORK_TERRAFORM_PLAN = "terraform_plan"
FRAMEWORK_KUBERNETES = "kubernetes"
# Environment checkov reads to talk to the Prisma Cloud platform: never passed on.
_PLATFORM_VARIABLES = ("BC_API_KEY", "PRISMA_API_URL", "BC_API_URL", "BC_SOURCE", "BC_REPO_ID")
_OFFLINE = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE", "ANSI_COLORS_DISABLED": "1"}


class CheckovError(RuntimeError):
    """checkov could not be run, or did not produce a report."""


class CheckovNotInstalled(CheckovError, FileNotFoundError):
    """The isolated checkov environment is missing."""


@dataclass(frozen=True)
class CheckResult:
    """One check on one resource."""

    check_id: str
    check_name: str
    resource: str  # Terraform address (terraform_plan) or Kind.namespace.name (kubernetes)
    urn: Optional[str]  # the Pulumi resource it came from, when known
    framework: str
    file: str
    guideline: Optional[str] = None
    severity: Optional[str] = None
    suppression_reason: Optional[str] = None  # set on failures moved to ``suppressed``

    def to_json(self) -> dict[str, Any]:
        data = {"check_id": self.check_id, "check_name": self.check_name, "resource": self.resource, "urn": self.urn,
                "framework": self.framework, "file": self.file, "guideline": self.guideline, "severity": self.severity}
        if self.suppression_reason is not None:
            data["suppression_reason"] = self.suppression_reason
        return data


@dataclass
class CheckovResult:
    """checkov's findings. ``failed`` holds the unsuppressed failures only; failures a
    suppression entry covers are in ``suppressed`` (see blueprint.checkov.suppressions)."""

    version: str
    passed: list[CheckResult] = field(default_factory=list)
    failed: list[CheckResult] = field(default_factory=list)
    skipped: list[CheckResult] = field(default_factory=list)  # skipped by checkov itself
    suppressed: list[CheckResult] = field(default_factory=list)
    unused_suppressions: list[Any] = field(default_factory=list)  # Suppression entries that matched nothing
    parsing_errors: list[str] = field(default_factory=list)
    resource_count: int = 0
    command: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No unsuppressed failure and nothing checkov could not parse."""
        return not self.failed and not self.parsing_errors

    def summary(self) -> dict[str, int]:
        return {"passed": len(self.passed), "failed": len(self.failed), "skipped": len(self.skipped),
                "suppressed": len(self.suppressed), "parsing_errors": len(self.parsing_errors)}

    def to_json(self) -> dict[str, Any]:
        """The ``checkov`` part of ``blueprint check --format json`` (DESIGN.md, CLI contract)."""
        return {
            **self.summary(),
            "version": self.version,
            "failed_checks": [c.to_json() for c in self.failed],
            "suppressed_checks": [c.to_json() for c in self.suppressed],
            "unused_suppressions": [s.to_json() if hasattr(s, "to_json") else s for s in self.unused_suppressions],
        }


def find_checkov(checkov_bin: Optional[os.PathLike | str] = None, project_dir: Optional[Path] = None) -> Path:
    """The checkov executable: ``checkov_bin``, else ``$BLUEPRINT_CHECKOV``, else
    ``<project>/.venv-checkov/bin/checkov``. Raises CheckovNotInstalled naming the missing path
    and the fix."""
    if checkov_bin is not None:
        path, origin = Path(checkov_bin), "the checkov_bin argument"
    elif os.environ.get(ENV_CHECKOV):
        path, origin = Path(os.environ[ENV_CHECKOV]), f"${ENV_CHECKOV}"
    else:
        root = project_dir or _project_dir()
        path, origin = root / CHECKOV_VENV / "bin" / "checkov", f"the project's {CHECKOV_VENV}"
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise CheckovNotInstalled(
            f"checkov is not installed: {path} ({origin}) does not exist or is not executable. "
            f"Run `make setup` (or `make checkov`) in the project directory to create {CHECKOV_VENV} "
            f"with the pinned checkov, or set {ENV_CHECKOV} to a checkov executable."
        )
    return path


def _project_dir() -> Path:
    from blueprint.project import find_project_dir

    try:
        return find_project_dir()
    except Exception:  # noqa: BLE001 - outside a checkout: the source tree this module belongs to
        return Path(__file__).resolve().parents[2]


def checkov_command(checkov: Path, tfplan_path: Optional[Path], k8s_dir: Optional[Path]) -> list[str]:
    frameworks: list[str] = []
    command = [str(checkov)]
    if tfplan_path is not None:
        command += ["--file", str(tfplan_path)]
        frameworks.append(FRAMEWORK_TERRAFORM_PLAN)
    if k8s_dir is not None:
        command += ["--directory", str(k8s_dir)]
        frameworks.append(FRAMEWORK_KUBERNETES)
    return command + ["--framework", *frameworks, "--output", "json", "--skip-download", "--soft-fail"]


def run_checkov(
    tfplan_path: os.PathLike | str,
    k8s_dir: Optional[os.PathLike | str] = None,
    *,
    checkov_bin: Optional[os.PathLike | str] = None,
    urn_map: Optional[Mapping[str, str]] = None,
    project_dir: Optional[os.PathLike | str] = None,
    timeout: float = 900,
) -> CheckovResult:
    """Scan ``tfplan_path`` (terraform_plan) and, when it holds manifests, ``k8s_dir``
    (kubernetes) with checkov. ``urn_map`` maps Terraform addresses and manifest file names to
    URNs; by default it is read from the ``export.json`` beside ``tfplan_path``. checkov is
    found by :func:`find_checkov` (``project_dir``: where ``.venv-checkov`` is; default the
    checkout found from the working directory)."""
    return start_checkov(tfplan_path, k8s_dir, checkov_bin=checkov_bin, urn_map=urn_map, project_dir=project_dir,
                         timeout=timeout).wait()


def start_checkov(
    tfplan_path: os.PathLike | str,
    k8s_dir: Optional[os.PathLike | str] = None,
    *,
    checkov_bin: Optional[os.PathLike | str] = None,
    urn_map: Optional[Mapping[str, str]] = None,
    project_dir: Optional[os.PathLike | str] = None,
    timeout: float = 900,
) -> "RunningCheckov":
    """Start the scan :func:`run_checkov` describes and return at once, so the caller can do other
    work (``blueprint check`` runs the policy rules) while checkov runs in its own process;
    :meth:`RunningCheckov.wait` returns its result. Problems found before the start (no plan file,
    no checkov) raise here."""
    tfplan = Path(tfplan_path)
    if not tfplan.is_file():
        raise CheckovError(f"no Terraform plan to scan at {tfplan}: run `blueprint export --out DIR` first")
    k8s = Path(k8s_dir) if k8s_dir is not None else None
    if k8s is not None and not any(p.suffix in (".yaml", ".yml") for p in k8s.glob("*")):
        k8s = None  # an empty manifests directory: nothing for the kubernetes framework
    checkov = find_checkov(checkov_bin, Path(project_dir) if project_dir is not None else None)
    if urn_map is None:
        urn_map = _urn_map(tfplan.parent / "export.json")
    return RunningCheckov(checkov_command(checkov, tfplan, k8s), dict(urn_map), timeout)


class RunningCheckov:
    """A checkov process started by :func:`start_checkov`. Its report goes to an anonymous temporary
    file, not a pipe: a report of several MB never blocks checkov while the caller is busy."""

    def __init__(self, command: list[str], urn_map: Mapping[str, str], timeout: float):
        self.command = command
        self._urn_map = urn_map
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._stdout = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in _PLATFORM_VARIABLES}
        env.update(_OFFLINE)
        try:
            # A process group of its own (issue 16): checkov runs its scans in worker processes, and an
            # interrupt must end them all (kill() signals the whole group). A terminal's Ctrl-C then
            # reaches blueprint only, which ends checkov itself. (Popen's process_group: setpgid(0, 0) in
            # the child, Python 3.11+, https://docs.python.org/3/library/subprocess.html#subprocess.Popen;
            # requires-python >= 3.11.)
            self._process = subprocess.Popen(command, stdout=self._stdout, stderr=self._stderr, text=True, env=env,
                                             process_group=0)
        except OSError as error:
            self._close()
            raise CheckovError(f"checkov could not be started: {' '.join(command)}: {error}") from error

    def wait(self) -> CheckovResult:
        """Wait for checkov (within the timeout counted from the start) and parse its report.
        CheckovError when it fails, times out or prints no JSON report."""
        try:
            try:
                code = self._process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired as error:
                self._kill_group()
                raise CheckovError(f"checkov did not finish within {self._timeout:.0f} s: {' '.join(self.command)}") from error
            except BaseException:  # Ctrl-C / SIGTERM while waiting (blueprint/interrupt.py): no checkov left behind
                self._kill_group()
                raise
            stdout, stderr = self._read(self._stdout), self._read(self._stderr)
        finally:
            self._close()
        if code != 0:
            raise CheckovError(f"checkov failed (exit {code}): {' '.join(self.command)}\n{_tail(stderr or stdout)}")
        try:
            report = json.loads(stdout)
        except json.JSONDecodeError as error:
            raise CheckovError(f"checkov printed no JSON report: {' '.join(self.command)}\n{_tail(stdout + stderr)}") from error
        result = parse_report(report, self._urn_map)
        result.command = self.command
        return result

    def kill(self) -> None:
        """Stop checkov and its workers (the caller failed, or was interrupted, before it needed the result)."""
        self._kill_group()
        self._close()

    def _kill_group(self) -> None:
        """SIGKILL checkov's process group (checkov and the workers it forked), then reap checkov. Only
        while checkov is not reaped yet: its pid (the group's id) stays reserved until then, never
        reused by an unrelated process."""
        if self._process.returncode is not None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):  # the group is gone already
            pass
        self._process.wait()

    @staticmethod
    def _read(handle: Any) -> str:
        handle.seek(0)
        return handle.read()

    def _close(self) -> None:
        for handle in (self._stdout, self._stderr):
            if not handle.closed:
                handle.close()


def parse_report(report: Any, urn_map: Optional[Mapping[str, str]] = None) -> CheckovResult:
    """checkov's ``-o json`` output (one report object, a list of them, or the bare summary it
    prints when there was nothing to scan) -> CheckovResult."""
    urn_map = urn_map or {}
    reports = report if isinstance(report, list) else [report]
    result = CheckovResult(version="")
    for item in reports:
        if not isinstance(item, dict):
            continue
        summary = item.get("summary", item)
        result.version = result.version or str(summary.get("checkov_version", ""))
        result.resource_count += int(summary.get("resource_count", 0) or 0)
        framework = str(item.get("check_type", ""))
        results = item.get("results") or {}
        for key, bucket in (("passed_checks", result.passed), ("failed_checks", result.failed), ("skipped_checks", result.skipped)):
            bucket.extend(_check(raw, framework, urn_map) for raw in results.get(key) or [])
        result.parsing_errors.extend(str(e) for e in results.get("parsing_errors") or [])
    for bucket in (result.passed, result.failed, result.skipped):
        bucket.sort(key=lambda c: (c.framework, c.check_id, c.resource))
    return result


def _check(raw: dict[str, Any], framework: str, urn_map: Mapping[str, str]) -> CheckResult:
    resource = str(raw.get("resource_address") or raw.get("resource") or "")
    file = str(raw.get("file_path") or "")
    if framework == FRAMEWORK_KUBERNETES:
        urn = urn_map.get(Path(file).name) or urn_map.get(resource)
    else:
        urn = urn_map.get(resource)
    return CheckResult(
        check_id=str(raw.get("check_id", "")), check_name=str(raw.get("check_name", "")), resource=resource, urn=urn,
        framework=framework, file=file, guideline=raw.get("guideline") or None, severity=raw.get("severity") or None,
    )


def _urn_map(index_path: Path) -> dict[str, str]:
    if not index_path.is_file():
        return {}
    index = json.loads(index_path.read_text(encoding="utf-8"))
    return {**(index.get("manifest_to_urn") or {}), **(index.get("address_to_urn") or {})}


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


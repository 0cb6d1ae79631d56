"""checkov, run from its isolated environment, on what ``blueprint export`` wrote.

The building blocks of the checkov half of ``blueprint check``:

* :func:`run_checkov` (runner): run checkov on ``tfplan.json`` (and ``k8s/``), parse its report,
  map findings back to Pulumi URNs;
* :func:`load_suppressions` / :func:`apply_suppressions` (suppressions): the reviewed
  ``policies/checkov-suppressions.yaml``, the only way to accept a finding;
* :func:`scan_export`: both, on an export directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional

from blueprint.checkov.runner import (
    CheckovError,
    CheckovNotInstalled,
    CheckovResult,
    CheckResult,
    find_checkov,
    parse_report,
    run_checkov,
)
from blueprint.checkov.suppressions import (
    Suppression,
    SuppressionError,
    apply_suppressions,
    load_suppressions,
    parse_suppressions,
)

__all__ = [
    "CheckResult", "CheckovError", "CheckovNotInstalled", "CheckovResult", "Suppression", "SuppressionError",
    "apply_suppressions", "find_checkov", "load_suppressions", "parse_report", "parse_suppressions", "run_checkov",
    "scan_export",
]


def scan_export(
    export_dir: os.PathLike | str,
    *,
    suppressions: Optional[Iterable[Suppression] | os.PathLike | str] = None,
    checkov_bin: Optional[os.PathLike | str] = None,
    project_dir: Optional[os.PathLike | str] = None,
) -> CheckovResult:
    """Run checkov on ``export_dir/tfplan.json`` and ``export_dir/k8s`` and apply the
    suppressions (a list, a file, or by default ``<project>/policies/checkov-suppressions.yaml``)."""
    from blueprint.checkov.suppressions import DEFAULT_FILE
    from blueprint.export import K8S_DIR, TFPLAN_FILE

    export_dir = Path(export_dir)
    if isinstance(suppressions, (str, os.PathLike)):
        entries = load_suppressions(Path(suppressions))
    elif suppressions is None:
        default = Path(project_dir) / DEFAULT_FILE if project_dir is not None else None
        entries = load_suppressions(default) if default is None or default.is_file() else []
    else:
        entries = list(suppressions)
    k8s = export_dir / K8S_DIR
    result = run_checkov(export_dir / TFPLAN_FILE, k8s if k8s.is_dir() else None, checkov_bin=checkov_bin, project_dir=project_dir)
    return apply_suppressions(result, entries)

"""checkov suppressions: ``policies/checkov-suppressions.yaml`` is the only way to accept a finding.

No inline skip comments exist in an exported plan, and none are honoured: every accepted
finding is an entry in the suppressions file, reviewed like code::

    suppressions:
      - check_id: CKV2_AWS_62            # the checkov check
        resource: "aws_s3_bucket.*-vault-bucket"   # a Terraform address or a Pulumi URN; globs allowed
        reason: Backup vaults are written by AWS Backup and S3 replication only; nothing consumes events.

``resource`` is matched (``fnmatch``, case-sensitive) against the finding's Terraform address
(or Kubernetes ``Kind.namespace.name``) and against its Pulumi URN. ``reason`` is required.
A file with any invalid entry is refused as a whole, with every bad entry listed. Entries that
match no failure are reported as unused, so stale suppressions do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Iterable, Optional

from blueprint.checkov.runner import CheckovResult, CheckResult

DEFAULT_FILE = Path("policies") / "checkov-suppressions.yaml"
_CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")
_KEYS = ("check_id", "resource", "reason")


class SuppressionError(ValueError):
    """An invalid suppressions file; ``problems`` lists every bad entry."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid checkov suppressions file {path} ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Suppression:
    check_id: str
    resource: str
    reason: str

    def matches(self, check: CheckResult) -> bool:
        if check.check_id != self.check_id:
            return False
        return fnmatchcase(check.resource, self.resource) or (check.urn is not None and fnmatchcase(check.urn, self.resource))

    def to_json(self) -> dict[str, str]:
        return {"check_id": self.check_id, "resource": self.resource, "reason": self.reason}


def parse_suppressions(data: Any, source: Path = Path("<suppressions>")) -> list[Suppression]:
    """Validate the loaded YAML document; raises SuppressionError listing every problem."""
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"suppressions"}:
        raise SuppressionError(source, ["the file must be a mapping with one key, 'suppressions', holding a list of entries "
                                        f"{{check_id, resource, reason}}; got {_describe(data)}"])
    entries = data.get("suppressions")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SuppressionError(source, [f"'suppressions' must be a list of entries {{check_id, resource, reason}}; got {_describe(entries)}"])
    problems: list[str] = []
    found: list[Suppression] = []
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        where = f"suppressions[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping with check_id, resource and reason; got {_describe(entry)}")
            continue
        label = f"{where} (check_id {entry.get('check_id')!r}, resource {entry.get('resource')!r})"
        bad: list[str] = []
        unknown = sorted(str(k) for k in entry if k not in _KEYS)
        if unknown:
            bad.append(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_KEYS)}")
        check_id = entry.get("check_id")
        if not isinstance(check_id, str) or not _CHECK_ID.match(check_id.strip()):
            bad.append(f"check_id must be a checkov check ID such as CKV_AWS_18 or CKV2_AWS_62; got {check_id!r}")
        resource = entry.get("resource")
        if not isinstance(resource, str) or not resource.strip():
            bad.append(f"resource must be a non-empty Terraform address or Pulumi URN (globs allowed); got {resource!r}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            bad.append(f"reason is required: say why this finding is accepted; got {reason!r}")
        if bad:
            problems.append(f"{label}: " + "; ".join(bad))
            continue
        key = (check_id.strip(), resource.strip())
        if key in seen:
            problems.append(f"{label}: duplicates suppressions[{seen[key]}]")
            continue
        seen[key] = index
        found.append(Suppression(check_id=key[0], resource=key[1], reason=reason.strip()))
    if problems:
        raise SuppressionError(source, problems)
    return found


def load_suppressions(path: Optional[Path] = None) -> list[Suppression]:
    """Read and validate a suppressions file (default: the project's
    ``policies/checkov-suppressions.yaml``); a missing default file means no suppressions."""
    if path is None:
        from blueprint.checkov.runner import _project_dir

        path = _project_dir() / DEFAULT_FILE
        if not path.is_file():
            return []
    path = Path(path)
    if not path.is_file():
        raise SuppressionError(path, [f"file not found: {path}"])
    from blueprint.config import safe_yaml
    from blueprint.config.errors import ConfigError

    try:  # under the YAML bounds (size, UTF-8, aliases, duplicate keys): issue 16
        data = safe_yaml.load_file(path, "checkov suppressions file")
    except ConfigError as error:
        raise SuppressionError(path, [p.message for p in error.problems]) from None
    return parse_suppressions(data, path)


def apply_suppressions(result: CheckovResult, suppressions: Iterable[Suppression]) -> CheckovResult:
    """Move every failure a suppression covers from ``failed`` to ``suppressed`` (with the
    entry's reason) and list the entries that covered nothing in ``unused_suppressions``."""
    suppressions = list(suppressions)
    used: set[Suppression] = set()
    failed: list[CheckResult] = []
    suppressed: list[CheckResult] = list(result.suppressed)
    for check in result.failed:
        match = next((s for s in suppressions if s.matches(check)), None)
        if match is None:
            failed.append(check)
        else:
            used.add(match)
            suppressed.append(replace(check, suppression_reason=match.reason))
    result.failed = failed
    result.suppressed = suppressed
    result.unused_suppressions = [s for s in suppressions if s not in used]
    return result


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"

"""`blueprint drill record FILE`: what a drill measured -> the figures the resilience model uses from then on.

The drill file (YAML or JSON; docs/runbooks/dr-drill.md, "Recording what the drill measured")::

    scenario: region            # zone | region
    region: us-east-1           # the region the drill took down (or whose zone)
    zone: us-east-1a            # required for scenario zone
    date: 2026-11-20
    workload: fraud-scoring     # optional: the workload whose recovery was timed (default: every workload)
    durations_s:                # seconds from the fault, per step; at least one
      detection: 42             # the failure seen: health check unhealthy / alert open
      traffic_shift: 58         # clients on the surviving region
      database_promotion: 71    # the standby database accepts writes
      gpu_node_ready: 290       # a new GPU node Ready (from its scale-up request)
      model_ready: 95           # a pod on that node passes its readiness probe
      plan_start: 12            # AWS: the probe's StartPlanExecution -> the plan execution's first step started

Each measured step replaces what the model assumed for it (MEASURED_STEPS): a figure of
blueprint/analysis/figures.py (applied with ``with_overrides``), or, for detection and traffic shift,
which the plan's own settings determine, the step itself (applied by blueprint/analysis/measured.py).
The result is written to ``drills/<stack>.yaml`` at the project root (``--out`` to choose), which
``blueprint resilience --stack <stack>`` reads.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any, Optional

import yaml

from blueprint.config import safe_yaml
from blueprint.config.errors import ConfigError, Problem
from blueprint.fileio import write_atomic

STEPS = ("detection", "traffic_shift", "database_promotion", "gpu_node_ready", "model_ready", "plan_start")
REQUIRED = ("scenario", "region", "date", "durations_s")
OPTIONAL = ("zone", "workload", "notes")
SCENARIOS = ("zone", "region")
DRILLS_DIR = "drills"


def load(path: Path) -> dict[str, Any]:
    """The drill file, validated; every problem at once (ConfigError, exit 2), each naming the key and value."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else safe_yaml.loads(text, str(path))  # bounded: issue 16
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ConfigError([Problem(str(path), f"cannot read the drill file: {error}")], source=str(path)) from None
    problems = validate(data)
    if problems:
        raise ConfigError(problems, source=str(path))
    return data


def validate(data: Any) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem("(file)", f"expected a mapping of {', '.join(REQUIRED)}; got {type(data).__name__}")]
    problems = [Problem(key, f"unknown key (value {data[key]!r}); allowed: {', '.join(REQUIRED + OPTIONAL)}")
                for key in data if key not in REQUIRED + OPTIONAL]
    problems += [Problem(key, "required key missing") for key in REQUIRED if key not in data]
    if "scenario" in data and data["scenario"] not in SCENARIOS:
        problems.append(Problem("scenario", f"{data['scenario']!r} is not one of {', '.join(SCENARIOS)}"))
    if data.get("scenario") == "zone" and not data.get("zone"):
        problems.append(Problem("zone", "required when scenario is zone"))
    if "region" in data and not (isinstance(data["region"], str) and data["region"]):
        problems.append(Problem("region", f"{data['region']!r} must be a region name"))
    if "date" in data and not _is_date(data["date"]):
        problems.append(Problem("date", f"{data['date']!r} must be a date, YYYY-MM-DD"))
    if "durations_s" in data:
        problems += _durations(data["durations_s"])
    return problems


def _is_date(value: Any) -> bool:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return True
    try:
        _dt.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


def _durations(durations: Any) -> list[Problem]:
    if not isinstance(durations, dict) or not durations:
        return [Problem("durations_s", f"{durations!r} must map at least one of {', '.join(STEPS)} to seconds")]
    problems = []
    for key, value in durations.items():
        path = f"durations_s.{key}"
        if key not in STEPS:
            problems.append(Problem(path, f"unknown step (value {value!r}); allowed: {', '.join(STEPS)}"))
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(Problem(path, f"{value!r} is not a number of seconds"))
        elif value < 0:
            problems.append(Problem(path, f"{value!r} is negative; a duration is >= 0 seconds"))
    return problems


def drills_file(root: Path, stack: str) -> Path:
    return root / DRILLS_DIR / f"{stack}.yaml"


def write(measured: dict[str, Any], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, "# Written by `blueprint drill record`; read by `blueprint resilience` (docs/resilience.md).\n"
                 + yaml.safe_dump(measured, sort_keys=False))  # whole or not at all (blueprint/fileio.py)
    return out


def read_recorded(path: Optional[Path]) -> Optional[dict[str, Any]]:
    """A recorded drill written by ``write`` (None when there is none)."""
    if path is None or not path.is_file():
        return None
    data = safe_yaml.load_file(path, "recorded drill") or {}  # bounded YAML (issue 16): ConfigError, exit 2
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), "must be a YAML mapping", type(data).__name__)], source=str(path))
    problems = validate({k: data[k] for k in REQUIRED + OPTIONAL if k in data})
    if problems:
        raise ConfigError(problems, source=str(path))
    return data

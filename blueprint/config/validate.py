"""Validate a raw configuration mapping into a :class:`StackConfig`, reporting every problem at once.

Two passes: pydantic checks the shape of every value (all errors collected by pydantic itself);
then :func:`blueprint.config.rules.check_rules` runs the cross-value rules on a lenient view in
which each value that parsed on its own is present and each malformed one is ``None``.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Optional

from pydantic import BaseModel, TypeAdapter, ValidationError

from blueprint.config.errors import ConfigError, Problem, key_path
from blueprint.config.models import MAX_WORKLOADS, StackConfig
from blueprint.config.rules import check_rules

_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")
# Strict numbers (models.py): say what is refused, since `true` and `1.0` look like numbers to a reader.
_TYPE_MESSAGES = {
    "int_type": "must be an integer, a whole number such as 3 (true/false, decimals such as 1.0 and other text are refused)",
    "float_type": "must be a number such as 2.5 (true/false and quoted text are refused)",
}


def _unwrap(annotation: Any) -> Any:
    """Optional[X] -> X (pydantic models and lists only matter here)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _model_at(loc: tuple) -> Optional[type[BaseModel]]:
    """The model class whose keys live at ``loc`` (used to list allowed keys)."""
    model: Any = StackConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        inner = _unwrap(field.annotation)
        if typing.get_origin(inner) is typing.Annotated:
            inner = typing.get_args(inner)[0]
        if typing.get_origin(inner) is list:
            inner = _unwrap(typing.get_args(inner)[0])
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def _problem_from_pydantic(err: dict) -> Problem:
    loc = tuple(err["loc"])
    path = key_path(loc)
    message = err["msg"]
    for prefix in _PYDANTIC_PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix):]
    if err["type"] == "missing":
        return Problem(path, "required key is missing")
    if err["type"] in _TYPE_MESSAGES:
        return Problem(path, _TYPE_MESSAGES[err["type"]], err["input"])
    if err["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(sorted(f.alias or n for n, f in model.model_fields.items())) if model else "see DESIGN.md"
        return Problem(path, f"unknown key; allowed keys here: {allowed}", err["input"])
    return Problem(path, message, err["input"])


def _lenient(model: type[BaseModel], data: Any) -> Any:
    """Parse field by field: good values kept, bad ones ``None``; sub-models recursively."""
    if not isinstance(data, dict):
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        pass
    view: dict[str, Any] = {}
    invalid: set[str] = set()
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data:
            view[name] = None if field.is_required() else field.get_default(call_default_factory=True)
            continue
        value = data[key]
        try:
            view[name] = TypeAdapter(typing.Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation).validate_python(value)
            continue
        except ValidationError:
            pass
        inner = _unwrap(field.annotation)
        if typing.get_origin(inner) is typing.Annotated:
            inner = typing.get_args(inner)[0]
        if typing.get_origin(inner) is list and isinstance(value, list):
            item = _unwrap(typing.get_args(inner)[0])
            view[name] = [_lenient(item, v) for v in value] if isinstance(item, type) and issubclass(item, BaseModel) else None
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            view[name] = _lenient(inner, value)
        else:
            view[name] = None
        if view[name] is None:
            invalid.add(name)
    # Rules must not report a malformed key as missing as well: they consult `_invalid`.
    return types.SimpleNamespace(**view, _invalid=frozenset(invalid))


def _check_workload_count(raw: dict[str, Any], source: str) -> None:
    """Above MAX_WORKLOADS the file is refused before any workload is validated: the cost of
    validating (and of planning) grows with the count, and the count alone is the problem."""
    workloads = raw.get("workloads")
    if isinstance(workloads, list) and len(workloads) > MAX_WORKLOADS:
        raise ConfigError([Problem("blueprint:workloads", f"at most {MAX_WORKLOADS} workloads per stack (the default AWS quotas of "
                                   "load balancers per region and Route 53 health checks bind there; docs/configuration.md); "
                                   "split the workloads over several stacks", len(workloads))], source)


def validate_config(raw: dict[str, Any], source: str = "stack configuration") -> StackConfig:
    """Return the validated configuration or raise :class:`ConfigError` listing every problem."""
    _check_workload_count(raw, source)
    problems: list[Problem] = []
    config: Optional[StackConfig] = None
    try:
        config = StackConfig.model_validate(raw)
        view: Any = config
    except ValidationError as exc:
        problems += [_problem_from_pydantic(e) for e in exc.errors()]
        view = _lenient(StackConfig, raw)
    try:
        rule_problems = list(check_rules(view))
    except Exception:  # noqa: BLE001
        # The rules guard every value they read; should one still trip over a malformed value,
        # the shape problems already explain the file, so they are reported on their own.
        if not problems:
            raise
        rule_problems = []
    for problem in rule_problems:
        if problem not in problems:
            problems.append(problem)
    if problems or config is None:
        raise ConfigError(problems, source)
    return config

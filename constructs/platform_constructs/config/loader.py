"""Load ``environments/*.toml``: parse, lay over the tier preset, validate, check the rules.

Every problem in every file is collected and raised together as one :class:`ConfigError`,
before anything is synthesized.
"""

from __future__ import annotations

import collections.abc
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from platform_constructs.config import presets, rules
from platform_constructs.config.platform import Platform
from platform_constructs.config.schema import TIERS, EnvironmentConfig, SharedConfig
from platform_constructs.errors import ConfigError, Problem

__all__ = ["SHARED_FILE", "Platform", "load_platform"]

SHARED_FILE = "shared.toml"


def load_platform(directory: Path | str = "environments") -> Platform:
    """Read and validate ``shared.toml`` and every other ``*.toml`` in ``directory``.

    Raises:
        ConfigError: listing every problem found, each with file, field path, value and rule.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    if not (directory / SHARED_FILE).is_file():
        raise ConfigError([Problem("config.file-missing", "<file>", None, "file is missing", str(directory / SHARED_FILE))])
    shared = _load_file(directory / SHARED_FILE, SharedConfig, problems)
    environments: dict[str, EnvironmentConfig] = {}
    files = {"shared": str(directory / SHARED_FILE)}
    for path in sorted(directory.glob("*.toml")):
        if path.name == SHARED_FILE:
            continue
        env = _load_file(path, EnvironmentConfig, problems)
        if env is None:
            continue
        if env.name != path.stem:
            problems.append(Problem("config.name-mismatch", "name", env.name, f"must match the file name ({path.stem!r})",
                                    str(path)))
            continue
        environments[env.name] = env
        files[env.name] = str(path)
    if not environments and not problems:
        problems.append(Problem("config.no-environments", "<file>", None,
                                "no environment files (*.toml besides shared.toml)", str(directory)))
    if problems or shared is None:
        raise ConfigError(problems)
    platform = Platform(shared, environments, files)
    for rule in rules.PLATFORM_RULES:
        problems.extend(rule(platform))
    if problems:
        raise ConfigError(problems)
    return platform


def _load_file(path: Path, model: type[BaseModel], problems: list[Problem]) -> Any:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem("config.toml-syntax", "<syntax>", None, f"not valid TOML: {error}", str(path)))
        return None
    tier = data.get("tier")
    sections = set(model.model_fields)
    merged = presets.deep_merge(presets.preset(tier, sections), data) if tier in TIERS else data
    try:
        config = model.model_validate(merged)
    except ValidationError as error:
        problems.extend(_problems_from(path, model, error))
        return None
    found = [
        Problem(f"floor.{floor.operator}", floor.field, value, floor.describe())
        for floor in presets.floors(config.tier, sections)
        if floor.violated_by(value := _lookup(config, floor.field))
    ]
    if isinstance(config, EnvironmentConfig):
        for rule in rules.ENVIRONMENT_RULES:
            found.extend(rule(config))
    problems.extend(problem.in_file(str(path)) for problem in found)
    return None if found else config


def _problems_from(path: Path, model: type[BaseModel], error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        # rules raised in model validators (props.refuse_in_validator) carry their own code as the type
        code = item["type"] if "." in item["type"] else f"schema.{item['type']}"
        location = tuple(item["loc"])
        field = ".".join(str(part) for part in location) or "<root>"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, location[:-1])
            message = f"unknown key; allowed keys here: {', '.join(allowed)}" if allowed else "unknown key"
        elif item["type"] == "missing":
            message = "required, and no tier preset provides it"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        value = None if item["type"] == "missing" else item.get("input")
        problems.append(Problem(code, field, value, message, str(path)))
    return problems


def _allowed_keys(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    """Keys accepted by the model found at ``location`` under ``model``.

    The walk steps through nested models (by field name or alias), through mapping values
    (``apps.<name>``) and through list items (``policy.suppressions.0``).
    """
    annotation: Any = model
    for part in location:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    target = next((candidate for candidate in _candidates(annotation) if _is_model(candidate)), None)
    return sorted({field.alias or name for name, field in target.model_fields.items()}) if target else []


def _step(annotation: Any, part: Any) -> Any:
    """The annotation one level below ``annotation`` at key or index ``part``."""
    for candidate in _candidates(annotation):
        origin = typing.get_origin(candidate)
        if _is_model(candidate):
            keys = {name: name for name in candidate.model_fields}
            keys.update({field.alias: name for name, field in candidate.model_fields.items() if field.alias})
            if part in keys:
                return candidate.model_fields[keys[part]].annotation
        elif origin in (dict, collections.abc.Mapping):
            return typing.get_args(candidate)[1]
        elif origin in (list, tuple, collections.abc.Sequence) and isinstance(part, int):
            return typing.get_args(candidate)[0]
    return None


def _candidates(annotation: Any) -> list[Any]:
    """``annotation`` with unions and ``Annotated`` unwrapped into the concrete alternatives."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _candidates(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or origin is typing.Union:
        return [found for arg in typing.get_args(annotation) for found in _candidates(arg)]
    return [annotation]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _lookup(config: BaseModel, dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = getattr(value, part)
    return value

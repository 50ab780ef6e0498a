"""Load ``environments/*.toml``: parse, bind to the account registry, lay over the tier preset,
validate, check the rules.

Every problem in every file is collected and raised together as one :class:`ConfigError`,
before anything is synthesized. A file that cannot be read (a directory, a dangling symbolic
link, no permission, not UTF-8, nesting too deep for the parser) is a problem like any other.
"""

from __future__ import annotations

import collections.abc
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from platform_constructs.config import accounts, presets, rules
from platform_constructs.config.accounts import ACCOUNTS_FILE, AccountRegistry
from platform_constructs.config.platform import Platform
from platform_constructs.config.schema import TIERS, EnvironmentConfig, SharedConfig
from platform_constructs.errors import ConfigError, Problem
from platform_constructs.naming import app_of_stack

__all__ = ["SHARED_FILE", "Platform", "load_platform"]

SHARED_FILE = "shared.toml"
#: Stack names an environment file may not take: its stacks would collide with them.
RESERVED_NAMES = frozenset({"bootstrap", "shared", "accounts"})


def load_platform(directory: Path | str = "environments") -> Platform:
    """Read and validate ``accounts.toml``, ``shared.toml`` and every other ``*.toml`` in ``directory``.

    Raises:
        ConfigError: listing every problem found, each with file, field path, value and rule.
    """
    directory = Path(directory)
    if not directory.is_dir():
        state = "is not a directory" if directory.exists() else "does not exist"
        raise ConfigError([Problem("config.directory", "<directory>", None,
                                   f"{state}; it must hold shared.toml, {ACCOUNTS_FILE} and one <env>.toml each",
                                   str(directory))])
    problems: list[Problem] = []
    registry_file = directory / ACCOUNTS_FILE
    registry = _load_registry(registry_file, problems)
    shared = _load_file(directory / SHARED_FILE, "shared", SharedConfig, (registry, str(registry_file)), problems)
    environments: dict[str, EnvironmentConfig] = {}
    files = {"shared": str(directory / SHARED_FILE)}
    for path in sorted(directory.glob("*.toml")):
        if path.name in (SHARED_FILE, ACCOUNTS_FILE):
            continue
        if path.stem in RESERVED_NAMES or app_of_stack(path.stem) is not None:
            problems.append(Problem("config.reserved-name", "name", path.stem, _reserved_name_message(path.stem),
                                    str(path)))
            continue
        env = _load_file(path, path.stem, EnvironmentConfig, (registry, str(registry_file)), problems)
        if env is None:
            continue
        if env.name != path.stem:
            problems.append(Problem("config.name-mismatch", "name", env.name,
                                    f"must match the file name ({path.stem!r})",
                                    str(path)))
            continue
        environments[env.name] = env
        files[env.name] = str(path)
    if not environments and not problems:
        problems.append(Problem("config.no-environments", "<file>", None,
                                "no environment files (*.toml besides shared.toml)", str(directory)))
    if problems or shared is None or registry is None:
        raise ConfigError(problems)
    platform = Platform(shared, environments, files, registry)
    for rule in rules.PLATFORM_RULES:
        problems.extend(rule(platform))
    if problems:
        raise ConfigError(problems)
    return platform


def _reserved_name_message(stem: str) -> str:
    of_stack = app_of_stack(stem)
    if of_stack is not None:
        return (f"collides with the stack of application {of_stack[1]!r} of environment {of_stack[0]!r}; "
                "rename the file (environment names are letters and digits)")
    if stem == "accounts":
        return "is the account registry's name, not an environment's"
    return f"collides with the {stem!r} stack; choose another environment name"


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """The parsed file, or ``None`` after recording why it cannot be read (never a traceback)."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        problems.append(Problem("config.not-a-file", "<file>", None, "is a directory, not a configuration file",
                                str(path)))
        return None
    except FileNotFoundError:
        message = (f"is a symbolic link to {os.readlink(path)!r}, which does not exist" if path.is_symlink()
                   else "file is missing")
        problems.append(Problem("config.file-missing", "<file>", None, message, str(path)))
        return None
    except OSError as error:
        problems.append(Problem("config.file-unreadable", "<file>", None, f"cannot be read: {error.strerror or error}",
                                str(path)))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem("config.not-utf8", "<file>", None, f"is not UTF-8 text (byte {raw[error.start]:#04x} "
                                f"at offset {error.start}); save it as UTF-8", str(path)))
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem("config.toml-syntax", "<syntax>", None, f"not valid TOML: {error}", str(path)))
    except RecursionError:
        problems.append(Problem("config.toml-depth", "<syntax>", None,
                                "nests arrays or inline tables too deeply to read",
                                str(path)))
    return None


def _load_registry(path: Path, problems: list[Problem]) -> AccountRegistry | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    try:
        registry = AccountRegistry.model_validate(data)
    except ValidationError as error:
        problems.extend(_problems_from(path, AccountRegistry, error))
        return None
    found = [problem.in_file(str(path)) for problem in registry.problems()]
    problems.extend(found)
    return None if found else registry


def _load_file(path: Path, name: str, model: type[EnvironmentConfig | SharedConfig],
               registry: tuple[AccountRegistry | None, str], problems: list[Problem]) -> Any:
    data = _read_toml(path, problems)
    if data is None:
        return None
    found = accounts.binding_problems(name, data, *registry)
    tier = data.get("tier")
    sections = set(model.model_fields)
    merged = presets.deep_merge(presets.preset(tier, sections), data) if tier in TIERS else data
    try:
        config = model.model_validate(merged)
    except ValidationError as error:
        problems.extend(problem.in_file(str(path)) for problem in found)
        problems.extend(_problems_from(path, model, error))
        return None
    found += [
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

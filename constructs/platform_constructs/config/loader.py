"""Load ``environments/*.toml``: parse, bind to the account registry, lay over the tier preset,
validate, check the rules.

Every problem in every file is collected and raised together as one :class:`ConfigError`,
before anything is synthesized. A file that cannot be read (a directory, a dangling symbolic
link, no permission, not UTF-8, nesting too deep for the parser) is a problem like any other.

One round reports everything that can be known: a file with schema errors is still judged by the
tier floors, its own rules and the cross-file rules, through what validated of it
(:mod:`.partial`); only a rule that needs a value that did not validate waits for the next round.
Messages speak TOML (:mod:`.messages`): values as the file writes them, a suggestion for a
misspelled key or tier, and no follow-on problem of a misspelling (the absent key it meant, the
sections a misspelled tier's preset would have filled in).
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

from platform_constructs.config import accounts, messages, presets, rules
from platform_constructs.config.accounts import ACCOUNTS_FILE, AccountRegistry
from platform_constructs.config.partial import UNKNOWN, UnknownValue, is_unknown, known_findings, salvage, without
from platform_constructs.config.platform import Platform
from platform_constructs.config.schema import TIERS, EnvironmentConfig, SharedConfig
from platform_constructs.errors import ConfigError, Problem, toml_value
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
    before = len(problems)
    shared = _load_file(directory / SHARED_FILE, "shared", SharedConfig, (registry, str(registry_file)), problems)
    clean = {"shared"} if len(problems) == before else set()
    environments: dict[str, EnvironmentConfig] = {}
    files = {"shared": str(directory / SHARED_FILE)}
    for path in sorted(directory.glob("*.toml")):
        if path.name in (SHARED_FILE, ACCOUNTS_FILE):
            continue
        if path.stem in RESERVED_NAMES or app_of_stack(path.stem) is not None:
            problems.append(Problem("config.reserved-name", "name", path.stem, _reserved_name_message(path.stem),
                                    str(path)))
            continue
        before = len(problems)
        env = _load_file(path, path.stem, EnvironmentConfig, (registry, str(registry_file)), problems)
        files[path.stem] = str(path)
        if env is None or is_unknown(env.name):
            continue
        if len(problems) == before:
            clean.add(env.name)
        if env.name != path.stem:
            problems.append(Problem("config.name-mismatch", "name", env.name,
                                    f"must match the file name ({toml_value(path.stem)})", str(path)))
            continue
        environments[env.name] = env
    if not environments and not problems:
        problems.append(Problem("config.no-environments", "<file>", None,
                                "no environment files (*.toml besides shared.toml)", str(directory)))
    platform = Platform(UNKNOWN if shared is None else shared, environments, files,
                        UNKNOWN if registry is None else registry)
    problems.extend(_cross_file_problems(platform, clean))
    if problems:
        raise ConfigError(problems)
    return platform


def _cross_file_problems(platform: Platform, clean: set[str]) -> list[Problem]:
    """The cross-file rules over every file that loaded, whole or in part. A rule that needs a value that
    did not validate, or that is a problem itself, runs again over the ``clean`` files (no problem) alone."""
    whole = Platform(platform.shared if "shared" in clean else UNKNOWN,
                     {name: env for name, env in platform.environments.items() if name in clean},
                     platform.files, platform.accounts)
    problems: list[Problem] = []
    for rule in rules.PLATFORM_RULES:
        found, complete = known_findings(rule, platform)
        if not complete:
            found += known_findings(rule, whole)[0]
        seen = set()
        for problem in found:
            if not is_unknown(problem.value) and (problem.file, problem.field, problem.message) not in seen:
                seen.add((problem.file, problem.field, problem.message))
                problems.append(problem)
    return problems


def _reserved_name_message(stem: str) -> str:
    of_stack = app_of_stack(stem)
    if of_stack is not None:
        return (f"collides with the stack of application {toml_value(of_stack[1])} of environment "
                f"{toml_value(of_stack[0])}; "
                "rename the file (environment names are letters and digits)")
    if stem == "accounts":
        return "is the account registry's name, not an environment's"
    return f"collides with the {toml_value(stem)} stack; choose another environment name"


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
        problems.extend(_problems_from(path, AccountRegistry, error.errors(include_url=False)))
        return None
    found = [problem.in_file(str(path)) for problem in registry.problems()]
    problems.extend(found)
    return None if found else registry


def _load_file(path: Path, name: str, model: type[BaseModel], registry: tuple[AccountRegistry | None, str],
               problems: list[Problem]) -> Any:
    """The file's configuration (with :data:`~.partial.UNKNOWN` sections where it has schema errors), or
    ``None`` when it cannot be read or names no tier; every problem found is added to ``problems``."""
    data = _read_toml(path, problems)
    if data is None:
        return None
    found = accounts.binding_problems(name, data, *registry)
    tier = data.get("tier")
    sections = set(model.model_fields)
    known_tier = tier if isinstance(tier, str) and tier in TIERS else None
    if known_tier is None or any(problem.field == "tier" for problem in found):
        # no preset, or one of a tier the file may not declare: only what the file itself writes can be judged
        problems.extend(problem.in_file(str(path)) for problem in found)
        if known_tier is None:
            problems.append(Problem("config.unknown-tier", "tier", tier, messages.unknown_tier(tier), str(path)))
        problems.extend(_tierless_problems(path, model, data))
        return None
    preset = presets.preset(known_tier, sections)
    merged = presets.deep_merge(preset, data)
    misspelled: set[str] = set()
    try:
        config = model.model_validate(merged)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        misspelled = _meant_fields(model, errors)
        found += _problems_from(path, model, errors, (known_tier, set(preset)))
        config = salvage(model, merged, error)
    # a value found wrong is no basis for further judgement: later checks skip it (no follow-on problems)
    config = without(config, [problem.field for problem in found])
    found += _floor_problems(config, data, known_tier, sections)
    config = without(config, [problem.field for problem in found])
    if isinstance(config, EnvironmentConfig):
        for rule in rules.ENVIRONMENT_RULES:
            found.extend(known_findings(rule, config)[0])
        config = without(config, [problem.field for problem in found])
    problems.extend(problem.in_file(str(path)) for problem in found
                    if not is_unknown(problem.value)
                    and not (problem.value is None and _under(problem.field, misspelled)))
    return config


def _under(field: str, tables: set[str]) -> bool:
    """Whether ``field`` is one of ``tables`` or lies inside one of them."""
    return any(field == table or field.startswith(f"{table}.") for table in tables)


def _floor_problems(config: BaseModel, data: dict[str, Any], tier: str, sections: set[str]) -> list[Problem]:
    """The tier's floors over ``config``; a floor on a value that did not validate waits for it."""
    found: list[Problem] = []
    for floor in presets.floors(tier, sections):
        if floor.judges_the_file:
            if floor.unset_in(data):
                found.append(Problem(f"floor.{floor.operator}", floor.field, None, floor.describe()))
            continue
        try:
            value = _lookup(config, floor.field)
            violated = floor.violated_by(value)
        except UnknownValue:
            continue
        if violated:
            found.append(Problem(f"floor.{floor.operator}", floor.field, value, floor.describe()))
    return found


def _tierless_problems(path: Path, model: type[BaseModel], data: dict[str, Any]) -> list[Problem]:
    """Problems of a file without a tier that do not depend on the missing preset: unknown keys and
    values the file writes that are wrong in themselves (never a field the preset would have supplied,
    nor a rule across fields, which may hold once the preset's values are there)."""
    try:
        model.model_validate(data)
    except ValidationError as error:
        errors = [item for item in error.errors(include_url=False)
                  if item["loc"] and item["loc"][0] != "tier"
                  and (item["type"] == "extra_forbidden" or _is_leaf(data, item["loc"]))]
        return _problems_from(path, model, errors)
    return []


def _is_leaf(data: Any, location: tuple[Any, ...]) -> bool:
    """Whether the file writes a value that is not a table at ``location``."""
    for part in location:
        in_table = isinstance(data, dict) and part in data
        if in_table or (isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)):
            data = data[part]
        else:
            return False
    return not isinstance(data, dict)


def _meant_fields(model: type[BaseModel], errors: list[Any]) -> set[str]:
    """Fields that unknown keys are likely misspellings of (``network.cidr`` for ``network.cidrr``): their
    absence follows from the misspelling and is not a problem of its own."""
    meant = set()
    for item in errors:
        if item["type"] == "extra_forbidden":
            parent = tuple(item["loc"][:-1])
            close = messages.suggestion(str(item["loc"][-1]), _allowed_keys(model, parent))
            if close is not None:
                meant.add(".".join(str(part) for part in (*parent, close)))
    return meant


def _problems_from(path: Path, model: type[BaseModel], errors: list[Any],
                   preset: tuple[str, set[str]] | None = None) -> list[Problem]:
    """The schema's errors as problems; ``preset`` is the tier and the sections its preset fills in."""
    problems = []
    for item in errors:
        # rules raised in model validators (props.refuse_in_validator) carry their own code as the type
        code = item["type"] if "." in item["type"] else f"schema.{item['type']}"
        location = tuple(item["loc"])
        field = ".".join(str(part) for part in location) or "<root>"
        if item["type"] == "extra_forbidden":
            message = messages.unknown_key(str(location[-1]), _allowed_keys(model, location[:-1]))
        elif item["type"] == "missing":
            message = "required"
            if preset is not None and location[0] in preset[1]:
                message += f"; the {preset[0]} preset has no default for it"
        else:
            message = messages.schema_message(item)
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

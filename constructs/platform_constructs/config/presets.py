"""Tier presets and tier floors, read from ``config/presets/<section>.toml``.

Each file holds one configuration section for all tiers side by side: ``[dev]``,
``[staging]``, ``[prod]`` give the defaults, and ``[floors.<tier>]`` the limits an
environment of that tier may not cross (``min``, ``max``, ``equals``, ``one_of``, and
``includes`` for list fields: every listed item must be present), or ``required = true``: the
environment file itself must set the field, because no default of that tier suits it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from platform_constructs.errors import toml_value

_PRESET_PACKAGE = "platform_constructs.config"
_OPERATORS = ("min", "max", "equals", "one_of", "includes", "required")


@dataclass(frozen=True)
class Floor:
    """A limit on one field for one tier."""

    tier: str
    field: str
    operator: str
    limit: Any

    @property
    def judges_the_file(self) -> bool:
        """Whether the floor judges what the environment file sets (``required``) rather than the effective value."""
        return self.operator == "required"

    def unset_in(self, data: dict[str, Any]) -> bool:
        """Whether the environment file's own ``data`` (before presets) leaves a ``required`` field out."""
        node: Any = data
        for part in self.field.split("."):
            if not isinstance(node, dict) or part not in node:
                return bool(self.limit)
            node = node[part]
        return False

    def violated_by(self, value: Any) -> bool:
        """Whether the effective ``value`` breaks the limit (a ``required`` floor judges the file: :meth:`unset_in`)."""
        if self.operator == "required":
            return False
        if self.operator == "min":
            return bool(value < self.limit)
        if self.operator == "max":
            return bool(value > self.limit)
        if self.operator == "equals":
            return bool(value != _frozen(self.limit))
        if self.operator == "includes":
            return not set(self.limit) <= set(value)
        return value not in [_frozen(item) for item in self.limit]

    def describe(self) -> str:
        """The limit in words, values as TOML: ``must be at least 3 in tier prod``, ``must be true in tier prod``."""
        if self.operator == "required":
            return f"required in tier {self.tier}; set it in the environment file"
        words = {"min": "at least ", "max": "at most ", "equals": "", "one_of": "one of ",
                 "includes": "a list including "}
        return f"must be {words[self.operator]}{toml_value(self.limit)} in tier {self.tier}"


def _frozen(limit: Any) -> Any:
    """TOML arrays as tuples, the shape list fields have in the frozen models."""
    return tuple(_frozen(item) for item in limit) if isinstance(limit, list) else limit


@functools.cache
def _sections() -> dict[str, dict[str, Any]]:
    folder = resources.files(_PRESET_PACKAGE).joinpath("presets")
    return {
        entry.name.removesuffix(".toml"): tomllib.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def preset(tier: str, sections: set[str]) -> dict[str, dict[str, Any]]:
    """Defaults of ``tier`` for each of ``sections`` that has a preset file."""
    return {name: data.get(tier, {}) for name, data in _sections().items() if name in sections}


def floors(tier: str, sections: set[str]) -> list[Floor]:
    """Every floor of ``tier`` in the given sections."""
    found = []
    for section, data in _sections().items():
        if section not in sections:
            continue
        for field, rule in data.get("floors", {}).get(tier, {}).items():
            for operator, limit in rule.items():
                if operator not in _OPERATORS:
                    raise ValueError(f"presets/{section}.toml: unknown floor operator {operator!r}")
                found.append(Floor(tier, f"{section}.{field}", operator, limit))
    return found


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``; tables merge key by key, everything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged

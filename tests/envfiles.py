"""Copies of the repository's environment files, edited per test case."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def copy_environments(target: Path) -> Path:
    """Copy ``environments/*.toml`` into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "environments").glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def set_value(directory: Path, file: str, dotted: str, value: Any) -> None:
    """Set ``dotted`` (e.g. ``network.az_count``) in ``directory/file`` to ``value``."""
    path = directory / file
    data = tomllib.loads(path.read_text())
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    path.write_text(dumps(data))


def dumps(data: dict[str, Any], prefix: str = "") -> str:
    """A minimal TOML writer for the shapes environment files use (tables, arrays of tables, scalars, arrays)."""
    tables = {key: value for key, value in data.items() if isinstance(value, dict)}
    table_arrays = {key: value for key, value in data.items() if _is_table_array(value)}
    scalars = {key: value for key, value in data.items() if key not in tables and key not in table_arrays}
    lines = [f"{_key(key)} = {_value(value)}" for key, value in scalars.items()]
    for key, value in tables.items():
        name = f"{prefix}{_key(key)}"
        lines.append(f"\n[{name}]")
        lines.append(dumps(value, f"{name}."))
    for key, items in table_arrays.items():
        name = f"{prefix}{_key(key)}"
        for item in items:
            lines.append(f"\n[[{name}]]")
            lines.append(dumps(item, f"{name}."))
    return "\n".join(lines) + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return repr(value)


def delete_value(directory: Path, file: str, dotted: str) -> None:
    """Remove ``dotted`` from ``directory/file``."""
    path = directory / file
    data = tomllib.loads(path.read_text())
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node[part]
    del node[leaf]
    path.write_text(dumps(data))


def add_environment(directory: Path, name: str, *, account_id: str, cidr: str, promote_from: list[str],
                    like: str = "staging") -> None:
    """Add environment ``name`` to ``directory`` as a copy of ``like``: its own account (registered in
    accounts.toml at the copy's tier), state keys, VPC range and domain below the parent zone."""
    (directory / f"{name}.toml").write_text(
        (directory / f"{like}.toml").read_text().replace(f'name = "{like}"', f'name = "{name}"'))
    parent = tomllib.loads((directory / "shared.toml").read_text())["parent_zone"]["domain"]
    tier = tomllib.loads((directory / f"{name}.toml").read_text())["tier"]
    for dotted, value in (("state.key_prefix", f"platform/{name}"), ("aws.account_id", account_id),
                          ("network.cidr", cidr), ("release.promote_from", promote_from),
                          ("dns.domain", f"{name}.{parent}")):
        set_value(directory, f"{name}.toml", dotted, value)
    set_value(directory, "accounts.toml", f"accounts.{account_id}", {"environment": name, "tier": tier})

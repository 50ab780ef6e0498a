"""Helpers to read synthesized Terraform JSON in tests."""

from __future__ import annotations

import copy
import json
import re
from typing import Any


def resources_of(config: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Resources of one Terraform type in a synthesized stack, keyed by logical name."""
    return config.get("resource", {}).get(resource_type, {})


def only(config: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """The single resource of a type; fails when there is not exactly one."""
    found = resources_of(config, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.values()))


def address(config: dict[str, Any], resource_type: str, contains: str = "") -> str:
    """Terraform address of the one resource of a type whose logical name contains ``contains``."""
    [name] = [name for name in resources_of(config, resource_type) if contains in name]
    return f"{resource_type}.{name}"


def reference(config: dict[str, Any], resource_type: str, attribute: str, contains: str = "") -> str:
    """``${type.name.attribute}``: how another resource refers to an attribute of that resource."""
    return f"${{{address(config, resource_type, contains)}.{attribute}}}"


def strip_metadata(config: Any) -> Any:
    """``config`` without cdktf's ``//`` metadata keys (construct paths, versions)."""
    if isinstance(config, dict):
        return {key: strip_metadata(value) for key, value in config.items() if key != "//"}
    if isinstance(config, list):
        return [strip_metadata(value) for value in config]
    return config


def aws_only(config: dict[str, Any]) -> dict[str, Any]:
    """The stack without anything of the kubernetes provider (whose binary this machine lacks).

    A reference to a removed object's name becomes that name (known at synth); any other reference
    to a removed resource (the deployment's image) becomes a placeholder string. Terraform still
    checks every argument, type and remaining reference of the AWS part.
    """
    stripped = copy.deepcopy(config)
    stripped["resource"] = {kind: items for kind, items in config["resource"].items()
                            if not kind.startswith("kubernetes_")}
    stripped["provider"].pop("kubernetes")
    stripped["terraform"]["required_providers"].pop("kubernetes")
    stripped["terraform"].pop("backend")
    names = {f"${{{kind}.{name}.metadata[0].name}}": body["metadata"]["name"]
             for kind, items in config["resource"].items() if kind.startswith("kubernetes_")
             for name, body in items.items() if "metadata" in body}  # kubernetes_manifest: no name attribute
    text = json.dumps(stripped)
    for reference, name in names.items():
        text = text.replace(reference, name)
    return json.loads(re.sub(r"\$\{kubernetes_[a-z0-9_]+\.[^}]*\}", "removed-kubernetes-reference", text))

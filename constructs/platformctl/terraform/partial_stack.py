"""The part of a synthesized stack that needs only some of its providers, for ``terraform validate``.

An apps stack needs the AWS and the kubernetes provider. Where the kubernetes provider cannot be
installed, its AWS part can still be validated: the blocks of the missing providers are left out,
and every reference to one of them becomes a reference to an input variable of type ``any`` (a
stand-in). ``terraform validate`` treats such a variable as an unknown value of any shape, so the
attribute paths read from it (``.metadata[0].name``) stay valid while everything the remaining
blocks say about themselves is checked as before.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PartialStack:
    """A stack document without the blocks of some providers.

    Attributes:
        document: the reduced ``cdk.tf.json`` content.
        left_out: addresses of the blocks left out (``kubernetes_namespace_v1.NamespaceApi``,
            ``data.kubernetes_secret_v1.x``), in document order.
        kept: how many resources and data sources remain to be validated.
    """

    document: dict[str, Any]
    left_out: tuple[str, ...]
    kept: int


def provider_of(block_type: str, block: Mapping[str, Any]) -> str:
    """The local provider name a resource or data block uses: its ``provider`` argument, else its type's prefix."""
    configured = block.get("provider")
    if isinstance(configured, str) and configured:
        return configured.removeprefix("${").removesuffix("}").split(".")[0]
    return block_type.split("_", 1)[0]


def without_providers(document: Mapping[str, Any], providers: Collection[str]) -> PartialStack:
    """``document`` without the provider configurations, requirements, resources and data sources of ``providers``."""
    reduced = copy.deepcopy(dict(document))
    left_out: list[str] = []
    for kind, prefix in (("resource", ""), ("data", "data.")):
        blocks = reduced.get(kind, {})
        for block_type in list(blocks):
            for name in list(blocks[block_type]):
                if provider_of(block_type, blocks[block_type][name]) in providers:
                    del blocks[block_type][name]
                    left_out.append(f"{prefix}{block_type}.{name}")
            if not blocks[block_type]:
                del blocks[block_type]
        if kind in reduced and not blocks:  # Terraform refuses an empty "resource": {} ("Missing block label")
            del reduced[kind]
    for name in providers:
        reduced.get("provider", {}).pop(name, None)
        reduced.get("terraform", {}).get("required_providers", {}).pop(name, None)
    stand_ins = {address: _stand_in_name(address) for address in left_out}
    if stand_ins:
        reduced = _replace_references(reduced, stand_ins)
        variables = reduced.setdefault("variable", {})
        for variable in stand_ins.values():
            variables[variable] = {"type": "any", "description": "stands in for a block of a provider not installed"}
    kept = sum(len(blocks) for kind in ("resource", "data") for blocks in reduced.get(kind, {}).values())
    return PartialStack(reduced, tuple(left_out), kept)


def _stand_in_name(address: str) -> str:
    return "stand_in__" + re.sub(r"[^A-Za-z0-9_]", "__", address)


def _replace_references(value: Any, stand_ins: Mapping[str, str]) -> Any:
    """Rewrite references in every string; drop ``depends_on`` entries naming a left-out block."""
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(address) for address in
                                                   sorted(stand_ins, key=len, reverse=True)) + r")(?![\w-])")

    def rewrite(node: Any) -> Any:
        if isinstance(node, str):
            return pattern.sub(lambda match: f"var.{stand_ins[match.group(1)]}", node)
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if isinstance(node, dict):
            rewritten = {key: rewrite(item) for key, item in node.items()}
            if isinstance(rewritten.get("depends_on"), list):
                rewritten["depends_on"] = [entry for entry in node["depends_on"] if entry not in stand_ins]
                if not rewritten["depends_on"]:
                    del rewritten["depends_on"]
            return rewritten
        return node

    return rewrite(value)

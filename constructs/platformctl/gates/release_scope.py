"""Release scope: a release or rollback changes an application's image and change cause, nothing else.

``platformctl deploy --image``, ``promote`` and ``rollback`` plan the application's own stack
(``<env>-app-<name>``) synthesized from the platform revision the environment last applied, so
the only difference between configuration and state is the release itself. Anything else in the
plan — a namespace, role or service to create, change or delete, a Deployment setting other than
the image — means the stack and the environment's applied configuration have drifted apart. Such
a change goes through ``Jenkinsfile-infra`` (reviewed, approved, planned after the platform),
never through a release, so the release is refused instead of carrying it along.

What a release may change is read from the plan itself: its ``configuration`` section names, per
resource attribute, the references of the attribute's expression. A release may update in place
the attributes whose expression references the application's release inputs (``var.image_<app>``,
``var.change_cause_<app>`` and the parsed image local); every other difference is outside it.

The one exception is an application's first release: its stack has no state yet, every change is
a creation, and the release creates the application.

Python API::

    problems = release_scope(plan_json, app="api")   # [] when the plan is a release and nothing more
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from platform_constructs.k8s.image_policy import release_input_references

Path = tuple[str | int, ...]
_PASSIVE_ACTIONS = (["no-op"], ["read"])


def release_scope(plan: Mapping[str, Any], app: str) -> list[str]:
    """Problems that make ``plan`` more than a release of ``app``; empty when it is only that.

    Args:
        plan: the parsed output of ``terraform show -json PLANFILE`` of the application's stack.
        app: the application whose release inputs may change.
    """
    changes = [change for change in plan.get("resource_changes", [])
               if change.get("mode", "managed") == "managed" and change["change"]["actions"] not in _PASSIVE_ACTIONS]
    if changes and all(change["change"]["actions"] == ["create"] for change in changes) and not _has_state(plan):
        return []  # the first release creates the application
    release_paths = _release_paths(plan, release_input_references(app))
    problems = []
    for change in changes:
        actions = change["change"]["actions"]
        allowed = release_paths.get(change["address"], [])
        if actions == ["update"] and allowed:
            extra = _differences(change["change"].get("before") or {}, change["change"].get("after") or {}, allowed)
            if extra:
                problems.append(f"{change['address']}: update also changes {', '.join(extra)}")
        else:
            problems.append(f"{change['address']}: {'/'.join(actions)}")
    return problems


def _has_state(plan: Mapping[str, Any]) -> bool:
    """Whether the stack had managed resources before this plan."""
    module = plan.get("prior_state", {}).get("values", {}).get("root_module", {})
    return any(resource.get("mode", "managed") == "managed" for resource in module.get("resources", []))


def _release_paths(plan: Mapping[str, Any], inputs: frozenset[str]) -> dict[str, list[Path]]:
    """Per resource address, the attribute paths whose expressions reference a release input."""
    resources = plan.get("configuration", {}).get("root_module", {}).get("resources", [])
    found = {resource["address"]: list(_referencing(resource.get("expressions", {}), inputs, ()))
             for resource in resources}
    return {address: paths for address, paths in found.items() if paths}


def _referencing(expressions: Mapping[str, Any], inputs: frozenset[str], prefix: Path) -> Iterable[Path]:
    for key, value in expressions.items():
        if isinstance(value, list):  # nested blocks: a list of expression maps
            for index, block in enumerate(value):
                if isinstance(block, Mapping):
                    yield from _referencing(block, inputs, (*prefix, key, index))
        elif isinstance(value, Mapping) and any(_is_input(reference, inputs)
                                                for reference in value.get("references", [])):
            yield (*prefix, key)


def _is_input(reference: str, inputs: frozenset[str]) -> bool:
    return any(reference == name or reference.startswith((f"{name}.", f"{name}[")) for name in inputs)


def _differences(before: Mapping[str, Any], after: Mapping[str, Any], allowed: list[Path]) -> list[str]:
    """Top-level attributes that differ once the release's own attributes are set aside."""
    before, after = _without(before, allowed), _without(after, allowed)
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _without(values: Mapping[str, Any], paths: list[Path]) -> dict[str, Any]:
    copied = copy.deepcopy(dict(values))
    for path in paths:
        node: Any = copied
        for step in path[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return copied

"""Release scope: a release or rollback changes an application's image and change cause, nothing else.

``platformctl deploy --image``, ``promote`` and ``rollback`` plan the application's own stack
(``<env>-app-<name>``) synthesized from the platform revision the environment last applied, so
the only difference between configuration and state is the release itself. Anything else in the
plan — a namespace, role or service to create, change or delete, a Deployment setting other than
the image — means the stack and the environment's applied configuration have drifted apart. Such
a change goes through ``Jenkinsfile-infra`` (reviewed, approved, planned after the platform),
never through a release, so the release is refused instead of carrying it along.

The one exception is an application's first release: its stack has no state yet, every change is
a creation, and the release creates the application.

Python API::

    problems = release_scope(plan_json, app="api")   # [] when the plan is a release and nothing more
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

#: The only resource type a release may update.
DEPLOYMENT_TYPE = "kubernetes_deployment_v1"
#: The Deployment annotation that carries the change cause (``kubectl rollout history``).
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"
_PASSIVE_ACTIONS = (["no-op"], ["read"])


def release_scope(plan: Mapping[str, Any], app: str) -> list[str]:
    """Problems that make ``plan`` more than a release of ``app``; empty when it is only that.

    Args:
        plan: the parsed output of ``terraform show -json PLANFILE`` of the application's stack.
        app: the application, which names its Deployment and its container.
    """
    changes = [change for change in plan.get("resource_changes", [])
               if change.get("mode", "managed") == "managed" and change["change"]["actions"] not in _PASSIVE_ACTIONS]
    if changes and all(change["change"]["actions"] == ["create"] for change in changes) and not _has_state(plan):
        return []  # the first release creates the application
    problems = []
    for change in changes:
        actions = change["change"]["actions"]
        if change["type"] == DEPLOYMENT_TYPE and actions == ["update"]:
            extra = _changes_beyond_release(change["change"].get("before") or {}, change["change"].get("after") or {}, app)
            if extra:
                problems.append(f"{change['address']}: update also changes {', '.join(extra)}")
        else:
            problems.append(f"{change['address']}: {'/'.join(actions)}")
    return problems


def _has_state(plan: Mapping[str, Any]) -> bool:
    """Whether the stack had managed resources before this plan."""
    module = plan.get("prior_state", {}).get("values", {}).get("root_module", {})
    return any(resource.get("mode", "managed") == "managed" for resource in module.get("resources", []))


def _changes_beyond_release(before: Mapping[str, Any], after: Mapping[str, Any], app: str) -> list[str]:
    """Top-level attributes of the Deployment that differ once the image and change cause are set aside."""
    before, after = _without_release(before, app), _without_release(after, app)
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _without_release(deployment: Mapping[str, Any], app: str) -> dict[str, Any]:
    """A copy of the Deployment without the values a release sets: the app container's image and the change cause."""
    copied = copy.deepcopy(dict(deployment))
    for metadata in copied.get("metadata") or []:
        (metadata.get("annotations") or {}).pop(CHANGE_CAUSE_ANNOTATION, None)
    for spec in copied.get("spec") or []:
        for template in spec.get("template") or []:
            for pod in template.get("spec") or []:
                for container in pod.get("container") or []:
                    if container.get("name") == app:
                        container.pop("image", None)
    return copied

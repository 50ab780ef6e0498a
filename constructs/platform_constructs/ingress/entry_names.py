"""Names and listener-rule priorities of application entries, from configuration alone (no cdktf).

The configuration rules check them before anything is built; the ingress constructs use the same ones.
"""

from __future__ import annotations

import hashlib

#: Listener-rule priorities an ALB accepts.
LISTENER_PRIORITIES = range(1, 50_000)
#: Load balancers and target groups have names of at most 32 characters.
MAX_LB_NAME_LENGTH = 32


def listener_rule_priority(host: str) -> int:
    """A stable listener-rule priority for ``host`` on a shared load balancer.

    Derived from the host alone, so adding or removing one application never renumbers (and never
    changes) another application's rule; the configuration refuses two hosts that collide.
    """
    digest = int(hashlib.sha256(host.encode()).hexdigest(), 16)
    return LISTENER_PRIORITIES.start + digest % len(LISTENER_PRIORITIES)


def load_balancer_name(prefix: str, environment: str, component: str) -> str:
    """``{prefix}-{environment}-{component}``, the name of a load balancer (at most 32 characters)."""
    return f"{prefix}-{environment}-{component}"


def target_group_name(prefix: str, environment: str, app: str, port: int) -> str:
    """``{prefix}-{environment}-{app}-{port}``: the port is in the name because changing it replaces the target
    group, and the new one is created before the old one is removed (two groups, two names)."""
    return f"{prefix}-{environment}-{app}-{port}"

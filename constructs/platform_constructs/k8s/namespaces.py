"""Namespaces no application and no team may use: Kubernetes' own and the platform's.

An application in ``kube-system``, or a team with edit rights there, can read the service-account
tokens of the cluster's add-ons and replace their pods; ``default`` catches everything deployed
without a namespace. Names starting with ``kube-`` are reserved by Kubernetes as a whole. The in-store
grant jobs run in ``data-grants-<app>`` with data-store administrator rights
(docs/decisions/0010-in-store-grants.md): a team that could edit such a namespace could run pods with them.
"""

from __future__ import annotations

from platform_constructs.errors import toml_value

#: Namespaces Kubernetes creates and owns.
KUBERNETES_NAMESPACES: tuple[str, ...] = ("default", "kube-node-lease", "kube-public", "kube-system")
#: Namespaces the platform's EKS add-ons run in (``compute/eks_cluster.py``): the EBS CSI driver and
#: the Pod Identity agent in ``kube-system``, Container Insights in ``amazon-cloudwatch``.
PLATFORM_NAMESPACES: tuple[str, ...] = ("amazon-cloudwatch",)
#: Every reserved namespace.
RESERVED_NAMESPACES: frozenset[str] = frozenset(KUBERNETES_NAMESPACES + PLATFORM_NAMESPACES)
#: Prefix of the grant jobs' namespaces (``data-grants-<app>``), one per application.
GRANTS_NAMESPACE_PREFIX = "data-grants-"


def reserved_namespace_reason(namespace: str) -> str | None:
    """Why ``namespace`` is off limits for applications and teams, or ``None`` when it is not."""
    if namespace in KUBERNETES_NAMESPACES or namespace.startswith("kube-"):
        return f"{toml_value(namespace)} is reserved by Kubernetes (kube-*, default)"
    if namespace in PLATFORM_NAMESPACES:
        return f"{toml_value(namespace)} belongs to the platform's cluster add-ons"
    if namespace.startswith(GRANTS_NAMESPACE_PREFIX):
        return (f"{toml_value(namespace)} starts with {toml_value(GRANTS_NAMESPACE_PREFIX)}, the prefix of the grant "
                "jobs' namespaces (they hold data-store administrator rights)")
    return None

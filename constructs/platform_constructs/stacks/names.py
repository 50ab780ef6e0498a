"""Names of the stacks the platform synthesizes, from configuration alone (no cdktf import).

One place decides them, so ``platformctl``, the checkov gate, the synth selection, its cache and the
tests agree with the stacks without importing cdktf:

* ``bootstrap`` and ``shared``: what ``shared.toml`` describes;
* ``<env>``: the platform of one environment (network, cluster, data stores);
* ``<env>-cluster-config``: the Kubernetes settings of the environment's whole cluster (with EKS Auto Mode
  and applications: NetworkPolicy enforcement), which no single application may own;
* ``<env>-app-<name>``: one application of one environment, with its own state (a release unit).

The names cannot collide: an environment name is letters and digits only (no ``-``), so every
name with a ``-`` belongs to exactly one environment (the part before the first ``-``) and one
application (the part after ``-app-``) or its cluster configuration (``-cluster-config``, which holds
no ``-app-``); ``bootstrap`` and ``shared`` contain no ``-``. Each stack's
state key is ``{state.key_prefix}/{stack}.tfstate``; a stack name holds no ``/``, so distinct key
prefixes (checked by the configuration rules) and distinct stack names give distinct keys.

Every stack has one owner, the configuration it is built from (``shared`` or an environment).
The stacks of one owner share its policy (suppressions are audited across them), so they are
synthesized and cached together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from platform_constructs.naming import APP_STACK_INFIX, app_of_stack, app_stack_name

if TYPE_CHECKING:
    from platform_constructs.config.loader import Platform
    from platform_constructs.config.schema import EnvironmentConfig

# the application stacks' name grammar is defined with the other names, below the configuration that refuses
# an environment file named like one; importers of this module find it here too
__all__ = ["APP_STACK_INFIX", "BOOTSTRAP_STACK", "CLUSTER_CONFIG_SUFFIX", "SHARED_STACK", "app_of_stack",
           "app_stack_name", "cluster_config_stack_name", "environment_order", "environment_stack_names",
           "platform_stack_name", "stack_owners"]

#: The stack that creates the state buckets (local state).
BOOTSTRAP_STACK = "bootstrap"
#: The stack of what every environment shares (container registries, CI identities).
SHARED_STACK = "shared"
#: Ends the name of an environment's cluster configuration stack.
CLUSTER_CONFIG_SUFFIX = "-cluster-config"


def platform_stack_name(environment: str) -> str:
    """The stack holding an environment's platform: the environment's own name."""
    return environment


def cluster_config_stack_name(env: EnvironmentConfig) -> str | None:
    """The stack holding the Kubernetes settings of ``env``'s whole cluster, ``<env>-cluster-config``; ``None``
    when there are none: only EKS Auto Mode needs one (NetworkPolicy enforcement is a ConfigMap in
    ``kube-system``; node groups get it from the vpc-cni add-on of the platform stack), and only once
    applications bring NetworkPolicies."""
    return f"{env.name}{CLUSTER_CONFIG_SUFFIX}" if env.eks.auto_mode and env.apps else None


def environment_stack_names(env: EnvironmentConfig) -> list[str]:
    """The stacks of one environment, in apply order: its platform, its cluster configuration, then each
    application's."""
    cluster_config = cluster_config_stack_name(env)
    return [platform_stack_name(env.name), *([cluster_config] if cluster_config else []),
            *(app_stack_name(env.name, app) for app in sorted(env.apps))]


def stack_owners(platform: Platform) -> dict[str, str]:
    """Every stack the platform synthesizes → the configuration that owns it (``shared`` or an environment)."""
    owners: dict[str, str] = {BOOTSTRAP_STACK: platform.shared.name, SHARED_STACK: platform.shared.name}
    for name in sorted(platform.environments):
        owners.update(dict.fromkeys(environment_stack_names(platform.environments[name]), name))
    return owners


def environment_order(platform: Platform) -> list[str]:
    """The environments in promotion order: each after every environment it takes promotions from
    (``[release].promote_from``), ties by name. ``Jenkinsfile-infra`` applies them in this order."""
    remaining = {name: set(env.release.promote_from) & set(platform.environments)
                 for name, env in platform.environments.items()}
    order: list[str] = []
    while remaining:
        ready = sorted(name for name, sources in remaining.items() if sources <= set(order))
        if not ready:  # a cycle: the configuration rules refuse it before anything asks
            raise ValueError(f"release.promote_from forms a cycle among {', '.join(sorted(remaining))}")
        order.append(ready[0])
        del remaining[ready[0]]
    return order

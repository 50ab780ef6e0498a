"""Names of the stacks the platform synthesizes, from configuration alone (no cdktf import).

One place decides them, so the synth selection, its cache and the tests agree with the stacks
without importing cdktf:

* ``bootstrap`` and ``shared``: what ``shared.toml`` describes;
* ``<env>``: the platform of one environment (network, cluster, data stores);
* ``<env>-apps``: the workloads of one environment.

Every stack has one owner, the configuration it is built from (``shared`` or an environment).
The stacks of one owner share its policy (suppressions are audited across them), so they are
synthesized and cached together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platform_constructs.config.loader import Platform
    from platform_constructs.config.schema import EnvironmentConfig

#: The stack that creates the state buckets (local state).
BOOTSTRAP_STACK = "bootstrap"
#: The stack of what every environment shares (container registries).
SHARED_STACK = "shared"


def apps_stack_name(environment: str) -> str:
    """Name of the apps stack of an environment."""
    return f"{environment}-apps"


def environment_stack_names(env: EnvironmentConfig) -> list[str]:
    """The stacks of one environment, in apply order: its platform, then its workloads."""
    return [env.name, apps_stack_name(env.name)]


def stack_owners(platform: Platform) -> dict[str, str]:
    """Every stack the platform synthesizes → the configuration that owns it (``shared`` or an environment)."""
    owners = {BOOTSTRAP_STACK: platform.shared.name, SHARED_STACK: platform.shared.name}
    for name in sorted(platform.environments):
        owners.update(dict.fromkeys(environment_stack_names(platform.environments[name]), name))
    return owners

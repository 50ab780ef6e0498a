"""Resource names (``{prefix}-{environment}-{component}``) and the grammar of application stack names
(``<env>-app-<name>``), built in one place.

The stack-name grammar lives here, below ``config``, because the configuration loader refuses an
environment file named like an application stack; :mod:`platform_constructs.stacks.names` derives
every stack name of a platform from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPONENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Naming:
    """Builds the physical names of resources of one environment.

    Attributes:
        prefix: organisation or project prefix, e.g. ``acme``.
        environment: environment name, e.g. ``dev``.
    """

    prefix: str
    environment: str

    def name(self, component: str, max_length: int = 63) -> str:
        """``{prefix}-{environment}-{component}``; fails if longer than ``max_length``."""
        if not _COMPONENT.match(component):
            raise ValueError(f"component {component!r} must be lower-case letters, digits and dashes")
        name = f"{self.prefix}-{self.environment}-{component}"
        if len(name) > max_length:
            raise ValueError(f"name {name!r} is {len(name)} characters; AWS allows {max_length} here")
        return name


#: Separates the environment from the application in an application stack's name.
APP_STACK_INFIX = "-app-"


def app_stack_name(environment: str, app: str) -> str:
    """The stack holding one application of one environment, e.g. ``prod-app-api``."""
    return f"{environment}{APP_STACK_INFIX}{app}"


def app_of_stack(stack: str) -> tuple[str, str] | None:
    """``(environment, application)`` of an application stack's name; ``None`` for any other stack."""
    environment, infix, app = stack.partition(APP_STACK_INFIX)
    return (environment, app) if infix and environment and app else None

"""Resource names: ``{prefix}-{environment}-{component}``, built in one place."""

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

"""Environment configuration: typed schema, tier presets and the loader that checks them.

Nothing here imports cdktf, so configuration can be validated (and reported on) in well
under a second, before any construct is built.
"""

from platform_constructs.config.loader import load_platform
from platform_constructs.config.platform import Platform
from platform_constructs.config.schema import EnvironmentConfig, SharedConfig

__all__ = ["EnvironmentConfig", "Platform", "SharedConfig", "load_platform"]

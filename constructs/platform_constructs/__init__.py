"""Typed cdktf constructs for the AWS platform and its dev / staging / prod environments.

Importing this package is cheap: the cdktf framework and the provider bindings (about 14 s to
import) load only when a construct module is imported. Configuration (``platform_constructs.config``)
never loads them. The operator CLI (``platformctl``) and the local AWS emulator (``local_aws``) are
separate packages beside this one; this package imports neither.
"""

__version__ = "0.1.0"

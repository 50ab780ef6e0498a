"""SharedStack: what all environments share (container registries)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformStack
from platform_constructs.config.loader import Platform
from platform_constructs.stacks.common import aws_provider, s3_backend

#: Stack name, as ``cdktf list`` shows it.
SHARED_STACK = "shared"


class SharedStack(TerraformStack):
    """Resources used by every environment; images are built once here and promoted by digest."""

    def __init__(self, scope: Construct, platform: Platform) -> None:
        super().__init__(scope, SHARED_STACK)
        shared = platform.shared
        s3_backend(self, shared.state, shared.state.region)
        aws_provider(self, shared.aws, shared.all_tags)

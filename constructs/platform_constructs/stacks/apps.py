"""AppsStack: the Kubernetes workloads of one environment (``<env>-apps``)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformStack
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.stacks.common import aws_provider, s3_backend


def apps_stack_name(environment: str) -> str:
    """Name of the apps stack of an environment."""
    return f"{environment}-apps"


class AppsStack(TerraformStack):
    """Workloads deployed onto the environment's EKS cluster, in their own state.

    Kept apart from the platform stack so an application release never plans against the
    VPC, the cluster or the databases.
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig) -> None:
        super().__init__(scope, apps_stack_name(env.name))
        self.env = env
        s3_backend(self, env.state, env.state.region)
        aws_provider(self, env.aws, env.all_tags)

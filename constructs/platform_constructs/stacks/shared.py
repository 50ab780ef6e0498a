"""SharedStack: what all environments share (container registries)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack
from platform_constructs.compute.eks_props import node_role_name
from platform_constructs.config.loader import Platform
from platform_constructs.naming import Naming
from platform_constructs.policy.guard import apply_policy
from platform_constructs.registry.ecr import ContainerRegistry
from platform_constructs.stacks.common import aws_provider, role_variable, s3_backend
from platform_constructs.stacks.names import SHARED_STACK, environment_order


class SharedStack(TerraformStack):
    """Resources used by every environment; images are built once here and promoted by digest."""

    def __init__(self, scope: Construct, platform: Platform) -> None:
        super().__init__(scope, SHARED_STACK)
        shared = platform.shared
        s3_backend(self, shared.state, shared.state.region)
        aws_provider(self, shared, role_arn=role_variable(self, shared))
        apply_policy(self, shared.policy, owner=shared.name)

        self.registry = ContainerRegistry(self, "Registry", props=shared.registry,
                                          naming=Naming(shared.naming.prefix, shared.name),
                                          environments=environment_order(platform),
                                          pull_role_arns=node_role_arns(platform))
        for name, value in self.registry.outputs.items():
            TerraformOutput(self, f"registry_{name}", value=value)


def node_role_arns(platform: Platform) -> list[str]:
    """The EKS node role of every environment, built from configuration (never from another stack's state)."""
    return [
        f"arn:aws:iam::{env.aws.account_id}:role/{node_role_name(Naming(env.naming.prefix, env.name))}"
        for _, env in sorted(platform.environments.items())
    ]

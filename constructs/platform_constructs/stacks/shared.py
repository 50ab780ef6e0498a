"""SharedStack: what all environments share (container registries)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack
from platform_constructs.compute.eks_props import node_role_name
from platform_constructs.config.loader import Platform
from platform_constructs.dns.hosted_zones import ParentZone
from platform_constructs.naming import Naming
from platform_constructs.policy.guard import apply_policy
from platform_constructs.registry.ecr import ContainerRegistry
from platform_constructs.stacks.common import aws_provider, s3_backend
from platform_constructs.stacks.names import SHARED_STACK


class SharedStack(TerraformStack):
    """Resources used by every environment: container registries (images are built once here and promoted by
    digest) and the parent DNS zone with one delegation role per environment."""

    def __init__(self, scope: Construct, platform: Platform) -> None:
        super().__init__(scope, SHARED_STACK)
        shared = platform.shared
        s3_backend(self, shared.state, shared.state.region)
        aws_provider(self, shared.aws, shared.all_tags)
        apply_policy(self, shared.policy, owner=shared.name)

        self.registry = ContainerRegistry(self, "Registry", props=shared.registry,
                                          naming=Naming(shared.naming.prefix, shared.name),
                                          pull_role_arns=node_role_arns(platform))
        for name, value in self.registry.outputs.items():
            TerraformOutput(self, f"registry_{name}", value=value)
        if shared.parent_zone is not None:
            zone = ParentZone(self, "ParentZone", props=shared.parent_zone,
                              naming=Naming(shared.naming.prefix, shared.name),
                              environment_domains={name: env.dns.domain for name, env in platform.environments.items()})
            TerraformOutput(self, "parent_zone_id", value=zone.zone_id)
            TerraformOutput(self, "parent_zone_name_servers", value=zone.zone.name_servers,
                            description="delegate the parent domain to these at its registrar")


def node_role_arns(platform: Platform) -> list[str]:
    """The EKS node role of every environment, built from configuration (never from another stack's state)."""
    return [
        f"arn:aws:iam::{env.aws.account_id}:role/{node_role_name(Naming(env.naming.prefix, env.name))}"
        for _, env in sorted(platform.environments.items())
    ]

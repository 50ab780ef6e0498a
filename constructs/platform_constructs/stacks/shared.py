"""SharedStack: what all environments share (container registries, the CI identities)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack, aws
from platform_constructs.ci.ci_identities import CiIdentities, StatePrefix, TargetRoles
from platform_constructs.ci.ci_props import planner_role_arn
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
        self.ci = self._create_ci_identities(platform)

    def _create_ci_identities(self, platform: Platform) -> CiIdentities:
        """The Jenkins agents' plan and apply identities, scoped to every target's roles and state."""
        configs = list(platform.configs())
        state_keys = {config.state.kms_alias for _, config in configs}
        key_arns = [aws.data_aws_kms_alias.DataAwsKmsAlias(self, f"StateKey{index}", name=alias).target_key_arn
                    for index, alias in enumerate(sorted(state_keys))]
        return CiIdentities(
            self, "Ci", ci=platform.shared.ci, naming=Naming(platform.shared.naming.prefix, platform.shared.name),
            tooling_account_id=platform.shared.aws.account_id,
            targets=[TargetRoles(config.aws.deploy_role_arn,
                                 planner_role_arn(config.aws.account_id, Naming(config.naming.prefix, name)))
                     for name, config in configs if config.aws.deploy_role_arn is not None],
            state=[StatePrefix(config.state.bucket, config.state.key_prefix) for _, config in configs],
            state_key_arns=key_arns, repository_arns=list(self.registry.repository_arns.values()),
        )


def node_role_arns(platform: Platform) -> list[str]:
    """The EKS node role of every environment, built from configuration (never from another stack's state)."""
    return [
        f"arn:aws:iam::{env.aws.account_id}:role/{node_role_name(Naming(env.naming.prefix, env.name))}"
        for _, env in sorted(platform.environments.items())
    ]

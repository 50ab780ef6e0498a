"""SharedStack: what all environments share (container registries and their findings' routing, the parent DNS
zone, the CI identities)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack, aws
from platform_constructs.ci.ci_identities import CiIdentities, StatePrefix, TargetRoles
from platform_constructs.ci.ci_props import planner_role_arn
from platform_constructs.compute.eks_props import node_role_name
from platform_constructs.config.loader import Platform
from platform_constructs.dns.hosted_zones import ParentZone
from platform_constructs.naming import Naming
from platform_constructs.observability.alarm_routing import EventRoute, inspector_findings_pattern
from platform_constructs.observability.alarm_topic import AlarmTopic
from platform_constructs.observability.monitoring_props import AlarmTopicProps
from platform_constructs.policy.guard import apply_policy
from platform_constructs.registry.ecr import ContainerRegistry
from platform_constructs.stacks.common import aws_provider, role_variable, s3_backend
from platform_constructs.stacks.names import SHARED_STACK, environment_order


class SharedStack(TerraformStack):
    """Resources used by every environment: container registries (images are built once here and promoted by
    digest), the routing of their Inspector findings to an alarm topic, the parent DNS zone with one delegation
    role per environment, and the CI agents' identities."""

    def __init__(self, scope: Construct, platform: Platform) -> None:
        super().__init__(scope, SHARED_STACK)
        shared = platform.shared
        s3_backend(self, shared.state, shared.state.region)
        aws_provider(self, shared.aws, shared.all_tags, role_arn=role_variable(self, shared))
        apply_policy(self, shared.policy, owner=shared.name)

        self.registry = ContainerRegistry(self, "Registry", props=shared.registry,
                                          naming=Naming(shared.naming.prefix, shared.name),
                                          environments=environment_order(platform),
                                          pull_role_arns=node_role_arns(platform))
        for name, value in self.registry.outputs.items():
            TerraformOutput(self, f"registry_{name}", value=value)
        self._route_findings(Naming(shared.naming.prefix, shared.name))
        self.parent_zone = self._create_parent_zone(platform)
        self.ci = self._create_ci_identities(platform)

    def _route_findings(self, naming: Naming) -> None:
        """Critical and high Inspector findings on the registry's images, to the shared account's alarm topic."""
        self.alarm_topic = AlarmTopic(self, "AlarmTopic", props=AlarmTopicProps(), naming=naming)
        self.findings_route = EventRoute(
            self, "FindingsRoute", name=naming.name("inspector-findings"), pattern=inspector_findings_pattern(),
            description="Critical and high Inspector findings on ECR images (pager; platformctl findings lists "
                        "the running images affected)", topic_arn=self.alarm_topic.arn)
        for key, value in {**self.alarm_topic.outputs, "findings_rule_arn": self.findings_route.rule_arn}.items():
            TerraformOutput(self, f"monitoring_{key}", value=value)

    def _create_parent_zone(self, platform: Platform) -> ParentZone | None:
        """The parent domain's public zone and each environment's delegation role (none without ``[parent_zone]``)."""
        shared = platform.shared
        if shared.parent_zone is None:
            return None
        zone = ParentZone(self, "ParentZone", props=shared.parent_zone,
                          naming=Naming(shared.naming.prefix, shared.name),
                          environment_domains={name: env.dns.domain for name, env in platform.environments.items()})
        TerraformOutput(self, "parent_zone_id", value=zone.zone_id)
        TerraformOutput(self, "parent_zone_name_servers", value=zone.zone.name_servers,
                        description="delegate the parent domain to these at its registrar")
        return zone

    def _create_ci_identities(self, platform: Platform) -> CiIdentities:
        """The Jenkins agents' plan and apply identities, scoped to every target's roles and state; an
        environment's apply also writes its zone's delegation into the parent zone (its delegation role)."""
        configs = list(platform.configs())
        state_keys = {config.state.kms_alias for _, config in configs}
        key_arns = [aws.data_aws_kms_alias.DataAwsKmsAlias(self, f"StateKey{index}", name=alias).target_key_arn
                    for index, alias in enumerate(sorted(state_keys))]
        delegation_roles = self.parent_zone.delegation_roles if self.parent_zone is not None else {}
        return CiIdentities(
            self, "Ci", ci=platform.shared.ci, naming=Naming(platform.shared.naming.prefix, platform.shared.name),
            tooling_account_id=platform.shared.aws.account_id,
            targets=[TargetRoles(config.aws.deploy_role_arn,
                                 planner_role_arn(config.aws.account_id, Naming(config.naming.prefix, name)),
                                 (delegation_roles[name].arn,) if name in delegation_roles else ())
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

"""ContainerRegistry construct and the shared stack's registries: repositories, scanning, pulls."""

from __future__ import annotations

import json

import pytest
from tfjson import only, resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.registry.ecr_props import LifecyclePolicy, RegistryProps

DEV_NODES = "arn:aws:iam::111111111111:role/acme-dev-eks-node"
PROD_NODES = "arn:aws:iam::333333333333:role/acme-prod-eks-node"


def build_registry(props: RegistryProps, pull_role_arns=(DEV_NODES, PROD_NODES)):
    def build(stack):
        from platform_constructs.registry.ecr import ContainerRegistry

        ContainerRegistry(stack, "Registry", props=props, naming=Naming("acme", "shared"),
                          environments=["dev", "staging", "prod"], pull_role_arns=pull_role_arns)
    return build


def by_name(config, resource_type, key):
    return {resource[key]: resource for resource in resources_of(config, resource_type).values()}


def test_repositories_are_immutable_scanned_and_kms_encrypted(synth_stack):
    config = synth_stack(build_registry(RegistryProps(repositories=("api", "worker"))))
    repositories = by_name(config, "aws_ecr_repository", "name")
    assert set(repositories) == {"acme-shared-api", "acme-shared-worker"}
    [key] = resources_of(config, "aws_kms_key")
    assert only(config, "aws_kms_key")["enable_key_rotation"] is True
    for repository in repositories.values():
        assert repository["image_tag_mutability"] == "IMMUTABLE"
        assert repository["image_scanning_configuration"] == {"scan_on_push": True}
        assert repository["encryption_configuration"] == [
            {"encryption_type": "KMS", "kms_key": f"${{aws_kms_key.{key}.arn}}"}]
        assert (repository["force_delete"], repository["lifecycle"]) == (False, {"prevent_destroy": True})


@pytest.mark.parametrize(("force_delete", "protected"), [(True, False), (False, True)])
def test_deletion_settings_follow_the_props(synth_stack, force_delete, protected):
    repository = only(synth_stack(build_registry(RegistryProps(
        repositories=("api",), force_delete=force_delete, deletion_protection=protected))), "aws_ecr_repository")
    assert (repository["force_delete"], repository["lifecycle"]["prevent_destroy"]) == (force_delete, protected)


def test_every_repository_gets_the_typed_lifecycle_rules(synth_stack):
    lifecycle = LifecyclePolicy(keep_deployed_per_environment=12, expire_untagged_after_days=2)
    config = synth_stack(build_registry(RegistryProps(repositories=("api", "worker"), lifecycle=lifecycle)))
    policies = resources_of(config, "aws_ecr_lifecycle_policy").values()
    assert len(policies) == 2
    assert all(json.loads(policy["policy"]) == {"rules": lifecycle.rules(["dev", "staging", "prod"])}
               for policy in policies)


def test_a_lifecycle_ecr_would_refuse_is_refused_at_synth(synth_stack):
    from platform_constructs.registry.ecr import ContainerRegistry

    def build(stack):
        ContainerRegistry(stack, "Registry", props=RegistryProps(repositories=("api",)),
                          naming=Naming("acme", "shared"),
                          environments=["dev", "dev"])

    with pytest.raises(ConstructValidationError, match="selected twice: deployed-dev-"):
        synth_stack(build)


def test_the_shared_registry_keeps_every_environments_deployments_in_promotion_order(stack_json):
    [policy, *_] = resources_of(stack_json("shared"), "aws_ecr_lifecycle_policy").values()
    patterns = [rule["selection"].get("tagPatternList") for rule in json.loads(policy["policy"])["rules"]]
    assert patterns == [["deployed-prod-*"], ["deployed-staging-*"], ["deployed-dev-*"], ["main-*"], ["branch-*"], None]


@pytest.mark.parametrize(("enhanced", "scan_type", "frequency"), [(True, "ENHANCED", "CONTINUOUS_SCAN"),
                                                                  (False, "BASIC", "SCAN_ON_PUSH")])
def test_registry_scanning(synth_stack, enhanced, scan_type, frequency):
    scanning = only(synth_stack(build_registry(RegistryProps(repositories=("api",), enhanced_scanning=enhanced))),
                    "aws_ecr_registry_scanning_configuration")
    assert scanning == {"scan_type": scan_type, "rule": [
        {"scan_frequency": frequency, "repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}]}]}


def test_only_the_node_roles_may_pull_and_the_policy_needs_no_foreign_role_to_exist(synth_stack):
    config = synth_stack(build_registry(RegistryProps(repositories=("api",))))
    [statement] = json.loads(only(config, "aws_ecr_repository_policy")["policy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root"]}
    assert statement["Condition"] == {"ArnEquals": {"aws:PrincipalArn": [DEV_NODES, PROD_NODES]}}
    assert statement["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert not any(action.startswith(("ecr:Put", "ecr:Delete", "ecr:Upload")) for action in statement["Action"])


def test_no_pull_roles_no_repository_policy(synth_stack):
    config = synth_stack(build_registry(RegistryProps(repositories=("api",)), pull_role_arns=()))
    assert not resources_of(config, "aws_ecr_repository_policy")


@pytest.mark.parametrize(("arns", "field"), [
    ([DEV_NODES, "arn:aws:iam::1234:role/x"], "pull_role_arns[1]"),
    (["arn:aws:iam::111111111111:user/alice"], "pull_role_arns[0]"),
    (["*"], "pull_role_arns[0]"),
])
def test_pull_roles_must_be_role_arns(synth_stack, arns, field):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_registry(RegistryProps(repositories=("api",)), pull_role_arns=arns))
    assert (raised.value.field, raised.value.path) == (field, "test/Registry")
    assert "is not an IAM role ARN" in str(raised.value)


def test_every_bad_pull_role_is_reported(synth_stack):
    arns = ["*", DEV_NODES, "arn:aws:iam::111111111111:user/alice"]
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_registry(RegistryProps(repositories=("api",)), pull_role_arns=arns))
    assert [(problem.field, problem.value) for problem in raised.value.problems] == [
        ("pull_role_arns[0]", "*"), ("pull_role_arns[2]", "arn:aws:iam::111111111111:user/alice")]


def test_bad_pull_roles_and_a_lifecycle_ecr_would_refuse_are_reported_together(synth_stack):
    from platform_constructs.registry.ecr import ContainerRegistry

    def build(stack):
        ContainerRegistry(stack, "Registry", props=RegistryProps(repositories=("api",)),
                          naming=Naming("acme", "shared"),
                          environments=["dev", "dev"], pull_role_arns=["*"])

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build)
    assert [(problem.code, problem.field) for problem in raised.value.problems] == [
        ("ecr.pull-role", "pull_role_arns[0]"), ("ecr.lifecycle", "lifecycle")]
    assert "selected twice: deployed-dev-" in raised.value.problems[1].message


def test_shared_stack_lets_every_environment_node_role_pull(stack_json, platform):
    shared = stack_json("shared")
    repositories = by_name(shared, "aws_ecr_repository", "name")
    assert set(repositories) == {"acme-shared-api", "acme-shared-worker", "acme-shared-platform-tools"}
    expected = sorted(f"arn:aws:iam::{env.aws.account_id}:role/acme-{name}-eks-node"
                      for name, env in platform.environments.items())
    policies = resources_of(shared, "aws_ecr_repository_policy").values()
    assert {policy["repository"] for policy in policies} == {
        f"${{aws_ecr_repository.{name}.name}}" for name in resources_of(shared, "aws_ecr_repository")}
    for policy in policies:
        [statement] = json.loads(policy["policy"])["Statement"]
        assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] == expected
    assert {"registry_repository_urls", "registry_repository_arns", "registry_kms_key_arn"} <= set(shared["output"])


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_granted_node_role_is_the_one_each_cluster_creates(stack_json, env):
    """The shared stack builds node-role ARNs from config; they must name the role the platform stack creates."""
    [node_role] = [role for role in resources_of(stack_json(env), "aws_iam_role").values()
                   if role["name"].endswith("-eks-node")]
    granted = json.loads(next(iter(resources_of(stack_json("shared"), "aws_ecr_repository_policy").values()))["policy"])
    assert any(arn.endswith(f":role/{node_role['name']}")
               for arn in granted["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"])

"""Registry props: typed lifecycle rules, bad values refused, tier presets and floors of [registry]."""

from __future__ import annotations

import json

import pytest
from envfiles import copy_environments, set_value
from pydantic import ValidationError

from platform_constructs.config import load_platform
from platform_constructs.config.presets import floors, preset
from platform_constructs.errors import ConfigError
from platform_constructs.registry.ecr_props import LifecyclePolicy, RegistryProps
from platform_constructs.registry.lifecycle import parse_policy


def test_lifecycle_keeps_each_environments_deployments_first_then_main_then_feature_builds():
    policy = LifecyclePolicy(keep_deployed_per_environment=30, keep_main_builds=20, keep_branch_builds=5,
                             expire_untagged_after_days=3)

    def kept(priority, description, pattern, count):
        return {"rulePriority": priority, "description": description,
                "selection": {"tagStatus": "tagged", "tagPatternList": [pattern], "countType": "imageCountMoreThan",
                              "countNumber": count}, "action": {"type": "expire"}}

    assert json.loads(policy.to_json(["dev", "qa", "prod"])) == {"rules": [
        kept(1, "Keep the last 30 images deployed to prod", "deployed-prod-*", 30),
        kept(2, "Keep the last 30 images deployed to qa", "deployed-qa-*", 30),
        kept(3, "Keep the last 30 images deployed to dev", "deployed-dev-*", 30),
        kept(4, "Keep the last 20 main-branch builds", "main-*", 20),
        kept(5, "Keep the last 5 feature-branch builds", "branch-*", 5),
        {"rulePriority": 6, "description": "Expire untagged images 3 day(s) after push",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3},
         "action": {"type": "expire"}},
    ]}
    assert parse_policy(policy.to_json(["dev", "qa", "prod"]))  # a policy ECR accepts


def test_defaults_are_the_secure_shape():
    props = RegistryProps()
    assert (props.enhanced_scanning, props.force_delete, props.deletion_protection) == (True, False, True)
    assert props.lifecycle == LifecyclePolicy(keep_deployed_per_environment=100, keep_main_builds=50,
                                              keep_branch_builds=20, expire_untagged_after_days=7)


# (model, values, error location, fragment)
MALFORMED = [
    (LifecyclePolicy, {"keep_deployed_per_environment": 1}, ("keep_deployed_per_environment",),
     "greater than or equal to 2"),
    (LifecyclePolicy, {"keep_branch_builds": 0}, ("keep_branch_builds",), "greater than or equal to 1"),
    (LifecyclePolicy, {"expire_untagged_after_days": 0}, ("expire_untagged_after_days",), "greater than or equal to 1"),
    (LifecyclePolicy, {"expire_untagged_after_days": "7"}, ("expire_untagged_after_days",), "valid integer"),
    (LifecyclePolicy, {"release_tag_pattern": "v*"}, ("release_tag_pattern",), "Extra inputs are not permitted"),
    (LifecyclePolicy, {"rules": "[]"}, ("rules",), "Extra inputs are not permitted"),
    (RegistryProps, {"repositories": ("api", "API")}, ("repositories", 1), "should match pattern"),
    (RegistryProps, {"repositories": ("api", "worker", "api")}, ("repositories",), "lists api more than once"),
    (RegistryProps, {"force_delete": 1}, ("force_delete",), "valid boolean"),
    (RegistryProps, {"image_tag_mutability": "MUTABLE"}, ("image_tag_mutability",), "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("model", "values", "location", "fragment"), MALFORMED,
                         ids=[".".join(map(str, case[2])) for case in MALFORMED])
def test_malformed_values_are_refused_at_their_field(model, values, location, fragment):
    with pytest.raises(ValidationError) as raised:
        model(**values)
    [error] = raised.value.errors()
    assert error["loc"] == location
    assert fragment in str(raised.value)


def test_shared_config_names_the_repositories_and_gets_prod_defaults(platform):
    registry = platform.shared.registry
    assert registry.repositories == ("api", "worker", "platform-tools")
    assert (registry.force_delete, registry.deletion_protection, registry.enhanced_scanning) == (False, True, True)
    assert registry.lifecycle.expire_untagged_after_days == 7


def test_a_dev_tier_registry_may_force_delete():
    # shared.toml itself is bound to tier prod (its name and the account registry); the dev column of the
    # preset is what a dev-tier configuration with a registry gets
    registry = RegistryProps.model_validate({**preset("dev", {"registry"})["registry"], "repositories": ["api"]})
    assert (registry.force_delete, registry.deletion_protection, registry.lifecycle.keep_deployed_per_environment) == (
        True, False, 10)


@pytest.mark.parametrize(("tier", "edit", "field", "fragment"), [
    ("prod", ("registry.force_delete", True), "registry.force_delete", "must be false in tier prod"),
    ("prod", ("registry.deletion_protection", False), "registry.deletion_protection", "must be true in tier prod"),
    ("prod", ("registry.enhanced_scanning", False), "registry.enhanced_scanning", "must be true in tier prod"),
    ("prod", ("registry.lifecycle.keep_deployed_per_environment", -1),
     "registry.lifecycle.keep_deployed_per_environment", "must be at least 2"),
    ("prod", ("registry.lifecycle.keep_deployed_per_environment", 5),
     "registry.lifecycle.keep_deployed_per_environment", "at least 10 in tier prod"),
    ("prod", ("registry.repositories", ["api", "api"]), "registry.repositories", "lists api more than once"),
    ("prod", ("registry.tag_mutability", "MUTABLE"), "registry.tag_mutability", "unknown key; allowed keys here"),
])
def test_bad_registry_config_is_refused_naming_the_field(tmp_path, tier, edit, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, "shared.toml", "tier", tier)
    set_value(directory, "shared.toml", *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [problem for problem in raised.value.problems if problem.field == field]
    assert matching and all(problem.file.endswith("shared.toml") for problem in matching), str(raised.value)
    assert any(fragment in problem.message for problem in matching), str(raised.value)


def test_a_staging_tier_registry_may_not_force_delete(tmp_path):
    # shared.toml cannot declare tier staging (its name implies prod): the staging floor is checked on the
    # preset data, and the loader names only the tier, not what the wrong tier's preset would lead to
    [floor] = [floor for floor in floors("staging", {"registry"}) if floor.field == "registry.force_delete"]
    assert floor.violated_by(True) and not floor.violated_by(False)
    assert floor.describe() == "must be false in tier staging"
    directory = copy_environments(tmp_path)
    set_value(directory, "shared.toml", "tier", "staging")
    set_value(directory, "shared.toml", "registry.force_delete", True)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert [(problem.field, problem.value) for problem in raised.value.problems] == [("tier", "staging")]

"""Release units: one stack (and state) per application; names and state keys that cannot collide;
namespaces owned by one application; a promotion path that is also the apply order."""

from __future__ import annotations

import pytest
from envfiles import add_environment, copy_environments, set_value
from hypothesis import given, strategies as st

from platform_constructs.config.loader import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.stacks.names import (
    BOOTSTRAP_STACK,
    SHARED_STACK,
    app_of_stack,
    app_stack_name,
    cluster_config_stack_name,
    environment_order,
    environment_stack_names,
    stack_owners,
)

WORKER = {"image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker",
          "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}, "replicas": 1}
ENV_NAME = st.from_regex(r"[a-z][a-z0-9]{1,11}", fullmatch=True)
APP_NAME = st.from_regex(r"[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?", fullmatch=True)


def test_each_application_of_an_environment_has_its_own_stack_after_the_platform(platform):
    dev = platform.environments["dev"]
    assert environment_stack_names(dev) == ["dev", "dev-cluster-config", "dev-app-api"]
    owners = stack_owners(platform)
    assert owners == {"bootstrap": "shared", "shared": "shared", "dev": "dev", "dev-cluster-config": "dev",
                      "dev-app-api": "dev", "staging": "staging", "staging-cluster-config": "staging",
                      "staging-app-api": "staging", "prod": "prod", "prod-cluster-config": "prod",
                      "prod-app-api": "prod"}


def test_the_cluster_configuration_exists_with_auto_mode_and_applications_only(platform):
    """NetworkPolicy enforcement is a ConfigMap only EKS Auto Mode needs (node groups get it from the platform
    stack's vpc-cni add-on), and only the applications' policies need it."""
    dev = platform.environments["dev"]
    assert cluster_config_stack_name(dev) == "dev-cluster-config"
    assert cluster_config_stack_name(dev.model_copy(update={"apps": {}})) is None
    node_groups = dev.model_copy(update={"eks": dev.eks.model_copy(update={"compute": "node-groups"})})
    assert not node_groups.eks.auto_mode and cluster_config_stack_name(node_groups) is None
    assert app_of_stack("dev-cluster-config") is None


@given(env=ENV_NAME, app=APP_NAME, other_env=ENV_NAME, other_app=APP_NAME)
def test_application_stack_names_never_collide(env, app, other_env, other_app):
    name = app_stack_name(env, app)
    assert app_of_stack(name) == (env, app)  # the name says which environment and application it is
    assert name not in {env, other_env, BOOTSTRAP_STACK, SHARED_STACK}  # never a platform or shared stack
    assert "/" not in name  # state keys {key_prefix}/{stack}.tfstate stay apart for distinct prefixes
    if (env, app) != (other_env, other_app):
        assert name != app_stack_name(other_env, other_app)


@pytest.mark.parametrize("stack", ["dev", "bootstrap", "shared", "dev-apps", "-app-api", "dev-app-"])
def test_other_stacks_are_not_application_stacks(stack):
    assert app_of_stack(stack) is None


def test_every_stack_of_the_platform_has_its_own_state_key(platform):
    configs = dict(platform.configs())
    keys = [(configs[owner].state.bucket, configs[owner].state.key(stack))
            for stack, owner in stack_owners(platform).items() if stack != BOOTSTRAP_STACK]
    assert len(keys) == 10 and len(set(keys)) == len(keys)


def test_environments_come_in_promotion_order(tmp_path):
    directory = copy_environments(tmp_path)
    add_environment(directory, "qa", account_id="555555555555", cidr="10.40.0.0/16", promote_from=["dev"])
    add_environment(directory, "perf", account_id="666666666666", cidr="10.50.0.0/16", promote_from=["qa"])
    set_value(directory, "prod.toml", "release.promote_from", ["perf", "staging"])
    assert environment_order(load_platform(directory)) == ["dev", "qa", "perf", "staging", "prod"]


@pytest.mark.parametrize(("edits", "file", "field", "fragment"), [
    ([("dev.toml", "apps.worker", {**WORKER, "namespace": "api"})], "dev.toml", "apps.worker.namespace",
     "is already the namespace of application api; a namespace belongs to exactly one application"),
    ([("dev.toml", "apps.api.namespace", "shared"), ("dev.toml", "apps.worker", {**WORKER, "namespace": "shared"})],
     "dev.toml", "apps.worker.namespace", "is already the namespace of application api"),
    ([("staging.toml", "release.promote_from", ["qa"])], "staging.toml", "release.promote_from",
     'names "qa", which is not an environment; known: dev, prod, staging'),
    ([("dev.toml", "release.promote_from", ["prod"])], "dev.toml", "release.promote_from",
     "leads back to dev: promotions must flow one way"),
], ids=["namespace-of-another-app", "one-namespace-for-two-apps", "unknown-source", "promotion-cycle"])
def test_release_unit_rules_refuse_naming_file_field_and_value(tmp_path, edits, file, field, fragment):
    directory = copy_environments(tmp_path)
    for edited, dotted, value in edits:
        set_value(directory, edited, dotted, value)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [problem for problem in raised.value.problems if problem.field == field]
    assert matching and matching[0].file.endswith(file), str(raised.value)
    assert any(fragment in problem.message for problem in matching), str(raised.value)


def test_two_applications_with_their_own_namespaces_are_accepted(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "apps.worker", WORKER)
    dev = load_platform(directory).environments["dev"]
    assert environment_stack_names(dev) == ["dev", "dev-cluster-config", "dev-app-api", "dev-app-worker"]

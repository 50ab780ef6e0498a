"""Every stack: names, S3 backend per stack, provider pinned to its account with mandatory tags."""

from __future__ import annotations

import json

import pytest

REMOTE_STACKS = ["dev", "dev-app-api", "dev-cluster-config", "prod", "prod-app-api", "prod-cluster-config", "shared",
                 "staging", "staging-app-api", "staging-cluster-config"]
ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333", "shared": "444444444444"}


def test_stack_names(synth_dir):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == sorted(["bootstrap", *REMOTE_STACKS])


@pytest.mark.parametrize("stack", REMOTE_STACKS)
def test_s3_backend_one_key_per_stack_encrypted_and_lockfile_locked(stack_json, stack):
    backend = stack_json(stack)["terraform"]["backend"]
    environment = stack.split("-")[0]
    assert backend == {"s3": {
        "bucket": "acme-platform-tfstate-444444444444",
        "key": f"platform/{environment}/{stack}.tfstate",
        "region": "eu-west-1",
        "encrypt": True,
        "kms_key_id": "alias/acme-platform-tfstate-444444444444",
        "use_lockfile": True,
    }}


@pytest.mark.parametrize("stack", [*REMOTE_STACKS, "bootstrap"])
def test_provider_is_pinned_to_its_account_and_tags_everything(stack_json, stack):
    environment = {"bootstrap": "shared"}.get(stack, stack.split("-")[0])
    [provider] = [provider for provider in stack_json(stack)["provider"]["aws"] if "alias" not in provider]
    account = ACCOUNTS[environment]
    assert provider["allowed_account_ids"] == [account]
    assert provider["assume_role"][0]["role_arn"] == "${var.platform_role_arn}"
    role = stack_json(stack)["variable"]["platform_role_arn"]
    deployer = f"arn:aws:iam::{account}:role/platform-deployer"
    planner = f"arn:aws:iam::{account}:role/acme-{environment}-ci-planner"
    assert role["default"] == deployer  # a read-only plan passes the planner; nothing else is accepted
    assert role["validation"][0]["condition"] == (
        f'${{contains(["{deployer}", "{planner}"], var.platform_role_arn)}}')
    tags = provider["default_tags"][0]["tags"]
    assert tags["Environment"] == environment
    assert {"Owner", "CostCenter", "DataClassification"} <= set(tags)


def test_constructs_never_branch_on_the_environment_name(platform, tmp_path):
    """A copy of prod renamed 'qa' synthesizes the same resources: only the data decides."""
    from platform_constructs._internal.tf import Testing
    from platform_constructs.stacks.platform import PlatformStack

    prod = platform.environments["prod"]
    renamed = prod.model_copy(update={"name": "qa"})

    def resources(env):
        stack = PlatformStack(Testing.app(outdir=str(tmp_path / env.name)), env)
        return {kind: len(items) for kind, items in json.loads(Testing.synth(stack))["resource"].items()}

    assert resources(prod) == resources(renamed)


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_delegation_provider_acts_in_the_shared_account_through_its_narrow_role(stack_json, env):
    [provider] = [provider for provider in stack_json(env)["provider"]["aws"] if "alias" in provider]
    assert provider["alias"] == "dns-parent"
    assert provider["allowed_account_ids"] == [ACCOUNTS["shared"]]
    # the environment's delegation role while the stack deploys; the tooling account's read-only planner
    # during a read-only plan (branch builds), following the stack's role variable
    tooling, deployer = ACCOUNTS["shared"], f"arn:aws:iam::{ACCOUNTS[env]}:role/platform-deployer"
    assert provider["assume_role"][0]["role_arn"] == (
        f'${{var.platform_role_arn == "{deployer}" ? "arn:aws:iam::{tooling}:role/acme-shared-dns-delegation-{env}" '
        f': "arn:aws:iam::{tooling}:role/acme-shared-ci-planner"}}')
    [record] = [record for record in stack_json(env)["resource"]["aws_route53_record"].values()
                if record["type"] == "NS"]
    assert record["provider"] == "aws.dns-parent" and record["name"] == f"{env}.acme.example"


def test_a_cluster_configuration_stack_is_refused_where_the_environment_needs_none(platform, tmp_path):
    """Node groups get NetworkPolicy enforcement from the platform stack's vpc-cni add-on: nothing to hold."""
    from platform_constructs._internal.tf import Testing
    from platform_constructs.errors import ConstructValidationError
    from platform_constructs.stacks.cluster_config import ClusterConfigStack

    dev = platform.environments["dev"]
    node_groups = dev.model_copy(update={"eks": dev.eks.model_copy(update={"compute": "node-groups"})})
    with pytest.raises(ConstructValidationError) as raised:
        ClusterConfigStack(Testing.app(outdir=str(tmp_path)), node_groups)
    assert (raised.value.code, raised.value.field) == ("stacks.no-cluster-config", "eks.compute")

"""Every stack: names, S3 backend per stack, provider pinned to its account with mandatory tags."""

from __future__ import annotations

import json

import pytest

REMOTE_STACKS = ["dev", "dev-app-api", "prod", "prod-app-api", "shared", "staging", "staging-app-api"]
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
    [provider] = stack_json(stack)["provider"]["aws"]
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

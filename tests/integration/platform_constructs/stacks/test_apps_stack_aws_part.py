"""The AWS part of the application stacks (``<env>-app-<name>``) with the real Terraform CLI: ``terraform
validate`` of every environment's.

No kubernetes provider binary exists on this machine, so the kubernetes resources are stripped
first (the unit tests validate them against the Kubernetes schema instead). The apply of the AWS
part to the local emulator is part of the entries drill (``tests/integration/local_aws/test_traffic.py``).
"""

from __future__ import annotations

import json
import shutil

import pytest
from tfjson import aws_only, strip_metadata

from platformctl.terraform.cli import validate_stack, write_cli_config

ENVIRONMENTS = ["dev", "staging", "prod"]


def apps(stack_json, env, app="api"):
    return strip_metadata(stack_json(f"{env}-app-{app}"))


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the validate gate cannot run")
    return write_cli_config(tmp_path_factory.mktemp("tf") / "platform.tfrc")


@pytest.mark.terraform
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_aws_part_is_valid_terraform(stack_json, cli_config, tmp_path, env):
    stack_dir = tmp_path / f"{env}-app-api"
    stack_dir.mkdir()
    stripped = aws_only(apps(stack_json, env))
    assert {"aws_iam_role", "aws_eks_pod_identity_association"} <= set(stripped["resource"])
    (stack_dir / "cdk.tf.json").write_text(json.dumps(stripped))
    result = validate_stack(stack_dir, cli_config)
    assert result.valid, result.summary()

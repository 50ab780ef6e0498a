"""The AWS part of the <env>-apps stacks with the real Terraform CLI: ``terraform validate`` of every
environment's, and dev's applied to the local AWS emulator against a cluster found by name.

No kubernetes provider binary exists on this machine, so the kubernetes resources are stripped
first (the unit tests validate them against the Kubernetes schema instead).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess

import pytest
from tfjson import strip_metadata

from platformctl.terraform.cli import validate_stack, write_cli_config

ENVIRONMENTS = ["dev", "staging", "prod"]


def apps(stack_json, env):
    return strip_metadata(stack_json(f"{env}-apps"))


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the validate gate cannot run")
    return write_cli_config(tmp_path_factory.mktemp("tf") / "platform.tfrc")


def aws_part(config):
    """The stack without anything of the kubernetes provider (whose binary this machine lacks).

    A reference to a removed object's name becomes that name (known at synth); any other reference
    to a removed resource (the deployment's image) becomes a placeholder string. Terraform still
    checks every argument, type and remaining reference of the AWS part.
    """
    stripped = copy.deepcopy(config)
    stripped["resource"] = {kind: items for kind, items in config["resource"].items() if not kind.startswith("kubernetes_")}
    stripped["provider"].pop("kubernetes")
    stripped["terraform"]["required_providers"].pop("kubernetes")
    stripped["terraform"].pop("backend")
    names = {f"${{{kind}.{name}.metadata[0].name}}": body["metadata"]["name"]
             for kind, items in config["resource"].items() if kind.startswith("kubernetes_")
             for name, body in items.items()}
    text = json.dumps(stripped)
    for reference, name in names.items():
        text = text.replace(reference, name)
    return json.loads(re.sub(r"\$\{kubernetes_[a-z0-9_]+\.[^}]*\}", "removed-kubernetes-reference", text))


@pytest.mark.terraform
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_aws_part_is_valid_terraform(stack_json, cli_config, tmp_path, env):
    stack_dir = tmp_path / f"{env}-apps"
    stack_dir.mkdir()
    stripped = aws_part(apps(stack_json, env))
    assert {"aws_iam_role", "aws_eks_pod_identity_association"} <= set(stripped["resource"])
    (stack_dir / "cdk.tf.json").write_text(json.dumps(stripped))
    result = validate_stack(stack_dir, cli_config)
    assert result.valid, result.summary()


@pytest.mark.emulator
@pytest.mark.terraform
@pytest.mark.slow
def test_aws_part_applies_to_the_emulator_against_the_cluster_found_by_name(platform, stack_json, cli_config, tmp_path):
    """dev-apps' AWS resources, applied by the real provider to the local emulator (moto).

    The cluster is created beforehand, as the platform stack would; the apply must find it by name
    and associate the pod role with the app's service account on it.
    """
    from local_aws.emulator import LocalAws

    env, shared = platform.environments["dev"], platform.shared
    stripped = aws_part(apps(stack_json, "dev"))
    stack_dir = tmp_path / "dev-apps"
    stack_dir.mkdir()
    (stack_dir / "cdk.tf.json").write_text(json.dumps(stripped))
    with LocalAws(account_id=shared.aws.account_id, region=env.aws.region) as emulator:
        deployer = emulator.create_role(env.aws.account_id, env.aws.deploy_role_name)
        ec2 = emulator.client("ec2", role_arn=deployer)
        vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.10.{index}.0/24",
                                     AvailabilityZone=f"{env.aws.region}{zone}")["Subnet"]["SubnetId"]
                   for index, zone in enumerate("ab")]
        cluster = emulator.client("eks", role_arn=deployer).create_cluster(
            name="acme-dev-eks", roleArn=f"arn:aws:iam::{env.aws.account_id}:role/acme-dev-eks",
            resourcesVpcConfig={"subnetIds": subnets})["cluster"]
        process_env = emulator.process_env(dict(os.environ, TF_CLI_CONFIG_FILE=str(cli_config), TF_INPUT="0"))
        release = ["-var", f"image_api=444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api@sha256:{'ab' * 32}",
                   "-var", "change_cause_api=3f2c1e0"]
        for step in (["init"], ["apply", "-auto-approve", *release], ["plan", "-detailed-exitcode", *release]):
            result = subprocess.run(["terraform", f"-chdir={stack_dir}", *step, "-input=false", "-no-color"],
                                    env=process_env, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"terraform {step[0]}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        iam, eks = emulator.client("iam", role_arn=deployer), emulator.client("eks", role_arn=deployer)
        role = iam.get_role(RoleName="acme-dev-api-pod")["Role"]
        [statement] = role["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Condition"]["StringEquals"]["aws:RequestTag/eks-cluster-name"] == cluster["name"]
        assert iam.list_attached_role_policies(RoleName="acme-dev-api-pod")["AttachedPolicies"] == []
        [association] = eks.list_pod_identity_associations(clusterName="acme-dev-eks")["associations"]
        assert (association["namespace"], association["serviceAccount"]) == ("api", "api")
        described = eks.describe_pod_identity_association(
            clusterName="acme-dev-eks", associationId=association["associationId"])["association"]
        assert described["roleArn"] == role["Arn"]

"""No secret literal anywhere: not in any synthesized ``cdk.tf.json``, not in the deployed state.

Passwords, tokens and keys are left to the services (RDS-managed master password, IAM
authentication for Redis and OpenSearch); a secret-bearing property may only hold a reference.
The scanner (``platform_constructs.policy.secrets``) is the one behind the
``general.no-secret-literals`` rule; here it runs over whole documents, providers and
variables included.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess

import pytest

from local_aws.emulator import LocalAws
from platform_constructs.policy.secrets import secret_literals
from platformctl.terraform.cli import terraform_env, write_cli_config


def stack_documents(synth_dir):
    return {path.parent.name: json.loads(path.read_text())
            for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))}


def test_no_synthesized_stack_holds_a_secret_literal(synth_dir):
    documents = stack_documents(synth_dir)
    assert {"bootstrap", "shared", "dev", "staging", "prod", "dev-app-api"} <= set(documents)
    found = {stack: list(secret_literals(document)) for stack, document in documents.items()}
    assert found == {stack: [] for stack in documents}


def test_the_scan_finds_a_literal_planted_in_a_real_stack(synth_dir):
    prod = copy.deepcopy(stack_documents(synth_dir)["prod"])
    (name, instance), = prod["resource"]["aws_db_instance"].items()
    instance["password"] = "correct-horse-battery-staple"
    prod["variable"] = {"api_token": {"type": "string", "default": "tok-123"}}
    assert list(secret_literals(prod)) == [f"resource.aws_db_instance.{name}.password", "variable.api_token.default"]


@pytest.mark.emulator
@pytest.mark.terraform
@pytest.mark.slow
def test_deployed_database_state_holds_no_secret_literal(synth_dir, platform, tmp_path):
    """Apply dev's PostgreSQL database (and what it depends on) to the emulator, then scan the state.

    Only the database and its dependencies are applied (``-target``): it is the resource whose
    master credential could leak into state; the whole-platform apply is the emulator drills' job.
    """
    dev, shared = platform.environments["dev"], platform.shared
    stack_dir = tmp_path / "dev"
    shutil.copytree(synth_dir / "stacks" / "dev", stack_dir)
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    (db_name, _), = document["resource"]["aws_db_instance"].items()
    with LocalAws(account_id=shared.aws.account_id, region=shared.aws.region) as aws:
        aws.create_role(dev.aws.account_id, dev.aws.deploy_role_name)
        # The S3 backend's bucket and key, which the bootstrap stack creates in AWS.
        kms = aws.client("kms")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=dev.state.kms_alias, TargetKeyId=key_id)
        aws.client("s3").create_bucket(Bucket=dev.state.bucket,
                                       CreateBucketConfiguration={"LocationConstraint": dev.state.region})
        env = terraform_env(write_cli_config(tmp_path / "tf.rc"), aws.env)

        def terraform(*args: str) -> str:
            done = subprocess.run(["terraform", f"-chdir={stack_dir}", *args, "-no-color"], env=env,
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            return done.stdout

        terraform("init", "-input=false")
        terraform("apply", "-auto-approve", "-input=false", f"-target=aws_db_instance.{db_name}")
        state = json.loads(terraform("state", "pull"))
    database = next(r for r in state["resources"] if r["type"] == "aws_db_instance")
    attributes = database["instances"][0]["attributes"]
    assert attributes["manage_master_user_password"] is True
    assert attributes["master_user_secret"][0]["secret_arn"].startswith("arn:aws:secretsmanager:")
    assert attributes.get("password") in (None, "")
    assert list(secret_literals(state)) == []

"""A real apply into the emulator, shown the way ``make deploy-local`` shows it: lines per resource class.

The stack is ``slow-and-failing.tf.json`` (two buckets, a 25-second provisioner, a policy
attachment to a role that does not exist) applied by the real Terraform CLI and AWS provider.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from local_aws.deploy import LocalDeployment, TerraformFailed
from platformctl.terraform.progress import PlainDisplay

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

STACK = Path(__file__).resolve().parents[2] / "unit" / "platformctl" / "terraform" / "ui_streams" / \
    "slow-and-failing.tf.json"


def test_an_apply_shows_one_line_per_resource_class_and_keeps_the_whole_log(local_aws, platform, tmp_path):
    synth_dir = tmp_path / "cdktf.out"
    (synth_dir / "stacks" / "small").mkdir(parents=True)
    shutil.copy(STACK, synth_dir / "stacks" / "small" / "cdk.tf.json")
    out = io.StringIO()
    deployment = LocalDeployment(local_aws, platform, synth_dir, tmp_path / "work",
                                 display=PlainDisplay(out, heartbeat_s=10))
    with pytest.raises(TerraformFailed) as failed:
        deployment.apply(["small"])
    log = tmp_path / "work" / "logs" / "small.log"
    lines = out.getvalue().splitlines()
    shown = "\n".join(lines)
    assert lines[0].endswith(f"small        full Terraform log: {log}")
    assert re.search(r"small\s+terraform init: done \(\d:\d\d\)", shown)
    assert re.search(r"small\s+aws_s3_bucket\s+2 created in 0:0\d", shown)
    assert re.search(r"small\s+aws_iam_role_policy_attachment\s+1 failed creating in 0:0\d", shown)
    assert re.search(r"small\s+terraform_data\s+still creating 1 of 1, for 0:1\d", shown)
    assert re.search(r"small\s+terraform_data\s+1 created in 0:2\d", shown)
    assert "error: aws_iam_role_policy_attachment.broken: attaching IAM Policy" in shown
    assert re.search(r"small\s+terraform apply: failed \(exit 1\) \(0:\d\d\)$", shown)
    assert len(lines) <= 10  # instead of Terraform's every "Still creating..."

    text = log.read_text()
    assert "terraform_data.wait: Still creating... [20s elapsed]" in text
    assert "Terraform has been successfully initialized!" in text
    assert f"(full log: {log})" in str(failed.value)
    assert "Error: attaching IAM Policy (arn:aws:iam::aws:policy/ReadOnlyAccess) to IAM Role (missing-role)" \
        in str(failed.value)

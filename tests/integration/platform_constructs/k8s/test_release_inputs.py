"""The image and change-cause variables, checked by the real Terraform CLI at plan time.

The synthesized variables, validation blocks and the local that splits the reference are applied
with ``terraform apply`` in a scratch directory (outputs only, local state, no provider needed),
so the regular expressions and messages are exactly the ones Terraform evaluates in the pipeline.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from platform_constructs.k8s.image_policy import ImagePolicy, change_cause_variable_name, image_variable_name
from platformctl.terraform.cli import terraform_env, write_cli_config

pytestmark = [pytest.mark.terraform]

REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
DIGEST = "sha256:" + "0123456789abcdef" * 4


def _workdir(tmp_path_factory, pinning: str):
    from platform_constructs._internal.tf import TerraformOutput, TerraformStack, Testing
    from platform_constructs.k8s.release_inputs import release_inputs

    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH")
    root = tmp_path_factory.mktemp(f"release-{pinning}")
    stack = TerraformStack(Testing.app(outdir=str(root / "out")), "release")
    release = release_inputs(stack, "api", ImagePolicy(pinning, REPOSITORY))
    TerraformOutput(stack, "image", value=release.image)
    TerraformOutput(stack, "change_cause", value=release.change_cause)
    config = json.loads(Testing.synth(stack))
    config.get("terraform", {}).pop("backend", None)
    workdir = root / "tf"
    workdir.mkdir()
    (workdir / "main.tf.json").write_text(json.dumps(config))
    env = terraform_env(write_cli_config(root / "platform.tfrc"))
    subprocess.run(["terraform", f"-chdir={workdir}", "init", "-input=false", "-no-color"], env=env, check=True,
                   capture_output=True)
    return workdir, env


@pytest.fixture(scope="module")
def digest_stack(tmp_path_factory):
    return _workdir(tmp_path_factory, "digest")


@pytest.fixture(scope="module")
def tag_stack(tmp_path_factory):
    return _workdir(tmp_path_factory, "tag")


def apply(stack, image: str, cause: str = "3f2c1e0") -> tuple[subprocess.CompletedProcess, dict]:
    workdir, env = stack
    result = subprocess.run(
        ["terraform", f"-chdir={workdir}", "apply", "-auto-approve", "-input=false", "-no-color",
         "-var", f"{image_variable_name('api')}={image}", "-var", f"{change_cause_variable_name('api')}={cause}"],
        env=env, capture_output=True, text=True, check=False)
    outputs = {}
    if result.returncode == 0:
        shown = subprocess.run(["terraform", f"-chdir={workdir}", "output", "-json"], env=env, capture_output=True,
                               text=True, check=True)
        outputs = {name: item["value"] for name, item in json.loads(shown.stdout).items()}
    return result, outputs


@pytest.mark.parametrize(("image", "deployed"), [
    (f"{REPOSITORY}@{DIGEST}", f"{REPOSITORY}@{DIGEST}"),
    (f"{REPOSITORY}:3f2c1e0@{DIGEST}", f"{REPOSITORY}@{DIGEST}"),
])
def test_digest_environments_deploy_the_digest(digest_stack, image, deployed):
    result, outputs = apply(digest_stack, image)
    assert result.returncode == 0, result.stderr
    assert outputs == {"image": deployed, "change_cause": "3f2c1e0"}


@pytest.mark.parametrize("image", [
    f"{REPOSITORY}:3f2c1e0",                                   # a mutable tag
    f"{REPOSITORY}:latest@{DIGEST}",
    f"{REPOSITORY}@sha256:abc",                                # truncated digest
    f"{REPOSITORY}@{DIGEST.upper().replace('SHA256', 'sha256')}",
    f"444444444444.dkr.ecr.eu-west-1.amazonaws.com/other@{DIGEST}",  # another repository
    f"444444444444xdkrxecr.eu-west-1.amazonaws.com/acme-shared-api@{DIGEST}",    # dots are literal
    f"evil.example.com/{REPOSITORY}@{DIGEST}",
    "",
])
def test_digest_environments_refuse_anything_else_at_plan_time(digest_stack, image):
    result, _ = apply(digest_stack, image)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "Invalid value for variable" in message
    assert f"The value of image_api must be a digest reference of {REPOSITORY}" in message
    assert "Mutable tags are refused in this environment" in message


@pytest.mark.parametrize(("image", "deployed"), [
    (f"{REPOSITORY}:3f2c1e0", f"{REPOSITORY}:3f2c1e0"),
    (f"{REPOSITORY}:v1.2.3@{DIGEST}", f"{REPOSITORY}:v1.2.3@{DIGEST}"),
])
def test_tag_environments_deploy_the_reference_as_given(tag_stack, image, deployed):
    result, outputs = apply(tag_stack, image)
    assert result.returncode == 0, result.stderr
    assert outputs["image"] == deployed


@pytest.mark.parametrize("image", [f"{REPOSITORY}:latest", REPOSITORY, f"{REPOSITORY}@{DIGEST}", "nginx:1.27"])
def test_tag_environments_still_refuse_latest_untagged_and_foreign_images(tag_stack, image):
    result, _ = apply(tag_stack, image)
    assert result.returncode != 0
    assert f"must be a tagged reference of {REPOSITORY}" in " ".join(result.stderr.split())


@pytest.mark.parametrize("cause", ["", "   ", "x" * 257])
def test_change_cause_must_say_something_short(digest_stack, cause):
    result, _ = apply(digest_stack, f"{REPOSITORY}@{DIGEST}", cause)
    assert result.returncode != 0
    assert "The value of change_cause_api must be 1 to 256 characters" in " ".join(result.stderr.split())

"""The generated CLI configuration with the real Terraform CLI: mirror for what it holds, registry for the rest.

Three shapes: a mirror holding the AWS provider only (the machine's, linked into a temporary
mirror), a packed-layout mirror, and no mirror. The registry is made unreachable through a proxy
on a closed port, which Terraform and the registry probe both honour, so each test shows what an
agent without registry access sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from envfiles import copy_environments

from platformctl.exit_codes import ExitCode
from platformctl.terraform.cli import local_mirror, terraform_env, write_cli_config
from platformctl.terraform.partial_stack import without_providers
from platformctl.terraform.providers import ProviderAddress, ProviderMirror, current_platform

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
AWS = ProviderAddress.parse("aws")
CLOSED_PROXY = "http://127.0.0.1:9"  # discard port: nothing answers


def _offline(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the registry out of reach."""
    clean = {key: value for key, value in env.items() if key.lower() != "no_proxy"}
    return {**clean, "HTTPS_PROXY": CLOSED_PROXY, "https_proxy": CLOSED_PROXY}


def _checkout_env(**settings: str) -> dict[str, str]:
    """This process's environment offline, without a CLI configuration of the caller, plus ``settings``."""
    return _offline({**{key: value for key, value in os.environ.items() if key != "TF_CLI_CONFIG_FILE"}, **settings})


@pytest.fixture(scope="module")
def machine_aws() -> Path:
    """The machine mirror's directory holding the AWS provider binary for this platform."""
    mirror = local_mirror()
    if mirror is None or "5.100.0" not in mirror.versions(AWS):
        pytest.fail("the machine's provider mirror with hashicorp/aws 5.100.0 is missing")
    return mirror.path / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / current_platform()


@pytest.fixture
def aws_only_mirror(tmp_path, machine_aws) -> Path:
    """A mirror holding exactly hashicorp/aws 5.100.0 (unpacked layout, platform directory linked)."""
    target = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / current_platform()
    target.parent.mkdir(parents=True)
    target.symlink_to(machine_aws)
    return tmp_path / "mirror"


def _platformctl(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "platformctl.main", *args, "--root", str(root)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_aws_only_mirror_validates_apps_stacks_without_their_kubernetes_part(tmp_path, aws_only_mirror, synth_dir):
    root = tmp_path / "checkout"
    copy_environments(root / "environments")
    outdir = root / "cdktf.out"  # a copy: `terraform init` leaves .terraform/ in dev, and the session's synth is shared
    shutil.copytree(synth_dir, outdir)
    done = _platformctl(root, "validate", "--outdir", str(outdir), "--stack", "dev", "--stack", "dev-app-api",
                        env=_checkout_env(PLATFORM_TF_PROVIDER_MIRROR=str(aws_only_mirror)))
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert "dev: valid\n" in done.stdout
    kubernetes_part = without_providers(json.loads((synth_dir / "stacks" / "dev-app-api" / "cdk.tf.json").read_text()),
                                        ["kubernetes"])
    assert kubernetes_part.kept > 0 and kubernetes_part.left_out, "dev-app-api has an AWS and a kubernetes part"
    assert (f"dev-app-api: valid without its kubernetes part: {kubernetes_part.kept} block(s) validated, "
            f"{len(kubernetes_part.left_out)} kubernetes block(s) not validated here") in done.stdout
    note = done.stdout[done.stdout.index("note: "):]
    assert note.startswith("note: the kubernetes part of dev-app-api was not validated: hashicorp/kubernetes 2.38.0 "
                           f"cannot be installed here: it is not in the provider mirror {aws_only_mirror} (which holds "
                           "hashicorp/aws 5.100.0 for linux_amd64), and its registry cannot be reached")
    assert (f"To validate it: run where registry.terraform.io is reachable, or add hashicorp/kubernetes 2.38.0 to a "
            f"mirror: on a machine with registry access, `terraform -chdir={outdir / 'stacks' / 'dev-app-api'} "
            f"providers mirror -platform=linux_amd64 {aws_only_mirror}`") in note
    config = (root / ".terraform.d" / "platform.tfrc").read_text()
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in config
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in config


def test_kubernetes_goes_to_the_registry_not_the_mirror(tmp_path, aws_only_mirror, synth_dir):
    """The raw Terraform behaviour behind the note: aws installs offline, kubernetes is asked of the registry."""
    config = write_cli_config(tmp_path / "platform.tfrc", ProviderMirror.scan(aws_only_mirror))
    stack = tmp_path / "dev-app-api"
    shutil.copytree(synth_dir / "stacks" / "dev-app-api", stack)
    done = subprocess.run(["terraform", f"-chdir={stack}", "init", "-backend=false", "-input=false", "-no-color"],
                          env=_offline(terraform_env(config)), capture_output=True, text=True, check=False, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    errors = output[output.index("Error:"):]
    assert "provider\nhashicorp/kubernetes: could not connect to registry.terraform.io" in errors  # asked the registry
    assert "127.0.0.1:9" in errors and "hashicorp/aws" not in errors  # (through the proxy); aws was found offline


def test_a_packed_layout_mirror_installs_offline(tmp_path):
    mirror = tmp_path / "mirror"
    package = (mirror / "registry.terraform.io" / "hashicorp" / "null"
               / f"terraform-provider-null_3.2.4_{current_platform()}.zip")
    package.parent.mkdir(parents=True)
    with zipfile.ZipFile(package, "w") as archive:  # init unpacks it; only validate would start the plugin
        archive.writestr("terraform-provider-null_v3.2.4_x5", "#!/bin/sh\nexit 1\n")
    config = write_cli_config(tmp_path / "platform.tfrc", ProviderMirror.scan(mirror))
    assert 'include = ["registry.terraform.io/hashicorp/null"]' in config.read_text()
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"null": {"source": "hashicorp/null", "version": "3.2.4"}}}}))
    done = subprocess.run(["terraform", f"-chdir={stack}", "init", "-backend=false", "-input=false", "-no-color"],
                          env=_offline(terraform_env(config)), capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installed hashicorp/null v3.2.4 (unauthenticated)" in done.stdout
    lock = (stack / ".terraform.lock.hcl").read_text()
    assert re.search(r'provider "registry.terraform.io/hashicorp/null" \{\s*version\s*= "3.2.4"', lock), lock


def test_without_a_mirror_validate_says_what_cannot_be_installed(tmp_path, synth_dir):
    root = tmp_path / "checkout"
    copy_environments(root / "environments")
    done = _platformctl(root, "validate", "--outdir", str(synth_dir), "--stack", "shared",
                        env=_checkout_env(PLATFORM_TF_PROVIDER_MIRROR="none"))
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert "shared: not validated here: every block needs a provider this machine cannot install (aws)" in done.stdout
    assert ("note: the aws part of shared was not validated: hashicorp/aws 5.100.0 cannot be installed here: there is "
            "no provider mirror, and its registry cannot be reached") in done.stdout
    assert "and set PLATFORM_TF_PROVIDER_MIRROR=<dir>" in done.stdout
    assert "provider_installation" not in (root / ".terraform.d" / "platform.tfrc").read_text()


def test_a_mirror_setting_naming_no_directory_exits_2(tmp_path, synth_dir):
    root = tmp_path / "checkout"
    copy_environments(root / "environments")
    done = _platformctl(root, "validate", "--outdir", str(synth_dir),
                        env=_checkout_env(PLATFORM_TF_PROVIDER_MIRROR=str(tmp_path / "nowhere")))
    assert done.returncode == ExitCode.USAGE
    assert f"PLATFORM_TF_PROVIDER_MIRROR={tmp_path / 'nowhere'}: no such directory" in done.stderr

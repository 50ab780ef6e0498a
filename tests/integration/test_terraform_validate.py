"""Every stack passes the real `terraform validate`, as far as this machine can install its providers.

Providers come from the machine's filesystem mirror (``$PLATFORM_TF_PROVIDER_MIRROR`` or a
known location) for what it holds, and from the registry for the rest. The mirror here holds the
AWS provider only and the registry is out of reach, so the ``<env>-app-<name>`` stacks are validated
without their kubernetes blocks (references to them stood in for); the kubernetes part is covered
by the manifest schema checks. Where the kubernetes provider can be installed, they are validated whole.
"""

from __future__ import annotations

import json
import shutil

import pytest

from platform_constructs.stacks.names import CLUSTER_CONFIG_SUFFIX
from platformctl.terraform.cli import local_mirror, stack_providers, validate_stack, write_cli_config
from platformctl.terraform.providers import Availability

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the validate gate cannot run")
    return write_cli_config(tmp_path_factory.mktemp("tf") / "platform.tfrc")


@pytest.fixture(scope="module")
def availability() -> Availability:
    return Availability(local_mirror())


def test_every_stack_is_valid_terraform_as_far_as_its_providers_install_here(synth_dir, cli_config, availability,
                                                                             tmp_path):
    # a copy: `terraform init` leaves .terraform/ in each stack, and the session's synth is every test's
    shutil.copytree(synth_dir / "stacks", tmp_path / "stacks")
    stacks = sorted((tmp_path / "stacks").iterdir())
    assert {p.name for p in stacks} >= {"bootstrap", "shared", "dev", "staging", "prod", "dev-app-api", "prod-app-api"}
    results = {p.name: validate_stack(p, cli_config, availability) for p in stacks}
    assert not [r for r in results.values() if not r.valid], "\n".join(r.summary() for r in results.values())
    for name, result in results.items():
        skipped = {item.provider.local_name for item in result.not_validated}
        assert skipped <= {"kubernetes"}, f"{name}: {result.status}"
        if skipped:  # the AWS part was validated all the same
            assert stack_providers(tmp_path / "stacks" / name) == {"aws", "kubernetes"}
            # a cluster configuration's AWS part is its cluster lookup; an application's is more
            minimum = 1 if name.endswith(CLUSTER_CONFIG_SUFFIX) else 3
            assert result.validated_blocks and result.validated_blocks >= minimum, result.status
            assert all(address.startswith("kubernetes_") for address in result.left_out)


def test_the_aws_part_of_an_application_stack_is_really_validated(synth_dir, cli_config, availability, tmp_path):
    stack = tmp_path / "dev-app-api"
    stack.mkdir()
    document = json.loads((synth_dir / "stacks" / "dev-app-api" / "cdk.tf.json").read_text())
    association = next(iter(document["resource"]["aws_eks_pod_identity_association"].values()))
    association["service_acount"] = association.pop("service_account")  # a typo in an AWS block
    (stack / "cdk.tf.json").write_text(json.dumps(document))
    result = validate_stack(stack, cli_config, availability)
    assert not result.valid and result.status == "INVALID"
    assert "service_acount" in result.summary()

"""Every stack that needs only the AWS provider passes the real `terraform validate`.

Providers come from the machine's filesystem mirror (``$PLATFORM_TF_PROVIDER_MIRROR`` or a
known location), so this runs offline. The application stacks (``<env>-app-<name>``) also need the
kubernetes provider, which no mirror here holds; they are covered by their own schema checks.
"""

from __future__ import annotations

import shutil

import pytest

from platformctl.terraform.cli import stack_providers, validate_stack, write_cli_config

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the validate gate cannot run")
    return write_cli_config(tmp_path_factory.mktemp("tf") / "platform.tfrc")


def test_every_aws_only_stack_is_valid_terraform(synth_dir, cli_config):
    stacks = sorted(p for p in (synth_dir / "stacks").iterdir() if stack_providers(p) <= {"aws"})
    assert {p.name for p in stacks} >= {"bootstrap", "shared", "dev", "staging", "prod"}
    failures = [result for result in (validate_stack(p, cli_config) for p in stacks) if not result.valid]
    assert not failures, "\n".join(result.summary() for result in failures)

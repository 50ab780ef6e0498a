"""Fixtures of the emulator tests: every test starts and stops its own emulator, on 127.0.0.1.

The emulator's default account is the shared (tooling) account, as a CI agent's credentials
would be; the stacks reach the other accounts through their providers' ``assume_role``.
"""

from __future__ import annotations

import shutil

import pytest

from local_aws.deploy import LocalDeployment
from local_aws.emulator import LocalAws


@pytest.fixture
def local_aws(platform, tmp_path):
    """A fresh emulator for one test, stopped afterwards."""
    with LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region,
                  run_dir=tmp_path / "emulator") as emulator:
        yield emulator


@pytest.fixture
def deployment(local_aws, platform, synth_dir, tmp_path):
    """The repository's synthesized stacks, ready to deploy into this test's emulator."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the emulator drills need the real CLI")
    local = LocalDeployment(local_aws, platform, synth_dir, tmp_path / "work")
    local.provision_accounts()
    return local

"""examples/orders_team passes the real ``terraform validate`` (offline, the provider mirror)."""

from __future__ import annotations

import shutil

import pytest
from example_apps import load_example

from platformctl.terraform.cli import validate_stack, write_cli_config

pytestmark = [pytest.mark.terraform]


def test_the_example_is_valid_terraform(tmp_path):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the validate gate cannot run")
    stack_dir = load_example("orders_team").synthesize(tmp_path / "cdktf.out")
    result = validate_stack(stack_dir, write_cli_config(tmp_path / "platform.tfrc"))
    assert result.valid, result.summary()

"""``eval "$(make -s local-env)"`` points cdktf, platformctl, boto3 and the AWS CLI at the running emulator.

The emulator runs detached, as after ``make deploy-local`` (its deployer roles created the same
way); the commands the README shows run in one bash shell that evaluated the printed lines,
starting from a shell with a profile and session token of its own that must not leak in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws.emulator import LocalAws

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture
def running_emulator(platform, tmp_path) -> Iterator[LocalAws]:
    emulator = LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region,
                        run_dir=tmp_path / "local-aws", detach=True).start()
    try:
        for _, config in platform.configs():
            emulator.create_role(config.aws.account_id, config.aws.deploy_role_name)
        yield emulator
    finally:
        emulator.stop()


def _state_files() -> dict[str, float]:
    return {str(path): path.stat().st_mtime for path in (ROOT / ".state").glob("**/*")}


def _shell(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False, timeout=600)


def test_the_printed_exports_reach_the_emulator_from_every_tool(running_emulator, platform, tmp_path):
    if shutil.which("aws") is None:
        pytest.fail("the AWS CLI is not on PATH")
    shell_env = {**os.environ, "AWS_PROFILE": "my-real-account", "AWS_SESSION_TOKEN": "from-my-shell",
                 "AWS_ACCESS_KEY_ID": "AKIAREAL", "AWS_SECRET_ACCESS_KEY": "real",
                 "CHECKPOINT_DISABLE": "1", "LOCAL_AWS_DIR": str(running_emulator.run_dir)}
    exports = _shell("make -s local-env", shell_env)
    assert exports.returncode == 0, exports.stderr
    assert f"export AWS_ENDPOINT_URL={running_emulator.endpoint}\n" in exports.stdout
    assert "unset AWS_ACCESS_KEY_ID AWS_PROFILE AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\n" in exports.stdout

    dev = platform.environments["dev"]
    script = f"""
eval "$(make -s local-env)"
export PATH=$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH TF_CLI_CONFIG_FILE={tmp_path / 'platform.tfrc'}
python -m platformctl.terraform.cli "$TF_CLI_CONFIG_FILE" >/dev/null
echo "caller: $(python -c "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])")"
echo "dev profile: $(HOME={tmp_path} aws --profile dev sts get-caller-identity --query Account --output text)"
platformctl releases --env dev --app api
cdktf diff bootstrap --skip-provider-lock --output {tmp_path / "cdktf.out"}
"""
    state_before = _state_files()
    done = _shell(script, shell_env)
    output = ANSI.sub("", done.stdout + done.stderr)
    assert done.returncode == 0, output
    assert f"caller: {platform.shared.aws.account_id}\n" in done.stdout
    assert f"dev profile: {dev.aws.account_id}\n" in done.stdout
    assert "current-image: (none)" in done.stdout  # read with dev's deploy role, in the emulator
    assert re.search(r"Plan: \d+ to add, 0 to change, 0 to destroy\.", output)  # bootstrap, against the emulator
    assert _state_files() == state_before  # the repository's .state/ (AWS's bootstrap state) is not touched

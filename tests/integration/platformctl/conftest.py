"""platformctl against the local AWS emulator: fixtures and a runner for the real command line.

The emulator (``tooling/emulator.py``: moto on 127.0.0.1) holds every account of the platform:
the tooling account (the caller's default, with the state bucket) and each environment's
account, reached by assuming its ``platform-deployer`` role exactly as the stacks do. One
emulator serves a test module; each test starts from empty release records and alarms.

platformctl runs as a subprocess (``python -m platformctl.main``), with only the
emulator's variables for AWS, so exit codes, stdout/stderr and timing are those a pipeline sees.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from emulated_registry import create_repositories, push_image

from local_aws.emulator import LocalAws
from platformctl.release.records import ReleaseRecords

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def image(aws, platform) -> Callable[..., str]:
    """``image(env, n, app="api")``: a digest reference of ``app``'s repository, pushed to the emulated
    registry (tagged ``main-<n>``); ``n`` picks the digest."""
    ecr = aws.client("ecr")

    def reference(env: str, n: int, app: str = "api") -> str:
        return push_image(ecr, platform, n, app)

    return reference


@pytest.fixture(scope="module")
def local_aws(platform) -> Iterator[LocalAws]:
    """One emulator for the module, with the deploy role of every configuration's account."""
    with LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region) as aws:
        for _, config in platform.configs():
            aws.create_role(config.aws.account_id, config.aws.deploy_role_name)
        yield aws


@pytest.fixture
def registry(local_aws, platform) -> None:
    """The shared registry's repositories, empty, with the lifecycle policy the shared stack gives them."""
    create_repositories(local_aws.client("ecr"), platform)


@pytest.fixture
def aws(local_aws, platform, registry) -> LocalAws:
    """The module's emulator with no release record, no alarm and no image left from an earlier test."""
    for _, config in platform.configs():
        role = config.aws.deploy_role_arn
        ssm = local_aws.client("ssm", role_arn=role)
        names = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate() for p in page["Parameters"]]
        for start in range(0, len(names), 10):
            ssm.delete_parameters(Names=names[start:start + 10])
        cloudwatch = local_aws.client("cloudwatch", role_arn=role)
        alarms = [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]]
        if alarms:
            cloudwatch.delete_alarms(AlarmNames=alarms)
    return local_aws


@pytest.fixture
def records(aws, platform) -> Callable[[str], ReleaseRecords]:
    """The release records of an environment, read with its deploy role (as platformctl does)."""
    def of(env: str) -> ReleaseRecords:
        config = platform.environments[env]
        return ReleaseRecords(aws.client("ssm", role_arn=config.aws.deploy_role_arn), config.naming.prefix, env)

    return of


@dataclass
class Result:
    """A finished platformctl run."""

    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


@dataclass
class Platformctl:
    """Runs ``platformctl <command> ... --outdir <outdir>`` against the emulator."""

    env: dict[str, str]
    outdir: Path | None = None

    def __call__(self, command: str, *args: str, timeout: float = 300) -> Result:
        extra = ["--outdir", str(self.outdir)] if self.outdir else []
        done = subprocess.run([sys.executable, "-m", "platformctl.main", command, *args, *extra],
                              cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def platformctl(aws, synth_dir) -> Platformctl:
    """platformctl on the full synth of the repository's environments (dry runs of the apps stacks)."""
    return Platformctl(aws.process_env(), synth_dir)

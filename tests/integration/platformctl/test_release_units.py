"""Release units against the emulator, with the real Terraform CLI and AWS provider.

Each application has its own stack and state (``<env>-app-<name>``). The stand-ins
(tests/small_stacks.py ``write_app``) wear the synthesized application stack's backend, provider
and release variables; an SSM parameter holds the release where the Deployment would be (no
Kubernetes API server runs here), and ``<app>_image`` reads it back from the state.

Shown here: a release of one application leaves another's resources, state and records as they
were; two applications roll back at the same time (separate state locks); an interruption
between the pending record and the end of the apply is reconciled from the state by the next
release or rollback, and nothing promotes or verifies from the environment until then.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value
from small_stacks import SmallStacks, create_state_bucket

from platformctl.exit_codes import ExitCode
from platformctl.release.image_ref import ImageRef
from platformctl.release.records import RecordKind, ReleaseRecords

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

WORKER_REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ref(image):
    """``ref(app, n)``: image ``n`` of ``app``, pushed to the emulated registry."""
    return lambda app, n: image("dev", n, app)


@pytest.fixture
def environments(tmp_path) -> Path:
    """The repository's environments with a second application, ``worker``, in dev."""
    directory = copy_environments(tmp_path / "environments")
    set_value(directory, "dev.toml", "apps.worker", {
        "image_repository": WORKER_REPOSITORY, "readiness": {"http_get": "/ready"},
        "liveness": {"http_get": "/healthz"}, "replicas": 1})
    return directory


@pytest.fixture
def stacks(tmp_path, stack_json, aws, platform) -> SmallStacks:
    create_state_bucket(aws, platform.shared.state)
    small = SmallStacks(tmp_path / "cdktf.out", stack_json, tmp_path.name[-6:].lower().replace("_", "-"))
    small.write_app("dev", "api")
    small.write_app("dev", "worker")
    return small


@pytest.fixture
def cli(platformctl, stacks, environments):
    platformctl.outdir = stacks.outdir
    platformctl.env = {**platformctl.env, "PLATFORM_ENVIRONMENTS_DIR": str(environments)}
    return platformctl


@pytest.fixture
def dev_records(aws, platform) -> ReleaseRecords:
    dev = platform.environments["dev"]
    return ReleaseRecords(aws.client("ssm", role_arn=dev.aws.deploy_role_arn), dev.naming.prefix, "dev")


def _released(aws, platform, app: str) -> tuple[str, str] | None:
    """(image, change cause) the stand-in of ``app`` holds in dev's account."""
    ssm = aws.client("ssm", role_arn=platform.environments["dev"].aws.deploy_role_arn)
    try:
        parameter = ssm.get_parameter(Name=f"/cli-test/dev-app-{app}/image")["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        return None
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [parameter["Name"]]}])
    return parameter["Value"], described["Parameters"][0].get("Description", "")


def _state_versions(aws, platform, stack: str) -> list[str]:
    state = platform.environments["dev"].state
    versions = aws.client("s3").list_object_versions(Bucket=state.bucket, Prefix=state.key(stack)).get("Versions", [])
    return sorted(v["VersionId"] for v in versions if v["Key"] == state.key(stack))


def _history(records: ReleaseRecords, app: str) -> dict[RecordKind, list]:
    return {kind: records.history(app, kind) for kind in (RecordKind.CURRENT, RecordKind.CHANGE_CAUSE,
                                                          RecordKind.LAST_GOOD)}


def _deploy(cli, app: str, image: str, cause: str):
    return cli("deploy", "--env", "dev", "--stack", f"dev-app-{app}", "--image", f"{app}={image}",
               "--change-cause", cause)


def test_a_release_leaves_other_applications_untouched_and_two_roll_back_at_once(cli, aws, platform, dev_records, ref):
    for app, n in (("worker", 1), ("api", 2)):
        done = _deploy(cli, app, ref(app, n), f"{app} {n}")
        assert done.code == ExitCode.OK, done.output
        dev_records.record_good(app, ImageRef.pinned(ref(app, n)), note="verified")
    worker_before = (_released(aws, platform, "worker"), _state_versions(aws, platform, "dev-app-worker"),
                     _history(dev_records, "worker"))
    assert worker_before[0] == (ref("worker", 1), "worker 1") and worker_before[1]

    released = _deploy(cli, "api", ref("api", 3), "api 3")
    assert released.code == ExitCode.OK, released.output
    plan = json.loads((cli.outdir / "stacks" / "dev-app-api" / "tfplan.json").read_text())
    assert {change["address"] for change in plan["resource_changes"]} == {"aws_ssm_parameter.image"}
    assert _released(aws, platform, "api") == (ref("api", 3), "api 3")
    worker_after = (_released(aws, platform, "worker"), _state_versions(aws, platform, "dev-app-worker"),
                    _history(dev_records, "worker"))
    assert worker_after == worker_before  # resources, state object and records of worker: as they were

    assert _deploy(cli, "worker", ref("worker", 4), "worker 4").code == ExitCode.OK
    # both bad: each application rolls back in its own state, under its own lock, at the same time
    extra = ["--outdir", str(cli.outdir)]
    started = [subprocess.Popen([sys.executable, "-m", "platformctl.main", "rollback", "--env", "dev", "--app", app,
                                 *extra], cwd=ROOT, env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True) for app in ("api", "worker")]
    outputs = [process.communicate(timeout=300)[0] for process in started]
    assert [process.returncode for process in started] == [0, 0], outputs
    for app, good in (("api", 2), ("worker", 1)):
        assert _released(aws, platform, app) == (ref(app, good), f"rollback to {ref(app, good)}")
        assert dev_records.image(app, RecordKind.CURRENT) == ImageRef.pinned(ref(app, good))


@pytest.fixture
def interrupted(tmp_path, cli):
    """``interrupted(when)``: a copy of the CLI whose ``terraform apply`` is cut off (exit 130, as an abort
    leaves it) before it starts (``when="before"``) or after it finished (``when="after"``)."""
    real = shutil.which("terraform")

    def cli_with(when: str):
        wrapper_dir = tmp_path / f"interrupt-{when}"
        wrapper_dir.mkdir(exist_ok=True)
        wrapper = wrapper_dir / "terraform"
        wrapper.write_text(
            "#!/bin/sh\n"
            'for arg in "$@"; do [ "$arg" = apply ] && is_apply=1; done\n'
            f'if [ -n "$is_apply" ] && [ {when} = before ]; then exit 130; fi\n'
            f'"{real}" "$@"; code=$?\n'
            f'if [ -n "$is_apply" ] && [ {when} = after ]; then exit 130; fi\n'
            'exit $code\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
        copy = type(cli)(dict(cli.env, PATH=f"{wrapper_dir}{os.pathsep}{cli.env['PATH']}"), cli.outdir)
        return copy

    return cli_with


@pytest.mark.parametrize(("when", "state_image"), [("before", 6), ("after", 7)],
                         ids=["before-the-apply", "after-the-apply"])
def test_an_interrupted_release_is_reconciled_from_the_state_by_the_next_rollback(
        cli, interrupted, aws, platform, dev_records, ref, when, state_image):
    assert _deploy(cli, "api", ref("api", 6), "release 6").code == ExitCode.OK
    dev_records.record_good("api", ImageRef.pinned(ref("api", 6)), note="verified")

    cut = _deploy(interrupted(when), "api", ref("api", 7), "release 7")
    assert cut.code == ExitCode.FAILED, cut.output
    pending = dev_records.pending("api")
    assert pending is not None and pending.image == ImageRef.pinned(ref("api", 7))
    assert dev_records.image("api", RecordKind.CURRENT) == ImageRef.pinned(ref("api", 6))  # never ahead of Terraform
    assert _released(aws, platform, "api")[0] == ref("api", state_image)

    # until reconciled, nothing trusts the records
    for refused in (cli("record-good", "--env", "dev", "--app", "api", "--image", ref("api", 7)),
                    cli("promote", "--from", "dev", "--to", "staging", "--app", "api", "--dry-run"),
                    cli("verify", "--env", "dev", "--app", "api", "--dry-run")):
        assert refused.code == ExitCode.REFUSED and "pending-release names a release of" in refused.err, refused.output
    shown = cli("releases", "--env", "dev", "--app", "api")
    assert f"pending-release: {ref('api', 7)} (release 7): did not finish" in shown.out

    rolled_back = cli("rollback", "--env", "dev", "--app", "api")
    assert rolled_back.code == ExitCode.OK, rolled_back.output
    assert f"/acme/dev/apps/api/current-image = {ref('api', state_image)}, as in the state" in rolled_back.out
    history = [value for _, value, _ in dev_records.history("api", RecordKind.CURRENT)]
    assert history[-2:] == [ref("api", state_image), ref("api", 6)]  # reconciled, then the rollback
    assert dev_records.pending("api") is None
    assert _released(aws, platform, "api") == (ref("api", 6), f"rollback to {ref('api', 6)}")


def test_a_configuration_change_is_refused_in_a_release_and_applied_by_the_infrastructure_path(
        cli, stacks, aws, platform, dev_records, ref):
    assert _deploy(cli, "api", ref("api", 8), "release 8").code == ExitCode.OK
    stacks.write_app("dev", "api", extra_parameter=True)  # the configuration of the stack changed

    refused = _deploy(cli, "api", ref("api", 9), "release 9")
    assert refused.code == ExitCode.REFUSED, refused.output
    assert "the plan changes more than the release of api" in refused.err
    assert "aws_ssm_parameter.extra: create" in refused.err
    assert _released(aws, platform, "api")[0] == ref("api", 8)
    assert dev_records.pending("api") is None  # refused before anything was recorded

    infra = cli("deploy", "--env", "dev", "--stack", "dev-app-api")  # Jenkinsfile-infra: the recorded image kept
    assert infra.code == ExitCode.OK, infra.output
    assert _released(aws, platform, "api") == (ref("api", 8), "release 8")
    ssm = aws.client("ssm", role_arn=platform.environments["dev"].aws.deploy_role_arn)
    assert ssm.get_parameter(Name="/cli-test/dev-app-api/extra")["Parameter"]["Value"] == "configuration change"

"""plan, deploy, state-versions and rollback-infra with the real Terraform CLI and AWS provider, against the emulator.

The stacks are small ones (tests/small_stacks.py) wearing the synthesized stacks' backend and
provider blocks: state, locking, role assumption and account pinning work exactly as for the real
stacks, with resources the tests can change at will.
"""

from __future__ import annotations

import json

import pytest
from small_stacks import SmallStacks, create_state_bucket

from platformctl.exit_codes import ExitCode

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture
def stacks(tmp_path, stack_json, aws, platform) -> SmallStacks:
    create_state_bucket(aws, platform.shared.state)
    return SmallStacks(tmp_path / "cdktf.out", stack_json, tmp_path.name[-6:].lower().replace("_", "-"))


@pytest.fixture
def cli(platformctl, stacks):
    platformctl.outdir = stacks.outdir
    return platformctl


def _parameter(aws, platform, env: str, name: str) -> str | None:
    ssm = aws.client("ssm", role_arn=platform.environments[env].aws.deploy_role_arn)
    try:
        return ssm.get_parameter(Name=f"/cli-test/{env}/{name}")["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None


def _buckets(aws, platform, env: str) -> set[str]:
    s3 = aws.client("s3", role_arn=platform.environments[env].aws.deploy_role_arn)
    return {bucket["Name"] for bucket in s3.list_buckets()["Buckets"] if f"acme-{env}-cli-" in bucket["Name"]}


def test_plan_then_deploy_applies_the_reviewed_plan_in_the_environments_account(cli, stacks, aws, platform):
    stacks.write("dev", marker="v1")
    planned = cli("plan", "--env", "dev", "--stack", "dev")
    assert planned.code == ExitCode.OK, planned.output
    plan_file = stacks.outdir / "stacks" / "dev" / "tfplan"
    plan = json.loads(plan_file.with_name("tfplan.json").read_text())
    assert {change["address"] for change in plan["resource_changes"]} == {
        "aws_ssm_parameter.marker", "aws_s3_bucket.data"}
    assert "plan guard passed (unprotected environment)" in planned.out
    assert _parameter(aws, platform, "dev", "marker") is None  # a plan changes nothing

    applied = cli("deploy", "--env", "dev", "--stack", "dev", "--plan", str(plan_file))
    assert applied.code == ExitCode.OK, applied.output
    assert _parameter(aws, platform, "dev", "marker") == "v1"  # created in dev's account, via the deploy role
    again = cli("deploy", "--env", "dev", "--stack", "dev")
    assert again.code == ExitCode.OK and "(no changes)" in again.out, again.output
    assert "apply done" not in again.out


def test_plan_guard_refuses_replacing_a_bucket_in_prod_unless_overridden(cli, stacks, aws, platform):
    stacks.write("prod", marker="v1")
    assert cli("deploy", "--env", "prod", "--stack", "prod").code == ExitCode.OK
    before = _buckets(aws, platform, "prod")

    stacks.write("prod", marker="v1", bucket_suffix="b")  # a new bucket name replaces the bucket
    refused = cli("deploy", "--env", "prod", "--stack", "prod")
    assert refused.code == ExitCode.REFUSED, refused.output
    assert "aws_s3_bucket.data: replace" in refused.out and "the plan guard refused the plan" in refused.err
    assert _buckets(aws, platform, "prod") == before  # nothing applied

    short = cli("deploy", "--env", "prod", "--stack", "prod", "--allow", "aws_s3_bucket.data", "--reason", "tmp")
    assert short.code == ExitCode.USAGE and "at least 10 characters" in short.err
    allowed = cli("deploy", "--env", "prod", "--stack", "prod", "--allow", "aws_s3_bucket.data",
                  "--reason", "test data bucket, recreated empty on purpose")
    assert allowed.code == ExitCode.OK, allowed.output
    assert "overridden: aws_s3_bucket.data: replace" in allowed.out
    assert _buckets(aws, platform, "prod") != before


def test_the_same_replacement_passes_in_unprotected_dev_with_a_warning(cli, stacks):
    stacks.write("dev", marker="v1")
    assert cli("deploy", "--env", "dev", "--stack", "dev").code == ExitCode.OK
    stacks.write("dev", marker="v1", bucket_suffix="b")
    done = cli("deploy", "--env", "dev", "--stack", "dev")
    assert done.code == ExitCode.OK, done.output
    assert "environment not protected" in done.out and "aws_s3_bucket.data: replace" in done.out


def test_rollback_infra_restores_a_state_version_and_reapplies_the_known_good_configuration(cli, stacks, aws, platform):
    stacks.write("dev", marker="v1")
    assert cli("deploy", "--env", "dev", "--stack", "dev").code == ExitCode.OK
    good_version = cli("state-versions", "--env", "dev", "--stack", "dev").out.splitlines()[1].split()[0]

    stacks.write("dev", marker="v2", extra_parameter=True)
    assert cli("deploy", "--env", "dev", "--stack", "dev").code == ExitCode.OK
    assert _parameter(aws, platform, "dev", "marker") == "v2"
    listed = cli("state-versions", "--env", "dev", "--stack", "dev")
    versions = [line.split()[0] for line in listed.out.splitlines()[1:]]
    assert len(versions) >= 2 and good_version in versions[1:]
    assert "(current)" in listed.out.splitlines()[1]

    stacks.write("dev", marker="v1")  # the known-good revision, synthesized again
    done = cli("rollback-infra", "--env", "dev", "--stack", "dev", "--to-version", good_version)
    assert done.code == ExitCode.OK, done.output
    assert f"state version {good_version} restored as the current state" in done.out
    assert _parameter(aws, platform, "dev", "marker") == "v1"
    # the restore is itself a new version: the bad state stays in the history and can be restored in turn
    after = [line.split()[0] for line in cli("state-versions", "--env", "dev", "--stack", "dev").out.splitlines()[1:]]
    assert set(versions) < set(after)
    # v2 created "extra", which the restored state does not know: it is left in AWS, not destroyed
    assert _parameter(aws, platform, "dev", "extra") == "added later"


def test_rollback_infra_refuses_what_it_cannot_restore_safely(cli, stacks, aws, platform):
    stacks.write("dev", marker="v1")
    assert cli("deploy", "--env", "dev", "--stack", "dev").code == ExitCode.OK
    older = cli("state-versions", "--env", "dev", "--stack", "dev").out.splitlines()[1].split()[0]
    stacks.write("dev", marker="v2")
    assert cli("deploy", "--env", "dev", "--stack", "dev").code == ExitCode.OK
    latest = cli("state-versions", "--env", "dev", "--stack", "dev").out.splitlines()[1].split()[0]
    state = platform.environments["dev"].state
    cases = [("current version", latest, "is already the current state"),
             ("unknown version", "no-such-version", "no such version of s3://"),
             ("lock held", older, "the state is locked by ci@jenkins (OperationTypeApply")]
    for case, version, message in cases:
        if case == "lock held":  # what Terraform's S3 lock file holds while another run applies
            aws.client("s3").put_object(Bucket=state.bucket, Key=state.key("dev") + ".tflock",
                                        Body=json.dumps({"Who": "ci@jenkins", "Operation": "OperationTypeApply",
                                                         "Created": "2026-11-26T09:00:00Z"}))
        done = cli("rollback-infra", "--env", "dev", "--stack", "dev", "--to-version", version)
        assert done.code == ExitCode.REFUSED and message in done.err, f"{case}: {done.output}"
    assert _parameter(aws, platform, "dev", "marker") == "v2"


def test_deploy_refuses_a_saved_plan_made_for_another_stacks_state(cli, stacks, aws, platform):
    """Terraform would apply prod's plan to prod's state from dev's directory; platformctl refuses it first."""
    stacks.write("dev", marker="v1")
    stacks.write("prod", marker="v1")
    assert cli("plan", "--env", "prod", "--stack", "prod").code == ExitCode.OK
    prod_plan = stacks.outdir / "stacks" / "prod" / "tfplan"
    state = platform.environments["prod"].state

    done = cli("deploy", "--env", "dev", "--stack", "dev", "--plan", str(prod_plan))
    assert done.code == ExitCode.REFUSED, done.output
    dev_key = platform.environments["dev"].state.key("dev")
    assert (f"is not a plan of stack dev in dev: it writes to s3://{state.bucket}/{state.key('prod')} "
            f"(workspace default), not to s3://{state.bucket}/{dev_key}") in done.err
    dry = cli("deploy", "--env", "dev", "--stack", "dev", "--plan", str(prod_plan), "--dry-run")
    assert dry.code == ExitCode.REFUSED and "is not a plan of stack dev" in dry.err
    assert _parameter(aws, platform, "prod", "marker") is None and _parameter(aws, platform, "dev", "marker") is None


def test_a_dry_run_of_a_saved_plan_runs_the_guard_and_exits_as_the_real_run_would(cli, stacks, aws, platform):
    stacks.write("prod", marker="v1")
    assert cli("deploy", "--env", "prod", "--stack", "prod").code == ExitCode.OK
    stacks.write("prod", marker="v2", bucket_suffix="b")  # replaces the bucket
    assert cli("plan", "--env", "prod", "--stack", "prod").code == ExitCode.REFUSED
    plan_file = str(stacks.outdir / "stacks" / "prod" / "tfplan")

    refused = cli("deploy", "--env", "prod", "--stack", "prod", "--plan", plan_file, "--dry-run")
    assert refused.code == ExitCode.REFUSED, refused.output
    assert "aws_s3_bucket.data: replace" in refused.out and "the plan guard would refuse" in refused.err
    allowed = cli("deploy", "--env", "prod", "--stack", "prod", "--plan", plan_file, "--dry-run",
                  "--allow", "aws_s3_bucket.data", "--reason", "test bucket recreated empty on purpose")
    assert allowed.code == ExitCode.OK, allowed.output
    assert "would run: terraform" in allowed.out and "apply" in allowed.out
    assert " done" not in allowed.out and "plan written" not in allowed.out
    assert _parameter(aws, platform, "prod", "marker") == "v1"  # nothing was applied


def test_rollback_infra_judges_the_restored_state_before_pushing_it(cli, stacks, aws, platform):
    stacks.write("prod", marker="v1")
    assert cli("deploy", "--env", "prod", "--stack", "prod").code == ExitCode.OK
    first = cli("state-versions", "--env", "prod", "--stack", "prod").out.splitlines()[1].split()[0]
    stacks.write("prod", marker="v2", extra_parameter=True)
    assert cli("deploy", "--env", "prod", "--stack", "prod").code == ExitCode.OK
    before = cli("state-versions", "--env", "prod", "--stack", "prod").out

    # the wrong revision was synthesized: against the state to restore, its plan replaces the bucket
    stacks.write("prod", marker="v1", bucket_suffix="b")
    for extra in ((), ("--dry-run",)):
        done = cli("rollback-infra", "--env", "prod", "--stack", "prod", "--to-version", first, *extra)
        assert done.code == ExitCode.REFUSED, done.output
        assert "aws_s3_bucket.data: replace" in done.out
        assert "the plan against the state to restore (nothing was pushed)" in done.err
        assert "restored as the current state" not in done.out
        assert cli("state-versions", "--env", "prod", "--stack", "prod").out == before  # nothing pushed
    assert _parameter(aws, platform, "prod", "marker") == "v2"

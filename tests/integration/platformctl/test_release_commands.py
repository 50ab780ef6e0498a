"""promote, rollback, deploy (application stacks), record-good and releases, against the emulator.

Release records live in SSM in each environment's own account (emulated, reached through the
deploy role). The application stacks (``<env>-app-<name>``) need the kubernetes provider and a cluster, neither of
which can run here, so their Terraform and kubectl steps run with ``--dry-run`` and are checked
up to the exact command line; everything AWS-side (records read and refusals) is real.
"""

from __future__ import annotations

import shlex

import pytest

from platformctl.exit_codes import ExitCode
from platformctl.release.image_ref import ImageRef
from platformctl.release.records import RecordKind

pytestmark = [pytest.mark.emulator, pytest.mark.slow]


def would_run(result) -> list[list[str]]:
    """The command lines a dry run printed, split like a shell would."""
    return [shlex.split(line.removeprefix("would run: ")) for line in result.out.splitlines()
            if line.startswith("would run: ")]


def terraform_steps(commands: list[list[str]]) -> list[str]:
    return [argv[2] for argv in commands if argv[0] == "terraform"]


def variables(commands: list[list[str]]) -> dict[str, str]:
    plan = next(argv for argv in commands if argv[0] == "terraform" and argv[2] == "plan")
    return dict(arg.removeprefix("-var=").split("=", 1) for arg in plan if arg.startswith("-var="))


def deploy(records, env: str, ref: str, cause: str = "abc123") -> None:
    records(env).record_release("api", ImageRef.pinned(ref), cause, note="test deploy")


# --- record-good ---------------------------------------------------------------------------------

def test_record_good_records_only_the_deployed_image(platformctl, records, image):
    deployed, other = image("dev", 1), image("dev", 2)
    refused = platformctl("record-good", "--env", "dev", "--app", "api", "--image", deployed)
    assert refused.code == ExitCode.REFUSED and "runs nothing recorded" in refused.err

    deploy(records, "dev", deployed)
    refused = platformctl("record-good", "--env", "dev", "--app", "api", "--image", other)
    assert refused.code == ExitCode.REFUSED and f"runs {deployed}, not {other}" in refused.err

    done = platformctl("record-good", "--env", "dev", "--app", "api", "--image", deployed)
    assert done.code == ExitCode.OK, done.output
    assert records("dev").image("api", RecordKind.LAST_GOOD) == ImageRef.pinned(deployed)
    assert "/acme/dev/apps/api/last-good-image" in done.out


# --- promote -------------------------------------------------------------------------------------

def test_promote_deploys_exactly_the_verified_source_digest(platformctl, records, synth_dir, image):
    ref = image("dev", 3)
    deploy(records, "dev", ref)
    records("dev").record_good("api", ImageRef.pinned(ref), note="verified")
    deploy(records, "staging", image("staging", 4), cause="previous release")

    done = platformctl("promote", "--from", "dev", "--to", "staging", "--app", "api", "--expect-image", ref,
                       "--change-cause", "3f2c1e0", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    commands = would_run(done)
    workdir = f"-chdir={synth_dir / 'stacks' / 'staging-app-api'}"
    assert all(argv[1] == workdir for argv in commands)
    assert terraform_steps(commands) == ["init", "plan", "show", "apply"]
    assert variables(commands) == {"image_api": ref, "change_cause_api": "3f2c1e0"}
    plan = next(argv for argv in commands if argv[2] == "plan")
    saved_plan = synth_dir / "stacks" / "staging-app-api" / "tfplan"
    assert {"-input=false", "-detailed-exitcode", f"-out={saved_plan}"} <= set(plan)
    assert commands[-1][-1] == str(synth_dir / "stacks" / "staging-app-api" / "tfplan")  # apply of the saved plan
    assert f"would record /acme/staging/apps/api/current-image = {ref} (3f2c1e0)" in done.out
    # a dry run writes nothing: staging still runs its previous release
    assert records("staging").image("api", RecordKind.CURRENT) == ImageRef.pinned(image("staging", 4))


@pytest.mark.parametrize(("setup", "args", "message"), [
    ("nothing", [], "nothing recorded at /acme/dev/apps/api/current-image"),
    ("unverified", [], "but its last verified image is"),
    ("verified", ["--expect-image", "SELF+1"], "not --expect-image"),
    ("verified", ["--to", "dev"], None),
    ("verified", ["--to", "prod"], "prod takes promotions from staging only ([release].promote_from)"),
], ids=["nothing-deployed", "source-runs-unverified-image", "another-build-reached-source", "same-environment",
        "skipping-staging"])
def test_promote_refuses_unless_the_source_runs_its_verified_image(platformctl, records, setup, args, message, image):
    verified, newer = image("dev", 5), image("dev", 6)
    if setup != "nothing":
        deploy(records, "dev", verified)
        records("dev").record_good("api", ImageRef.pinned(verified), note="verified")
    if setup == "unverified":
        deploy(records, "dev", newer)
    args = [newer if arg == "SELF+1" else arg for arg in args]
    target = [] if "--to" in args else ["--to", "staging"]
    done = platformctl("promote", "--from", "dev", *target, "--app", "api", *args, "--dry-run")
    if message is None:
        assert done.code == ExitCode.USAGE and "--from and --to are both 'dev'" in done.err
    else:
        assert done.code == ExitCode.REFUSED and message in done.err
    assert "would run: terraform" not in done.out


# --- rollback ------------------------------------------------------------------------------------

def test_rollback_reapplies_the_last_good_image_through_terraform(platformctl, records, synth_dir, image):
    good, bad = image("prod", 7), image("prod", 8)
    deploy(records, "prod", good, cause="release 1")
    records("prod").record_good("api", ImageRef.pinned(good), note="verified")
    deploy(records, "prod", bad, cause="release 2")

    done = platformctl("rollback", "--env", "prod", "--app", "api", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    commands = would_run(done)
    assert terraform_steps(commands) == ["init", "plan", "show", "apply"]
    assert variables(commands) == {"image_api": good, "change_cause_api": f"rollback to {good}"}
    assert not [argv for argv in commands if argv[0] == "kubectl"]


def test_rollback_to_an_explicit_image_and_refusals(platformctl, records, image):
    older = image("prod", 9)
    none = platformctl("rollback", "--env", "prod", "--app", "api", "--dry-run")
    assert none.code == ExitCode.REFUSED and "no last good image recorded" in none.err and "pass --to REF" in none.err

    deploy(records, "prod", image("prod", 10))
    explicit = platformctl("rollback", "--env", "prod", "--app", "api", "--to", older, "--dry-run")
    assert explicit.code == ExitCode.OK, explicit.output
    assert variables(would_run(explicit))["image_api"] == older

    foreign = platformctl("rollback", "--env", "prod", "--app", "api", "--to",
                          "registry.example.com/api@sha256:" + "a" * 64, "--dry-run")
    assert foreign.code == ExitCode.USAGE and "takes images from" in foreign.err


def test_break_glass_undoes_with_kubectl_first_then_reapplies(platformctl, records, image):
    good = image("prod", 11)
    deploy(records, "prod", good)
    records("prod").record_good("api", ImageRef.pinned(good), note="verified")
    done = platformctl("rollback", "--env", "prod", "--app", "api", "--break-glass", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    commands = would_run(done)
    # no cluster here: the exact kubectl/aws command lines are the contract
    assert commands[:3] == [
        ["aws", "eks", "update-kubeconfig", "--name", "acme-prod-eks", "--region", "eu-west-1", "--alias",
         "acme-prod-eks", "--role-arn", "arn:aws:iam::333333333333:role/platform-deployer"],
        ["kubectl", "--context", "acme-prod-eks", "--namespace", "api", "rollout", "undo", "deployment/api"],
        ["kubectl", "--context", "acme-prod-eks", "--namespace", "api", "rollout", "status", "deployment/api",
         "--timeout=300s"],
    ]
    assert commands[3] == ["kubectl", "--context", "acme-prod-eks", "--namespace", "api", "get", "deployment/api",
                           "--output", 'jsonpath={.spec.template.spec.containers[?(@.name=="api")].image}']
    assert terraform_steps(commands[4:]) == ["init", "plan", "show", "apply"]
    assert "the Terraform re-apply must follow" in done.out


def test_undo_needs_no_synthesized_stack_and_names_the_reapply(platformctl, records, image, tmp_path):
    deploy(records, "prod", image("prod", 12))
    platformctl.outdir = tmp_path / "nothing-synthesized"
    done = platformctl("undo", "--env", "prod", "--app", "api", "--rollout-timeout", "120", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    commands = would_run(done)
    assert [argv[0] for argv in commands] == ["aws", "kubectl", "kubectl", "kubectl"]
    assert commands[2][-1] == "--timeout=120s"
    assert "`platformctl rollback --env prod --app api`" in done.out


# --- deploy of an apps stack ---------------------------------------------------------------------

def test_deploy_of_an_apps_stack_sets_every_application_variable(platformctl, image):
    ref = image("dev", 12)
    done = platformctl("deploy", "--env", "dev", "--stack", "dev-app-api", "--image", f"api={ref}", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    assert variables(would_run(done)) == {"image_api": ref, "change_cause_api": ref}


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--stack", "dev-app-api", "--image", "api=444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api:3f2c1e0"],
     ExitCode.USAGE,
     "is not pinned by digest"),
    (["--stack", "dev-app-api", "--image", "SELF"], ExitCode.USAGE, "say which application it is for"),
    (["--stack", "dev-app-api", "--app", "api"], ExitCode.USAGE, "--app api: needs --image REF"),
    (["--stack", "dev-app-api", "--image", "billing=SELF"], ExitCode.USAGE, "not an application of dev"),
    (["--stack", "dev-app-api", "--image", "api=registry.example.com/api@sha256:" + "b" * 64], ExitCode.USAGE,
     "takes images from 444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api only"),
    (["--stack", "dev", "--image", "api=SELF"], ExitCode.USAGE, "deploys no application"),
    (["--stack", "prod-app-api"], ExitCode.USAGE, "is not a stack of environment 'dev'"),
    (["--stack", "bootstrap"], ExitCode.USAGE, "keeps its state outside S3"),
    (["--stack", "nope"], ExitCode.USAGE, "not in"),
    (["--stack", "dev-app-api"], ExitCode.REFUSED, "nothing recorded at /acme/dev/apps/api/current-image"),
], ids=["tag", "bare-ref-without-app", "app-without-image", "unknown-app", "foreign-repository",
        "platform-stack-has-no-apps", "other-environments-stack", "local-state-stack", "unknown-stack",
        "no-image-at-all"])
def test_deploy_refuses_bad_input_naming_the_option_and_value(platformctl, args, code, message, image):
    args = [arg.replace("SELF", image("dev", 13)) for arg in args]
    done = platformctl("deploy", "--env", "dev", *args, "--dry-run")
    assert done.code == code and message in done.err, done.output
    assert "would run: terraform" not in done.out


# --- releases ------------------------------------------------------------------------------------

def test_releases_shows_current_last_good_and_the_history(platformctl, records, image):
    first, second = image("staging", 14), image("staging", 15)
    for ref in (first, second):
        deploy(records, "staging", ref, cause=f"cause of {ref[-4:]}")
        records("staging").record_good("api", ImageRef.pinned(ref), note=f"build of {ref[-4:]}")
    done = platformctl("releases", "--env", "staging", "--app", "api")
    assert done.code == ExitCode.OK, done.output
    lines = done.out.splitlines()
    assert f"current-image: {second}" in lines and f"last-good-image: {second}" in lines
    assert "current-change-cause: cause of ffff" in lines
    assert [line.split()[1] for line in lines if line.startswith("  v")] == [first, second]

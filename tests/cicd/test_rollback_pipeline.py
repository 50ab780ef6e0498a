"""cicd/Jenkinsfile-rollback (applications) and cicd/Jenkinsfile-rollback-infra (infrastructure).

Application rollback: break glass runs kubectl alone (no synth) with a bounded wait for the
application's lock; the Terraform re-apply runs in a checkout of the recorded revision, under the
application's lock only, with the lock wait and the work bounded; two applications roll back at
once. Infrastructure rollback: its own job, a revision from main or a tag, an approval for
protected targets, a timeout longer than the slowest change the stacks may make.
Each rule must pass on the real file and catch its seeded fault in a mutated copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from groovy_blocks import Block, assert_catches_fault, parse, platformctl_calls, step_stages, url_variables
from pipeline_budgets import rollback_seconds, slowest_update_minutes

from platform_constructs.config.loader import load_platform
from platform_constructs.stacks.names import stack_owners
from platformctl.commands.release import ROLLOUT_TIMEOUT_SECONDS

ROOT = Path(__file__).resolve().parents[2]
APP_SOURCE = (ROOT / "cicd" / "Jenkinsfile-rollback").read_text()
INFRA_SOURCE = (ROOT / "cicd" / "Jenkinsfile-rollback-infra").read_text()
PLATFORM = load_platform(ROOT / "environments")


def _stages(root: Block) -> dict[str, Block]:
    return {stage.argument: stage for stage in step_stages(root.child("pipeline"))}


def _text(block: Block) -> str:
    return " ".join(t.value for t in block.tokens)


def _field(root: Block, name: str) -> int:
    tokens = root.tokens
    index = next(i for i, t in enumerate(tokens) if t.value == name and tokens[i + 1].value == "=")
    return int(tokens[index + 2].value)


def _timeouts(block: Block) -> list[str]:
    """The ``time:`` argument of every ``timeout(...)`` in the block, as written (a number or a constant expression)."""
    found = []
    for index, token in enumerate(block.tokens):
        if token.value == "timeout" and block.tokens[index + 1].value == "(":
            end = next(i for i in range(index, len(block.tokens)) if block.tokens[i].value == "unit")
            found.append(" ".join(t.value for t in block.tokens[index + 4:end - 1]))
    return found


# --- application rollback ------------------------------------------------------------------------

def parameters_from_the_job(root: Block) -> list[str]:
    """No parameters block: the job's choices (built from the configuration by jobs.groovy) stay."""
    return ["declares parameters, which would replace the job's generated choices"] if \
        root.child("pipeline").child("parameters") else []


def break_glass_without_synth(root: Block) -> list[str]:
    """kubectl only; a bounded wait for the application's lock (skipIfLocked, then without it)."""
    stage = _stages(root).get("Break glass")
    if stage is None:
        return ["no break-glass stage"]
    problems = []
    calls = platformctl_calls(root.child("pipeline")) + platformctl_calls(
        next(b for b in root.children if [t.value for t in b.header[:2]] == ["void", "undo"]))
    commands = {call[0] for call in platformctl_calls(stage)} | {call[0] for call in calls if call[0] == "undo"}
    if "undo" not in commands or {"synth", "checkout-revision", "rollback"} & {c[0] for c in platformctl_calls(stage)}:
        problems.append(f"break glass runs {sorted(commands)}: it must undo with kubectl alone")
    text = _text(stage)
    if 'lock ( resource : app-${params.TARGET_ENV}-${params.APP} , skipIfLocked : true )' not in text:
        problems.append("break glass does not try the application's lock without waiting on it")
    if "while ( ! undone & & waited < BREAK_GLASS_LOCK_WAIT_SECONDS )" not in text:
        problems.append("break glass's wait for the lock is not bounded")
    if "if ( ! undone )" not in text:
        problems.append("break glass never acts once the bounded wait is over")
    return problems


def reapply_under_the_application_lock(root: Block) -> list[str]:
    """The re-apply: application lock only, lock wait and work each bounded, in the recorded revision's checkout."""
    stage = _stages(root).get("Re-apply the last good image")
    if stage is None:
        return ["no re-apply stage"]
    problems = []
    text = _text(stage)
    if "lock ( resource : app-${params.TARGET_ENV}-${params.APP}" not in text or text.count("lock (") != 1:
        problems.append("the re-apply does not hold exactly the application's lock")
    bounds = _timeouts(stage)
    if len(bounds) != 2 or int(bounds[0]) <= int(bounds[1]):
        problems.append(f"the lock wait and the work are not bounded apart: {bounds}")
    elif max(rollback_seconds(env, checkout=True) for env in PLATFORM.environments.values()) >= int(bounds[1]) * 60:
        problems.append(f"the work's {bounds[1]} min is shorter than a rollback")
    calls = platformctl_calls(stage)
    if ["checkout-revision", "--env", "$TARGET_ENV", "--into", "at-revision"] not in calls:
        problems.append("the re-apply does not run at the environment's recorded revision")
    inside = [b for b in stage.walk() if b.keyword == "dir" and b.argument == "at-revision"]
    if not inside or not [call for call in platformctl_calls(inside[0]) if call[0] == "rollback"]:
        problems.append("platformctl rollback does not run inside the checkout")
    return problems


def rollbacks_of_applications_run_at_once(root: Block) -> list[str]:
    options = root.child("pipeline").child("options")
    problems = ["disableConcurrentBuilds: a rollback of one application would wait for another's"] \
        if options.calls("disableConcurrentBuilds") else []
    if options.calls("timeout"):
        problems.append("a pipeline-wide timeout would count the lock wait and kill a re-apply from outside")
    return problems


APP_RULES: list[Callable[[Block], list[str]]] = [
    parameters_from_the_job, break_glass_without_synth, reapply_under_the_application_lock,
    rollbacks_of_applications_run_at_once,
]
APP_MUTATIONS = [
    ("parameters in the Jenkinsfile", lambda s: s.replace("    agent none\n", "    agent none\n\n    parameters {\n"
                                                          "        string(name: 'APP', defaultValue: 'api')\n    }\n",
                                                          1),
     parameters_from_the_job),
    ("break glass synthesizes first", lambda s: s.replace(
        "currentBuild.description = \"break glass:", "sh 'platformctl synth'\n                    "
        "currentBuild.description = \"break glass:", 1), break_glass_without_synth),
    ("break glass waits for the lock without bound", lambda s: s.replace(
        'lock(resource: "app-${params.TARGET_ENV}-${params.APP}", skipIfLocked: true)',
        'lock(resource: "app-${params.TARGET_ENV}-${params.APP}")', 1), break_glass_without_synth),
    ("the re-apply under the environment's lock", lambda s: s.replace(
        'lock(resource: "app-${params.TARGET_ENV}-${params.APP}", inversePrecedence: true)',
        'lock(resource: "env-${params.TARGET_ENV}", inversePrecedence: true)', 1), reapply_under_the_application_lock),
    ("the lock wait unbounded", lambda s: s.replace("timeout(time: 45, unit: 'MINUTES') {", "{", 1),
     reapply_under_the_application_lock),
    ("the re-apply synthesizes the job's own revision", lambda s: s.replace(
        """sh 'platformctl checkout-revision --env "$TARGET_ENV" --into at-revision'""",
        "sh 'platformctl synth'", 1), reapply_under_the_application_lock),
    ("one rollback at a time", lambda s: s.replace("        timestamps()\n", "        disableConcurrentBuilds()\n"
                                                   "        timestamps()\n", 1), rollbacks_of_applications_run_at_once),
]


@pytest.mark.parametrize("rule", APP_RULES, ids=lambda rule: rule.__name__)
def test_the_application_rollback_keeps_the_rule(rule):
    assert rule(parse(APP_SOURCE)) == []


@pytest.mark.parametrize(("fault", "mutate", "rule"), APP_MUTATIONS, ids=[m[0] for m in APP_MUTATIONS])
def test_the_application_rule_catches_the_fault(fault, mutate, rule):
    assert_catches_fault(APP_SOURCE, fault, mutate, rule)


def test_break_glass_is_bounded_below_its_stage_and_the_rto():
    root = parse(APP_SOURCE)
    undo = next(b for b in root.children if [t.value for t in b.header[:2]] == ["void", "undo"])
    [bound] = _timeouts(undo)
    wait = _field(root, "BREAK_GLASS_LOCK_WAIT_SECONDS")
    assert int(bound) * 60 > ROLLOUT_TIMEOUT_SECONDS + 60  # kubectl's own rollout status timeout inside
    assert wait + int(bound) * 60 < 15 * 60  # lock wait + undo inside the critical RTO


def test_verification_smoke_tests_the_configured_url_and_records_the_good_image():
    stage = _stages(parse(APP_SOURCE))["Verify"]
    verifies = [call for call in platformctl_calls(stage) if call[0] == "verify"]
    assert [("--smoke-url" in call, "--record-good" in call) for call in verifies] == [(True, True), (False, True)]
    # the alarm that triggered the rollback gets the time its window needs to clear before it is judged
    assert all("--after-rollback" in call for call in verifies)
    smoke_url = verifies[0][verifies[0].index("--smoke-url") + 1]
    assert url_variables(stage) == {smoke_url.lstrip("$"): ("$TARGET_ENV", True)}  # platformctl app-url --health-check


def test_the_address_lookup_never_holds_up_a_rollback():
    """An application without an HTTPS entry is still verified (without the smoke check) and recorded good:
    the lookup's exit status chooses the verification, it never fails the stage."""
    stage = _stages(parse(APP_SOURCE))["Verify"]
    text = _text(stage)
    assert "if ( sh ( script : lookup , returnStatus : true ) = = 0 )" in text, text
    assert "String lookup = platformctl app-url --env \"$TARGET_ENV\" --app \"$APP\" --health-check" in text, text


# --- infrastructure rollback ---------------------------------------------------------------------

def reviewed_revisions_only(root: Block) -> list[str]:
    stage = _stages(root).get("Check the revision")
    calls = platformctl_calls(stage) if stage else []
    expected = ["checkout-revision", "--ref", "$PLATFORM_REF", "--into", "at-revision", "--no-synth"]
    problems = [] if expected in calls else ["PLATFORM_REF is not checked (main or a tag) before anything runs"]
    restore = _stages(root).get("Restore and re-apply")
    if restore is None or ["checkout-revision", "--ref", "$REVISION", "--into", "at-revision"] \
            not in platformctl_calls(restore):
        problems.append("the re-apply does not run the checked revision")
    fetch = _method_body(root, "fetchReviewedRevisions")
    if fetch is None or "refs/heads/main:refs/remotes/origin/main" not in _text(fetch) or "--tags" not in _text(fetch):
        problems.append("fetchReviewedRevisions does not fetch main and the tags")
    for name, checked in _stages(root).items():
        text = _text(checked)
        checkout = text.find("checkout-revision")
        if checkout >= 0 and text.find("fetchReviewedRevisions") not in range(checkout):
            problems.append(f"{name}: checks a revision against main and the tags without fetching them first "
                            "(each pod checks out the job's branch only)")
    return problems


def _method_body(root: Block, name: str) -> Block | None:
    return next((block for block in root.children if [t.value for t in block.header[:2]] == ["void", name]), None)


def approval_for_protected_targets(root: Block) -> list[str]:
    stage = _stages(root).get("Approve")
    approval = stage.child("input") if stage else None
    if approval is None:
        return ["no approval"]
    problems = []
    when = {t.value for t in stage.child("when").tokens if t.kind == "string"} if stage.child("when") else set()
    if not {"TARGET_PROTECTED", "true"} <= when:
        problems.append("the approval is not for protected targets")
    if [t.value for t in approval.statement("submitter") or []] != ["${env.APPROVERS}"]:
        problems.append("the approvers do not come from the configuration")
    if stage.child("options") is None or not stage.child("options").calls("timeout"):
        problems.append("the approval waits without bound")
    return problems


def restore_outlasts_the_slowest_change(root: Block) -> list[str]:
    stage = _stages(root).get("Restore and re-apply")
    if stage is None:
        return ["no restore stage"]
    problems = []
    bounds = _timeouts(stage)
    if bounds != ["RESTORE_MINUTES + LOCK_WAIT_MINUTES", "RESTORE_MINUTES"]:
        problems.append(f"the lock wait and the restore are not bounded apart: {bounds}")
    if "lock ( resource : env . STACK_LOCK )" not in _text(stage):
        problems.append("the restore does not hold the stack's lock")
    return problems


INFRA_RULES: list[Callable[[Block], list[str]]] = [
    parameters_from_the_job, reviewed_revisions_only, approval_for_protected_targets,
    restore_outlasts_the_slowest_change,
]
INFRA_MUTATIONS = [
    ("any ref applied",
     lambda s: s.replace("--into at-revision --no-synth", "--into at-revision --no-synth --ref main", 1)
     .replace("platformctl checkout-revision --ref \"$PLATFORM_REF\"", "git checkout \"$PLATFORM_REF\" && true", 1),
     reviewed_revisions_only),
    ("the restore pod checks the revision against a main branch it never fetched",
     lambda s: s.replace("fetchReviewedRevisions()\n                            sh", "sh", 1), reviewed_revisions_only),
    ("prod without approval", lambda s: s.replace("environment name: 'TARGET_PROTECTED', value: 'true'",
                                                  "expression { false }", 1), approval_for_protected_targets),
    ("anyone approves", lambda s: s.replace('submitter "${env.APPROVERS}"\n', "", 1), approval_for_protected_targets),
    ("the restore under the application rollback's 30 minutes", lambda s: s.replace(
        "timeout(time: RESTORE_MINUTES, unit: 'MINUTES')", "timeout(time: 30, unit: 'MINUTES')", 1),
     restore_outlasts_the_slowest_change),
]


@pytest.mark.parametrize("rule", INFRA_RULES, ids=lambda rule: rule.__name__)
def test_the_infrastructure_rollback_keeps_the_rule(rule):
    assert rule(parse(INFRA_SOURCE)) == []


@pytest.mark.parametrize(("fault", "mutate", "rule"), INFRA_MUTATIONS, ids=[m[0] for m in INFRA_MUTATIONS])
def test_the_infrastructure_rule_catches_the_fault(fault, mutate, rule):
    assert_catches_fault(INFRA_SOURCE, fault, mutate, rule)


def test_the_infrastructure_rollback_outlasts_the_slowest_change_of_any_stack(stack_json):
    stacks = [stack for stack in stack_owners(PLATFORM) if stack != "bootstrap"]
    assert len(stacks) == 10  # shared; per environment its platform, cluster configuration and application
    slowest = max(slowest_update_minutes(stack_json(stack)) for stack in stacks)
    root = parse(INFRA_SOURCE)
    assert _field(root, "RESTORE_MINUTES") > slowest >= 180
    assert _field(root, "LOCK_WAIT_MINUTES") > 0
    # and the application rollback's job is not where infrastructure is restored
    assert "rollback-infra" not in {call[0] for call in platformctl_calls(parse(APP_SOURCE))}

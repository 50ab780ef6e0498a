"""cicd/Jenkinsfile-app follows the seed's promotion flow, stage by stage, with its safety rails.

The flow (seed, section "Environment Promotion Flow"): feature branch push -> Jenkins build -> unit
tests -> build Docker image & tag (app:git_sha) -> push image to ECR -> deploy to dev (EKS) ->
integration tests -> code review & QA approval -> manual test/UAT in dev -> promote to staging ->
comprehensive integration/E2E tests -> performance/load tests -> security scans (SAST/DAST) ->
stakeholder/product owner approval -> promote to prod -> monitor & observe -> post-deployment
validation. The push is the trigger (APP_REF); every later step is one stage, in this order.

Each rule is a function returning the problems it finds; it must find none in the real file, and
must find the seeded fault in a mutated copy (so no rule passes vacuously).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from groovy_blocks import Block, parse, platformctl_calls, sh_steps, step_stages

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "cicd" / "Jenkinsfile-app").read_text()

SEED_FLOW = [
    "Jenkins Build",
    "Unit Tests",
    "Build Docker Image & Tag",
    "Push Image to ECR",
    "Deploy to dev",
    "Integration Tests",
    "Code Review & QA Approval",
    "Manual Test/UAT in dev",
    "Promote to staging",
    "Comprehensive Integration/E2E Tests",
    "Performance/Load Tests",
    "Security Scans (SAST/DAST)",
    "Stakeholder/Product Owner Approval",
    "Promote to prod",
    "Monitor & Observe",
    "Post-Deployment Validation",
]
APPROVALS = {
    "Code Review & QA Approval": "qa-team",
    "Manual Test/UAT in dev": "uat-testers",
    "Stakeholder/Product Owner Approval": "product-owners",
}
#: Stages that change or check an environment's workload, and the environment their failure rolls back.
ROLLBACK_ON_FAILURE = {"Deploy to dev": "dev", "Promote to staging": "staging", "Promote to prod": "prod",
                       "Monitor & Observe": "prod", "Post-Deployment Validation": "prod"}
TEST_STAGES = ["Unit Tests", "Integration Tests", "Comprehensive Integration/E2E Tests", "Performance/Load Tests"]


def _pipeline(source: str) -> Block:
    return parse(source).child("pipeline")


def _stages(app: Block) -> dict[str, Block]:
    return {stage.argument: stage for stage in step_stages(app)}


def _arg(call: list[str], option: str) -> str:
    return call[call.index(option) + 1]


def _changed_envs(stage: Block) -> set[str]:
    """Environments whose workloads the stage's platformctl calls change."""
    changed = set()
    for call in platformctl_calls(stage):
        if call[0] in ("deploy", "rollback"):
            changed.add(_arg(call, "--env"))
        elif call[0] == "promote":
            changed.add(_arg(call, "--to"))
    return changed


def _lock_resources(block: Block) -> set[str]:
    """Resources of every ``lock(resource: '...')`` in the block (stage options or around steps)."""
    return {next(t for t in block.tokens[i:] if t.kind == "string").value
            for i, token in enumerate(block.tokens) if token.kind == "ident" and token.value == "lock"}


# --- rules -------------------------------------------------------------------------------------

def seed_order(app: Block) -> list[str]:
    names = list(_stages(app))
    return [] if names == SEED_FLOW else [f"stages {names} are not the seed flow {SEED_FLOW}"]


def approvals(app: Block) -> list[str]:
    problems = []
    stages = _stages(app)
    waiting = {name for name, stage in stages.items() if stage.child("input")}
    if waiting != set(APPROVALS):
        problems.append(f"stages waiting for people: {sorted(waiting)}")
    for name, submitter in APPROVALS.items():
        approval = stages[name].child("input") if name in stages else None
        if approval is None:
            problems.append(f"{name}: no stage-level input")
            continue
        if [t.value for t in approval.statement("submitter") or []] != [submitter]:
            problems.append(f"{name}: submitter is not {submitter}")
        parameter = approval.statement("submitterParameter") or []
        if not (parameter and re.fullmatch(r"[A-Z]+_APPROVER", parameter[0].value)):
            problems.append(f"{name}: no submitterParameter")
        if not approval.statement("message"):
            problems.append(f"{name}: no message")
        options = stages[name].child("options")
        if options is None or not options.calls("timeout"):
            problems.append(f"{name}: no stage-level timeout bounds the wait")
    return problems


def milestones_before_promotions(app: Block) -> list[str]:
    problems = []
    for name, stage in _stages(app).items():
        promotes = [step.line for step in sh_steps(stage) if "platformctl promote" in step.script]
        if promotes and not [line for line in stage.calls("milestone") if line < min(promotes)]:
            problems.append(f"{name}: promotes without passing a milestone first")
    ordinals = [int(app.tokens[i + 2].value) for i, t in enumerate(app.tokens[:-2])
                if t.value == "ordinal" and app.tokens[i + 1].value == ":"]
    if len(ordinals) < 3 or ordinals != sorted(set(ordinals)):
        problems.append(f"milestone ordinals {ordinals}: one per deployment, strictly increasing")
    return problems


def environment_locks(app: Block) -> list[str]:
    problems = []
    for name, stage in _stages(app).items():
        needed = {f"env-{env}" for env in _changed_envs(stage)}
        if needed - _lock_resources(stage):
            problems.append(f"{name} changes {sorted(needed)} without holding {sorted(needed - _lock_resources(stage))}")
    return problems


def rollback_on_failure(app: Block) -> list[str]:
    problems = []
    stages = _stages(app)
    checked = {name for name, stage in stages.items()
               if {call[0] for call in platformctl_calls(stage)} & {"deploy", "promote", "verify"}}
    if checked != set(ROLLBACK_ON_FAILURE):
        problems.append(f"stages that deploy or verify: {sorted(checked)}")
    for name, env in ROLLBACK_ON_FAILURE.items():
        post = stages[name].child("post") if name in stages else None
        failure = post.child("failure") if post else None
        rollbacks = [call for call in platformctl_calls(failure) if call[0] == "rollback"] if failure else []
        if not rollbacks or any(_arg(call, "--env") != env for call in rollbacks):
            problems.append(f"{name}: post failure does not run platformctl rollback --env {env}")
    return problems


def single_quoted_shell(app: Block) -> list[str]:
    return [f"line {step.line}: sh with a Groovy-interpolated (double-quoted) script"
            for step in sh_steps(app) if step.quote.startswith('"')]


def credentials_stay_in_the_shell(app: Block) -> list[str]:
    problems = []
    blocks = app.blocks("withCredentials")
    if not blocks:
        problems.append("no withCredentials: the DAST token must be bound, not written")
    for block in blocks:
        variables = [block.header[i + 2].value for i, t in enumerate(block.header)
                     if t.value == "variable" and block.header[i + 1].value == ":"]
        if not variables or not sh_steps(block):
            problems.append(f"line {block.line}: withCredentials binds nothing or runs no shell")
        for variable in variables:
            problems += [f"line {t.line}: secret {variable} inside a Groovy string"
                         for b in app.walk() for t in [*b.header, *b.tokens]
                         if t.kind == "string" and t.quote.startswith('"') and variable in t.value]
    return problems


def parallel_security_scans(app: Block) -> list[str]:
    stage = _stages(app).get("Security Scans (SAST/DAST)")
    parallel = stage.child("parallel") if stage else None
    if parallel is None:
        return ["security scans do not run in parallel"]
    branches = {b.argument: " ".join(step.script for step in sh_steps(b)) for b in parallel.children if b.keyword == "stage"}
    expected = {"SAST": "semgrep scan", "IaC scan (checkov)": "platformctl scan", "Image scan": "trivy image",
                "DAST baseline": "zap-baseline.py"}
    return [f"{name}: does not run {tool}" for name, tool in expected.items() if tool not in branches.get(name, "")]


def junit_reports(app: Block) -> list[str]:
    stages = _stages(app)
    scans = stages["Security Scans (SAST/DAST)"].child("parallel").children if "Security Scans (SAST/DAST)" in stages else []
    problems = []
    for stage in [stages[name] for name in TEST_STAGES if name in stages] + [b for b in scans if b.argument != "DAST baseline"]:
        post = stage.child("post")
        always = post.child("always") if post else None
        if always is None or not always.calls("junit"):
            problems.append(f"{stage.argument}: no junit report archived")
    return problems


RULES: list[Callable[[Block], list[str]]] = [
    seed_order, approvals, milestones_before_promotions, environment_locks, rollback_on_failure,
    single_quoted_shell, credentials_stay_in_the_shell, parallel_security_scans, junit_reports,
]

#: (what breaks, how the source is changed, the rule that must notice)
MUTATIONS = [
    ("stages out of seed order", lambda s: s.replace("stage('Performance/Load Tests')", "stage('Tmp')")
     .replace("stage('Comprehensive Integration/E2E Tests')", "stage('Performance/Load Tests')")
     .replace("stage('Tmp')", "stage('Comprehensive Integration/E2E Tests')"), seed_order),
    ("a seed step missing", lambda s: s.replace("stage('Monitor & Observe')", "stage('Watch')"), seed_order),
    ("approval without submitter", lambda s: s.replace("submitter 'uat-testers'\n", "", 1), approvals),
    ("approval without submitterParameter", lambda s: s.replace("submitterParameter 'PO_APPROVER'\n", "", 1), approvals),
    ("approval without timeout", lambda s: s.replace("options { timeout(time: 1, unit: 'DAYS') }\n"
                                                      "            input {\n                message 'Code",
                                                      "input {\n                message 'Code", 1), approvals),
    ("promotion before its milestone", lambda s: s.replace("milestone(ordinal: 30, label: 'promote to prod')\n", "", 1),
     milestones_before_promotions),
    ("milestones out of order", lambda s: s.replace("milestone(ordinal: 30,", "milestone(ordinal: 15,", 1),
     milestones_before_promotions),
    ("prod promotion without the prod lock", lambda s: s.replace(
        "lock(resource: 'env-prod', inversePrecedence: true)\n                timeout(time: 30",
        "timeout(time: 30", 1), environment_locks),
    ("deploy without rollback on failure", lambda s: s.replace(
        """failure { sh 'platformctl rollback --env staging --app "$APP"' }""", "failure { echo 'failed' }", 1),
     rollback_on_failure),
    ("rollback of the wrong environment", lambda s: s.replace(
        """failure { sh 'platformctl rollback --env dev --app "$APP"' }""",
        """failure { sh 'platformctl rollback --env staging --app "$APP"' }""", 1), rollback_on_failure),
    ("double-quoted sh", lambda s: s.replace("sh 'platformctl synth'", 'sh "platformctl synth"', 1), single_quoted_shell),
    ("secret in a Groovy string", lambda s: s.replace("echo \"QA approval by ${QA_APPROVER}",
                                                      "echo \"token ${ZAP_AUTH_HEADER_VALUE} by ${QA_APPROVER}", 1),
     credentials_stay_in_the_shell),
    ("scans run one after another", lambda s: s.replace("            parallel {\n                stage('SAST')",
                                                        "            stages {\n                stage('SAST')", 1),
     parallel_security_scans),
    ("test stage without junit", lambda s: s.replace("always { junit testResults: 'app/reports/e2e/*.xml' }",
                                                     "always { echo 'done' }", 1), junit_reports),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_app_pipeline_keeps_the_rule(rule):
    assert rule(_pipeline(SOURCE)) == []


@pytest.mark.parametrize("fault,mutate,rule", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_rule_catches_the_fault(fault, mutate, rule):
    mutated = mutate(SOURCE)
    assert mutated != SOURCE, f"mutation {fault!r} no longer applies to the Jenkinsfile"
    assert rule(_pipeline(mutated)), f"{rule.__name__} did not notice: {fault}"


def test_the_push_is_the_trigger_and_the_first_stage_checks_out_the_pushed_ref():
    app = _pipeline(SOURCE)
    assert "APP_REF" in {t.value for t in app.child("parameters").tokens if t.kind == "string"}
    checkout = _stages(app)["Jenkins Build"].blocks("dir")[0]
    assert checkout.calls("checkout") and "APP_REF" in {t.value for t in checkout.tokens if t.kind == "ident"}


def test_top_level_agent_none_and_pipeline_options():
    app = _pipeline(SOURCE)
    assert [t.value for t in app.statement("agent")] == ["none"]
    options = app.child("options")
    for required in ("buildDiscarder", "logRotator", "timeout", "disableConcurrentBuilds"):
        assert options.calls(required), f"pipeline options lack {required}"
    # a newer push must never abort a build in the middle of an apply (its rollback would not run)
    assert "abortPrevious" not in {t.value for t in options.tokens}


def test_every_working_stage_runs_in_a_kubernetes_pod_from_cicd_pods():
    app = _pipeline(SOURCE)
    working = [stage for stage in app.blocks("stage") if not stage.child("stages") and not stage.child("parallel")
               and stage.argument != "Code Review & QA Approval"]  # an approval with an echo needs no pod
    assert len(working) >= len(SEED_FLOW)
    for stage in working:
        around = [b for b in app.blocks("stage") if b.child("agent") and any(inner is stage for inner in b.walk())]
        agent = around[-1].child("agent") if around else None
        assert agent is not None and agent.blocks("kubernetes"), f"stage {stage.argument!r} has no pod agent"
        yaml_file = next(t.value for i, t in enumerate(agent.tokens) if agent.tokens[i - 1].value == "yamlFile")
        assert (ROOT / yaml_file).is_file(), f"{stage.argument}: {yaml_file} missing"


def test_image_is_built_with_rootless_buildkit_tagged_with_the_git_sha_and_deployed_by_digest():
    app = _pipeline(SOURCE)
    stages = _stages(app)
    images = [container["image"] for pod in (ROOT / "cicd" / "pods").glob("*.yaml")
              for container in yaml.safe_load(pod.read_text())["spec"]["containers"]]
    assert not [image for image in images if "kaniko" in image]  # archived upstream
    assert any(image.startswith("moby/buildkit:") and image.endswith("-rootless") for image in images)
    build = " ".join(step.script for step in sh_steps(stages["Build Docker Image & Tag"]))
    assert "buildctl-daemonless.sh build" in build and ':$APP_SHA"' in build
    push = stages["Push Image to ECR"]
    assert "push=true" in " ".join(step.script for step in sh_steps(push))
    # IMAGE_REF = <repository>@<digest BuildKit reports for the pushed image>
    assert any("@${metadata['containerimage.digest']}" in t.value for t in push.tokens if t.kind == "string")
    deploy = next(call for call in platformctl_calls(stages["Deploy to dev"]) if call[0] == "deploy")
    assert _arg(deploy, "--image") == "$IMAGE_REF"


def test_promotions_move_the_builds_own_digest_from_the_previous_environment():
    calls = [call for stage in _stages(_pipeline(SOURCE)).values() for call in platformctl_calls(stage)
             if call[0] == "promote"]
    assert [(_arg(c, "--from"), _arg(c, "--to")) for c in calls] == [("dev", "staging"), ("staging", "prod")]
    assert all(_arg(c, "--expect-image") == "$IMAGE_REF" for c in calls)


def test_each_environment_records_its_last_good_image_after_its_last_check():
    recorded = [(name, _arg(call, "--env")) for name, stage in _stages(_pipeline(SOURCE)).items()
                for call in platformctl_calls(stage) if call[0] == "record-good"]
    assert recorded == [("Manual Test/UAT in dev", "dev"), ("Stakeholder/Product Owner Approval", "staging"),
                        ("Post-Deployment Validation", "prod")]

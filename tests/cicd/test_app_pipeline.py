"""cicd/Jenkinsfile-app follows the seed's promotion flow, stage by stage, with its safety rails.

The flow (seed, section "Environment Promotion Flow"): feature branch push -> Jenkins build -> unit
tests -> build Docker image & tag (app:git_sha) -> push image to ECR -> deploy to dev (EKS) ->
integration tests -> code review & QA approval -> manual test/UAT in dev -> promote to staging ->
comprehensive integration/E2E tests -> performance/load tests -> security scans (SAST/DAST) ->
stakeholder/product owner approval -> promote to prod -> monitor & observe -> post-deployment
validation. The push is the trigger (APP_REF); every later step is one stage, in this order.

Beyond the order: the job releases one application (its name), concurrent builds are ordered by
milestones, each deployment holds only that application's lock in that environment, runs in a
checkout of the environment's recorded platform revision, is bounded by a timeout step inside the
stage and rolled back by the stage's post when it did not succeed (failure, abort, timeout); only
commits on the application's main branch go beyond dev; the DAST stage can run in its pod and
fails only on a FAIL rule; the application is called at the URL its configuration gives it
(``platformctl app-url``) in the environment each stage tests.

Each rule is a function returning the problems it finds; it must find none in the real file, and
must find the seeded fault in a mutated copy (so no rule passes vacuously).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from groovy_blocks import Block, assert_catches_fault, parse, platformctl_calls, sh_steps, step_stages, url_variables
from pipeline_budgets import release_seconds, verified_rollback_seconds

from platform_constructs.config.loader import load_platform
from platformctl.commands.release import ROLLOUT_TIMEOUT_SECONDS

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
#: Stages that deploy, and the environment.
DEPLOYMENTS = {"Deploy to dev": "dev", "Promote to staging": "staging", "Promote to prod": "prod"}
TEST_STAGES = ["Unit Tests", "Integration Tests", "Comprehensive Integration/E2E Tests", "Performance/Load Tests"]
#: Pods that run the application's own code (tests, image build, scanners): never the apply identity (the
#: image build's pod carries only its own ECR push identity, the scanners' only the image-scan one).
APPLICATION_CODE_PODS = {"app-test.yaml", "image-build.yaml", "scanners.yaml"}
#: platformctl commands that read or change an environment: they need the apply identity.
ENVIRONMENT_COMMANDS = {"deploy", "promote", "rollback", "undo", "verify", "record-good", "checkout-revision",
                        "record-revision", "releases", "revision"}
#: Stages that call the application at its URL (besides the verify steps), and the environment they test.
URL_CALLERS = {"Integration Tests": "dev", "Comprehensive Integration/E2E Tests": "staging",
               "Performance/Load Tests": "staging", "DAST baseline": "staging"}
PLATFORM = load_platform(ROOT / "environments")


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


def _timeouts_minutes(tokens) -> list[int]:
    """The ``time`` of every ``timeout(time: N, unit: 'MINUTES'|'HOURS'|'DAYS')`` among ``tokens``, in minutes."""
    found = []
    for index, token in enumerate(tokens):
        if token.kind == "ident" and token.value == "timeout" and tokens[index + 1].value == "(":
            args = tokens[index + 2:index + 12]
            time = next(args[i + 2].value for i, t in enumerate(args) if t.value == "time")
            unit = next(args[i + 2].value for i, t in enumerate(args) if t.value == "unit")
            found.append(int(time) * {"MINUTES": 1, "HOURS": 60, "DAYS": 1440}[unit])
    return found


def _agent_pod(stage: Block) -> tuple[str, str | None, str]:
    """(cloud, service account or None, pod file) of a stage's kubernetes agent."""
    agent = stage.child("agent").blocks("kubernetes")[0]
    values = {t.value: agent.statement(t.value) for t in agent.tokens if t.kind == "ident"}
    pick = lambda key: values[key][0].value if values.get(key) else None  # noqa: E731
    return pick("cloud"), pick("serviceAccount"), pick("yamlFile").split("/")[-1]


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


def application_locks(app: Block) -> list[str]:
    """A stage that changes an environment holds exactly the lock of this application there, and no other."""
    problems = []
    for name, stage in _stages(app).items():
        needed = {f"app-{env}-${{env.APP}}" for env in _changed_envs(stage)}
        held = _lock_resources(stage)
        if needed - held or held - needed:
            problems.append(f"{name} changes {sorted(_changed_envs(stage))} holding {sorted(held)}, "
                            f"not {sorted(needed)}")
    return problems


def rollback_when_unsuccessful(app: Block) -> list[str]:
    """A deploy or check that failed, was aborted or timed out rolls back (``unsuccessful``, not only ``failure``),
    under the application's lock, in a checkout of the recorded revision, within its own bound."""
    problems = []
    stages = _stages(app)
    checked = {name for name, stage in stages.items()
               if {call[0] for call in platformctl_calls(stage)} & {"deploy", "promote", "verify"}}
    if checked != set(ROLLBACK_ON_FAILURE):
        problems.append(f"stages that deploy or verify: {sorted(checked)}")
    for name, env in ROLLBACK_ON_FAILURE.items():
        post = stages[name].child("post") if name in stages else None
        unsuccessful = post.child("unsuccessful") if post else None
        rollbacks = [call for call in platformctl_calls(unsuccessful) if call[0] == "rollback"] if unsuccessful else []
        if not rollbacks or any(_arg(call, "--env") != env for call in rollbacks):
            problems.append(f"{name}: post unsuccessful does not run platformctl rollback --env {env}")
            continue
        if not _timeouts_minutes(unsuccessful.tokens):
            problems.append(f"{name}: the rollback in post is not bounded by its own timeout step")
        if name not in DEPLOYMENTS and f"app-{env}-${{env.APP}}" not in _lock_resources(unsuccessful):
            problems.append(f"{name}: the rollback in post does not take app-{env}-$APP")
        if not any(b.keyword == "dir" and b.argument == "at-revision" for b in unsuccessful.walk()):
            problems.append(f"{name}: the rollback does not run in the checkout of the recorded revision")
        calls = platformctl_calls(unsuccessful)
        verified = [call for call in calls[calls.index(rollbacks[-1]) + 1:] if call[0] == "verify"
                    and _arg(call, "--env") == env and {"--after-rollback", "--record-good"} <= set(call)]
        if not verified:
            problems.append(f"{name}: the rollback is not verified (verify --env {env} --after-rollback "
                            "--record-good after it)")
    return problems


def deployments_bounded_inside_the_stage(app: Block) -> list[str]:
    """No stage-level timeout on a stage whose post rolls back (it would wrap the post and kill the rollback 60 s
    after firing); the deploy work inside a timeout step long enough for everything inside it."""
    problems = []
    for name, env in ROLLBACK_ON_FAILURE.items():
        stage = _stages(app).get(name)
        if stage is None:
            continue
        options = stage.child("options")
        if options is not None and options.calls("timeout"):
            problems.append(f"{name}: a stage-level timeout also bounds the post that rolls back")
        steps = stage.child("steps")
        bounds = _timeouts_minutes(steps.tokens) if steps else []
        if not bounds:
            problems.append(f"{name}: the work is not inside a timeout step")
        config = PLATFORM.environments[env]
        if name in DEPLOYMENTS and bounds and bounds[0] * 60 <= release_seconds(config):
            problems.append(f"{name}: {bounds[0]} min is shorter than the release it bounds "
                            f"({release_seconds(config) // 60} min)")
        rollback = _timeouts_minutes(stage.child("post").tokens) if stage.child("post") else []
        needed = verified_rollback_seconds(config, checkout=name not in DEPLOYMENTS)
        if rollback and rollback[0] * 60 <= needed:
            problems.append(f"{name}: the rollback's {rollback[0]} min is shorter than a rollback ({needed // 60} min)")
    return problems


def releases_at_the_recorded_revision(app: Block) -> list[str]:
    """Each deployment checks out the revision its environment last applied and runs platformctl inside it."""
    problems = []
    for name, env in DEPLOYMENTS.items():
        stage = _stages(app).get(name)
        steps = stage.child("steps") if stage else None
        calls = platformctl_calls(steps) if steps else []
        checkout = [call for call in calls if call[0] == "checkout-revision"]
        if checkout != [["checkout-revision", "--env", env, "--into", "at-revision"]]:
            problems.append(f"{name}: does not check out {env}'s recorded revision: {checkout}")
        inside = [b for b in steps.walk() if b.keyword == "dir" and b.argument == "at-revision"] if steps else []
        changes = [call for block in inside for call in platformctl_calls(block) if call[0] in ("deploy", "promote")]
        if not changes:
            problems.append(f"{name}: the deployment does not run inside the checkout of the recorded revision")
    return problems


def only_main_beyond_dev(app: Block) -> list[str]:
    """From the QA approval on, every stage runs only for a commit on the application's main branch."""
    problems = []
    names = list(_stages(app))
    for name in names[names.index("Code Review & QA Approval"):]:
        stage = _stages(app)[name]
        around = next(b for b in app.blocks("stage")
                      if b.argument == name or (any(s is stage for s in b.walk()) and b.child("when")))
        when = stage.child("when") or around.child("when")
        conditions = {t.value for t in when.tokens if t.kind == "string"} if when else set()
        if not {"APP_ON_MAIN", "true"} <= conditions:
            problems.append(f"{name}: runs for commits that are not on the main branch")
    return problems


def identities_by_pod(app: Block) -> list[str]:
    """platformctl runs with the apply identity (cloud ci-apply); the application's own code never gets one."""
    problems = []
    for stage in app.blocks("stage"):
        if stage.child("agent") is None or not stage.child("agent").blocks("kubernetes"):
            continue
        cloud, account, pod = _agent_pod(stage)
        if pod in APPLICATION_CODE_PODS and (cloud != "ci-build" or account is not None):
            problems.append(f"{stage.argument}: application code on {cloud} as {account}")
        changes = {call[0] for call in platformctl_calls(stage)} & ENVIRONMENT_COMMANDS
        if changes and (cloud, account) != ("ci-apply", "jenkins-apply"):
            problems.append(f"{stage.argument}: platformctl {sorted(changes)} on {cloud} as {account}")
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
    branches = {b.argument: " ".join(step.script for step in sh_steps(b)) for b in parallel.children
                if b.keyword == "stage"}
    expected = {"SAST": "semgrep scan", "IaC scan (checkov)": "platformctl scan", "Image scan": "trivy image",
                "DAST baseline": "zap-baseline.py"}
    return [f"{name}: does not run {tool}" for name, tool in expected.items() if tool not in branches.get(name, "")]


def junit_reports(app: Block) -> list[str]:
    stages = _stages(app)
    scans_stage = "Security Scans (SAST/DAST)"
    scans = stages[scans_stage].child("parallel").children if scans_stage in stages else []
    problems = []
    checked = [stages[name] for name in TEST_STAGES if name in stages]
    for stage in checked + [b for b in scans if b.argument != "DAST baseline"]:
        post = stage.child("post")
        always = post.child("always") if post else None
        if always is None or not always.calls("junit"):
            problems.append(f"{stage.argument}: no junit report archived")
    return problems


def runnable_dast(app: Block) -> list[str]:
    """zap-baseline.py runs from its writable work directory with the repository's rules file, fails only on FAIL."""
    stage = next((b for b in app.blocks("stage") if b.argument == "DAST baseline"), None)
    if stage is None:
        return ["no DAST baseline stage"]
    script = " ".join(step.script for step in sh_steps(stage.child("steps")))
    words = next((command.split() for command in script.replace("\\\n", " ").split("\n")
                  if "zap-baseline.py" in command), [])
    problems = []
    if "cp cicd/zap/baseline-rules.tsv /zap/wrk/baseline-rules.tsv" not in script or "cd /zap/wrk" not in script:
        problems.append("the rules file is not copied into /zap/wrk, where zap-baseline.py reads -c")
    for flag, value in (("-c", "baseline-rules.tsv"), ("-r", "dast.html"), ("-J", "dast.json")):
        if flag not in words or words[words.index(flag) + 1] != value:
            problems.append(f"zap-baseline.py without {flag} {value}")
    if "-I" not in words:
        problems.append("zap-baseline.py without -I: any WARN would fail the stage")
    return problems


def urls_from_configuration(app: Block) -> list[str]:
    """Every call of the application goes to the URL ``platformctl app-url`` gives for the environment it tests
    (the health-check URL for verify), never to one the pipeline composes."""
    problems = [f"line {step.line}: a URL composed in the pipeline" for step in sh_steps(app) if "://" in step.script]
    urls = url_variables(app)
    for stage in app.blocks("stage"):
        for call in platformctl_calls(stage):
            if call[0] == "verify" and ("--smoke-url" not in call or
                                        urls.get(_arg(call, "--smoke-url").lstrip("$")) != (_arg(call, "--env"), True)):
                problems.append(f"{stage.argument}: verify --env {_arg(call, '--env')} does not smoke-test the "
                                "health-check URL app-url gives for that environment")
    for name, env in URL_CALLERS.items():
        stage = next((b for b in app.blocks("stage") if b.argument == name), None)
        used = set(re.findall(r"\$\{?(\w+)", " ".join(step.script for step in sh_steps(stage)))) if stage else set()
        if not [variable for variable in used if urls.get(variable) == (env, False)]:
            problems.append(f"{name}: does not call the application at its URL in {env} (platformctl app-url)")
    return problems


RULES: list[Callable[[Block], list[str]]] = [
    seed_order, approvals, milestones_before_promotions, application_locks, rollback_when_unsuccessful,
    deployments_bounded_inside_the_stage, releases_at_the_recorded_revision, only_main_beyond_dev,
    identities_by_pod, single_quoted_shell, credentials_stay_in_the_shell, parallel_security_scans, junit_reports,
    runnable_dast, urls_from_configuration,
]

#: (what breaks, how the source is changed, the rule that must notice)
MUTATIONS = [
    ("stages out of seed order", lambda s: s.replace("stage('Performance/Load Tests')", "stage('Tmp')")
     .replace("stage('Comprehensive Integration/E2E Tests')", "stage('Performance/Load Tests')")
     .replace("stage('Tmp')", "stage('Comprehensive Integration/E2E Tests')"), seed_order),
    ("a seed step missing", lambda s: s.replace("stage('Monitor & Observe')", "stage('Watch')"), seed_order),
    ("approval without submitter", lambda s: s.replace("submitter 'uat-testers'\n", "", 1), approvals),
    ("approval without submitterParameter", lambda s: s.replace("submitterParameter 'PO_APPROVER'\n", "", 1),
     approvals),
    ("approval without timeout", lambda s: s.replace("options { timeout(time: 1, unit: 'DAYS') }\n"
                                                      "            input {\n                message 'Code",
                                                      "input {\n                message 'Code", 1), approvals),
    ("promotion before its milestone", lambda s: s.replace("milestone(ordinal: 30, label: 'promote to prod')\n", "", 1),
     milestones_before_promotions),
    ("milestones out of order", lambda s: s.replace("milestone(ordinal: 30,", "milestone(ordinal: 15,", 1),
     milestones_before_promotions),
    ("prod promotion without the prod lock", lambda s: s.replace(
        'options { lock(resource: "app-prod-${env.APP}", inversePrecedence: true) }', "", 1), application_locks),
    ("a release holding every application's lock", lambda s: s.replace(
        '"app-staging-${env.APP}"', "'env-staging'", 1), application_locks),
    ("rollback only on failure, not on abort", lambda s: s.replace("unsuccessful {", "failure {", 1),
     rollback_when_unsuccessful),
    ("rollback of the wrong environment", lambda s: s.replace(
        'platformctl rollback --env dev --app "$APP"', 'platformctl rollback --env staging --app "$APP"', 1),
     rollback_when_unsuccessful),
    ("rollback in post without its own bound", lambda s: s.replace(
        "                    timeout(time: 25, unit: 'MINUTES') {\n                        dir('at-revision') {\n"
        "                            sh '''\n                                platformctl rollback --env dev",
        "                    dir('at-revision') {\n                        dir('at-revision') {\n"
        "                            sh '''\n                                platformctl rollback --env dev", 1),
     rollback_when_unsuccessful),
    ("an automatic rollback nobody verifies", lambda s: s.replace(
        'platformctl verify --env staging --app "$APP" --after-rollback --record-good',
        'echo verify --env staging --app "$APP" --after-rollback --record-good', 1), rollback_when_unsuccessful),
    ("an automatic rollback verified as a release", lambda s: s.replace(
        'platformctl verify --env prod --app "$APP" --after-rollback --record-good',
        'platformctl verify --env prod --app "$APP" --record-good', 1), rollback_when_unsuccessful),
    ("a stage-level timeout around the deploy and its rollback", lambda s: s.replace(
        'options { lock(resource: "app-dev-${env.APP}", inversePrecedence: true) }',
        'options {\n                lock(resource: "app-dev-${env.APP}", inversePrecedence: true)\n'
        "                timeout(time: 30, unit: 'MINUTES')\n            }", 1), deployments_bounded_inside_the_stage),
    ("a prod release bounded tighter than it can take", lambda s: s.replace(
        "milestone(ordinal: 30, label: 'promote to prod')\n                timeout(time: 40,",
        "milestone(ordinal: 30, label: 'promote to prod')\n                timeout(time: 10,", 1),
     deployments_bounded_inside_the_stage),
    ("a release synthesized from the job's own revision", lambda s: s.replace(
        "sh 'platformctl checkout-revision --env staging --into at-revision'", "sh 'platformctl synth'", 1),
     releases_at_the_recorded_revision),
    ("feature builds reach staging", lambda s: s.replace(
        "        stage('Promote to staging') {\n            when {\n                beforeAgent true\n"
        "                environment name: 'APP_ON_MAIN', value: 'true'\n            }\n",
        "        stage('Promote to staging') {\n", 1), only_main_beyond_dev),
    ("tests run with the apply identity", lambda s: s.replace(
        "cloud 'ci-build'\n                    yamlFile 'cicd/pods/app-test.yaml'",
        "cloud 'ci-apply'\n                    yamlFile 'cicd/pods/app-test.yaml'", 1), identities_by_pod),
    ("a promotion without the apply identity", lambda s: s.replace(
        "cloud 'ci-apply'\n                    serviceAccount 'jenkins-apply'", "cloud 'ci-plan'\n"
        "                    serviceAccount 'jenkins-plan'", 2), identities_by_pod),
    ("DAST fails on warnings", lambda s: s.replace(" -c baseline-rules.tsv -I ", " -c baseline-rules.tsv ", 1),
     runnable_dast),
    ("DAST rules file outside /zap/wrk", lambda s: s.replace(
        "cp cicd/zap/baseline-rules.tsv /zap/wrk/baseline-rules.tsv", "true", 1), runnable_dast),
    ("a smoke URL composed in the pipeline", lambda s: s.replace(
        '--smoke-url "$DEV_HEALTH_URL"', '--smoke-url "https://$APP.dev.acme.example/healthz"', 1),
     urls_from_configuration),
    ("prod verified at staging's URL", lambda s: s.replace(
        'verify --env prod --app "$APP" --smoke-url "$PROD_HEALTH_URL"\'',
        'verify --env prod --app "$APP" --smoke-url "$STAGING_HEALTH_URL"\'', 1), urls_from_configuration),
    ("E2E tests against dev",
     lambda s: s.replace('e2e-test BASE_URL="$STAGING_URL"', 'e2e-test BASE_URL="$DEV_URL"', 1),
     urls_from_configuration),
    ("DAST of a composed URL", lambda s: s.replace('-t "$STAGING_URL"', '-t "https://$APP.staging.acme.example"', 1),
     urls_from_configuration),
    ("double-quoted sh", lambda s: s.replace("sh 'platformctl synth'", 'sh "platformctl synth"', 1),
     single_quoted_shell),
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


@pytest.mark.parametrize(("fault", "mutate", "rule"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_rule_catches_the_fault(fault, mutate, rule):
    assert_catches_fault(SOURCE, fault, mutate, rule, _pipeline)


def test_the_push_is_the_trigger_and_the_repository_comes_from_configuration():
    app = _pipeline(SOURCE)
    parameters = {t.value for t in app.child("parameters").tokens if t.kind == "string"}
    assert "APP_REF" in parameters and "APP_REPO" not in parameters and "APP" not in parameters
    build = _stages(app)["Jenkins Build"]
    assert ["applications", "--json"] in platformctl_calls(build)
    assert "env . APP_REPO = source . repository" in " ".join(t.value for t in build.tokens)
    checkout = build.blocks("dir")[0]
    assert checkout.calls("checkout") and {"APP_REF", "APP_REPO"} <= {t.value for t in checkout.tokens}
    environment = {t.value for t in app.child("environment").tokens if t.kind == "string"}
    assert "${env.JOB_BASE_NAME}" in environment  # one job per application, named after it


def test_concurrent_builds_of_an_application_are_ordered_by_milestones_not_queued():
    app = _pipeline(SOURCE)
    assert [t.value for t in app.statement("agent")] == ["none"]
    options = app.child("options")
    for required in ("buildDiscarder", "logRotator", "skipStagesAfterUnstable"):
        assert options.calls(required), f"pipeline options lack {required}"
    # a parked approval must not hold up newer builds; a pipeline-wide timeout would wrap every post
    assert not options.calls("disableConcurrentBuilds") and not options.calls("timeout")
    ordinals = [int(app.tokens[i + 2].value) for i, t in enumerate(app.tokens[:-2])
                if t.value == "ordinal" and app.tokens[i + 1].value == ":"]
    assert ordinals == [10, 20, 30]


def test_the_verify_timeout_is_shorter_than_the_stage_that_runs_it():
    stages = _stages(_pipeline(SOURCE))
    for name in DEPLOYMENTS:
        assert _timeouts_minutes(stages[name].child("steps").tokens)[0] * 60 > ROLLOUT_TIMEOUT_SECONDS


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
    assert "buildctl-daemonless.sh build" in build and ':$IMAGE_TAG"' in build
    tag = [call for call in platformctl_calls(stages["Jenkins Build"]) if call[0] == "image-tag"]
    assert tag == [["image-tag", "--commit", "$APP_SHA", "--on-main", "$APP_ON_MAIN"]]
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


def test_an_application_without_an_entry_where_it_runs_stops_the_first_stage():
    """The URLs come from ``platformctl applications --json``: an environment without one fails the build at once."""
    build = _stages(_pipeline(SOURCE))["Jenkins Build"]
    words = [t.value for t in build.tokens if t.kind == "ident"]
    assert words[words.index("findAll") - 1] == "environments" and words[words.index("containsKey") - 1] == "urls"
    assert build.calls("error")


@pytest.mark.parametrize(("health_url", "smoke"), [("https://orders.dev.example.com/healthz", True), ("", False)])
def test_an_automatic_rollback_is_verified_with_the_smoke_url_only_when_it_was_looked_up(
        health_url, smoke, tmp_path):
    """The post's script, run by bash with a recording ``platformctl``: a failure before the URL lookup leaves
    DEV_HEALTH_URL empty, and the rollback is then verified without the smoke check rather than with an empty URL."""
    post = _stages(_pipeline(SOURCE))["Deploy to dev"].child("post").child("unsuccessful")
    [script] = [step.script for step in sh_steps(post)]
    recorder = tmp_path / "platformctl"
    recorder.write_text('#!/bin/sh\nprintf "%s|" "$@" >> "$CALLS"; echo >> "$CALLS"\n')
    recorder.chmod(0o755)
    environment = {"PATH": f"{tmp_path}:/usr/bin:/bin", "CALLS": str(tmp_path / "calls"), "APP": "orders",
                   "DEV_HEALTH_URL": health_url}
    subprocess.run(["bash", "-e", "-c", script], env=environment, check=True)
    rollback, verify = (line.rstrip("|").split("|") for line in (tmp_path / "calls").read_text().splitlines())
    assert rollback == ["rollback", "--env", "dev", "--app", "orders"]
    assert verify == ["verify", "--env", "dev", "--app", "orders", "--after-rollback", "--record-good",
                      *(["--smoke-url", health_url] if smoke else [])]

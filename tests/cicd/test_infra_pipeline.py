"""cicd/Jenkinsfile-infra: synth -> validate -> checkov -> per environment plan (guarded) -> approval -> apply.

dev applies without approval; shared, staging and prod wait for an approver with a timeout; only
``main`` applies; plans and applies hold the environment's lock; applies use the reviewed plan.
Each rule must pass on the real file and catch its seeded fault in a mutated copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from groovy_blocks import Block, parse, platformctl_calls, step_stages

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "cicd" / "Jenkinsfile-infra").read_text()
ENVIRONMENTS = ["shared", "dev", "staging", "prod"]
APPROVED = {"shared", "staging", "prod"}


def _stages(source: str) -> dict[str, Block]:
    return {stage.argument: stage for stage in step_stages(parse(source).child("pipeline"))}


def _expected_order() -> list[str]:
    order = ["Synth", "Validate", "Checkov"]
    for env in ENVIRONMENTS:
        order += [f"Plan {env}", *([f"Approve {env}"] if env in APPROVED else []), f"Apply {env}"]
    return order


def stage_order(stages: dict[str, Block]) -> list[str]:
    return [] if list(stages) == _expected_order() else [f"stages {list(stages)}"]


def gates_before_plans(stages: dict[str, Block]) -> list[str]:
    expected = {"Synth": "synth", "Validate": "validate", "Checkov": "scan"}
    return [f"{name} does not run platformctl {command}" for name, command in expected.items()
            if command not in {call[0] for call in platformctl_calls(stages.get(name, Block([], 0)))}]


def approvals(stages: dict[str, Block]) -> list[str]:
    problems = []
    for env in ENVIRONMENTS:
        stage = stages.get(f"Approve {env}")
        if (stage is not None) != (env in APPROVED):
            problems.append(f"{env}: approval {'missing' if stage is None else 'not expected'}")
        if stage is None:
            continue
        approval = stage.child("input")
        if approval is None or not approval.statement("submitter") or not approval.statement("submitterParameter"):
            problems.append(f"Approve {env}: input without submitter/submitterParameter")
        if stage.child("options") is None or not stage.child("options").calls("timeout"):
            problems.append(f"Approve {env}: no timeout")
    return problems


def applies_only_main_with_reviewed_plans(stages: dict[str, Block]) -> list[str]:
    problems = []
    for env in ENVIRONMENTS:
        for kind in ("Approve", "Apply"):
            stage = stages.get(f"{kind} {env}")
            when = stage.child("when") if stage else None
            if stage is not None and (when is None or [t.value for t in when.statement("branch") or []] != ["main"]):
                problems.append(f"{kind} {env} is not limited to branch main")
        apply = stages.get(f"Apply {env}")
        deploys = [call for call in platformctl_calls(apply)] if apply else []
        if not deploys or any(call[0] != "deploy" or "--plan" not in call for call in deploys):
            problems.append(f"Apply {env}: must apply the saved plans (platformctl deploy --plan)")
        plans = [call for call in platformctl_calls(stages.get(f"Plan {env}", Block([], 0))) if call[0] == "plan"]
        if {call[call.index("--stack") + 1] for call in plans} != {call[call.index("--stack") + 1] for call in deploys}:
            problems.append(f"{env}: the stacks planned and applied differ")
    return problems


def environment_locks(stages: dict[str, Block]) -> list[str]:
    problems = []
    for env in ENVIRONMENTS:
        for kind in ("Plan", "Apply"):
            stage = stages.get(f"{kind} {env}")
            options = stage.child("options") if stage else None
            locks = {t.value for t in options.tokens if t.kind == "string"} if options and options.calls("lock") else set()
            if f"env-{env}" not in locks:
                problems.append(f"{kind} {env} does not hold env-{env}")
        approve = stages.get(f"Approve {env}")
        if approve is not None and approve.calls("lock"):
            problems.append(f"Approve {env} holds a lock while waiting for a person")
    return problems


RULES: list[Callable[[dict[str, Block]], list[str]]] = [
    stage_order, gates_before_plans, approvals, applies_only_main_with_reviewed_plans, environment_locks,
]
MUTATIONS = [
    ("apply before plan", lambda s: s.replace("stage('Plan dev')", "stage('X')").replace("stage('Apply dev')", "stage('Plan dev')")
     .replace("stage('X')", "stage('Apply dev')"), stage_order),
    ("checkov dropped", lambda s: s.replace("sh 'platformctl scan --junit reports/checkov.xml'", "echo 'skip'", 1),
     gates_before_plans),
    ("prod approval without submitter", lambda s: s.replace("submitter 'platform-admins'\n                        submitterParameter 'PROD_APPROVER'",
                                                            "submitterParameter 'PROD_APPROVER'", 1), approvals),
    ("prod apply on every branch", lambda s: s.replace(
        "beforeAgent true\n                        branch 'main'\n                    }\n                    agent { kubernetes { yamlFile 'cicd/pods/platform.yaml'; defaultContainer 'platform' } }\n                    options {\n                        lock(resource: 'env-prod')",
        "beforeAgent true\n                    }\n                    agent { kubernetes { yamlFile 'cicd/pods/platform.yaml'; defaultContainer 'platform' } }\n                    options {\n                        lock(resource: 'env-prod')", 1),
     applies_only_main_with_reviewed_plans),
    ("apply re-plans instead of applying the reviewed plan", lambda s: s.replace(
        "platformctl deploy --env prod --stack prod --plan cdktf.out/stacks/prod/tfplan", "platformctl deploy --env prod --stack prod", 1),
     applies_only_main_with_reviewed_plans),
    ("staging apply without lock", lambda s: s.replace(
        "lock(resource: 'env-staging')\n                        timeout(time: 90", "timeout(time: 90", 1), environment_locks),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_infra_pipeline_keeps_the_rule(rule):
    assert rule(_stages(SOURCE)) == []


@pytest.mark.parametrize("fault,mutate,rule", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_rule_catches_the_fault(fault, mutate, rule):
    mutated = mutate(SOURCE)
    assert mutated != SOURCE, f"mutation {fault!r} no longer applies to the Jenkinsfile"
    assert rule(_stages(mutated)), f"{rule.__name__} did not notice: {fault}"


def test_infra_pipeline_never_aborts_a_running_apply():
    options = parse(SOURCE).child("pipeline").child("options")
    index = next(i for i, t in enumerate(options.tokens) if t.value == "disableConcurrentBuilds")
    assert options.tokens[index + 1].value == "(" and options.tokens[index + 2].value == ")"  # no abortPrevious

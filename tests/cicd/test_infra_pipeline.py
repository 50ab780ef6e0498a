"""cicd/Jenkinsfile-infra: synth -> validate -> checkov -> every deployment target from the configuration, in order.

Per target: plan the platform -> approval (protected targets) -> apply the reviewed plan -> plan the
application stacks against the applied platform -> approval when they change a protected
environment -> apply -> record the revision. Branch builds plan read-only. Each rule must pass on
the real file and catch its seeded fault in a mutated copy; the targets come from `platformctl
environments --json`, which a fourth environment file extends with no edit of the pipeline.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from envfiles import add_environment, copy_environments, set_value
from groovy_blocks import Block, assert_catches_fault, parse, platformctl_calls, step_stages
from pipeline_budgets import slowest_update_minutes

from platform_constructs.config.loader import load_platform
from platform_constructs.stacks.names import SHARED_STACK, platform_stack_name, stack_owners

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "cicd" / "Jenkinsfile-infra").read_text()
DELIVERY = ["planPlatform", "approve", "applyPlatform", "planApplications", "approve", "applyApplications",
            "recordRevision"]


def _method(root: Block, name: str) -> Block:
    """The body of the Groovy method ``name`` defined at the top of the file."""
    return next(block for block in root.children
                if [t.value for t in block.header[:2]] in (["void", name], ["boolean", name]))


def _calls_in_order(block: Block, names: set[str]) -> list[str]:
    return [t.value for i, t in enumerate(block.tokens) if t.kind == "ident" and t.value in names
            and block.tokens[i + 1].value == "("]


def _field(root: Block, name: str) -> int:
    tokens = root.tokens
    index = next(i for i, t in enumerate(tokens) if t.value == name and tokens[i + 1].value == "=")
    return int(tokens[index + 2].value)


# --- rules -------------------------------------------------------------------------------------

def gates_before_targets(root: Block) -> list[str]:
    stages = {stage.argument: stage for stage in step_stages(root.child("pipeline"))}
    expected = {"Synth": "synth", "Validate": "validate", "Checkov": "scan"}
    problems = [f"stages {list(stages)}"] if list(stages) != [*expected, "Deployment targets"] else []
    problems += [f"{name} does not run platformctl {command}" for name, command in expected.items()
                 if command not in {call[0] for call in platformctl_calls(stages.get(name, Block([], 0)))}]
    return problems


def targets_from_configuration(root: Block) -> list[str]:
    """Every target `platformctl environments --json` lists is delivered; no name is written in the pipeline."""
    problems = []
    synth = next(stage for stage in step_stages(root.child("pipeline")) if stage.argument == "Synth")
    if ["environments", "--json"] not in platformctl_calls(synth):
        problems.append("the targets are not read from platformctl environments --json")
    loop = " ".join(t.value for t in next(s for s in step_stages(root.child("pipeline"))
                                          if s.argument == "Deployment targets").tokens)
    if "readJSON ( text : env . ENVIRONMENTS_JSON ) . targets . each" not in loop or "deliver ( target )" not in loop:
        problems.append("the targets of the configuration are not each delivered")
    names = set(stack_owners(load_platform(ROOT / "environments"))) | {"shared", "bootstrap"}
    written = {t.value for t in root.tokens if t.kind in ("string", "ident")} & names
    problems += [f"names {name!r}: the list of targets and stacks belongs to the configuration" for name in written]
    return problems


def delivery_order(root: Block) -> list[str]:
    """Plan, approve, apply the platform; then plan, approve and apply the applications; then record."""
    deliver = _method(root, "deliver")
    order = _calls_in_order(deliver, set(DELIVERY))
    problems = [] if order == DELIVERY else [f"deliver runs {order}, not {DELIVERY}"]
    guarded = " ".join(t.value for t in deliver.tokens)
    for condition in ("if ( target . protected )", "if ( changed & & target . protected )"):
        if condition not in guarded:
            problems.append(f"an approval is not conditioned by {condition}")
    if guarded.count("if ( applying ( ) )") < 3:
        problems.append("approvals, applies and the revision record are not limited to the applying job")
    return problems


def reviewed_plans_applied(root: Block) -> list[str]:
    problems = []
    for method, command in (("planPlatform", "plan"), ("planApplications", "plan"), ("applyPlatform", "deploy"),
                            ("applyApplications", "deploy")):
        calls = platformctl_calls(_method(root, method))
        if [call[0] for call in calls] != [command]:
            problems.append(f"{method} runs {[call[0] for call in calls]}")
        elif command == "deploy" and "--plan" not in calls[0]:
            problems.append(f"{method} does not apply the saved plan")
    if "--changed-file" not in platformctl_calls(_method(root, "planApplications"))[0]:
        problems.append("planApplications cannot tell whether the applications' plans change anything")
    record = platformctl_calls(_method(root, "recordRevision"))
    if record != [["record-revision", "--env", "$TARGET", "--revision", "$PLATFORM_REVISION"]]:
        problems.append(f"recordRevision runs {record}")
    return problems


def locks(root: Block) -> list[str]:
    """The platform lock around platform plans and applies; each application's own lock around its stack;
    none (and no pod) while a person decides."""
    problems = []
    for method, resource in (("planPlatform", "target.lock"), ("applyPlatform", "target.lock"),
                             ("planApplications", "stack.lock"), ("applyApplications", "stack.lock")):
        tokens = " ".join(t.value for t in _method(root, method).tokens)
        if f"lock ( resource : {resource.replace('.', ' . ')} )" not in tokens:
            problems.append(f"{method} does not hold {resource}")
    approve = _method(root, "approve")
    if approve.calls("lock") or approve.calls("onPlatformPod") or approve.calls("node"):
        problems.append("approve holds a lock or a pod while waiting for a person")
    if not approve.calls("input") or not approve.calls("timeout"):
        problems.append("approve does not wait for a person with a timeout")
    return problems


def kubernetes_stacks_in_order(root: Block) -> list[str]:
    """The cluster configuration is planned and applied with the applications' stacks, before them."""
    problems = []
    listing = " ".join(t.value for t in next(block for block in root.children
                                             if [t.value for t in block.header[:2]] == ["List", "<"]
                                             and "kubernetesStacks" in [t.value for t in block.header]).tokens)
    if "stacks . add ( target . cluster_config )" not in listing:
        problems.append("kubernetesStacks leaves out the cluster configuration")
    elif listing.index("target . cluster_config") > listing.index("target . apps"):
        problems.append("kubernetesStacks puts the applications before the cluster configuration")
    for method in ("planApplications", "applyApplications"):
        tokens = " ".join(t.value for t in _method(root, method).tokens)
        if "kubernetesStacks ( target ) . each" not in tokens:
            problems.append(f"{method} does not go through kubernetesStacks(target)")
    return problems


def read_only_branches(root: Block) -> list[str]:
    """Branch builds plan with the read-only identity: cloud ci-plan, the planner roles, no state lock."""
    problems = []
    pod = " ".join(t.value for t in _method(root, "onPlatformPod").tokens)
    if "applying ( ) ? apply : plan" not in pod or "cloud : ci-${role}" not in pod \
            or "serviceAccount : jenkins-${role}" not in pod:
        problems.append("onPlatformPod does not take the identity of the job's role")
    synth = " ".join(t.value for t in root.tokens)
    if "env . PLAN_MODE = applying ( ) ?  : --read-only" not in synth:  # the empty string joins as two spaces
        problems.append("plans of a job that does not apply are not --read-only")
    for method in ("planPlatform", "planApplications"):
        scripts = " ".join(t.value for t in _method(root, method).tokens if t.kind == "string")
        if "$PLAN_MODE" not in scripts:
            problems.append(f"{method} ignores the plan mode")
    return problems


RULES: list[Callable[[Block], list[str]]] = [
    gates_before_targets, targets_from_configuration, delivery_order, reviewed_plans_applied, locks,
    kubernetes_stacks_in_order, read_only_branches,
]
#: How applyApplications starts its loop over the Kubernetes stacks.
APPLY_LOOP = ("            unstash \"plan-${target.name}-applications\"\n"
              "            kubernetesStacks(target).each { Map stack ->")
MUTATIONS = [
    ("checkov dropped", lambda s: s.replace("sh 'platformctl scan --junit reports/checkov.xml'", "echo 'skip'", 1),
     gates_before_targets),
    ("a hard-coded environment", lambda s: s.replace(
        "readJSON(text: env.ENVIRONMENTS_JSON).targets.each { Map target -> deliver(target) }",
        "['dev', 'staging', 'prod'].each { String name -> deliver([name: name]) }", 1), targets_from_configuration),
    ("targets filtered",
     lambda s: s.replace(".targets.each {", ".targets.findAll { Map t -> t.tier != 'prod' }.each {", 1),
     targets_from_configuration),
    ("applications planned before the platform is applied", lambda s: s.replace(
        "        applyPlatform(target)\n", "", 1).replace(
        "        boolean changed = planApplications(target)\n",
        "        boolean changed = planApplications(target)\n        applyPlatform(target)\n", 1), delivery_order),
    ("prod applied without approval", lambda s: s.replace(
        "        if (target.protected) {\n            approve(target, \"Apply the reviewed plan of ${target.name}?\")\n"
        "        }\n", "", 1), delivery_order),
    ("the revision recorded on branches", lambda s: s.replace(
        "    if (applying()) {\n        recordRevision(target)\n    }", "    recordRevision(target)", 1),
     delivery_order),
    ("apply re-plans instead of applying the reviewed plan", lambda s: s.replace(
        """                                  --plan "cdktf.out/stacks/$STACK/tfplan"\n""", "", 1),
     reviewed_plans_applied),
    ("applications applied under the platform lock", lambda s: s.replace(
        f"{APPLY_LOOP}\n                lock(resource: stack.lock) {{",
        f"{APPLY_LOOP}\n                lock(resource: target.lock) {{", 1), locks),
    ("cluster configuration never applied", lambda s: s.replace(
        "        stacks.add(target.cluster_config)\n", "", 1), kubernetes_stacks_in_order),
    ("cluster configuration after the applications", lambda s: s.replace(
        "    if (target.cluster_config) {\n        stacks.add(target.cluster_config)\n    }\n"
        "    stacks.addAll(target.apps.values())\n",
        "    stacks.addAll(target.apps.values())\n"
        "    if (target.cluster_config) {\n        stacks.add(target.cluster_config)\n    }\n", 1),
     kubernetes_stacks_in_order),
    ("only the applications' stacks applied", lambda s: s.replace(
        APPLY_LOOP, APPLY_LOOP.replace("kubernetesStacks(target).each { Map stack ->",
                                       "target.apps.each { String app, Map stack ->"), 1),
     kubernetes_stacks_in_order),
    ("approval waits in a pod", lambda s: s.replace(
        "    stage(\"Approve ${target.name}\") {\n        timeout(",
        "    stage(\"Approve ${target.name}\") {\n        onPlatformPod {}\n        timeout(", 1), locks),
    ("branches plan with the apply identity", lambda s: s.replace(
        "String role = applying() ? 'apply' : 'plan'", "String role = 'apply'", 1), read_only_branches),
    ("branch plans take the state lock", lambda s: s.replace(
        "env.PLAN_MODE = applying() ? '' : '--read-only'", "env.PLAN_MODE = ''", 1), read_only_branches),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_infra_pipeline_keeps_the_rule(rule):
    assert rule(parse(SOURCE)) == []


@pytest.mark.parametrize(("fault", "mutate", "rule"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_rule_catches_the_fault(fault, mutate, rule):
    assert_catches_fault(SOURCE, fault, mutate, rule)


def test_infra_pipeline_never_aborts_a_running_apply():
    options = parse(SOURCE).child("pipeline").child("options")
    index = next(i for i, t in enumerate(options.tokens) if t.value == "disableConcurrentBuilds")
    assert options.tokens[index + 1].value == "(" and options.tokens[index + 2].value == ")"  # no abortPrevious
    assert not options.calls("timeout")  # every step is bounded on its own; none kills an apply from outside


def test_a_platform_apply_outlasts_the_slowest_change_a_platform_stack_may_make(stack_json):
    platform = load_platform(ROOT / "environments")
    platform_stacks = [SHARED_STACK, *(platform_stack_name(name) for name in platform.environments)]
    assert len(platform_stacks) == 4
    slowest = max(slowest_update_minutes(stack_json(stack)) for stack in platform_stacks)
    assert slowest >= 180  # the OpenSearch domains
    root = parse(SOURCE)
    assert _field(root, "PLATFORM_APPLY_MINUTES") > slowest
    apply = " ".join(t.value for t in _method(root, "applyPlatform").tokens)
    assert "timeout ( time : PLATFORM_APPLY_MINUTES" in apply


def _environments_json(environments: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "platformctl.main", "environments", "--json"], cwd=ROOT,
                          env={"PLATFORM_ENVIRONMENTS_DIR": str(environments), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_fourth_environment_file_is_delivered_with_no_edit_of_the_pipeline(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    add_environment(environments, "qa", account_id="555555555555", cidr="10.40.0.0/16", promote_from=["dev"])
    set_value(environments, "prod.toml", "release.promote_from", ["qa", "staging"])

    before = [target["name"] for target in _environments_json(ROOT / "environments")["targets"]]
    targets = _environments_json(environments)["targets"]
    assert before == ["shared", "dev", "staging", "prod"]
    assert [target["name"] for target in targets] == ["shared", "dev", "qa", "staging", "prod"]
    [qa_target] = [target for target in targets if target["name"] == "qa"]
    assert qa_target == {"name": "qa", "kind": "environment", "tier": "staging", "protected": True,
                         "approvers": "platform-team", "promote_from": ["dev"], "platform_stack": "qa",
                         "lock": "platform-qa",
                         "cluster_config": {"stack": "qa-cluster-config", "lock": "platform-qa"},
                         "apps": {"api": {"stack": "qa-app-api", "lock": "app-qa-api"}}}
    # the pipeline delivers every target of that list, and names none itself (targets_from_configuration)
    assert targets_from_configuration(parse(SOURCE)) == []
    assert "qa" not in {token.value for token in parse(SOURCE).tokens}

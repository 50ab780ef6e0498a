"""cicd/jobs.groovy (Job DSL, run by cicd/Jenkinsfile-seed): folders, identities per folder, jobs from configuration.

No Jenkins runs here, so the Job DSL is checked for its structure: the seed feeds it the JSON of
`platformctl environments` and `platformctl applications`; it names no environment and no
application itself; only the folders of main-branch jobs may use the apply cloud; every main-branch
job builds `main` with a lightweight checkout (a branch's copy of a Jenkinsfile is never what runs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from groovy_blocks import Block, assert_catches_fault, parse, pipeline, platformctl_calls

from platform_constructs.config.loader import load_platform
from platform_constructs.stacks.names import stack_owners

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "cicd" / "jobs.groovy").read_text()


def _text(block: Block) -> str:
    return " ".join(t.value for t in block.tokens)


def seeded_from_configuration(root: Block) -> list[str]:
    problems = []
    text = _text(root)
    for variable in ("targetsJson", "applicationsJson"):
        if f"new JsonSlurper ( ) . parseText ( {variable} )" not in text:
            problems.append(f"{variable} is not what the jobs come from")
    platform = load_platform(ROOT / "environments")
    names = set(stack_owners(platform)) | {app for env in platform.environments.values() for app in env.apps}
    written = {t.value for t in root.tokens if t.kind == "string"} & names
    problems += [f"names {name!r}: environments and applications come from the configuration" for name in written]
    return problems


def apply_identity_only_for_main(root: Block) -> list[str]:
    """Which folders may start pods on which cloud: ci-apply only where main-branch jobs live."""
    text = _text(root)
    problems = []
    if "List < String > readOnlyClouds = [ ci-build , ci-plan ]" not in text:
        problems.append("the read-only clouds are not ci-build and ci-plan")
    if "List < String > applyClouds = [ ci-build , ci-apply ]" not in text:
        problems.append("the apply clouds are not ci-build and ci-apply")
    folders = {}
    for index, token in enumerate(root.tokens):
        if token.value == "permitClouds" and root.tokens[index + 2].value == "folder":
            name = root.tokens[index + 4].value
            closing = next(i for i in range(index, len(root.tokens)) if root.tokens[i].value in
                           ("readOnlyClouds", "applyClouds"))
            folders[name] = root.tokens[closing].value
    expected = {"platform-branches": "readOnlyClouds", "platform-main": "applyClouds", "releases": "applyClouds"}
    if folders != expected:
        problems.append(f"folders and clouds: {folders}, not {expected}")
    if "platform-branches/infra" not in {t.value for t in root.tokens if t.kind == "string"}:
        problems.append("branch builds do not run in the read-only folder")
    return problems


def main_branch_jobs(root: Block) -> list[str]:
    method = next(b for b in root.children if [t.value for t in b.header[:2]] == ["void", "mainBranchJob"])
    text = _text(method)
    problems = [] if "branch ( main )" in text else ["main-branch jobs do not build main"]
    if "lightweight ( true )" not in text:
        problems.append("main-branch jobs do not read the Jenkinsfile from main alone")
    jobs = {root.tokens[i + 2].value: root.tokens[i + 4].value for i, t in enumerate(root.tokens)
            if t.value == "mainBranchJob" and root.tokens[i + 1].value == "(" and root.tokens[i + 2].kind == "string"}
    expected = {"platform-main/infra": "cicd/Jenkinsfile-infra", "platform-main/rollback": "cicd/Jenkinsfile-rollback",
                "platform-main/rollback-infra": "cicd/Jenkinsfile-rollback-infra",
                "releases/${app}": "cicd/Jenkinsfile-app"}
    if jobs != expected:
        problems.append(f"main-branch jobs {jobs}")
    if "applications . each { String app , Map source - >" not in _text(root):  # the tokenizer splits ->
        problems.append("there is not one release job per application")
    return problems


def rollback_choices_from_configuration(root: Block) -> list[str]:
    text = _text(root)
    problems = []
    for choice in ("choiceParam ( TARGET_ENV , environmentNames", "choiceParam ( APP , applications . keySet ( )",
                   "choiceParam ( TARGET_ENV , targetNames"):
        if choice not in text:
            problems.append(f"missing: {choice}")
    return problems


RULES: list[Callable[[Block], list[str]]] = [
    seeded_from_configuration, apply_identity_only_for_main, main_branch_jobs, rollback_choices_from_configuration,
]
MUTATIONS = [
    ("a hard-coded environment list", lambda s: s.replace(
        "List<String> environmentNames = catalog.targets.findAll",
        "List<String> environmentNames = ['dev', 'staging', 'prod'] ?: catalog.targets.findAll", 1),
     seeded_from_configuration),
    ("branch builds may apply", lambda s: s.replace("List<String> readOnlyClouds = ['ci-build', 'ci-plan']",
                                                    "List<String> readOnlyClouds = ['ci-build', 'ci-apply']", 1),
     apply_identity_only_for_main),
    ("release jobs with the read-only identity", lambda s: s.replace(
        "description('One release job per application, named after it (cicd/Jenkinsfile-app).')\n}, applyClouds)",
        "description('One release job per application, named after it (cicd/Jenkinsfile-app).')\n}, readOnlyClouds)",
        1),
     apply_identity_only_for_main),
    ("a main job that builds any branch", lambda s: s.replace("branch('main')", "branch('*/*')", 1), main_branch_jobs),
    ("one release job for every application", lambda s: s.replace(
        'mainBranchJob("releases/${app}", \'cicd/Jenkinsfile-app\')', "mainBranchJob('releases/all', "
        "'cicd/Jenkinsfile-app')", 1), main_branch_jobs),
    ("rollback choices written by hand", lambda s: s.replace(
        "choiceParam('TARGET_ENV', environmentNames,", "choiceParam('TARGET_ENV', ['prod'],", 1),
     rollback_choices_from_configuration),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_job_definitions_keep_the_rule(rule):
    assert rule(parse(SOURCE)) == []


@pytest.mark.parametrize(("fault", "mutate", "rule"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_rule_catches_the_fault(fault, mutate, rule):
    assert_catches_fault(SOURCE, fault, mutate, rule)


def test_the_seed_feeds_the_catalog_to_the_job_definitions():
    seed = pipeline(ROOT / "cicd" / "Jenkinsfile-seed")
    assert {tuple(call) for call in platformctl_calls(seed)} == {("environments", "--json"), ("applications", "--json")}
    text = _text(seed)
    assert "jobDsl ( targets : cicd/jobs.groovy" in text
    assert "targetsJson :" in text and "applicationsJson :" in text and "platformRepository :" in text
    # a job the configuration no longer names is disabled, not deleted with its history
    assert "removedJobAction : DISABLE" in text

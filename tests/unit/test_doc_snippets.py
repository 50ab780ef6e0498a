"""Every Python and TOML snippet of README.md, docs/ and examples/ runs or validates; every Bash snippet is
either run offline or says why it is not (markers: tests/snippets.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from envfiles import copy_environments, dumps
from snippets import DOCUMENTS, ROOT, Snippet, all_snippets, snippets_of

from platform_constructs.config import load_platform
from platform_constructs.config.presets import deep_merge
from platform_constructs.errors import ConfigError
from platformctl.terraform.cli import cli_config_text
from platformctl.terraform.providers import ProviderAddress, ProviderMirror

PYTHON = all_snippets("python")
TOML = all_snippets("toml")
BASH = all_snippets("bash")
HCL = all_snippets("hcl")
#: The provider mirror of the project's machine image, which the README's CLI configuration shows.
MACHINE_IMAGE_MIRROR = ProviderMirror(Path("/opt/tf-plugins"), "linux_amd64",
                                      {ProviderAddress.parse("hashicorp/aws"): frozenset({"5.100.0"})})
ENVIRONMENT_DOCUMENTS = sorted({snippet.document for snippet in TOML if snippet.marker_words[:1] == ["environment"]})
ENVIRONMENT_FILES = {"shared", "dev", "staging", "prod"}


def where(snippet: Snippet) -> str:
    return snippet.where


def test_the_documents_hold_snippets_of_known_languages_only():
    assert len(PYTHON) >= 2 and TOML and BASH and ENVIRONMENT_DOCUMENTS
    languages = {snippet.language for document in DOCUMENTS for snippet in snippets_of(document)}
    assert languages <= {"python", "toml", "bash", "hcl", "mermaid", ""}, \
        "a block in another language would go unchecked"


@pytest.mark.parametrize("snippet", all_snippets("mermaid"), ids=where)
def test_mermaid_diagram_is_well_formed(snippet):
    lines = [line.strip() for line in snippet.text.splitlines() if line.strip()]
    assert lines[0].split()[0] in {"flowchart", "graph", "sequenceDiagram"}, f"{snippet.where}: no diagram type"
    assert sum(line.startswith("subgraph ") for line in lines) == lines.count("end"), \
        f"{snippet.where}: subgraph without end"
    assert "<" not in snippet.text.replace("<br/>", ""), f"{snippet.where}: raw '<' breaks GitHub's renderer"


@pytest.mark.parametrize("snippet", PYTHON, ids=where)
def test_python_snippet_runs(snippet, tmp_path, monkeypatch):
    from platform_constructs._internal.tf import TerraformStack, Testing, aws

    monkeypatch.chdir(ROOT)  # as a reader runs them: from the repository root (load_platform("environments"))
    namespace: dict[str, object] = {"__name__": "snippet"}
    stack = None
    if snippet.marker == "stack":
        stack = TerraformStack(Testing.app(outdir=str(tmp_path)), "snippet")
        aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
        namespace["stack"] = stack
    else:
        assert snippet.marker is None, f"{snippet.where}: unknown marker {snippet.marker!r}"
    exec(compile(snippet.text, snippet.where, "exec"), namespace)  # noqa: S102 - the documentation's own code
    if stack is not None:
        assert json.loads(Testing.synth(stack, True))["resource"], f"{snippet.where} created no resource"


def test_the_construct_snippet_builds_the_network_it_describes(tmp_path):
    from platform_constructs._internal.tf import TerraformStack, Testing, aws

    [snippet] = [snippet for snippet in PYTHON if "Network(stack" in snippet.text]
    stack = TerraformStack(Testing.app(outdir=str(tmp_path)), "snippet")
    aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
    names: dict[str, object] = {"__name__": "snippet", "stack": stack}
    exec(compile(snippet.text, snippet.where, "exec"), names)  # noqa: S102 - the documentation's own code
    assert sorted(names["network"].subnet_ids("private")) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    synthesized = json.loads(Testing.synth(stack, True))
    assert len(synthesized["resource"]["aws_nat_gateway"]) == 3
    assert synthesized["resource"]["aws_kms_alias"]


@pytest.mark.parametrize("snippet", TOML, ids=where)
def test_toml_snippet_parses(snippet):
    assert tomllib.loads(snippet.text), f"{snippet.where} is empty"
    words = snippet.marker_words
    assert snippet.marker is None or (words[0] == "environment" and set(words[1:])
                                      and set(words[1:]) <= ENVIRONMENT_FILES), \
        f"{snippet.where}: marker {snippet.marker!r} names no environment file"


def lay_environment_snippets(document: Path, directory: Path) -> int:
    """Lay every environment snippet of ``document`` into the copy ``directory``, in order, loading it after each
    one; returns how many were laid. Raises ``ConfigError`` (noted with the snippet) when a copy does not load."""
    laid = [snippet for snippet in snippets_of(document)
            if snippet.language == "toml" and snippet.marker_words[:1] == ["environment"]]
    for snippet in laid:
        fragment = tomllib.loads(snippet.text)
        for name in snippet.marker_words[1:]:
            path = directory / f"{name}.toml"
            path.write_text(dumps(deep_merge(tomllib.loads(path.read_text()), fragment)))
        try:
            load_platform(directory)
        except ConfigError as error:
            error.add_note(f"{snippet.where}, laid into {', '.join(snippet.marker_words[1:])}")
            raise
    return len(laid)


@pytest.mark.parametrize("document", ENVIRONMENT_DOCUMENTS, ids=lambda document: document.name)
def test_environment_snippets_load_when_laid_into_the_environments(document, tmp_path):
    assert lay_environment_snippets(document, copy_environments(tmp_path / "environments")) >= 1


def section_snippets(document: Path, heading: str) -> list[Snippet]:
    """The blocks of ``document`` under the level-2 ``heading`` (up to the next one)."""
    lines = document.read_text(encoding="utf-8").splitlines()
    start = lines.index(heading)
    end = next((number for number in range(start + 1, len(lines)) if lines[number].startswith("## ")), len(lines))
    return [snippet for snippet in snippets_of(document) if start < snippet.line <= end]


def test_the_deploying_workloads_example_adds_its_application_to_every_environment(tmp_path):
    """The README's new application: its shared.toml part (image repository and source) and its table in every
    environment file, laid where the README says, load; every environment then runs it from that repository."""
    readme = ROOT / "README.md"
    tables = [snippet for snippet in section_snippets(readme, "## Deploying workloads") if snippet.language == "toml"]
    assert [snippet.marker for snippet in tables] == ["environment shared", "environment dev staging prod"]
    [new_app] = tomllib.loads(tables[1].text)["apps"]
    environments = copy_environments(tmp_path / "environments")
    assert lay_environment_snippets(readme, environments) >= 2
    platform = load_platform(environments)
    assert new_app in platform.shared.registry.repositories and new_app in platform.shared.ci.applications
    assert platform.environments and all(new_app in env.apps for env in platform.environments.values())


def test_an_environment_snippet_the_presets_refuse_fails(tmp_path):
    document = tmp_path / "guide.md"
    document.write_text("""Add the application:

<!-- snippet: environment dev -->
```toml
[apps.billing]
image_repository = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
readiness = { http_get = "/ready" }
liveness = { http_get = "/healthz" }
autoscaling = { min_replicas = 3, max_replicas = 8 }
```
""")
    with pytest.raises(ConfigError) as raised:
        lay_environment_snippets(document, copy_environments(tmp_path / "environments"))
    # one round: the file's own problem, and the cross-file one (shared.toml names no source for billing)
    assert [(problem.field, problem.code) for problem in raised.value.problems] == [
        ("apps.billing.autoscaling.max_replicas", "k8s.replicas-above-preset"),
        ("apps.billing", "ci.application-source"),
    ]
    assert raised.value.__notes__ == [f"{document}:4, laid into dev"]


def names_its_test(marker: str, prefix: str) -> bool:
    """Whether ``marker`` is ``<prefix> tests/<path>[: <what>]`` and the file at ``<path>`` holds the marker word for
    word (it finds its block by it)."""
    if not marker.startswith(f"{prefix} tests/"):
        return False
    test = ROOT / marker.removeprefix(f"{prefix} ").partition(":")[0].strip()
    return test.is_file() and marker in test.read_text()


@pytest.mark.parametrize("snippet", BASH, ids=where)
def test_bash_snippet_is_run_or_says_why_not(snippet):
    marker = snippet.marker or ""
    reason = marker.removeprefix("not run").strip(" –-:")
    assert marker == "run" or names_its_test(marker, "runs in") \
        or (marker.startswith("not run") and len(reason) >= 10), (
        f"{snippet.where}: mark the block <!-- snippet: run -->, <!-- snippet: runs in tests/<the test running it> --> "
        "or <!-- snippet: not run – <why> -->")


OUTPUT = [snippet for document in DOCUMENTS for snippet in snippets_of(document)
          if snippet.language == "" and snippet.marker is not None]


def test_the_marked_output_blocks_are_found():
    assert len(OUTPUT) >= 2


@pytest.mark.parametrize("snippet", OUTPUT, ids=where)
def test_marked_output_is_compared_by_its_test(snippet):
    assert names_its_test(snippet.marker or "", "output compared in"), (
        f"{snippet.where}: mark sample output <!-- snippet: output compared in tests/<the test comparing it> --> "
        "or leave it unmarked")


def test_a_marker_naming_a_test_is_checked_against_that_test():
    assert names_its_test("runs in tests/unit/test_doc_snippets.py: this check", "runs in")
    assert not names_its_test("runs in tests/unit/no_such_test.py", "runs in")
    assert not names_its_test("runs in tests/unit/test_doc_snippets.py: " + "a block it never names", "runs in")
    assert not names_its_test("output compared in tests/unit/test_doc_snippets.py: this check", "runs in")


@pytest.mark.parametrize("snippet", HCL, ids=where)
def test_cli_configuration_snippet_is_what_platformctl_writes(snippet):
    assert snippet.marker == "cli-config", f"{snippet.where}: an HCL block must be marked <!-- snippet: cli-config -->"
    assert snippet.text == cli_config_text(MACHINE_IMAGE_MIRROR)


@pytest.mark.parametrize("snippet", [snippet for snippet in BASH if snippet.marker == "run"], ids=where)
def test_offline_bash_snippet_succeeds(snippet):
    path = os.pathsep.join([str(ROOT / ".venv" / "bin"), str(ROOT / "node_modules" / ".bin"), os.environ["PATH"]])
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", snippet.text], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PATH": path, "PYTHON": sys.executable}, timeout=300, check=False)
    assert done.returncode == 0, f"{snippet.where}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{snippet.where} printed nothing"

"""Every ```python block of README.md and docs/ runs as written.

Each block runs in the repository root with one name provided, ``stack``: a fresh ``TerraformStack``
with an AWS provider (the blocks say so); the stack is synthesized afterwards, so a construct the
block builds wrongly fails here too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS = [(path.relative_to(ROOT), index, code) for path in DOCUMENTS
          for index, code in enumerate(re.findall(r"^```python\n(.*?)^```", path.read_text(), re.M | re.S))]


def test_the_documents_have_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize(("document", "index", "code"), BLOCKS, ids=[f"{d}#{i}" for d, i, _ in BLOCKS])
def test_the_block_runs_as_written(document, index, code, tmp_path, monkeypatch):
    from platform_constructs._internal.tf import TerraformStack, Testing, aws

    monkeypatch.chdir(ROOT)
    stack = TerraformStack(Testing.app(outdir=str(tmp_path)), "readme")
    aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
    exec(compile(code, f"{document} python block {index}", "exec"), {"stack": stack})  # noqa: S102 - the docs' own code
    json.loads(Testing.synth(stack, True))


def test_the_construct_block_builds_the_network_it_describes(tmp_path, monkeypatch):
    from platform_constructs._internal.tf import TerraformStack, Testing, aws

    [code] = [code for _, _, code in BLOCKS if "Network(stack" in code]
    stack = TerraformStack(Testing.app(outdir=str(tmp_path)), "readme")
    aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
    names: dict[str, object] = {"stack": stack}
    exec(code, names)  # noqa: S102
    assert sorted(names["network"].subnet_ids("private")) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    synthesized = json.loads(Testing.synth(stack, True))
    assert len(synthesized["resource"]["aws_nat_gateway"]) == 3
    assert synthesized["resource"]["aws_kms_alias"]


def test_the_deploying_workloads_example_is_accepted_by_every_environment(tmp_path):
    """The README's new application, its shared.toml part and its environment table added where it says, loads."""
    import shutil

    from platform_constructs.config import load_platform

    text = (ROOT / "README.md").read_text()
    shared_part, app_table = re.findall(r"^## Deploying workloads\n.*?^```toml\n(.*?)^```.*?^```toml\n(.*?)^```",
                                        text, re.M | re.S)[0]
    new_app = re.match(r"\[apps\.(\w+)\]", app_table).group(1)
    environments = shutil.copytree(ROOT / "environments", tmp_path / "environments")
    registry, rest = re.match(r"(\[registry\]\nrepositories = .*?\n)\n(.*)", shared_part, re.S).groups()
    shared = environments / "shared.toml"
    shared.write_text(re.sub(r"^\[registry\]\nrepositories = .*\n", registry, shared.read_text(), flags=re.M) + "\n" + rest)
    assert f'"{new_app}"' in shared.read_text()
    for name in ("dev", "staging", "prod"):
        with (environments / f"{name}.toml").open("a") as file:
            file.write("\n" + app_table)
    platform = load_platform(environments)
    assert all(new_app in env.apps for env in platform.environments.values())

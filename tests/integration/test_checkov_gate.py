"""The checkov gate over every synthesized stack, with the real checkov 3.3.30 (``.venv-tools``).

Zero failed checks in every stack; accepted findings come only from ``checkov-skips.toml``,
where staging/prod exceptions must name their resources and only dev may skip by tier.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from envfiles import copy_environments

from platform_constructs.config import load_platform
from platformctl.exit_codes import ExitCode
from platformctl.gates import checkov
from platformctl.gates.checkov import Failure, GateError, Skip, load_skips, scan
from platformctl.main import main as platformctl

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SKIPS = ROOT / checkov.SKIPS_FILE
OPEN_SSH = {"resource": {"aws_security_group": {"Web_Open_1A2B3C4D": {
    "//": {"metadata": {"path": "prod/Web/Open", "uniqueId": "Web_Open_1A2B3C4D"}},
    "name": "open", "description": "open",
    "ingress": [{"description": "ssh", "from_port": 22, "to_port": 22, "protocol": "tcp",
                 "cidr_blocks": ["0.0.0.0/0"]}],
}}}}


@pytest.fixture(scope="module")
def gate(synth_dir, platform):
    return scan(synth_dir / "stacks", platform, SKIPS, ROOT)


def test_every_synthesized_stack_passes_the_gate(gate, synth_dir):
    assert gate.ok, gate.summary()
    assert gate.stacks == {path.name for path in (synth_dir / "stacks").iterdir()}
    assert gate.passed > 100


def test_staging_and_prod_have_no_tier_wide_exceptions(gate):
    for failure in gate.skipped:
        assert failure.tier == "dev" or failure.skip.paths, failure.describe()


def fake_stacks(tmp_path: Path, document: dict) -> Path:
    stack = tmp_path / "stacks" / "prod"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(document))
    return tmp_path / "stacks"


def write_skips(tmp_path: Path, text: str, name: str = "skips.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_failed_check_without_skip_fails_the_gate_naming_resource_and_path(tmp_path, platform):
    result = scan(fake_stacks(tmp_path, OPEN_SSH), platform, write_skips(tmp_path, ""), ROOT)
    assert not result.ok
    assert ("CKV_AWS_24", "prod", "prod", "prod/Web/Open", "aws_security_group.Web_Open_1A2B3C4D") in {
        (f.check, f.stack, f.tier, f.path, f.address) for f in result.failed}
    assert "FAILED  CKV_AWS_24 prod prod/Web/Open (aws_security_group.Web_Open_1A2B3C4D)" in result.summary()


def test_a_path_scoped_skip_accepts_the_check_and_an_unused_skip_is_stale(tmp_path, platform):
    skips = write_skips(tmp_path, """
[[skip]]
check = "CKV_AWS_24"
paths = ["prod/Web/*"]
reason = "a bastion that is reviewed elsewhere, for this test"

[[skip]]
check = "CKV2_AWS_5"
paths = ["prod/Web/*"]
reason = "the group is attached elsewhere, for this test only"

[[skip]]
check = "CKV_AWS_144"
paths = ["prod/Nothing/*"]
reason = "matches nothing, so it must be reported stale"
""")
    result = scan(fake_stacks(tmp_path, OPEN_SSH), platform, skips, ROOT)
    assert [f.check for f in result.failed] == []
    assert sorted(f.check for f in result.skipped) == ["CKV2_AWS_5", "CKV_AWS_24"]
    assert [skip.index for skip in result.stale_skips] == [2]
    assert not result.ok
    assert "STALE   skip.2 (CKV_AWS_144 at prod/Nothing/*) accepts no failed check" in result.summary()


@pytest.mark.parametrize(("tier", "path", "covered"), [
    ("dev", "dev/Network/FlowLogGroup/LogGroup", True),
    ("prod", "prod/Network/FlowLogGroup/LogGroup", False),
])
def test_a_dev_skip_never_covers_another_tier(tier, path, covered):
    skip = Skip(0, "CKV_AWS_338", "dev keeps logs 14 days for cost reasons", tiers=("dev",))
    failure = Failure("CKV_AWS_338", "retention", tier, tier, "aws_cloudwatch_log_group.X", path)
    assert skip.covers(failure) is covered


BAD_SKIPS = [
    ('check = "CKV_AWS_1"\npaths = ["a/*"]', "skip.0.reason = None: must say why"),
    ('check = "CKV_AWS_1"\npaths = ["a/*"]\nreason = "too short"', "at least 20 characters"),
    ('check = "AWS_1"\npaths = ["a/*"]\nreason = "a long enough reason for the test"', "must be a checkov check id"),
    ('check = "CKV_AWS_1"\nreason = "a long enough reason for the test"', "may only name tier dev"),
    ('check = "CKV_AWS_1"\ntiers = ["prod"]\nreason = "a long enough reason for the test"', "may only name tier dev"),
    ('check = "CKV_AWS_1"\ntiers = ["qa"]\nreason = "a long enough reason for the test"', "must be a list of dev"),
    ('check = "CKV_AWS_1"\npaths = "a/*"\nreason = "a long enough reason for the test"', "construct-path globs"),
    ('check = "CKV_AWS_1"\npaths = ["a"]\nwhy = "x"\nreason = "a long enough reason for the test"',
     "skip.0.why: unknown key"),
]


@pytest.mark.parametrize(("entry", "fragment"), BAD_SKIPS, ids=[fragment for _, fragment in BAD_SKIPS])
def test_bad_skips_are_refused(tmp_path, entry, fragment):
    with pytest.raises(GateError) as raised:
        load_skips(write_skips(tmp_path, f"[[skip]]\n{entry}\n"))
    assert raised.value.exit_code == ExitCode.USAGE
    assert fragment in str(raised.value)


def test_every_repository_skip_is_explained_in_a_comment():
    lines = SKIPS.read_text().splitlines()
    starts = [index for index, line in enumerate(lines) if line.strip() == "[[skip]]"]
    assert len(starts) == len(load_skips(SKIPS)) >= 1
    for index in starts:
        assert lines[index - 1].startswith("# "), f"line {index + 1}: no comment right above this [[skip]]"


def test_scan_exit_codes_come_from_the_one_table(tmp_path, monkeypatch, capsys):
    stacks = fake_stacks(tmp_path, OPEN_SSH)
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {"prod": {}}}))
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(copy_environments(tmp_path / "environments")))
    monkeypatch.chdir(ROOT)
    args = ["scan", "--outdir", str(stacks.parent), "--skips", str(write_skips(tmp_path, ""))]
    assert platformctl(args) == ExitCode.CHECK_FAILED
    assert "FAILED  CKV_AWS_24" in capsys.readouterr().out
    assert platformctl([*args[:3], "--skips", str(write_skips(tmp_path, "[[skip]]\ncheck = 1\n", "bad.toml"))]) \
        == ExitCode.USAGE
    assert platformctl(["scan", "--outdir", str(tmp_path / "missing")]) == ExitCode.USAGE
    assert "run `platformctl synth` first" in capsys.readouterr().err
    monkeypatch.setenv("PLATFORM_CHECKOV", str(tmp_path / "no-checkov"))
    assert platformctl(args) == ExitCode.FAILED
    assert "checkov not found" in capsys.readouterr().err
    assert checkov.main(args[1:]) == ExitCode.FAILED  # the module form is an alias of `platformctl scan`


def test_stack_tiers_cover_every_stack_of_the_platform(platform, synth_dir):
    assert set(checkov.stack_tiers(platform)) == {path.name for path in (synth_dir / "stacks").iterdir()}
    assert checkov.stack_tiers(load_platform(ROOT / "environments"))["prod-app-api"] == "prod"


def test_the_gate_never_imports_cdktf():
    code = "import sys, platformctl.gates.checkov; sys.exit('cdktf' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

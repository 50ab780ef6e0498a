"""Adversarial checkov skips files through ``platformctl scan``: refused with exit 2 before checkov runs.

The skips file is read before checkov starts, so every case here takes milliseconds; the
previously synthesized output is never touched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from adversarial.harness import ROOT, assert_refused, digest, previous_output, run_platformctl

from platformctl.exit_codes import ExitCode
from platformctl.gates.checkov import load_skips

REASON = 'reason = "a reason long enough to pass the length rule"'


def skip(*lines: str) -> str:
    return "[[skip]]\n" + "\n".join(lines) + "\n"


# (case, skips file content, fragment of the message)
CASES: list[tuple[str, bytes, str]] = [
    ("prod skip for every resource", skip('check = "CKV_AWS_1"', 'paths = ["*"]', 'tiers = ["prod"]', REASON).encode(),
     "'*' does not name the resources it excuses"),
    ("a skip for every resource of every tier", skip('check = "CKV_AWS_1"', 'paths = ["*"]', REASON).encode(),
     "'*' does not name the resources"),
    ("every resource of the prod stack", skip('check = "CKV_AWS_1"', 'paths = ["prod/*"]', REASON).encode(),
     "'prod/*' does not name the resources"),
    ("one construct in every stack", skip('check = "CKV_AWS_1"', 'paths = ["*/Postgres/*"]', REASON).encode(),
     "'*/Postgres/*' does not name"),
    ("a wildcard construct", skip('check = "CKV_AWS_1"', 'paths = ["prod/*/Instance"]', REASON).encode(),
     "'prod/*/Instance' does not name"),
    ("a stack by pattern", skip('check = "CKV_AWS_1"', 'paths = ["?rod/Postgres"]', REASON).encode(),
     "'?rod/Postgres' does not name"),
    ("a stack by character class", skip('check = "CKV_AWS_1"', 'paths = ["[ps]rod/Postgres"]', REASON).encode(),
     "does not name"),
    ("a construct of only a character class", skip('check = "CKV_AWS_1"', 'paths = ["prod/[A-Z]*"]', REASON).encode(),
     "'prod/[A-Z]*' does not name"),
    ("every stack of an environment",
     skip('check = "CKV_AWS_1"', 'paths = ["prod-*/Entry/TargetGroup"]', REASON).encode(),
     "'prod-*/Entry/TargetGroup' does not name"),
    ("application stacks of every environment",
     skip('check = "CKV_AWS_1"', 'paths = ["*-app-*/Entry/TargetGroup"]', REASON).encode(), "does not name"),
    ("an application stack by pattern",
     skip('check = "CKV_AWS_1"', 'paths = ["prod-app-a*/Entry/TargetGroup"]', REASON).encode(), "does not name"),
    ("every application stack without a construct", skip('check = "CKV_AWS_1"', 'paths = ["prod-app-*/*"]',
                                                         REASON).encode(), "'prod-app-*/*' does not name"),
    ("a stack without a construct", skip('check = "CKV_AWS_1"', 'paths = ["prod"]', REASON).encode(),
     "'prod' does not name"),
    ("a stack and an empty construct", skip('check = "CKV_AWS_1"', 'paths = ["prod/"]', REASON).encode(),
     "'prod/' does not name"),
    ("the wildcard second in the list",
     skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres/*", "**"]', 'tiers = ["staging"]', REASON).encode(),
     "'**' does not name"),
    ("a wildcard for dev and prod", skip('check = "CKV_AWS_1"', 'paths = ["*"]', 'tiers = ["dev", "prod"]',
                                         REASON).encode(), "does not name the resources"),
    ("tier-wide for prod", skip('check = "CKV_AWS_1"', 'tiers = ["prod"]', REASON).encode(), "may only name tier dev"),
    ("tier-wide for every tier", skip('check = "CKV_AWS_1"', REASON).encode(), "may only name tier dev"),
    ("an empty glob", skip('check = "CKV_AWS_1"', 'paths = [""]', REASON).encode(), "must be a list of construct-path"),
    ("a blank glob", skip('check = "CKV_AWS_1"', 'paths = ["  "]', REASON).encode(), "construct-path globs"),
    ("a glob that is a number", skip('check = "CKV_AWS_1"', "paths = [1]", REASON).encode(), "construct-path globs"),
    ("paths as a string", skip('check = "CKV_AWS_1"', 'paths = "prod/Postgres"', REASON).encode(), "construct-path"),
    ("tiers as a string", skip('check = "CKV_AWS_1"', 'tiers = "dev"', REASON).encode(), "must be a list of dev"),
    ("a tier that is a number", skip('check = "CKV_AWS_1"', "tiers = [1]", REASON).encode(), "must be a list of dev"),
    ("a tier that is a list", skip('check = "CKV_AWS_1"', 'tiers = [["dev"]]', REASON).encode(), "must be a list of"),
    ("an unknown tier", skip('check = "CKV_AWS_1"', 'tiers = ["qa"]', REASON).encode(), "must be a list of dev"),
    ("no check", skip('paths = ["prod/Postgres"]', REASON).encode(), "check = None: must be a checkov check id"),
    ("a check that is a number", skip("check = 144", 'paths = ["prod/Postgres"]', REASON).encode(),
     "check = 144"),
    ("a check without a number", skip('check = "CKV_AWS_"', 'paths = ["prod/Postgres"]', REASON).encode(),
     "must be a checkov check id"),
    ("a check in lower case", skip('check = "ckv_aws_1"', 'paths = ["prod/Postgres"]', REASON).encode(),
     "must be a checkov check id"),
    ("no reason", skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres"]').encode(), "reason = None"),
    ("a reason that is a number", skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres"]', "reason = 20").encode(),
     "reason = 20"),
    ("a short reason", skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres"]', 'reason = "because"').encode(),
     "at least 20 characters"),
    ("an unknown key", skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres"]', 'expires = "2027"', REASON).encode(),
     "skip.0.expires: unknown key"),
    ("skip as a string", b'skip = "CKV_AWS_1"\n', "must be an array of [[skip]] tables"),
    ("skip as one table", b'[skip]\ncheck = "CKV_AWS_1"\n', "must be an array of [[skip]] tables"),
    ("skip entries that are numbers", b"skip = [1, 2]\n", "skip.0 = 1: must be a [[skip]] table"),
    ("an unknown top-level key", b'skips = []\n', "skips: unknown key; allowed: skip"),
    ("not TOML", b"[[skip]\n", "is not valid TOML"),
    ("not UTF-8", b"# caf\xe9\n", "is not UTF-8 text"),
    ("nested too deep", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "too deeply"),
]


@pytest.fixture
def previous(tmp_path: Path, platform) -> Path:
    return previous_output(tmp_path / "cdktf.out", platform)


@pytest.mark.parametrize(("case", "content", "fragment"), CASES, ids=[case[0] for case in CASES])
def test_a_malformed_or_too_wide_skips_file_exits_2(tmp_path, previous, monkeypatch, capsys, case, content, fragment):
    monkeypatch.chdir(ROOT)
    skips = tmp_path / "skips.toml"
    skips.write_bytes(content)
    before = digest(previous)
    outcome = run_platformctl(["scan", "--outdir", str(previous), "--skips", str(skips)], capsys)
    assert_refused(outcome, ExitCode.USAGE, str(skips), fragment)
    assert digest(previous) == before


@pytest.mark.parametrize(("case", "make", "fragment"), [
    ("a missing file", lambda path: None, "does not exist"),
    ("a directory", lambda path: path.mkdir(), "is a directory"),
    ("a dangling symbolic link", lambda path: path.symlink_to(path.parent / "nowhere"), "symbolic link to a missing"),
], ids=["a missing file", "a directory", "a dangling symbolic link"])
def test_a_skips_path_that_is_not_a_file_exits_2(tmp_path, previous, monkeypatch, capsys, case, make, fragment):
    monkeypatch.chdir(ROOT)
    make(tmp_path / "skips.toml")
    outcome = run_platformctl(["scan", "--outdir", str(previous), "--skips", str(tmp_path / "skips.toml")], capsys)
    assert_refused(outcome, ExitCode.USAGE, "skips.toml", fragment)


@pytest.mark.parametrize("entry", [
    skip('check = "CKV_AWS_1"', 'paths = ["prod/Postgres/*"]', 'tiers = ["prod"]', REASON),
    skip('check = "CKV_AWS_1"', 'paths = ["bootstrap/StateBucket-*/AccessLogsBucket"]', REASON),
    skip('check = "CKV_AWS_1"', 'paths = ["*"]', 'tiers = ["dev"]', REASON),
    skip('check = "CKV_AWS_1"', 'tiers = ["dev"]', REASON),
], ids=["a prod construct", "a construct by name prefix", "dev-only wildcard", "dev tier-wide"])
def test_skips_that_name_their_resources_or_stay_in_dev_are_accepted(tmp_path, entry):
    path = tmp_path / "skips.toml"
    path.write_text(entry)
    assert len(load_skips(path)) == 1


def test_the_repository_skips_file_is_accepted():
    assert load_skips(ROOT / "checkov-skips.toml")

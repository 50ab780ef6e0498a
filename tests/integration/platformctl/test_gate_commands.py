"""synth, validate and scan through platformctl: the gates Jenkinsfile-infra runs before any plan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value

from platformctl.exit_codes import ExitCode

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]


def _platformctl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "platformctl.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False, timeout=900)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_synth_then_validate_the_aws_only_stacks(tmp_path):
    outdir = tmp_path / "cdktf.out"
    synth = _platformctl("synth", "--outdir", str(outdir))
    assert synth.returncode == ExitCode.OK, synth.stderr
    assert set(json.loads((outdir / "manifest.json").read_text())["stacks"]) >= {"shared", "dev", "dev-app-api"}
    validated = _platformctl("validate", "--outdir", str(outdir), "--stack", "shared", "--stack", "dev")
    assert validated.returncode == ExitCode.OK, validated.stdout + validated.stderr
    assert "shared: valid" in validated.stdout and "dev: valid" in validated.stdout

    broken = json.loads((outdir / "stacks" / "shared" / "cdk.tf.json").read_text())
    broken.setdefault("resource", {}).setdefault("aws_s3_bucket", {})["Broken"] = {"bucket_nam": "typo"}
    (outdir / "stacks" / "shared" / "cdk.tf.json").write_text(json.dumps(broken))
    invalid = _platformctl("validate", "--outdir", str(outdir), "--stack", "shared")
    assert invalid.returncode == ExitCode.CHECK_FAILED
    assert "shared: INVALID" in invalid.stdout and "bucket_nam" in invalid.stderr


def test_synth_refuses_invalid_environments_without_writing(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "staging.toml", "network.cidr", "10.10.0.0/16")  # dev's VPC range
    outdir = tmp_path / "cdktf.out"
    done = _platformctl("synth", "--outdir", str(outdir),
                        env={**os.environ, "PLATFORM_ENVIRONMENTS_DIR": str(environments)})
    assert done.returncode == ExitCode.USAGE
    assert 'network.cidr = "10.10.0.0/16": overlaps the VPC of' in done.stderr
    assert not outdir.exists()


def test_validate_and_scan_refuse_before_anything_was_synthesized(tmp_path):
    for command in ("validate", "scan"):
        done = _platformctl(command, "--outdir", str(tmp_path / "nothing"))
        assert done.returncode == ExitCode.USAGE and "run `platformctl synth` first" in done.stderr


def test_scan_reports_the_checkov_gate_as_junit(synth_dir, tmp_path):
    if not (ROOT / ".venv-tools" / "bin" / "checkov").exists() and shutil.which("checkov") is None:
        pytest.fail("checkov is not installed: run `make install` (it installs .venv-tools)")
    report = tmp_path / "reports" / "checkov.xml"
    done = _platformctl("scan", "--outdir", str(synth_dir), "--junit", str(report))
    assert done.returncode in (ExitCode.OK, ExitCode.CHECK_FAILED), done.stderr
    suite = ET.parse(report).getroot()
    failures = int(suite.get("failures"))
    assert done.stdout.startswith("checkov gate")
    listed = sum(line.lstrip().startswith(("FAILED", "STALE")) for line in done.stdout.splitlines())
    assert listed == failures  # each unaccepted finding or stale skip is one failed test case
    assert (done.returncode == ExitCode.OK) == (failures == 0)
    assert suite.find("testcase[@classname='checkov']") is not None  # the passed checks, counted

"""npm-groovy-lint (CodeNarc) over cicd/, with the project's Node 22 and the machine's Java 17.

The gate: zero errors and zero warnings (cicd/.groovylintrc.js). A broken copy of a pipeline is
linted in the same run to prove the gate can fail. All files are linted from one directory:
CodeNarc scans from the common parent of its inputs, so files from two trees make it walk ``/``.
npm-groovy-lint does not know declarative semantics; the tests/cicd/test_*_pipeline.py files do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"
PIPELINES = sorted([*(ROOT / "cicd").glob("Jenkinsfile-*"), ROOT / "cicd" / "jobs.groovy"])


@pytest.fixture(scope="module")
def lint_report(tmp_path_factory) -> dict:
    if not (NODE_BIN / "npm-groovy-lint").exists():
        pytest.fail("node_modules/.bin/npm-groovy-lint missing: run `make install`")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH; npm-groovy-lint needs Java 17 (it would try to download one)")
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=True).stderr
    assert re.search(r'version "(1[7-9]|2[0-4])', version), f"npm-groovy-lint needs Java 17-24, found: {version}"
    workdir = tmp_path_factory.mktemp("lint")
    for pipeline in PIPELINES:
        shutil.copy(pipeline, workdir / pipeline.name)
    source = (ROOT / "cicd" / "Jenkinsfile-app").read_text()
    (workdir / "Jenkinsfile-broken").write_text(source[:source.rindex("}")])  # the pipeline block is never closed
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}"}
    argv = [str(NODE_BIN / "npm-groovy-lint"), "--noserver", "--config", str(ROOT / "cicd" / ".groovylintrc.js"),
            "--output", "json", "--failon", "warning", *sorted(p.name for p in workdir.iterdir())]
    # own session: on a timeout the Java child is stopped with the Node parent
    process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("npm-groovy-lint did not finish within 300 s")
    assert stdout.strip(), f"no report (exit {process.returncode}): {stderr[-2000:]}"
    report = json.loads(stdout)
    assert report["summary"]["totalFilesLinted"] == len(PIPELINES) + 1
    return {Path(name).name: [e for e in data["errors"] if e["severity"] in ("error", "warning")]
            for name, data in report["files"].items()} | {"__exit__": process.returncode}


def test_the_pipelines_and_the_job_definitions_exist():
    assert [p.name for p in PIPELINES] == ["Jenkinsfile-app", "Jenkinsfile-infra", "Jenkinsfile-rollback",
                                           "Jenkinsfile-rollback-infra", "Jenkinsfile-seed", "jobs.groovy"]


@pytest.mark.parametrize("pipeline", [p.name for p in PIPELINES])
def test_pipeline_has_no_lint_errors_or_warnings(lint_report, pipeline):
    problems = lint_report.get(pipeline, [])
    assert not problems, "\n".join(f"{pipeline}:{p['line']}: {p['severity']} {p['rule']}: {p['msg']}" for p in problems)


def test_a_broken_pipeline_fails_the_lint(lint_report):
    assert lint_report["__exit__"] == 1
    assert any(problem["severity"] == "error" for problem in lint_report["Jenkinsfile-broken"])

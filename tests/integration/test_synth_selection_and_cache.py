"""run_synth (main.py, platformctl synth): selected stacks only, nothing twice, and the cache never wrong.

Real synths of the repository's configuration (cdktf in this worker), into temporary output and
cache directories. One full synth primes a cache that each test copies (``primed_synth``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value
from trees import contents, temporary_trees, tree_state

from platformctl.exit_codes import ExitCode
from platformctl.synth import EXIT_INVALID_CONFIG, EXIT_OK, run_synth

ROOT = Path(__file__).resolve().parents[2]
ALL_STACKS = ["bootstrap", "dev", "dev-app-api", "dev-cluster-config", "prod", "prod-app-api", "prod-cluster-config",
              "shared", "staging", "staging-app-api", "staging-cluster-config"]


class Project:
    """A copy of the environments, an output directory and a cache directory; ``synth`` runs run_synth."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.environments = copy_environments(root / "environments")
        self.outdir = root / "cdktf.out"
        self.cache = root / "cache"
        self._capsys = capsys
        monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(self.environments))
        monkeypatch.setenv("PLATFORM_SYNTH_CACHE_DIR", str(self.cache))
        monkeypatch.delenv("PLATFORM_STACKS", raising=False)

    def synth(self, **selection: object) -> tuple[int, str, str]:
        self._capsys.readouterr()
        code = run_synth(ROOT, str(self.outdir), **selection)  # type: ignore[arg-type]
        captured = self._capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path, monkeypatch, capsys, primed_synth) -> Project:
    """A project whose cache holds the repository configuration's stacks and whose cdktf.out is a full synth."""
    shutil.copytree(primed_synth / "cache", tmp_path / "cache")
    shutil.copytree(primed_synth / "cdktf.out", tmp_path / "cdktf.out")
    return Project(tmp_path, monkeypatch, capsys)


def stacks_in(outdir: Path, *names: str) -> dict[str, tuple[str, int, int]]:
    return {path: state for path, state in tree_state(outdir).items() if path.split("/")[1:2] and
            path.split("/")[1] in names}


def fresh_synth(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """``cdktf.out`` of a synth of the same configuration, now, that neither reads nor writes a cache."""
    code, out, _ = Project(root, monkeypatch, capsys).synth(no_cache=True)
    assert code == EXIT_OK and "from cache: none" in out
    return root / "cdktf.out"


def test_a_full_synth_from_the_cache_is_byte_identical_to_a_fresh_synth(primed_synth, tmp_path, monkeypatch, capsys):
    cached = Project(tmp_path / "cached", monkeypatch, capsys)
    shutil.copytree(primed_synth / "cache", cached.cache)
    code, out, _ = cached.synth()
    assert code == EXIT_OK and "synthesized: none; from cache: " + ", ".join(ALL_STACKS) in out
    fresh = fresh_synth(tmp_path / "fresh", monkeypatch, capsys)
    assert contents(cached.outdir) == contents(primed_synth / "cdktf.out") == contents(fresh)


def test_an_environment_writes_only_its_stacks_and_the_others_stay_as_they_were(project):
    set_value(project.environments, "dev.toml", "apps.api.replicas", 2)
    set_value(project.environments, "prod.toml", "apps.api.autoscaling.max_replicas", 10)
    others = ["bootstrap", "prod", "prod-app-api", "prod-cluster-config", "shared", "staging", "staging-app-api",
              "staging-cluster-config"]
    before = stacks_in(project.outdir, *others)

    code, out, _ = project.synth(environments=["dev"])

    assert code == EXIT_OK
    assert "synthesized: dev, dev-app-api, dev-cluster-config; from cache: none" in out
    assert stacks_in(project.outdir, *others) == before  # bytes, inodes and mtimes: prod is stale but untouched
    dev_apps = json.loads((project.outdir / "stacks" / "dev-app-api" / "cdk.tf.json").read_text())
    assert dev_apps["resource"]["kubernetes_deployment_v1"]["AppApi_Deployment_1F592AA3"]["spec"]["replicas"] == "2"
    assert sorted(json.loads((project.outdir / "manifest.json").read_text())["stacks"]) == ALL_STACKS
    assert temporary_trees(project.outdir) == []


def test_a_stack_is_written_alone_and_built_with_the_stacks_its_suppressions_span(project):
    """shared.toml's suppression concerns a bootstrap resource: asking for shared alone still builds
    bootstrap (the audit of shared.toml's suppressions spans both), but writes only shared."""
    set_value(project.environments, "shared.toml", "tags.CostCenter", "CC-2000")
    before = stacks_in(project.outdir, *[name for name in ALL_STACKS if name != "shared"])

    code, out, _ = project.synth(stacks=["shared"])

    assert code == EXIT_OK
    assert "synthesized: bootstrap, shared" in out and "written: shared;" in out
    assert stacks_in(project.outdir, *[name for name in ALL_STACKS if name != "shared"]) == before
    assert "CC-2000" in (project.outdir / "stacks" / "shared" / "cdk.tf.json").read_text()


def test_changing_one_environment_file_rebuilds_only_the_stacks_that_read_it(project):
    set_value(project.environments, "staging.toml", "apps.api.autoscaling.max_replicas", 5)
    code, out, _ = project.synth()
    assert code == EXIT_OK
    # bootstrap and shared read every environment file (state buckets, node roles)
    assert ("synthesized: bootstrap, shared, staging, staging-app-api, staging-cluster-config; "
            "from cache: dev, dev-app-api, dev-cluster-config, prod, prod-app-api, prod-cluster-config") in out
    code, out, _ = project.synth()
    assert "synthesized: none;" in out and "up to date" in out


def test_a_damaged_cache_entry_is_rebuilt_and_never_published(project, tmp_path, monkeypatch, capsys):
    damaged = 0
    for entry in project.cache.glob("*.entry"):
        if json.loads(entry.read_bytes().partition(b"\n")[2])["owner"] == "prod":
            entry.write_bytes(entry.read_bytes().replace(b"acme-prod", b"evil-prod", 1))
            damaged += 1
    assert damaged == 1
    shutil.rmtree(project.outdir)

    code, out, err = project.synth()

    assert code == EXIT_OK
    assert "warning: the cache entry of prod was damaged (content does not match its hash)" in err
    assert "synthesized: prod, prod-app-api, prod-cluster-config;" in out
    assert contents(project.outdir) == contents(fresh_synth(tmp_path / "fresh", monkeypatch, capsys))
    assert not any(b"evil-prod" in path.read_bytes() for path in project.cache.glob("*.entry"))


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path, monkeypatch, capsys):
    fresh = Project(tmp_path, monkeypatch, capsys)
    code, out, _ = fresh.synth(environments=["dev"], no_cache=True)
    assert code == EXIT_OK and "synthesized: dev, dev-app-api, dev-cluster-config; from cache: none" in out
    assert not fresh.cache.exists()


BAD_SELECTIONS = [
    ({"environments": ["qa"]}, None, "--env qa: no such configuration; known: dev, prod, shared, staging"),
    ({"stacks": ["dev-app"]}, None, "stack dev-app: not a stack of this configuration; known: bootstrap, dev,"),
    ({}, "", "PLATFORM_STACKS is set but empty"),
    ({}, " , ", "PLATFORM_STACKS is set but names no stack"),
    ({}, "dev,nope", "stack nope: not a stack of this configuration"),
]


@pytest.mark.parametrize(("selection", "variable", "message"), BAD_SELECTIONS,
                         ids=["unknown-env", "unknown-stack", "empty-PLATFORM_STACKS", "no-name-in-PLATFORM_STACKS",
                              "unknown-in-PLATFORM_STACKS"])
def test_an_unknown_selection_exits_2_and_writes_nothing(project, monkeypatch, selection, variable, message):
    if variable is not None:
        monkeypatch.setenv("PLATFORM_STACKS", variable)
    before, cache = tree_state(project.outdir), tree_state(project.cache)
    code, _, err = project.synth(**selection)
    assert code == EXIT_INVALID_CONFIG
    assert f"error: {message}" in err and len(err.strip().splitlines()) == 1
    assert tree_state(project.outdir) == before and tree_state(project.cache) == cache


def test_platform_stacks_selects_for_main_py(project, monkeypatch):
    monkeypatch.setenv("PLATFORM_STACKS", "dev-app-api, staging")
    set_value(project.environments, "dev.toml", "apps.api.replicas", 2)
    code, out, _ = project.synth()
    assert code == EXIT_OK and "written: dev-app-api;" in out and "unchanged: staging;" in out


@pytest.mark.parametrize("where", ["outdir", "parent"])
def test_an_output_path_that_is_a_file_exits_2_in_one_line(tmp_path, monkeypatch, capsys, where):
    fresh = Project(tmp_path, monkeypatch, capsys)
    if where == "outdir":
        fresh.outdir.write_text("a file")
    else:
        (tmp_path / "file").write_text("a file")
        fresh.outdir = tmp_path / "file" / "cdktf.out"
    code, _, err = fresh.synth()
    assert code == EXIT_INVALID_CONFIG
    assert "is a file, not a directory" in err and len(err.strip().splitlines()) == 1
    assert not fresh.cache.exists()


ENTRY_POINTS = [
    (["main.py"], "runpy.run_path('main.py', run_name='__main__')"),
    (["platformctl", "synth"], "runpy.run_module('platformctl.main', run_name='__main__')"),
]
#: Importing any of these fails in :func:`_without_cdktf`'s process.
_BLOCKER = (
    "import sys, runpy\n"
    "class Blocker:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('cdktf', 'jsii', 'constructs', 'cdktf_cdktf_provider_aws'):\n"
    "            raise ImportError(f'{name} imported during an unchanged synth')\n"
    "sys.meta_path.insert(0, Blocker())\n"
)


def _without_cdktf(project: Project, argv: list[str], run: str, env: dict[str, str] | None = None,
                   parent: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """``argv`` in a fresh process (as ``cdktf synth`` or a pipeline starts it) in which importing cdktf, jsii or
    constructs fails; ``parent`` is a command line the process is started under."""
    script = f"{_BLOCKER}sys.argv = {argv!r}\n{run}\n"
    base = {"PATH": "/usr/bin:/bin", "PLATFORM_ENVIRONMENTS_DIR": str(project.environments),
            "PLATFORM_SYNTH_CACHE_DIR": str(project.cache), "CDKTF_OUTDIR": str(project.outdir)}
    command = [sys.executable, "-c", script]
    return subprocess.run([*parent, *command] if parent else command, cwd=ROOT, env={**base, **(env or {})},
                          capture_output=True, text=True, check=False, timeout=60)


@pytest.mark.parametrize(("argv", "run"), ENTRY_POINTS, ids=["main.py", "platformctl"])
def test_an_unchanged_synth_finishes_without_importing_cdktf(project, argv, run):
    before = tree_state(project.outdir)
    done = _without_cdktf(project, argv, run)
    assert done.returncode == 0, done.stderr
    assert "synthesized: none; from cache: " + ", ".join(ALL_STACKS) in done.stdout
    assert f"{project.outdir}: up to date" in done.stdout
    assert tree_state(project.outdir) == before


def _under_cdktf(tmp_path: Path, command: str) -> list[str]:
    """A parent process whose command line is ``sh …/cdktf COMMAND``, as the cdktf CLI's (``node …/cdktf deploy``)
    looks to ``main.py`` (:mod:`platformctl.cdktf_command`); it stays the parent while ``main.py`` runs."""
    shim = tmp_path / "bin" / "cdktf"
    shim.parent.mkdir()
    shim.write_text('shift\n"$@"\nstatus=$?\nexit $status\n')  # runs main.py as a child, not in its place
    return ["/bin/sh", str(shim), command]


@pytest.mark.emulator
def test_an_unchanged_cdktf_deploy_checks_the_credentials_without_importing_cdktf(project, platform, tmp_path):
    """The credential check (botocore and STS, here the local emulator's) runs before the cache is read and
    imports no cdktf either; the stacks then all come from the cache."""
    from local_aws.emulator import LocalAws

    before = tree_state(project.outdir)
    with LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region,
                  run_dir=tmp_path / "emulator") as emulator:
        done = _without_cdktf(project, ["main.py"], ENTRY_POINTS[0][1], emulator.process_env({}),
                              parent=_under_cdktf(tmp_path, "deploy"))
    assert done.returncode == 0, done.stderr
    assert '"POST / HTTP/1.1" 200' in (tmp_path / "emulator" / "emulator.log").read_text()  # STS was asked
    assert "synthesized: none; from cache: " + ", ".join(ALL_STACKS) in done.stdout
    assert tree_state(project.outdir) == before


def test_an_unchanged_cdktf_deploy_without_reachable_sts_stops_before_the_cache(project, tmp_path):
    before, cache = tree_state(project.outdir), tree_state(project.cache)
    unreachable = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "unused",
                   "AWS_SECRET_ACCESS_KEY": "unused", "AWS_CONFIG_FILE": os.devnull,
                   "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}
    done = _without_cdktf(project, ["main.py"], ENTRY_POINTS[0][1], unreachable, parent=_under_cdktf(tmp_path, "diff"))
    assert done.returncode == ExitCode.FAILED, done.stderr
    assert done.stderr.startswith("error: cdktf diff needs AWS credentials: AWS STS could not be reached")
    assert "Traceback" not in done.stderr and "synthesized:" not in done.stdout
    assert tree_state(project.outdir) == before and tree_state(project.cache) == cache


def test_platformctl_synth_takes_env_stack_and_no_cache(project, capsys):
    from platformctl.main import main

    set_value(project.environments, "dev.toml", "apps.api.replicas", 2)
    before = tree_state(project.cache)
    code = main(["synth", "--outdir", str(project.outdir), "--env", "dev", "--stack", "shared", "--no-cache"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "synthesized: bootstrap, dev, dev-app-api, dev-cluster-config, shared; from cache: none" in out
    assert "written: dev-app-api;" in out and "unchanged: dev, dev-cluster-config, shared;" in out
    assert tree_state(project.cache) == before


def test_a_cache_that_cannot_be_written_only_costs_time(project, monkeypatch):
    blocked = project.cache.parent / "cache-is-a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("PLATFORM_SYNTH_CACHE_DIR", str(blocked))
    code, out, err = project.synth(environments=["dev"])
    assert code == EXIT_OK and "synthesized: dev, dev-app-api, dev-cluster-config;" in out
    assert "warning: cannot write the synth cache" in err and len(err.strip().splitlines()) == 1

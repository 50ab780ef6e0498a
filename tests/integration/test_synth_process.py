"""main.py as a process: interrupted by signals, publishing into directories it may not write, run by cdktf's CLI.

Each case is a real subprocess. Signals arrive while the stacks are being built (the scale
scenario, so the build lasts seconds) or while cdktf is being imported; permission cases run
without root's permission override (``setpriv``), from a primed cache so nothing is imported.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value
from primed import prime_synth
from trees import temporary_trees, tree_state

from platformctl.synth import EXIT_INTERRUPTED, EXIT_INVALID_CONFIG, EXIT_OK, EXIT_SYNTH_FAILED, EXIT_TERMINATED

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from scale_scenario import write_scale_scenario  # noqa: E402

pytestmark = pytest.mark.slow
NODE_BIN = ROOT / "node_modules" / ".bin"


def process_env(**variables: str | Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PLATFORM_", "CDKTF_"))}
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({key: str(value) for key, value in variables.items()})
    return env


def copy_synthesized(synth_dir: Path, outdir: Path) -> None:
    """A previous ``cdktf.out``: the session synth as synthesized, without what other tests' ``terraform
    init`` or plans may have added to it in place (``platformctl validate`` works in the stack directory)."""
    shutil.copytree(synth_dir, outdir, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "tfplan*"))


def wait_for(predicate, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def processes_using(path: Path) -> list[str]:
    """Command lines of live processes that mention ``path`` (the jsii kernel's node runs from there)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in command:
            found.append(command)
    return found


def building(tmp: Path) -> bool:
    """cdktf is imported and the stacks are being built: the run's scratch output exists."""
    return any(tmp.glob("platform-synth-*/synth-*"))


def importing(tmp: Path) -> bool:
    return any(tmp.glob("platform-synth-*"))


INTERRUPTIONS = [
    ("SIGINT while building", signal.SIGINT, building, False, EXIT_INTERRUPTED),
    ("SIGTERM while building", signal.SIGTERM, building, False, EXIT_TERMINATED),
    ("Ctrl-C at a terminal: SIGINT to the process group, node included", signal.SIGINT, building, True,
     EXIT_INTERRUPTED),
    ("SIGTERM while importing cdktf", signal.SIGTERM, importing, False, EXIT_TERMINATED),
]


@pytest.mark.parametrize(("signum", "when", "group", "code"), [case[1:] for case in INTERRUPTIONS],
                         ids=[case[0] for case in INTERRUPTIONS])
def test_an_interrupted_synth_exits_in_one_line_leaves_the_output_and_cleans_up(tmp_path, synth_dir, signum, when,
                                                                                 group, code):
    environments = write_scale_scenario(tmp_path / "environments")
    outdir, tmp = tmp_path / "cdktf.out", tmp_path / "tmp"
    copy_synthesized(synth_dir, outdir)
    tmp.mkdir()
    before = tree_state(outdir)
    env = process_env(PLATFORM_ENVIRONMENTS_DIR=environments, CDKTF_OUTDIR=outdir, TMPDIR=tmp,
                      PLATFORM_SYNTH_CACHE="off")
    run = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=group)
    try:
        wait_for(lambda: when(tmp) or run.poll() is not None, "the synth to get there")
        if when is importing:
            time.sleep(1)
        os.killpg(run.pid, signum) if group else run.send_signal(signum)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == code, err
    assert err.rstrip().endswith(f"error: synthesis interrupted by {signal.Signals(signum).name}; the output "
                                 "directory is unchanged; temporary files removed"), err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert tree_state(outdir) == before
    assert temporary_trees(outdir) == []
    wait_for(lambda: not processes_using(tmp), "the jsii kernel to exit", timeout=30)
    assert list(tmp.iterdir()) == []


def test_hundreds_of_problems_end_the_synth_while_its_caller_reads_nothing_until_it_exits(tmp_path):
    """200 copies of dev's api, each claiming its users: 600 problems. The caller reads the pipes only once the
    process has exited; the message lists a bounded number of them, so the process never blocks on a full pipe."""
    environments = copy_environments(tmp_path / "environments")
    apps = tomllib.loads((environments / "dev.toml").read_text())["apps"]
    set_value(environments, "dev.toml", "apps", {**apps, **{f"copy{index:03d}": apps["api"] for index in range(200)}})
    env = process_env(PLATFORM_ENVIRONMENTS_DIR=environments, CDKTF_OUTDIR=tmp_path / "cdktf.out",
                      PLATFORM_SYNTH_CACHE="off")
    run = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert run.wait(timeout=120) == EXIT_INVALID_CONFIG
    finally:
        if run.poll() is None:
            run.kill()
        _, err = run.communicate()
    assert "invalid environment configuration (" in err and " more problem(s), not listed" in err, err[-2000:]
    assert "dev.toml: apps.copy000.uses.postgres.user" in err
    assert "is already the database user of application api" in err
    assert "Traceback" not in err


def test_every_application_of_the_scale_scenario_uses_the_data_stores_under_its_own_names(tmp_path):
    """Its generated applications use data as api does, each as its own database and cache user, on its own
    topics and indices: the configuration accepts them (one application per user), so the scenario synthesizes."""
    from platform_constructs.config.loader import load_platform

    platform = load_platform(write_scale_scenario(tmp_path / "environments"))
    for name in ("dev", "staging", "prod", "qa1"):
        uses = {app: workload.uses for app, workload in platform.environments[name].apps.items()}
        assert len(uses) == 21
        for app, use in uses.items():
            assert (use.postgres.user, use.redis.user) == (app, app)
            assert [topic.split(".")[0] for topic in use.kafka.topics] == [app]
            assert [index.split("-")[0] for index in use.search.indices] == [app]


@pytest.fixture(scope="module")
def newer(tmp_path_factory) -> Path:
    """environments/ with dev and prod changed, and a cache holding their stacks (primed in this worker)."""
    root = tmp_path_factory.mktemp("newer")
    environments = copy_environments(root / "environments")
    set_value(environments, "dev.toml", "apps.api.replicas", 2)
    set_value(environments, "prod.toml", "apps.api.autoscaling.max_replicas", 10)
    return prime_synth(root, environments)


def _read_only(path: Path) -> None:
    path.chmod(0o555)


def _unreadable(path: Path) -> None:
    path.chmod(0o000)


#: (case, what is made inaccessible, how, exit code, whether the new output is live afterwards, message)
PERMISSIONS = [
    ("read-only stack directory", "stacks/prod", _read_only, EXIT_OK, True, None),
    ("read-only output directory", ".", _read_only, EXIT_OK, True, None),
    ("unreadable stack directory", "stacks/prod", _unreadable, EXIT_SYNTH_FAILED, False,
     "error: cannot publish {outdir}: Permission denied"),
    ("read-only parent directory", "..", _read_only, EXIT_SYNTH_FAILED, False,
     "error: cannot create a temporary output directory next to {outdir}: Permission denied"),
]


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to drop the permission override")
@pytest.mark.parametrize(("target", "restrict", "code", "new", "message"), [case[1:] for case in PERMISSIONS],
                         ids=[case[0] for case in PERMISSIONS])
def test_publishing_is_all_or_nothing_when_directories_are_not_writable(tmp_path, synth_dir, newer, target, restrict,
                                                                        code, new, message):
    outdir = tmp_path / "parent" / "cdktf.out"
    copy_synthesized(synth_dir, outdir)
    (outdir / "stacks" / "prod" / ".terraform.lock.hcl").write_text("# lock\n")
    before = tree_state(outdir)
    restricted = (outdir / target).resolve()
    restrict(restricted)
    env = process_env(PLATFORM_ENVIRONMENTS_DIR=newer / "environments", PLATFORM_SYNTH_CACHE_DIR=newer / "cache",
                      CDKTF_OUTDIR=outdir)
    try:
        done = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--",
                               sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=False, timeout=120)
    finally:
        restricted.chmod(0o755)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    if message:
        assert message.format(outdir=outdir) in done.stderr and len(done.stderr.strip().splitlines()) == 1
    if new:
        assert {path: state[0] for path, state in tree_state(outdir).items()} == {
            path: state[0] for path, state in tree_state(newer / "cdktf.out").items()} | {
            "stacks/prod/.terraform.lock.hcl": before["stacks/prod/.terraform.lock.hcl"][0]}
    else:
        assert tree_state(outdir) == before
    assert temporary_trees(outdir) == []


@pytest.mark.skipif(not (NODE_BIN / "cdktf").exists(), reason="the cdktf CLI is not installed")
def test_cdktf_cli_synthesizes_one_stack_and_still_finds_every_stack(tmp_path, synth_dir, newer):
    """``PLATFORM_STACKS=dev-app-api cdktf synth``: the CLI reads manifest.json afterwards and deletes stack
    directories it does not name; every stack stays. The app runs from the cache without cdktf."""
    outdir = tmp_path / "cdktf.out"
    copy_synthesized(synth_dir, outdir)
    before = tree_state(outdir)
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class Blocker:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('cdktf', 'jsii'):\n"
        "            raise ImportError(f'{name} imported by a synth the cache covers')\n"
        "sys.meta_path.insert(0, Blocker())\n")
    env = process_env(PLATFORM_ENVIRONMENTS_DIR=newer / "environments", PLATFORM_SYNTH_CACHE_DIR=newer / "cache",
                      PLATFORM_STACKS="dev-app-api", PYTHONPATH=blocker, CHECKPOINT_DISABLE="1")
    cdktf = str(NODE_BIN / "cdktf")
    synth = subprocess.run([cdktf, "synth", "--output", str(outdir)], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=False, timeout=300)
    assert synth.returncode == 0, synth.stdout + synth.stderr
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == sorted(p.name for p in (outdir / "stacks").iterdir()) == [
        "bootstrap", "dev", "dev-app-api", "dev-cluster-config", "prod", "prod-app-api", "prod-cluster-config",
        "shared", "staging", "staging-app-api", "staging-cluster-config"]
    after = tree_state(outdir)
    written = "stacks/dev-app-api/cdk.tf.json"
    assert after[written][0] == tree_state(newer / "cdktf.out")[written][0]
    assert after[written][0] != before[written][0]
    assert {k: v for k, v in after.items() if not k.startswith(("stacks/dev-app-api/", "manifest"))} == \
        {k: v for k, v in before.items() if not k.startswith(("stacks/dev-app-api/", "manifest"))}

    listed = subprocess.run([cdktf, "list", "--output", str(outdir)], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False, timeout=300)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert all(f"{name} " in listed.stdout for name in manifest["stacks"])


def test_the_scale_scenario_is_a_configuration_the_platform_accepts_at_its_stated_size(tmp_path):
    """10 environments, 210 applications, one stack each, and each environment's cluster configuration: 232
    stacks; each copy's policy suppressions name
    its own stacks (a suppression that suppresses nothing fails the synth)."""
    from platform_constructs.config.loader import load_platform
    from platform_constructs.stacks.names import stack_owners

    platform = load_platform(write_scale_scenario(tmp_path / "environments"))
    owners = stack_owners(platform)
    assert (len(platform.environments), len(owners)) == (10, 232)
    assert sum(len(env.apps) for env in platform.environments.values()) == 210
    suppressions = [(name, suppression.path) for name, env in platform.environments.items()
                    for suppression in env.policy.suppressions]
    assert suppressions
    assert [(name, path) for name, path in suppressions if owners.get(path.split("/")[0]) != name] == []

"""Which revisions of this repository a pipeline may apply, and the checkout it applies them from.

A real git repository in a temporary directory: commits on main, a tagged commit off main, a
branch that never merged. Only reviewed (on main) or released (tagged) revisions are checked out;
the checkout is synthesized with its own code, not the running pipeline's.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from envfiles import copy_environments

from platformctl.exit_codes import ExitCode
from platformctl.main import main
from platformctl.release.revisions import RevisionRefused, add_worktree, reviewed_commit, synth_in

FAKE_CLI = """\
import pathlib, sys
pathlib.Path(sys.argv[sys.argv.index("--root") + 1], "synthesized-by").write_text(__file__)
"""


def _git(repository: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repository), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _commit(repository: Path, name: str, text: str) -> str:
    (repository / name).write_text(text)
    _git(repository, "add", name)
    _git(repository, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", name)
    return _git(repository, "rev-parse", "HEAD")


@pytest.fixture
def repository(tmp_path) -> dict[str, object]:
    repo = tmp_path / "platform"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    copy_environments(repo / "environments")
    _git(repo, "add", "environments")
    first = _commit(repo, "a.txt", "1")
    second = _commit(repo, "b.txt", "2")
    _git(repo, "checkout", "-q", "-b", "hotfix", first)
    released = _commit(repo, "c.txt", "3")
    _git(repo, "tag", "v1.0.1")
    _git(repo, "checkout", "-q", "-b", "feature", first)
    unreviewed = _commit(repo, "d.txt", "4")
    _git(repo, "checkout", "-q", "main")
    return {"root": repo, "first": first, "second": second, "released": released, "unreviewed": unreviewed}


def test_commits_on_main_and_tagged_commits_are_reviewed(repository):
    root = repository["root"]
    assert reviewed_commit(root, repository["first"][:10], "main") == repository["first"]
    assert reviewed_commit(root, "main~1", "main") == repository["first"]
    assert reviewed_commit(root, "v1.0.1", "main") == repository["released"]


@pytest.mark.parametrize(("ref", "fragment"), [
    ("feature", "is neither on main nor tagged"),
    ("0" * 40, "no such commit"),
    ("--upload-pack=touch", "not a revision"),
])
def test_unreviewed_or_unknown_revisions_are_refused(repository, ref, fragment):
    with pytest.raises(RevisionRefused, match=fragment):
        reviewed_commit(repository["root"], ref, "main")


def test_a_main_branch_that_was_not_fetched_is_named(repository):
    with pytest.raises(RevisionRefused, match=r"refs/remotes/origin/main.*fetch the main branch"):
        reviewed_commit(repository["root"], "main", "refs/remotes/origin/main")


def test_the_checkout_is_a_detached_worktree_at_the_commit(repository, tmp_path):
    into = tmp_path / "at-revision"
    add_worktree(repository["root"], repository["first"], into)
    assert _git(into, "rev-parse", "HEAD") == repository["first"]
    assert (into / "a.txt").exists() and not (into / "b.txt").exists()
    assert _git(repository["root"], "rev-parse", "--abbrev-ref", "HEAD") == "main"  # the job's checkout is untouched


def test_the_checkout_is_synthesized_with_its_own_code(repository, tmp_path):
    root = repository["root"]
    (root / "constructs" / "platformctl").mkdir(parents=True)
    (root / "constructs" / "platformctl" / "__init__.py").write_text("")
    (root / "constructs" / "platformctl" / "main.py").write_text(FAKE_CLI)
    _git(root, "add", "constructs")
    commit = _commit(root, "e.txt", "5")
    into = tmp_path / "at-revision"
    add_worktree(root, commit, into)
    assert synth_in(into) == 0
    assert Path((into / "synthesized-by").read_text()) == into / "constructs" / "platformctl" / "main.py"


def test_checkout_revision_prints_the_commit_and_refuses_unreviewed_refs_with_exit_3(repository, tmp_path, capsys):
    root = repository["root"]
    into = tmp_path / "at-revision"
    common = ["--root", str(root), "--main-ref", "main", "--no-synth"]
    assert main(["checkout-revision", "--ref", "feature", "--into", str(into), *common]) == ExitCode.REFUSED
    assert "neither on main nor tagged" in capsys.readouterr().err and not into.exists()
    assert main(["checkout-revision", "--ref", "v1.0.1", "--into", str(into), "--dry-run", *common]) == ExitCode.OK
    assert capsys.readouterr().out.startswith(f"would check out {repository['released']}") and not into.exists()
    assert main(["checkout-revision", "--ref", "v1.0.1", "--into", str(into), *common]) == ExitCode.OK
    assert capsys.readouterr().out.strip() == repository["released"]
    assert (into / "c.txt").exists()


def test_the_synth_of_a_checkout_ignores_the_callers_environment_directory(repository, tmp_path, monkeypatch):
    root = repository["root"]
    (root / "constructs" / "platformctl").mkdir(parents=True)
    (root / "constructs" / "platformctl" / "__init__.py").write_text("")
    (root / "constructs" / "platformctl" / "main.py").write_text(
        "import os, pathlib, sys\n"
        "pathlib.Path(sys.argv[-1], 'seen').write_text(repr((os.environ.get('PLATFORM_ENVIRONMENTS_DIR'), "
        "os.environ.get('CDKTF_OUTDIR'))))\n")
    _git(root, "add", "constructs")
    commit = _commit(root, "f.txt", "6")
    into = tmp_path / "at-revision"
    add_worktree(root, commit, into)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "elsewhere-out"))
    assert synth_in(into) == 0
    assert (into / "seen").read_text() == repr((None, None))

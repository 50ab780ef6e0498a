"""Revisions of this repository the pipelines apply, and a checkout of one next to the job's own.

A release or application rollback synthesizes the revision its environment last applied (the
``platform-revision`` record). An infrastructure rollback re-applies an earlier revision the
operator names; only one that went through review (an ancestor of the main branch) or was
released (tagged) qualifies: a branch that never merged would carry unreviewed configuration
into an environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class RevisionRefused(ValueError):
    """The revision does not exist, or is neither on the main branch nor tagged."""


def reviewed_commit(repository: Path, ref: str, main_ref: str) -> str:
    """The full commit id of ``ref`` if it is an ancestor of ``main_ref`` or carries a tag."""
    if ref.startswith("-"):
        raise RevisionRefused(f"--ref {ref!r}: not a revision")
    commit = _git(repository, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        raise RevisionRefused(f"--ref {ref!r}: no such commit in {repository} (fetch it first)")
    if _git(repository, "rev-parse", "--verify", "--quiet", f"{main_ref}^{{commit}}") is None:
        raise RevisionRefused(f"--main-ref {main_ref!r}: not found in {repository}; fetch the main branch first")
    on_main = subprocess.run(["git", "-C", str(repository), "merge-base", "--is-ancestor", commit, main_ref],
                             capture_output=True, check=False).returncode == 0
    tags = _git(repository, "tag", "--points-at", commit) or ""
    if not on_main and not tags.strip():
        raise RevisionRefused(f"--ref {ref!r} ({commit}) is neither on {main_ref} nor tagged: only reviewed or "
                              "released revisions are applied")
    return commit


def _git(repository: Path, *args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def add_worktree(repository: Path, commit: str, directory: Path) -> None:
    """Check ``commit`` out into ``directory`` as a detached worktree of ``repository`` (fetched if missing)."""
    if _git(repository, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        subprocess.run(["git", "-C", str(repository), "fetch", "--no-tags", "origin", commit], check=True)
    subprocess.run(["git", "-C", str(repository), "worktree", "add", "--force", "--detach", str(directory), commit],
                   check=True, capture_output=True, text=True)


def synth_in(directory: Path) -> int:
    """Synthesize the checkout in ``directory`` with its own code (its ``constructs`` first on the path)."""
    env = dict(os.environ, PYTHONPATH=str(directory / "constructs"))
    env.pop("CDKTF_OUTDIR", None)
    env.pop("PLATFORM_ENVIRONMENTS_DIR", None)
    return subprocess.run([sys.executable, "-m", "platformctl.main", "synth", "--root", str(directory)],
                          cwd=directory, env=env, check=False).returncode

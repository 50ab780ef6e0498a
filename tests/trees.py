"""What a directory tree holds, to show that a run left it (or parts of it) exactly as it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def tree_state(directory: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and symbolic link below ``directory`` → (content hash or link target, inode, mtime in ns)."""
    found = {}
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            found[str(path.relative_to(directory))] = (os.readlink(path), info.st_ino, info.st_mtime_ns)
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(directory))] = (digest, info.st_ino, info.st_mtime_ns)
    return found


def contents(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` → its bytes."""
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def temporary_trees(outdir: Path) -> list[str]:
    """Temporary trees publishing left next to ``outdir`` (``.cdktf.out.*``); none after any run that ended."""
    return sorted(path.name for path in outdir.parent.iterdir() if path.name.startswith(f".{outdir.name}."))

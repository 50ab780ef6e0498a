"""The synthesized output directory (``cdktf.out``): read what cdktf wrote, publish a complete tree at once.

``publish`` never writes into the live output directory. It builds the complete new tree in a
temporary sibling directory (``.cdktf.out.<random>``) and swaps it in with one atomic rename
(``renameat2(RENAME_EXCHANGE)`` on Linux): a reader, and a synth that fails or is interrupted at
any point, sees either every old stack or every new one, never a mix. Where the exchange is not
available the old tree is moved aside, the new one renamed in, and the old one moved back if
that fails.

What the new tree holds:

* the stacks synthesized in this run (``stacks``), with everything cdktf did not write kept from
  the old stack directory (``.terraform/`` provider caches, ``.terraform.lock.hcl``, saved plans);
* the stacks named in ``keep`` exactly as they were (same files, same inodes, so their bytes and
  modification times are unchanged);
* no other stack directory (cdktf's CLI removes stack directories the manifest no longer names);
* ``manifest.json`` naming every stack in the tree, so the cdktf CLI (``cdktf deploy <stack>``)
  finds them all.

Old files are carried over as hard links (no copy, the old tree stays intact until the swap), or
copied where a link is refused. Nothing here imports cdktf.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
STACKS_DIR = "stacks"
#: What cdktf writes into a stack directory (JSON or, with ``SYNTH_HCL_OUTPUT``, HCL and its metadata);
#: anything else there belongs to Terraform and is carried over.
SYNTHESIZED_NAMES = frozenset({"cdk.tf.json", "cdk.tf", "metadata.json"})
#: Prefix of the temporary trees next to the output directory (``.cdktf.out.<random>``).
TEMPORARY_PREFIX_FORMAT = ".{name}."


class OutputError(Exception):
    """The output directory cannot be read or written; the message is one line naming the path."""


class OutputPathError(OutputError):
    """The output path itself is unusable (a file, or inside a file)."""


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack as cdktf synthesized it: its manifest entry and its files (relative to its directory)."""

    name: str
    manifest_entry: Mapping[str, Any]
    files: Mapping[str, bytes]


@dataclass(frozen=True)
class SynthesizedOutput:
    """The stacks of one synth and the cdktf version its manifest carries."""

    version: str
    stacks: Mapping[str, SynthesizedStack]


@dataclass
class PublishResult:
    """What ``publish`` did: stacks written, stacks kept as they were, stacks removed, and whether
    anything changed at all (a run that changes nothing leaves the directory untouched)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: bool = False
    swapped: bool = False
    """Set in the same signal-free step as the rename, so an interrupted caller knows which tree is live."""


def stable_json(value: Any, level: int = 0) -> str:
    """JSON as cdktf writes ``manifest.json`` (json-stable-stringify, two spaces): sorted keys, and
    empty lists and objects broken over two lines, so a manifest assembled here is byte-identical
    to the one cdktf writes for the same stacks."""
    indent = "\n" + "  " * level
    if isinstance(value, list):
        return "[" + ",".join(f"{indent}  {stable_json(item, level + 1)}" for item in value) + indent + "]"
    if isinstance(value, dict):
        members = (f"{indent}  {json.dumps(key, ensure_ascii=False)}: {stable_json(value[key], level + 1)}"
                   for key in sorted(value))
        return "{" + ",".join(members) + indent + "}"
    return json.dumps(value, ensure_ascii=False)


def render_manifest(version: str, entries: Mapping[str, Mapping[str, Any]]) -> bytes:
    """``manifest.json`` naming ``entries`` (stack name → manifest entry)."""
    return stable_json({"stacks": dict(entries), "version": version}).encode()


def read_synthesized(directory: Path) -> SynthesizedOutput:
    """Every stack cdktf synthesized into ``directory`` (as named by its ``manifest.json``)."""
    manifest = json.loads((directory / MANIFEST).read_bytes())
    stacks = {}
    for name, entry in manifest["stacks"].items():
        stack_dir = directory / entry["workingDirectory"]
        files = {str(path.relative_to(stack_dir)): path.read_bytes()
                 for path in sorted(stack_dir.rglob("*")) if path.is_file()}
        stacks[name] = SynthesizedStack(name, entry, files)
    return SynthesizedOutput(manifest["version"], stacks)


def check_output_path(outdir: Path) -> None:
    """Refuse an output path that is a file or lies below one, before anything is built."""
    for path in (outdir, *outdir.parents):
        if path.exists() and not path.is_dir():
            what = "the output directory" if path == outdir else f"a parent of {outdir}"
            raise OutputPathError(f"{path} is a file, not a directory ({what})")
        if path.is_dir():
            return


def publish(outdir: Path, output: SynthesizedOutput, keep: Collection[str] = (), *,
            result: PublishResult | None = None) -> PublishResult:
    """Make ``outdir`` hold ``output``'s stacks, the ``keep`` stacks as they were, and nothing else.

    All or nothing: the new tree is complete before one atomic rename makes it ``outdir``; on any
    error (raised as :class:`OutputError`) or interruption ``outdir`` is left exactly as it was and
    the temporary tree is removed. A run that changes nothing renames nothing. Pass ``result`` to
    learn, even when interrupted, whether the new tree went live.
    """
    result = result if result is not None else PublishResult()
    outdir = Path(os.path.realpath(outdir))
    check_output_path(outdir)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX_FORMAT.format(name=outdir.name), dir=outdir.parent))
    except OSError as error:
        raise OutputError(f"cannot create a temporary output directory next to {outdir}: {_reason(error)}") from None
    try:
        _assemble(staging, outdir, output, keep, result)
        if result.changed:
            # mkdtemp made it private; it takes the mode of the directory it replaces
            os.chmod(staging, stat.S_IMODE(outdir.stat().st_mode) if outdir.is_dir() else _default_directory_mode())
            _swap(staging, outdir, result)
        return result
    except OSError as error:
        raise OutputError(f"cannot publish {outdir}: {_reason(error)}") from None
    finally:
        # after a swap this is the old tree; before it, the unfinished new one
        remove_tree(staging)


def _default_directory_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _assemble(staging: Path, outdir: Path, output: SynthesizedOutput, keep: Collection[str],
              result: PublishResult) -> None:
    old_entries = _old_manifest_entries(outdir)
    old_stacks = outdir / STACKS_DIR
    (staging / STACKS_DIR).mkdir()
    entries: dict[str, Mapping[str, Any]] = {}
    for name in sorted(keep):
        if name in old_entries and name not in output.stacks and (old_stacks / name).is_dir():
            _link_tree(old_stacks / name, staging / STACKS_DIR / name)
            entries[name] = old_entries[name]
            result.kept.append(name)
    changed = False
    for name, stack in sorted(output.stacks.items()):
        same = _write_stack(stack, old_stacks / name, staging / STACKS_DIR / name)
        (result.unchanged if same and name in old_entries else result.written).append(name)
        changed |= not same
        entries[name] = stack.manifest_entry
    on_disk = {path.name for path in old_stacks.iterdir() if path.is_dir()} if old_stacks.is_dir() else set()
    result.removed = sorted((set(old_entries) | on_disk) - set(entries))
    if outdir.is_dir():
        for entry in sorted(outdir.iterdir()):
            if entry.name not in (MANIFEST, STACKS_DIR):
                _link_tree(entry, staging / entry.name)
    manifest = render_manifest(output.version, entries)
    changed |= _write_or_link(manifest, outdir / MANIFEST, staging / MANIFEST)
    result.changed = changed or bool(result.removed) or not outdir.is_dir()


def _old_manifest_entries(outdir: Path) -> dict[str, Mapping[str, Any]]:
    """The stacks the current ``manifest.json`` names; none when it is missing or unreadable (a
    damaged manifest is replaced, and stacks it cannot name are not kept)."""
    try:
        stacks = json.loads((outdir / MANIFEST).read_bytes())["stacks"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return dict(stacks) if isinstance(stacks, dict) else {}


def _write_stack(stack: SynthesizedStack, old_dir: Path, new_dir: Path) -> bool:
    """Write ``stack`` into ``new_dir`` with Terraform's files carried over from ``old_dir``; True when
    every synthesized file is byte-identical to the old one (those are linked, keeping their mtime)."""
    new_dir.mkdir(parents=True)
    same = True
    for relative, content in sorted(stack.files.items()):
        target = new_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        same &= not _write_or_link(content, old_dir / relative, target)
    if old_dir.is_dir():
        old_files = {path.name for path in old_dir.iterdir()}
        same &= not (old_files & SYNTHESIZED_NAMES) - set(stack.files)
        for name in sorted(old_files - SYNTHESIZED_NAMES - set(stack.files)):
            _link_tree(old_dir / name, new_dir / name)
    else:
        same = False
    return same


def _write_or_link(content: bytes, old: Path, new: Path) -> bool:
    """Link ``old`` to ``new`` when it already holds ``content``, else write ``content``; True when written."""
    try:
        if old.is_file() and old.stat().st_size == len(content) and old.read_bytes() == content:
            _link_file(old, new)
            return False
    except OSError:
        pass
    new.write_bytes(content)
    return True


def _link_tree(source: Path, target: Path) -> None:
    """Recreate ``source`` at ``target``: directories anew (same mode and times), files and symbolic
    links as hard links."""
    mode = source.lstat().st_mode
    if stat.S_ISLNK(mode):
        try:
            os.link(source, target, follow_symlinks=False)  # the link itself, not what it points to
        except OSError:
            os.symlink(os.readlink(source), target)
    elif stat.S_ISDIR(mode):
        target.mkdir()
        for child in sorted(source.iterdir()):
            _link_tree(child, target / child.name)
        shutil.copystat(source, target)
    elif stat.S_ISREG(mode):
        _link_file(source, target)
    else:
        raise OutputError(f"cannot carry {source} over: not a file, directory or symbolic link")


def _link_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links refused: a copy keeps contents and times
        shutil.copy2(source, target)


def _swap(staging: Path, outdir: Path, result: PublishResult) -> None:
    """Put ``staging`` at ``outdir`` in one step; afterwards ``staging`` holds the old tree (if any).

    SIGINT and SIGTERM are held meanwhile, so an interruption lands before the swap or after
    ``result.swapped`` is set, never between the renames of the fallback.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        if not outdir.exists():
            os.rename(staging, outdir)
        elif not _exchange(staging, outdir):
            _move_aside_and_rename(staging, outdir)
        result.swapped = True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two directories (Linux ``renameat2``); False where that is unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _move_aside_and_rename(staging: Path, outdir: Path) -> None:
    aside = staging.with_name(staging.name + ".old")
    os.rename(outdir, aside)
    try:
        os.rename(staging, outdir)
    except OSError:
        os.rename(aside, outdir)
        raise
    os.rename(aside, staging)


def remove_tree(path: Path) -> None:
    """Remove ``path`` completely, making read-only directories writable first where needed."""
    def retry_writable(function: Any, failed: str, _excinfo: Any) -> None:
        parent = os.path.dirname(failed)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
        function(failed)

    if os.path.lexists(path):
        try:
            shutil.rmtree(path, onerror=retry_writable)
        except OSError:
            shutil.rmtree(path, ignore_errors=True)


def _reason(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"

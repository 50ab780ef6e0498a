"""A content-addressed cache of synthesized stacks: an unchanged configuration is never synthesized twice.

The unit is an *owner*: the stacks built from one configuration file (``bootstrap`` and ``shared``
from ``shared.toml``; ``<env>`` and each ``<env>-app-<name>`` from ``<env>.toml``), which are synthesized
together because their policy suppressions are audited across them. An owner's key is the SHA-256
of everything that can change what cdktf writes for its stacks, erring on the side of rebuilding:

* the configuration files its stacks read. Every file the loader opened is a candidate (so a new
  kind of input file is covered without changes here); an environment's stacks are built from its
  own ``EnvironmentConfig`` alone, so the *other* environments' files are left out of its key.
  ``bootstrap`` and ``shared`` read every environment: their key covers all files;
* the construct library: every file under ``platform_constructs/`` (code and tier presets);
* the installed distributions (every ``*.dist-info`` on ``sys.path``: cdktf, the providers, jsii,
  constructs, pydantic, ...), the Python version, and the ``node`` executable the jsii kernel runs on;
* the environment variables cdktf reads during synth (``SYNTH_HCL_OUTPUT``, ``CDKTF_CONTEXT_JSON``).

An entry is one file ``<key>.entry``: a header line with the SHA-256 of the rest, then the stacks'
manifest entries and files as JSON. An entry whose content does not match its header, or that
names another key or other stacks, is treated as a miss, removed and rebuilt; it is never
published. Entries are written atomically (temporary file + rename). The least recently used
entries are removed once the cache exceeds its size bound. Nothing here imports cdktf.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_constructs.output import SynthesizedOutput, SynthesizedStack
from platformctl.env_vars import DEFAULT_SYNTH_CACHE_MAX_MB

#: Changes whenever the entry layout or what the key covers changes: older entries are never read.
FORMAT = "platform-synth-cache/1"
#: Size bound unless ``$PLATFORM_SYNTH_CACHE_MAX_MB`` sets one (:mod:`platformctl.env_vars`, which also names the
#: default directory, ``.cdktf-cache``; ``make clean`` removes it).
DEFAULT_MAX_BYTES = DEFAULT_SYNTH_CACHE_MAX_MB * 2**20
#: Environment variables cdktf's ``App`` reads while synthesizing (cdktf 0.21 ``lib/app.js``); the
#: others it reads (``CDKTF_OUTDIR``, ``CDKTF_TARGET_STACK_ID``) do not change a stack's files.
SYNTH_ENVIRONMENT = ("SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON")
_ENTRY_SUFFIX = ".entry"
_MODULE_SUFFIXES = (".py", ".pyc", ".pyi", ".so", ".pth")


class CacheEntryCorrupt(Exception):
    """An entry's content does not match its recorded hash, or names another key or other stacks."""


@dataclass(frozen=True)
class Fingerprint:
    """Everything besides the configuration files that a key covers; computed once per run."""

    source: str
    distributions: tuple[str, ...]
    python: str
    node: str
    environment: Mapping[str, Any]

    @classmethod
    def current(cls, package_dir: Path) -> Fingerprint:
        """The fingerprint of this process: ``package_dir`` is the construct library's source."""
        return cls(
            source=_tree_digest(package_dir),
            distributions=_distributions(),
            python=sys.version,
            node=_node_identity(),
            environment=synth_environment(os.environ),
        )


def synth_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The synth-relevant environment variables, normalised so equivalent settings share entries.

    ``SYNTH_HCL_OUTPUT`` counts as cdktf reads it (``"true"`` or not); ``CDKTF_CONTEXT_JSON``
    as the context it parses to, without an empty ``cdktfRelativeModules`` list: the cdktf CLI always
    passes one, ``python main.py`` never does, and cdktf reads it only for local modules (none here).
    """
    try:
        context = json.loads(environ.get("CDKTF_CONTEXT_JSON") or "{}")
    except ValueError:
        context = environ["CDKTF_CONTEXT_JSON"]  # cdktf fails on it; key on the raw text
    if isinstance(context, dict) and context.get("cdktfRelativeModules") == []:
        context = {key: value for key, value in context.items() if key != "cdktfRelativeModules"}
    return {"SYNTH_HCL_OUTPUT": environ.get("SYNTH_HCL_OUTPUT") == "true", "CDKTF_CONTEXT_JSON": context}


def owner_key(owner: str, stacks: Iterable[str], files: Mapping[str, bytes], fingerprint: Fingerprint) -> str:
    """The cache key of ``owner``'s ``stacks`` built from configuration ``files`` (label → content)."""
    document = {
        "format": FORMAT,
        "owner": owner,
        "stacks": sorted(stacks),
        "files": {label: hashlib.sha256(content).hexdigest() for label, content in sorted(files.items())},
        "source": fingerprint.source,
        "distributions": list(fingerprint.distributions),
        "python": fingerprint.python,
        "node": fingerprint.node,
        "environment": fingerprint.environment,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def files_read_by(owner: str, read: Mapping[str, bytes], environment_files: Mapping[str, str], *,
                  reads_every_file: bool, base: Path) -> dict[str, bytes]:
    """The configuration files ``owner``'s stacks depend on, out of every file the loader ``read``
    (absolute path → content), labelled relative to ``base`` where they lie below it.

    ``environment_files`` maps each environment to its own file; an owner that does not read every
    file leaves the other environments' files out. Relative labels let a copy of the configuration
    elsewhere share the entries.
    """
    others = set() if reads_every_file else {
        os.path.abspath(path) for name, path in environment_files.items() if name != owner}
    root = os.path.abspath(base) + os.sep
    return {(path[len(root):] if path.startswith(root) else path): content
            for path, content in read.items() if path not in others}


class SynthCache:
    """The entries in ``directory``; ``max_bytes`` bounds their total size (least recently used go first)."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{_ENTRY_SUFFIX}"

    def load(self, key: str, owner: str, stacks: Iterable[str]) -> SynthesizedOutput | None:
        """The stacks stored under ``key``, or ``None`` when there is no entry.

        Raises:
            CacheEntryCorrupt: the entry exists but is damaged; it has been removed.
        """
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            output = _decode(raw, key, owner, sorted(stacks))
        except CacheEntryCorrupt:
            path.unlink(missing_ok=True)
            raise
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return output

    def store(self, key: str, owner: str, output: SynthesizedOutput) -> None:
        """Store ``output`` (the stacks of ``owner``) under ``key``, then keep the cache within its bound.

        Stacks whose files are not UTF-8 text are not cached (cdktf writes text; anything else is
        rebuilt next time rather than stored in a second format).
        """
        try:
            body = json.dumps({
                "key": key,
                "owner": owner,
                "version": output.version,
                "stacks": {name: {"manifest_entry": stack.manifest_entry,
                                  "files": {relative: content.decode() for relative, content in stack.files.items()}}
                           for name, stack in sorted(output.stacks.items())},
            }, sort_keys=True).encode()
        except UnicodeDecodeError:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        header = f"sha256:{hashlib.sha256(body).hexdigest()}\n".encode()
        with tempfile.NamedTemporaryFile(dir=self.directory, prefix=f".{key}.", delete=False) as handle:
            handle.write(header + body)
        os.replace(handle.name, self._path(key))
        self._prune()

    def _prune(self) -> None:
        entries = []
        for path in self.directory.glob(f"*{_ENTRY_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                info = path.stat()
                entries.append((info.st_mtime_ns, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

    def clear(self) -> None:
        """Remove every entry (the directory itself)."""
        shutil.rmtree(self.directory, ignore_errors=True)


def _decode(raw: bytes, key: str, owner: str, stacks: list[str]) -> SynthesizedOutput:
    header, separator, body = raw.partition(b"\n")
    if not separator or header != f"sha256:{hashlib.sha256(body).hexdigest()}".encode():
        raise CacheEntryCorrupt("content does not match its hash")
    try:
        document = json.loads(body)
        if document["key"] != key or document["owner"] != owner or sorted(document["stacks"]) != stacks:
            raise CacheEntryCorrupt("the entry belongs to another key")
        return SynthesizedOutput(document["version"], {
            name: SynthesizedStack(name, stack["manifest_entry"],
                                   {relative: text.encode() for relative, text in stack["files"].items()})
            for name, stack in document["stacks"].items()
        })
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CacheEntryCorrupt(f"unreadable entry ({type(error).__name__})") from None


def _tree_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _distributions() -> tuple[str, ...]:
    found: set[str] = set()
    for entry in sys.path:
        with contextlib.suppress(OSError):
            found.update(name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
    return tuple(sorted(found))


def _node_identity() -> str:
    node = os.environ.get("JSII_NODE") or shutil.which("node")
    if node is None:
        return "no node"
    resolved = os.path.realpath(node)
    try:
        info = os.stat(resolved)
    except OSError:
        return resolved
    return f"{resolved}:{info.st_size}:{info.st_mtime_ns}"


_RECORDING: list[dict[str, bytes]] = []


@functools.cache
def _install_audit_hook() -> None:
    """An audit hook cannot be removed: one per process serves every recording."""
    sys.addaudithook(_record_open)


@contextlib.contextmanager
def recording_reads(ignore_under: Path) -> Iterator[dict[str, bytes]]:
    """Record every file opened for reading inside the block (path → content at close of the block).

    The configuration loader decides which files it reads; recording its opens (a ``sys`` audit
    hook) keeps the cache key right when it reads a new kind of file, without the loader telling
    anyone. Module files and files under ``ignore_under`` (the library's own source, covered by
    the source digest) are skipped.
    """
    _install_audit_hook()
    opened: dict[str, bytes] = {}
    _RECORDING.append(opened)
    try:
        yield opened
    finally:
        _RECORDING.remove(opened)
    ignored = os.path.abspath(ignore_under) + os.sep
    for path in list(opened):
        if path.startswith(ignored) or path.endswith(_MODULE_SUFFIXES) or not os.path.isfile(path):
            del opened[path]
            continue
        try:
            opened[path] = Path(path).read_bytes()
        except OSError:
            del opened[path]


def _record_open(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _RECORDING:
        return
    path, mode, flags = args
    writing = any(flag in mode for flag in "wax+") if isinstance(mode, str) else bool(
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR))
    if isinstance(path, int) or writing:
        return
    with contextlib.suppress(TypeError, ValueError):
        _RECORDING[-1].setdefault(os.path.abspath(os.fsdecode(os.fspath(path))), b"")

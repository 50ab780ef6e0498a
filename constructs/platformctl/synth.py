"""Synthesize the platform into ``cdktf.out`` (or ``$CDKTF_OUTDIR``): what is asked for, nothing twice,
all or nothing.

``run_synth`` is what ``main.py`` (the cdktf app) and ``platformctl synth`` run:

1. validate every configuration file, cross-file rules over all of them (exit 2 on any problem);
2. select the stacks to write: every stack, or those of ``--env``/``--stack`` (``$PLATFORM_STACKS``
   when ``main.py`` runs under ``cdktf synth|diff|deploy``, whose stack argument never reaches the
   app); an unknown name exits 2;
3. when a Terraform run against AWS follows (``cdktf deploy``), check the caller's AWS credentials
   (:mod:`platformctl.credentials`, which does not import cdktf either);
4. take the stacks of each selected stack's owner (the configuration file it is built from) from
   the cache, and synthesize the owners that miss in one cdktf app. cdktf (~15 s to import) is
   imported only when something misses;
5. publish: the selected stacks are written, every other configured stack stays exactly as it
   was, in one atomic rename (:mod:`platform_constructs.output`).

SIGINT and SIGTERM stop the run with one line and exit 130 INTERRUPTED / 143 TERMINATED; the output directory is then
either untouched or completely new, and the temporary output (``.cdktf.out.*`` and the jsii
kernel's directories, which live in a private temporary directory for the run) is removed.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import platform_constructs
from platform_constructs._internal.node import prefer_project_node
from platform_constructs.config.loader import Platform, load_platform
from platform_constructs.errors import ConfigError, ConstructValidationError
from platform_constructs.output import (
    OutputError,
    OutputPathError,
    PublishResult,
    SynthesizedOutput,
    check_output_path,
    publish,
    remove_tree,
)
from platform_constructs.stacks.names import stack_owners
from platformctl import env_vars
from platformctl.credentials import CredentialsProblem, check_credentials
from platformctl.exit_codes import ExitCode
from platformctl.synth_cache import (
    CacheEntryCorrupt,
    Fingerprint,
    SynthCache,
    files_read_by,
    owner_key,
    recording_reads,
)

# the one exit-code table (platformctl --help)
EXIT_OK = ExitCode.OK
EXIT_SYNTH_FAILED = ExitCode.FAILED
EXIT_INVALID_CONFIG = ExitCode.USAGE
EXIT_INTERRUPTED = ExitCode.INTERRUPTED
EXIT_TERMINATED = ExitCode.TERMINATED

#: cdktf's CLI sets it so error annotations do not fail synth; this app fails on them regardless.
CONTINUE_ON_ERRORS_VARIABLE = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"


class UsageError(Exception):
    """A selection that cannot be used; exit 2."""


class SynthFailed(Exception):
    """A stack failed to synthesize or could not be published; exit 1."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; a BaseException so no library's ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass(frozen=True)
class SynthSettings:
    """What to synthesize and where.

    Attributes:
        environments: owners whose every stack is written (``shared`` or environment names).
        stacks: stacks written, in addition to those of ``environments``; both empty: every stack.
        use_cache: read and write the cache.
        cache_dir: where the cache lives.
        cache_max_bytes: its size bound.
    """

    environments: tuple[str, ...]
    stacks: tuple[str, ...]
    use_cache: bool
    cache_dir: Path
    cache_max_bytes: int


def prepare_exit(code: int) -> int:
    """The last step of an entry point (``main.py``, ``platformctl synth``) before its process exits with ``code``.

    * The objects alive now (cdktf and the provider bindings: millions) go to the garbage
      collector's permanent generation, so the interpreter's exit does not traverse them again;
      that traversal took longer than the synth itself (``bench/synth.py``). Exit handlers (the
      jsii kernel's, the temporary directory's) still run.
    * After an interruption nothing more reaches stderr: a terminal's Ctrl-C reaches the jsii
      kernel's node processes too, and what they and the kernel's exit handler say while dying
      would follow the one line already printed.
    """
    gc.freeze()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        sys.stderr.flush()
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - stays open until the process exits
    return code


def _stderr_line(text: str) -> None:
    """``text`` as one line on stderr, in one write: the cdktf CLI logs every chunk it reads from the app as
    a log entry of its own, so a message written in pieces would arrive in pieces."""
    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()


def settings_from_environment(project_root: Path, environments: Collection[str] = (),
                              stacks: Collection[str] = (), no_cache: bool = False,
                              environ: Mapping[str, str] | None = None) -> SynthSettings:
    """Settings from command-line selections, falling back to the documented environment variables
    (:mod:`platformctl.env_vars`: ``PLATFORM_STACKS``, ``PLATFORM_SYNTH_CACHE``, ``PLATFORM_SYNTH_CACHE_DIR``,
    ``PLATFORM_SYNTH_CACHE_MAX_MB``)."""
    if not environments and not stacks:
        stacks = env_vars.synth_stacks(environ) or ()
    use_cache = env_vars.synth_cache_enabled(environ)
    return SynthSettings(
        environments=tuple(dict.fromkeys(environments)), stacks=tuple(dict.fromkeys(stacks)),
        use_cache=use_cache and not no_cache,
        cache_dir=env_vars.synth_cache_dir(project_root, environ),
        cache_max_bytes=env_vars.synth_cache_max_bytes(environ),
    )


def run_synth(project_root: Path, outdir: str | None = None, *, environments: Collection[str] = (),
              stacks: Collection[str] = (), no_cache: bool = False, credentials_for: str | None = None) -> int:
    """Validate, then synthesize and publish the selected stacks; print errors without tracebacks.

    ``credentials_for`` names what will use AWS after the synth (``cdktf deploy``): the caller's
    credentials are then checked once the configuration and selection are valid, before any stack is
    built or taken from the cache, in about a second instead of Terraform's half-minute wait.

    Returns an exit code: 0 published (or already up to date), 2 invalid configuration, selection,
    environment variable or output path, or no usable AWS credentials, 1 synthesis or publishing
    failed (or AWS STS unreachable for the check), 130 / 143 interrupted by SIGINT / SIGTERM. In
    every failure the previous output directory is left untouched.
    """
    published = PublishResult()
    try:
        with _signals_interrupt(), _private_temporary_directory():
            try:
                settings = settings_from_environment(project_root, environments, stacks, no_cache)
                target = Path(outdir) if outdir else env_vars.outdir(project_root)
                _synthesize(project_root, target, settings, published, credentials_for)
            except (UsageError, env_vars.EnvVarError, ConfigError, OutputPathError) as error:
                _stderr_line(f"error: {error}")
                return EXIT_INVALID_CONFIG
            except CredentialsProblem as problem:
                _stderr_line(f"error: {credentials_for} needs AWS credentials: {problem.message}")
                return int(problem.exit_code)
            except ConstructValidationError as error:
                _stderr_line(f"error: invalid construct props: {error}")
                return EXIT_INVALID_CONFIG
            except (SynthFailed, OutputError) as error:
                _stderr_line(f"error: {error}")
                return EXIT_SYNTH_FAILED
            return EXIT_OK
    except Interrupted as stop:
        state = "the new output was published" if published.swapped else "the output directory is unchanged"
        _stderr_line(f"error: synthesis interrupted by {stop}; {state}; temporary files removed")
        return EXIT_INTERRUPTED if stop.signum == signal.SIGINT else EXIT_TERMINATED


def _synthesize(project_root: Path, outdir: Path, settings: SynthSettings, published: PublishResult,
                credentials_for: str | None) -> None:
    environments_dir = env_vars.environments_dir(project_root)
    package_dir = Path(platform_constructs.__file__).parent
    with recording_reads(ignore_under=package_dir) as read:
        platform = load_platform(environments_dir)
    owners = stack_owners(platform)
    selected = select_stacks(platform, settings.environments, settings.stacks)
    check_output_path(outdir)
    if credentials_for is not None:
        check_credentials(platform.shared.aws.region)
    prefer_project_node(project_root)
    keys = _owner_keys(platform, owners, {owners[name] for name in selected}, read, environments_dir, package_dir)
    cache = SynthCache(settings.cache_dir, settings.cache_max_bytes)
    found = _cached(cache, keys, owners) if settings.use_cache else {}
    missing = sorted(set(keys) - set(found))
    built = _build(project_root, platform, missing) if missing else {}
    if settings.use_cache:
        _store(cache, keys, built)
    outputs = {**found, **built}
    version = next(iter(outputs.values())).version
    stacks = {name: outputs[owners[name]].stacks[name] for name in selected}
    publish(outdir, SynthesizedOutput(version, stacks), keep=set(owners) - set(selected), result=published)
    _report(outdir, published, built, found, owners)


def select_stacks(platform: Platform, environments: Collection[str], stacks: Collection[str]) -> list[str]:
    """The stacks to write: those of ``environments`` plus ``stacks``; every stack when both are empty."""
    owners = stack_owners(platform)
    configs = sorted(set(owners.values()))
    unknown_envs = [name for name in environments if name not in configs]
    if unknown_envs:
        raise UsageError(f"--env {', '.join(unknown_envs)}: no such configuration; known: {', '.join(configs)}")
    unknown_stacks = [name for name in stacks if name not in owners]
    if unknown_stacks:
        raise UsageError(f"stack {', '.join(unknown_stacks)}: not a stack of this configuration; "
                         f"known: {', '.join(sorted(owners))}")
    if not environments and not stacks:
        return sorted(owners)
    return sorted({name for name, owner in owners.items() if owner in environments} | set(stacks))


def _owner_keys(platform: Platform, owners: Mapping[str, str], wanted: Collection[str], read: Mapping[str, bytes],
                environments_dir: Path, package_dir: Path) -> dict[str, str]:
    fingerprint = Fingerprint.current(package_dir)
    environment_files = {name: platform.files[name] for name in platform.environments}
    keys = {}
    for owner in sorted(wanted):
        files = files_read_by(owner, read, environment_files, reads_every_file=owner not in platform.environments,
                              base=environments_dir)
        keys[owner] = owner_key(owner, [name for name, of in owners.items() if of == owner], files, fingerprint)
    return keys


def _cached(cache: SynthCache, keys: Mapping[str, str], owners: Mapping[str, str]) -> dict[str, SynthesizedOutput]:
    """The owners' stacks the cache holds; a damaged or unreadable entry is a miss (the cache only saves time)."""
    found = {}
    for owner, key in sorted(keys.items()):
        try:
            output = cache.load(key, owner, [name for name, of in owners.items() if of == owner])
        except CacheEntryCorrupt as damage:
            _stderr_line(f"warning: the cache entry of {owner} was damaged ({damage}); synthesizing it again")
            continue
        except OSError as error:
            _stderr_line(f"warning: cannot read the synth cache ({error}); synthesizing {owner}")
            continue
        if output is not None:
            found[owner] = output
    return found


def _store(cache: SynthCache, keys: Mapping[str, str], built: Mapping[str, SynthesizedOutput]) -> None:
    try:
        for owner, output in built.items():
            cache.store(keys[owner], owner, output)
    except OSError as error:
        _stderr_line(f"warning: cannot write the synth cache ({error}); the next synth builds these stacks again")


def _build(project_root: Path, platform: Platform, owners: list[str]) -> dict[str, SynthesizedOutput]:
    """Synthesize the stacks of ``owners`` in one cdktf app; one output per owner."""
    os.environ.pop(CONTINUE_ON_ERRORS_VARIABLE, None)  # before the jsii kernel starts with this environment
    from platform_constructs._internal.tf import jsii  # imports cdktf: ~15 s, only when something is missing
    from platform_constructs.app import synthesize_owners

    # An interrupt can arrive while the jsii kernel still writes into the scratch directory, so its
    # removal may meet a file created meanwhile ("Directory not empty"); what is left goes with the run's
    # private temporary directory at exit, once the kernel has stopped.
    with tempfile.TemporaryDirectory(prefix="synth-", ignore_cleanup_errors=True) as scratch:
        try:
            output = synthesize_owners(platform, owners, Path(scratch) / "cdktf.out")
        except (RuntimeError, jsii.errors.JSIIError) as error:  # validation and annotation errors are RuntimeErrors
            raise SynthFailed(f"synthesis failed: {error}") from None
    errors = [f"[{annotation['constructPath']}] {annotation['message']}"
              for stack in output.stacks.values() for annotation in stack.manifest_entry.get("annotations", ())
              if annotation.get("level") == "@cdktf/error"]
    if errors:  # only when cdktf was told to continue past them, before this process could unset that
        raise SynthFailed("synthesis failed: Encountered Annotations with level \"ERROR\":\n" + "\n".join(errors))
    owner_of = stack_owners(platform)
    return {owner: SynthesizedOutput(output.version, {name: stack for name, stack in output.stacks.items()
                                                      if owner_of[name] == owner})
            for owner in owners}


def _report(outdir: Path, published: PublishResult, built: Mapping[str, SynthesizedOutput],
            found: Mapping[str, SynthesizedOutput], owners: Mapping[str, str]) -> None:
    def names(outputs: Mapping[str, SynthesizedOutput]) -> str:
        return ", ".join(sorted(name for output in outputs.values() for name in output.stacks)) or "none"

    print(f"synthesized: {names(built)}; from cache: {names(found)}")
    done = "published" if published.swapped else "up to date"
    print(f"{outdir}: {done}; written: {', '.join(published.written) or 'none'}; "
          f"unchanged: {', '.join(published.unchanged) or 'none'}; "
          f"kept as they were: {', '.join(published.kept) or 'none'}"
          + (f"; removed: {', '.join(published.removed)}" if published.removed else ""))


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` once; further signals during the clean-up are
    ignored. Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised: list[int] = []

    def interrupt(signum: int, _frame: FrameType | None) -> None:
        if not raised:
            raised.append(signum)
            raise Interrupted(signum)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _private_temporary_directory() -> Iterator[Path]:
    """Point ``TMPDIR`` (and :mod:`tempfile`) at a directory of this run while it lasts.

    The jsii kernel, when it starts during the run, unpacks its runtime and assemblies there
    (``tmp*``, ``jsii-kernel-*``). The kernel lives as long as the process, so the directory is
    removed at exit, after the kernel's own exit handler (registered later, run earlier).
    """
    directory = Path(tempfile.mkdtemp(prefix="platform-synth-"))
    atexit.register(remove_tree, directory)
    previous_env, previous_module = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = tempfile.tempdir = str(directory)
    try:
        yield directory
    finally:
        tempfile.tempdir = previous_module
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env

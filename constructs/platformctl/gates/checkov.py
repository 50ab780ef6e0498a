"""The checkov gate: ``checkov --framework terraform_json --skip-download`` over every synthesized stack.

checkov ignores skip comments inside ``cdk.tf.json`` (its ``terraform_json`` runner passes no
skip list), so every accepted finding lives in one reviewed file at the repository root,
``checkov-skips.toml``. A skip names the check, where it applies (construct-path globs and/or
tiers) and why. A failed check passes the gate only when a skip covers it; a skip that covers
nothing fails the gate (it is stale). A skip scoped by tier alone may name only ``dev``: dev may
trade a check for cost. A skip that can apply to staging or prod must name the resources it
excuses: each glob a literal stack (or every application stack of a named environment, ``prod-app-*``)
and a construct (``prod/Postgres/*``), never ``*`` or ``prod/*``.

checkov runs from its own virtual environment (``.venv-tools``, ``make tools``) because it pins
boto3/packaging versions that conflict with the library's. This module never imports cdktf.

Command line: ``platformctl scan [--skips FILE] [--junit FILE]`` (``python -m platformctl.gates.checkov``
is an alias). Exit codes from the one table (``platformctl --help``): 0 OK the gate passed;
4 CHECK_FAILED failed checks without a skip, or stale skips; 2 USAGE invalid skips file or
configuration; 1 FAILED checkov missing or crashing.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_constructs.config.loader import Platform
from platform_constructs.config.schema import TIERS
from platform_constructs.stacks.names import APP_STACK_INFIX, stack_owners
from platformctl import env_vars
from platformctl.exit_codes import ExitCode

#: The reviewed skips file, at the repository root.
SKIPS_FILE = "checkov-skips.toml"
TOOLS_VENV = ".venv-tools"
MIN_REASON_LENGTH = 20
#: Tiers whose exceptions must name the resources they excuse.
PROTECTED_TIERS = frozenset({"staging", "prod"})
_WILDCARD = re.compile(r"[*?\[\]]")


class GateError(Exception):
    """The gate could not run: bad skips file, or checkov missing or crashing."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Skip:
    """One reviewed exception: ``check`` is accepted where ``paths`` and ``tiers`` both match."""

    index: int
    check: str
    reason: str
    paths: tuple[str, ...] = ()
    """Construct-path globs (``bootstrap/StateBucket-*/AccessLogsBucket``); empty = any resource."""
    tiers: tuple[str, ...] = ()
    """Tiers of the stacks it applies to; empty = any tier."""

    def covers(self, failure: Failure) -> bool:
        """Whether this skip accepts ``failure``."""
        return (failure.check == self.check
                and (not self.tiers or failure.tier in self.tiers)
                and (not self.paths or any(fnmatch.fnmatchcase(failure.path, glob) for glob in self.paths)))

    def describe(self) -> str:
        """``skip.N (CHECK at paths / tiers)`` for messages."""
        scope = ", ".join([*self.paths, *(f"tier {tier}" for tier in self.tiers)])
        return f"skip.{self.index} ({self.check} at {scope})"


@dataclass(frozen=True)
class Failure:
    """One failed checkov check on one resource of one stack."""

    check: str
    name: str
    stack: str
    tier: str
    address: str
    path: str
    skip: Skip | None = None

    def describe(self) -> str:
        """``CHECK stack path (address): name``."""
        return f"{self.check} {self.stack} {self.path} ({self.address}): {self.name}"


@dataclass
class GateResult:
    """Outcome of the gate over a set of stacks."""

    passed: int
    failures: list[Failure]
    stacks: set[str]
    """Stacks checkov reported on (passed or failed checks)."""
    stale_skips: list[Skip] = field(default_factory=list)

    @property
    def failed(self) -> list[Failure]:
        """Failures no skip accepts."""
        return [failure for failure in self.failures if failure.skip is None]

    @property
    def skipped(self) -> list[Failure]:
        """Failures accepted by a reviewed skip."""
        return [failure for failure in self.failures if failure.skip is not None]

    @property
    def ok(self) -> bool:
        """No unaccepted failure and no stale skip."""
        return not self.failed and not self.stale_skips

    def summary(self) -> str:
        """Human-readable report: counts, then each failure, skip and stale skip."""
        lines = [f"checkov gate over {len(self.stacks)} stacks: {self.passed} passed, {len(self.failed)} failed, "
                 f"{len(self.skipped)} skipped"
                 f"{f', {len(self.stale_skips)} stale skip(s)' if self.stale_skips else ''}"]
        lines += [f"  FAILED  {failure.describe()}" for failure in self.failed]
        lines += [f"  skipped {failure.describe()} – {failure.skip.describe()}: {failure.skip.reason}"
                  for failure in self.skipped if failure.skip is not None]
        lines += [f"  STALE   {skip.describe()} accepts no failed check; remove it from {SKIPS_FILE}"
                  for skip in self.stale_skips]
        return "\n".join(lines)


def load_skips(path: Path) -> list[Skip]:
    """Parse and validate the skips file; every problem is reported at once (exit 2, no traceback)."""
    data = _read_skips_file(path)
    unknown = sorted(set(data) - {"skip"})
    problems = [f"{path}: {key}: unknown key; allowed: skip" for key in unknown]
    entries = data.get("skip", [])
    if not isinstance(entries, list):
        problems.append(f"{path}: skip = {entries!r}: must be an array of [[skip]] tables")
        entries = []
    skips = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"{path}: skip.{index} = {entry!r}: must be a [[skip]] table")
            continue
        found, skip = _skip_from(index, entry)
        problems += [f"{path}: skip.{index}.{problem}" for problem in found]
        if skip is not None:
            skips.append(skip)
    if problems:
        raise GateError("invalid checkov skips:\n" + "\n".join(f"  - {p}" for p in problems), ExitCode.USAGE)
    return skips


def _read_skips_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text)
    except IsADirectoryError:
        reason = "is a directory, not the skips file"
    except FileNotFoundError:
        reason = "does not exist" if not path.is_symlink() else "is a symbolic link to a missing file"
    except OSError as error:
        reason = f"cannot be read: {error.strerror or error}"
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text (offset {error.start})"
    except tomllib.TOMLDecodeError as error:
        reason = f"is not valid TOML: {error}"
    except RecursionError:
        reason = "nests arrays or inline tables too deeply to read"
    raise GateError(f"{path}: the checkov skips file {reason}", ExitCode.USAGE)


def _skip_from(index: int, entry: Mapping[str, Any]) -> tuple[list[str], Skip | None]:
    problems = [f"{key}: unknown key; allowed: check, paths, reason, tiers"
                for key in sorted(set(entry) - {"check", "paths", "reason", "tiers"})]
    check, reason = entry.get("check"), entry.get("reason")
    paths, tiers = entry.get("paths", []), entry.get("tiers", [])
    if not (isinstance(check, str) and re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", check)):
        problems.append(f"check = {check!r}: must be a checkov check id such as CKV_AWS_144")
    if not (isinstance(reason, str) and len(reason.strip()) >= MIN_REASON_LENGTH):
        problems.append(f"reason = {reason!r}: must say why the check does not apply "
                        f"(at least {MIN_REASON_LENGTH} characters)")
    paths_ok = isinstance(paths, list) and all(isinstance(glob, str) and glob.strip() for glob in paths)
    if not paths_ok:
        problems.append(f"paths = {paths!r}: must be a list of construct-path globs")
    tiers_ok = isinstance(tiers, list) and all(isinstance(tier, str) and tier in TIERS for tier in tiers)
    if not tiers_ok:
        problems.append(f"tiers = {tiers!r}: must be a list of {', '.join(TIERS)}")
    elif not paths and set(tiers) != {"dev"}:
        problems.append(f"tiers = {tiers!r}: a skip without paths may only name tier dev; "
                        "staging and prod exceptions must list the resources they excuse")
    elif paths_ok and (not tiers or set(tiers) & PROTECTED_TIERS):
        problems += [f"paths = {paths!r}: {glob!r} does not name the resources it excuses; a skip that applies to "
                     "staging or prod needs the stack and a construct in each glob, e.g. prod/Postgres/*"
                     for glob in paths if not _names_resources(glob)]
    if problems or not isinstance(check, str) or not isinstance(reason, str):
        return problems, None
    return [], Skip(index, check, reason.strip(), tuple(paths), tuple(tiers))


def _names_resources(glob: str) -> bool:
    """Whether a construct-path glob names a stack and a construct: ``prod/Postgres*/…``, not ``*`` or ``prod/*``.

    The stacks may also be every application stack of one named environment (``prod-app-*/EntryApi*/…``):
    one application's construct is the same kind of resource in every application's stack, and a new
    application then needs no new skip."""
    stack, _, rest = glob.partition("/")
    construct = rest.split("/", 1)[0]
    literal = re.sub(r"\[[^\]]*\]|[*?]", "", construct)
    environment, infix, app = stack.partition(APP_STACK_INFIX)
    named = environment if infix and app == "*" else stack
    return bool(named) and not _WILDCARD.search(named) and bool(literal)


def checkov_executable(root: Path) -> str:
    """The checkov to run: ``$PLATFORM_CHECKOV``, the tools venv's, or the one on PATH."""
    try:
        configured = env_vars.checkov()
    except env_vars.EnvVarError as error:
        raise GateError(str(error), ExitCode.USAGE) from None
    candidates = [configured] if configured else [str(root / TOOLS_VENV / "bin" / "checkov"), "checkov"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise GateError(f"checkov not found (looked for {', '.join(candidates)}); run `make tools` "
                    f"or set {env_vars.PLATFORM_CHECKOV.name}", ExitCode.FAILED)


def run_checkov(executable: str, stacks_dir: Path) -> list[dict[str, Any]]:
    """checkov's JSON reports (one per framework) over ``stacks_dir``."""
    argv = [executable, "--directory", str(stacks_dir), "--framework", "terraform_json", "--skip-download",
            "--output", "json"]
    # An empty working directory: checkov would otherwise pick up a .checkov.yaml found there.
    process = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=stacks_dir)
    try:
        reports = json.loads(process.stdout)
    except json.JSONDecodeError:
        raise GateError(f"checkov exited {process.returncode} without a JSON report:\n{process.stderr[-2000:]}",
                        ExitCode.FAILED) from None
    return reports if isinstance(reports, list) else [reports]


def resource_index(stack_json: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Logical name → (resource type, construct path) of every resource in a ``cdk.tf.json``."""
    index = {}
    for resource_type, resources in stack_json.get("resource", {}).items():
        for name, body in resources.items():
            index[name] = (resource_type, body.get("//", {}).get("metadata", {}).get("path", name))
    return index


def failures_of(reports: Iterable[Mapping[str, Any]], stacks_dir: Path,
                tiers: Mapping[str, str]) -> tuple[int, list[Failure], set[str]]:
    """Passed count, failed checks (located by stack and construct path) and stacks reported on.

    checkov names resources ``resource.<name>`` (single-resource checks) or ``<type>.<name>``
    (graph checks); both are looked up in the stack's JSON to find the construct path.
    """
    passed, failures, indexes, stacks = 0, [], {}, set()
    for report in reports:
        passed += int(report.get("summary", {}).get("passed", 0))
        results = report.get("results", {})
        stacks |= {Path(result["file_path"]).parent.name for result in results.get("passed_checks", [])}
        for result in results.get("failed_checks", []):
            stack = Path(result["file_path"]).parent.name
            if stack not in tiers:
                raise GateError(f"stack {stack} belongs to no configuration file", ExitCode.USAGE)
            if stack not in indexes:
                indexes[stack] = resource_index(json.loads((stacks_dir / stack / "cdk.tf.json").read_text()))
            name = result["resource"].split(".", 1)[1]
            resource_type, path = indexes[stack].get(name, (result["resource"].split(".", 1)[0], name))
            failures.append(Failure(check=result["check_id"], name=result["check_name"], stack=stack,
                                    tier=tiers[stack], address=f"{resource_type}.{name}", path=path))
            stacks.add(stack)
    return passed, failures, stacks


def apply_skips(passed: int, failures: list[Failure], stacks: set[str], skips: list[Skip]) -> GateResult:
    """Pair each failure with the first skip that covers it; skips that cover nothing are stale."""
    located = [
        Failure(**{**failure.__dict__, "skip": next((skip for skip in skips if skip.covers(failure)), None)})
        for failure in failures
    ]
    used = {failure.skip.index for failure in located if failure.skip is not None}
    return GateResult(passed, located, stacks, [skip for skip in skips if skip.index not in used])


def stack_tiers(platform: Platform) -> dict[str, str]:
    """Stack name → tier of the configuration that owns it (``bootstrap`` and ``shared`` belong to
    shared.toml, ``<env>`` and ``<env>-app-<name>`` to their environment)."""
    configs = dict(platform.configs())
    return {stack: configs[owner].tier for stack, owner in stack_owners(platform).items()}


def scan(stacks_dir: Path, platform: Platform, skips_file: Path, root: Path) -> GateResult:
    """Run the whole gate: checkov over ``stacks_dir``, then the reviewed skips."""
    skips = load_skips(skips_file)
    reports = run_checkov(checkov_executable(root), stacks_dir)
    passed, failures, stacks = failures_of(reports, stacks_dir, stack_tiers(platform))
    return apply_skips(passed, failures, stacks, skips)


def main(argv: list[str] | None = None) -> int:
    """``python -m platformctl.gates.checkov ARGS``: an alias of ``platformctl scan ARGS``."""
    import sys

    from platformctl.main import main as platformctl

    return platformctl(["scan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())

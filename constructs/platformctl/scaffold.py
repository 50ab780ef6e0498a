"""Scaffolding: a new application or a new environment written into ``environments/``, valid at once.

The files are edited as text (the repository has no TOML writer that keeps comments): an application is
a table appended to each environment file plus, in ``shared.toml``, its name in ``[registry] repositories``
and its source repository (``[ci.applications.<name>]``, which its release job builds); an environment
is a new file plus its entry appended to the account registry. Whether the result is valid is the
loader's to say, not ours: every write is judged by :func:`load_platform` over the whole directory,
and on any problem every touched file is put back as it was (:class:`Rollback`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from platform_constructs.config.accounts import ACCOUNTS_FILE
from platform_constructs.config.loader import SHARED_FILE, Platform, load_platform
from platform_constructs.errors import Problem, toml_value
from platform_constructs.k8s.workload_props import AppName
from platform_constructs.naming import Naming
from platform_constructs.registry.ecr_props import repository_uri

#: A TOML bare key; anything else is written quoted (and then judged by the schema).
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
#: The ``repositories = [...]`` line(s) of shared.toml's ``[registry]`` table.
_REPOSITORIES = re.compile(r"^(repositories\s*=\s*\[)(?P<items>[^\]]*)\]", re.MULTILINE)
#: A table header line, e.g. ``[registry]`` or ``[[policy.suppressions]]``.
_HEADER = re.compile(r"^\s*\[", re.MULTILINE)


class ScaffoldRefused(Exception):
    """The request cannot be written: an existing name, or files that are not valid afterwards; ``problems``
    lists every reason, the request's own (its arguments: ``NAME``, ``--envs``, ...) or the configuration's."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"  - {problem}" for problem in self.problems))


@dataclass
class Rollback:
    """The original content of every file written (``None``: it did not exist), to put back on failure."""

    originals: dict[Path, str | None] = field(default_factory=dict)

    def write(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path``, remembering what was there first."""
        if path not in self.originals:
            self.originals[path] = path.read_text() if path.exists() else None
        path.write_text(text)

    def restore(self) -> None:
        """Every written file as it was; created files removed."""
        for path, original in self.originals.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(original)


@contextmanager
def _validated(directory: Path) -> Iterator[Rollback]:
    """Writes that stand only if the whole configuration in ``directory`` still loads afterwards."""
    from platform_constructs.errors import ConfigError

    rollback = Rollback()
    try:
        yield rollback
        load_platform(directory)
    except ConfigError as error:
        rollback.restore()
        raise ScaffoldRefused([replace(problem, message=f"{problem.message} (nothing was written)")
                               for problem in error.problems]) from None
    except BaseException:
        rollback.restore()
        raise


def toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, else a quoted string."""
    return name if _BARE_KEY.match(name) else json.dumps(name)


def image_repository(platform: Platform, app: str) -> str:
    """The image repository URI of application ``app``: the ECR repository ``<prefix>-shared-<app>`` of the
    shared (tooling) account, the only kind of repository an environment accepts."""
    shared = platform.shared
    return repository_uri(shared.aws.account_id, shared.aws.region, Naming(shared.naming.prefix, shared.name), app)


@dataclass(frozen=True)
class NewApp:
    """``platformctl new-app``: what to add."""

    name: str
    port: int = 8080
    health_path: str = "/healthz"
    environments: tuple[str, ...] | None = None
    """Environment names; ``None``: every environment."""
    source: str | None = None
    """Git URL of the application's repository; required unless ``shared.toml`` already names one."""
    main_branch: str = "main"
    """The branch whose commits may be promoted beyond dev (with ``source``)."""


def add_app(directory: Path, request: NewApp) -> list[Path]:
    """Add ``[apps.<name>]`` to each chosen environment file, and the image repository and the source
    repository (``[ci.applications.<name>]``) to ``shared.toml`` where it does not name them yet.

    Returns the files written. Raises :class:`ScaffoldRefused` (nothing written) for an existing
    application, an unknown environment, a missing source, or any problem of the resulting configuration.
    """
    platform = load_platform(directory)
    try:
        TypeAdapter(AppName).validate_python(request.name)
    except ValidationError as error:
        raise ScaffoldRefused([Problem("scaffold.app-name", f"apps.{toml_key(request.name)}", request.name,
                                       f"{error.errors()[0]['msg']} (lower-case letters, digits and -, at most 32)")
                               ]) from None
    chosen = request.environments if request.environments is not None else tuple(sorted(platform.environments))
    known_environments = ", ".join(sorted(platform.environments))
    unknown = [Problem("scaffold.unknown-environment", "--envs", name,
                       f"names no environment; known: {known_environments}")
               for name in chosen if name not in platform.environments]
    if unknown:
        raise ScaffoldRefused(unknown)
    existing = [Problem("scaffold.app-exists", "NAME", request.name,
                        f"is already an application of {platform.files[name]} ([apps.{toml_key(request.name)}]); "
                        "edit it there")
                for name in chosen if request.name in platform.environments[name].apps]
    if existing:
        raise ScaffoldRefused(existing)
    known = platform.shared.ci.applications.get(request.name)
    table = f"[ci.applications.{toml_key(request.name)}]"
    if request.source is None and known is None:
        raise ScaffoldRefused([Problem("scaffold.source-required", "--source", None,
                                       f"required: {SHARED_FILE} names no source repository for {request.name} "
                                       f"({table}); give its git URL, which its release job builds")])
    if request.source is not None and known is not None and request.source != known.repository:
        raise ScaffoldRefused([Problem("scaffold.source-differs", "--source", request.source,
                                       f"{SHARED_FILE} {table} already names {known.repository}; edit it there")])
    repository = image_repository(platform, request.name)
    written = []
    with _validated(directory) as rollback:
        shared = directory / SHARED_FILE
        text = shared.read_text()
        if request.name not in platform.shared.registry.repositories:
            text = with_repository(text, request.name, platform.shared.registry.repositories)
        if request.source is not None and known is None:
            text = _appended(text, _source_table(request, request.source))
        if text != shared.read_text():
            rollback.write(shared, text)
            written.append(shared)
        for name in chosen:
            env = platform.environments[name]
            # two pods where the tier rolls out with zero downtime: a node drain must not take the only one
            replicas = 2 if env.rollout.zero_downtime else 1
            path = Path(platform.files[name])
            rollback.write(path, _appended(path.read_text(), _app_table(request, repository, replicas)))
            written.append(path)
    return written


def _app_table(request: NewApp, repository: str, replicas: int) -> str:
    health = json.dumps(request.health_path)
    return (f"# Added by `platformctl new-app {request.name}`: "
            "how it rolls out comes from the tier's [rollout] preset.\n"
            f"[apps.{toml_key(request.name)}]\n"
            f"image_repository = {json.dumps(repository)}\n"
            f"port = {request.port}\n"
            f"readiness = {{ http_get = {health} }}\n"
            f"liveness = {{ http_get = {health} }}\n"
            f"replicas = {replicas}\n")


def _source_table(request: NewApp, source: str) -> str:
    return (f"# Added by `platformctl new-app {request.name}`: the repository its release job builds.\n"
            f"[ci.applications.{toml_key(request.name)}]\n"
            f"repository = {json.dumps(source)}\n"
            f"main_branch = {json.dumps(request.main_branch)}\n")


def with_repository(text: str, name: str, effective: Sequence[str]) -> str:
    """``shared.toml`` with ``name`` added to ``[registry] repositories``, the rest of the text untouched."""
    registry = re.search(r"^\[registry\][ \t]*$", text, re.MULTILINE)
    if registry is None:
        listed = ", ".join(json.dumps(item) for item in (*effective, name))
        return _appended(text, f"# One repository per image (platformctl new-app adds to it).\n[registry]\n"
                               f"repositories = [{listed}]\n")
    following = _HEADER.search(text, registry.end())
    section_end = following.start() if following else len(text)
    match = _REPOSITORIES.search(text, registry.end(), section_end)
    if match is None:  # the table takes the preset's list today: write it out with the new name
        listed = ", ".join(json.dumps(item) for item in (*effective, name))
        return f"{text[:registry.end()]}\nrepositories = [{listed}]{text[registry.end():]}"
    items = match.group("items").rstrip()
    separator = "" if not items.strip() else ("" if items.endswith(",") else ",") + " "
    return f"{text[:match.start('items')]}{items}{separator}{json.dumps(name)}]{text[match.end():]}"


def _appended(text: str, block: str) -> str:
    return f"{text.rstrip()}\n\n{block}"


@dataclass(frozen=True)
class NewEnvironment:
    """``platformctl new-env``: what to add."""

    name: str
    tier: str
    account_id: str
    cidr: str
    region: str | None = None
    """Default: the shared configuration's region."""
    domain: str | None = None
    """Default: ``<name>.<parent zone>``."""


def add_environment(directory: Path, request: NewEnvironment) -> list[Path]:
    """Write ``<name>.toml`` and register its account in ``accounts.toml``.

    Returns the files written. Raises :class:`ScaffoldRefused` (nothing written) for an existing
    environment or account, or any problem of the resulting configuration (the registry's tier rules
    included).
    """
    platform = load_platform(directory)
    path = directory / f"{request.name}.toml"
    problems = []
    if not _BARE_KEY.match(request.name):
        problems.append(Problem("scaffold.environment-name", "NAME", request.name,
                                "an environment name is a file name: lower-case letters and digits"))
    elif path.exists() or request.name in platform.files:
        problems.append(Problem("scaffold.environment-exists", "NAME", request.name,
                                f"is already an environment ({path}); choose another name"))
    holder = platform.accounts.entry(request.account_id)
    if holder is not None:
        problems.append(Problem("scaffold.account-taken", "--account", request.account_id,
                                f"already holds environment {toml_value(holder.environment)} "
                                f"({directory / ACCOUNTS_FILE}); one account holds one environment"))
    if problems:
        raise ScaffoldRefused(problems)
    accounts = directory / ACCOUNTS_FILE
    with _validated(directory) as rollback:
        rollback.write(path, _environment_file(platform, request))
        rollback.write(accounts, _appended(accounts.read_text(), _account_entry(request)))
    return [path, accounts]


def _environment_file(platform: Platform, request: NewEnvironment) -> str:
    shared = platform.shared
    region = request.region or shared.aws.region
    parent = shared.parent_zone.domain if shared.parent_zone is not None else None
    domain = request.domain or (f"{request.name}.{parent}" if parent else f"{request.name}.invalid")
    key_prefix = f"{shared.state.key_prefix.rpartition('/')[0] or shared.state.key_prefix}/{request.name}"
    tags = shared.tags
    lines = [
        f"# Written by `platformctl new-env {request.name}`. Everything not set here comes from the "
        f"{request.tier} tier preset",
        "# (platform_constructs/config/presets); add [apps.<name>] tables with `platformctl new-app`.",
        f"name = {json.dumps(request.name)}",
        f"tier = {json.dumps(request.tier)}",
        "",
        "[aws]",
        f"account_id = {json.dumps(request.account_id)}",
        f"region = {json.dumps(region)}",
    ]
    if shared.aws.deploy_role_name is not None:
        lines.append(f"deploy_role_name = {json.dumps(shared.aws.deploy_role_name)}")
    lines += [
        "",
        "[naming]",
        f"prefix = {json.dumps(shared.naming.prefix)}",
        "",
        "# Copied from shared.toml: set the environment's own owner and cost center.",
        "[tags]",
        f"Owner = {json.dumps(tags.owner)}",
        f"CostCenter = {json.dumps(tags.cost_center)}",
        f"DataClassification = {json.dumps(tags.data_classification)}",
        "",
        "# Every state object lives in the shared state bucket, in the bootstrap region.",
        "[state]",
        f"bucket = {json.dumps(shared.state.bucket)}",
        f"region = {json.dumps(shared.state.region)}",
        f"key_prefix = {json.dumps(key_prefix)}",
        "",
        "# Delegated from [parent_zone] in shared.toml.",
        "[dns]",
        f"domain = {json.dumps(domain)}",
        "",
        "# Must not overlap another environment's range.",
        "[network]",
        f"cidr = {json.dumps(request.cidr)}",
    ]
    if shared.aws.deploy_role_name is not None:
        lines += ["", "# The deploy role applies the application stacks, whose namespaces are cluster-scoped: it "
                      "administers the cluster.", "[eks]", f"admin_roles = [{json.dumps(shared.aws.deploy_role_name)}]"]
    return "\n".join(lines) + "\n"


def _account_entry(request: NewEnvironment) -> str:
    return (f"# Added by `platformctl new-env {request.name}`.\n"
            f"[accounts.{toml_key(request.account_id)}]\n"
            f"environment = {json.dumps(request.name)}\n"
            f"tier = {json.dumps(request.tier)}\n")

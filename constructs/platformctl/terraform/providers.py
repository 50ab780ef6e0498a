"""Which Terraform providers this machine can install, and from where.

A provider filesystem mirror holds some providers, in some versions, for some platforms. Terraform
reads two layouts below the mirror directory (its CLI configuration documentation, "Provider
Installation"):

- unpacked: ``HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/`` (a directory holding the plugin binary);
- packed: ``HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip``.

:class:`ProviderMirror` reads both the way Terraform does (a symlink is followed only as the
mirror itself or as the last path element), so the CLI configuration can send to the mirror
exactly the providers it holds and leave every other one to its registry. :class:`Availability`
tells, before Terraform runs, which providers a stack needs that cannot be installed here: not
in the mirror in the pinned version, and their registry unreachable.
"""

from __future__ import annotations

import functools
import platform as host_platform
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_REGISTRY_HOST = "registry.terraform.io"
DEFAULT_NAMESPACE = "hashicorp"
#: Seconds the registry probe waits for an answer: long enough for a slow proxy, short next to a synth.
REGISTRY_PROBE_TIMEOUT_S = 5.0

_GO_OS = {"linux": "linux", "darwin": "darwin", "windows": "windows", "freebsd": "freebsd", "openbsd": "openbsd"}
_GO_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386",
            "i686": "386", "armv7l": "arm", "armv6l": "arm"}
_NAME_PART = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PLATFORM = re.compile(r"^[a-z0-9]+_[a-z0-9]+$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_EXACT_CONSTRAINT = re.compile(r"^\s*=?\s*v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\s*$")


def current_platform() -> str:
    """This machine as Terraform names platforms (``linux_amd64``, ``darwin_arm64``, ...)."""
    system = host_platform.system().lower()
    machine = host_platform.machine().lower()
    return f"{_GO_OS.get(system, system)}_{_GO_ARCH.get(machine, machine)}"


@dataclass(frozen=True, order=True)
class ProviderAddress:
    """A provider's source address, ``HOSTNAME/NAMESPACE/TYPE``, normalized to lower case."""

    hostname: str
    namespace: str
    type: str

    @classmethod
    def parse(cls, source: str) -> ProviderAddress:
        """``aws``, ``hashicorp/aws`` or ``registry.terraform.io/hashicorp/aws`` (Terraform's defaults fill in)."""
        parts = source.strip().lower().split("/")
        if len(parts) == 1:
            parts = [DEFAULT_REGISTRY_HOST, DEFAULT_NAMESPACE, *parts]
        elif len(parts) == 2:
            parts = [DEFAULT_REGISTRY_HOST, *parts]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{source!r} is not a provider source address (HOSTNAME/NAMESPACE/TYPE)")
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.hostname}/{self.namespace}/{self.type}"

    @property
    def short(self) -> str:
        """``hashicorp/aws`` for the default registry, the full address otherwise."""
        return f"{self.namespace}/{self.type}" if self.hostname == DEFAULT_REGISTRY_HOST else str(self)


@dataclass(frozen=True)
class ProviderMirror:
    """What a filesystem mirror holds for one platform.

    Attributes:
        path: the mirror directory (the one holding the hostname directories).
        platform: the platform the packages are listed for (``linux_amd64``).
        packages: provider address → versions available for ``platform``, in either layout.
    """

    path: Path
    platform: str
    packages: Mapping[ProviderAddress, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def scan(cls, path: Path, platform: str | None = None) -> ProviderMirror:
        """Read the mirror at ``path`` as Terraform does; entries for other platforms are left out."""
        target = platform or current_platform()
        found: dict[ProviderAddress, set[str]] = {}
        root = Path(path).resolve()  # only the mirror itself may be a symlink
        for type_dir in _real_dirs(_real_dirs(_real_dirs([root]))):
            host, namespace = type_dir.parent.parent.name, type_dir.parent.name
            address = ProviderAddress(host.lower(), namespace.lower(), type_dir.name.lower())
            if not (_NAME_PART.match(address.namespace) and _NAME_PART.match(address.type)):
                continue
            for entry in sorted(type_dir.iterdir()):
                version = _unpacked_version(entry, target) if entry.is_dir() and not entry.is_symlink() else \
                    _packed_version(entry, address.type, target)
                if version is not None:
                    found.setdefault(address, set()).add(version)
        return cls(Path(path), target, {address: frozenset(versions) for address, versions in sorted(found.items())})

    def versions(self, address: ProviderAddress) -> frozenset[str]:
        """Versions of ``address`` the mirror holds for :attr:`platform` (empty: not held)."""
        return self.packages.get(address, frozenset())

    def describe(self) -> str:
        """``hashicorp/aws 5.100.0`` for each held provider, or ``nothing``."""
        held = [f"{address.short} {', '.join(sorted(versions))}" for address, versions in self.packages.items()]
        return "; ".join(held) or "nothing"


def _real_dirs(parents: Iterable[Path]) -> list[Path]:
    """Subdirectories that are not symlinks (Terraform follows none inside the hierarchy)."""
    return [child for parent in parents for child in sorted(parent.iterdir())
            if child.is_dir() and not child.is_symlink()]


def _unpacked_version(version_dir: Path, platform: str) -> str | None:
    """``VERSION/OS_ARCH/``: the last element may be a symlink to a directory."""
    if not _VERSION.match(version_dir.name):
        return None
    return version_dir.name if (version_dir / platform).is_dir() else None


def _packed_version(archive: Path, type_name: str, platform: str) -> str | None:
    """``terraform-provider-TYPE_VERSION_OS_ARCH.zip`` (matched case-insensitively, like Terraform)."""
    name = archive.name.lower()
    prefix, suffix = f"terraform-provider-{type_name}_", ".zip"
    if not (archive.is_file() and name.startswith(prefix) and name.endswith(suffix)):
        return None
    version, _, target = name[len(prefix):-len(suffix)].partition("_")
    return version if _VERSION.match(version) and _PLATFORM.match(target) and target == platform else None


@dataclass(frozen=True)
class RequiredProvider:
    """One entry of a stack's ``terraform.required_providers``."""

    local_name: str
    address: ProviderAddress
    version: str
    """The version constraint as written (the synthesized stacks pin exact versions)."""

    @property
    def pinned_version(self) -> str | None:
        """The exact version when the constraint names one, else ``None``."""
        match = _EXACT_CONSTRAINT.match(self.version)
        return match.group(1) if match else None

    def __str__(self) -> str:
        return f"{self.address.short} {self.version}".strip()


def required_providers(document: Mapping[str, Any]) -> list[RequiredProvider]:
    """The providers a synthesized ``cdk.tf.json`` requires, in its order."""
    entries = document.get("terraform", {}).get("required_providers", {})
    return [RequiredProvider(name, ProviderAddress.parse(entry.get("source") or name), entry.get("version", ""))
            for name, entry in entries.items()]


@dataclass(frozen=True)
class Unavailable:
    """A provider a stack requires that cannot be installed on this machine, and what would fix that."""

    provider: RequiredProvider
    reason: str
    remedy: str


RegistryProbe = Callable[[str], str | None]
"""``probe(hostname)``: ``None`` when the registry answers, else why not."""


@functools.cache
def probe_registry(hostname: str) -> str | None:
    """Whether registry ``hostname``'s service discovery document can be fetched (proxies honoured, as by Terraform).

    Cached per process: one validate run asks once per registry.
    """
    url = f"https://{hostname}/.well-known/terraform.json"
    try:
        with urllib.request.urlopen(url, timeout=REGISTRY_PROBE_TIMEOUT_S) as response:
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{url}: {reason}"
    return None


@dataclass(frozen=True)
class Availability:
    """Which required providers this machine can install: from the mirror, else from their registry.

    Mirrors the routing of :func:`platformctl.terraform.cli.cli_config_text`: a provider the mirror
    holds installs from the mirror only (in the versions it holds); any other from its registry.
    """

    mirror: ProviderMirror | None
    probe: RegistryProbe = probe_registry

    def unavailable(self, providers: Iterable[RequiredProvider], stack_dir: Path | None = None) -> list[Unavailable]:
        """The providers among ``providers`` that ``terraform init`` could not install here.

        ``stack_dir`` (a synthesized stack requiring them) makes the suggested ``providers mirror`` command concrete.
        """
        directory = str(stack_dir) if stack_dir is not None else "cdktf.out/stacks/<stack>"
        return [problem for provider in providers if (problem := self._check(provider, directory)) is not None]

    def _check(self, provider: RequiredProvider, stack_dir: str) -> Unavailable | None:
        mirror = self.mirror
        if mirror is not None and (held := mirror.versions(provider.address)):
            if provider.pinned_version in (None, *held):
                return None
            return Unavailable(
                provider,
                f"the provider mirror {mirror.path} holds {provider.address.short} {', '.join(sorted(held))} only, "
                "and the CLI configuration installs it from there",
                self._mirror_remedy(provider, stack_dir))
        failure = self.probe(provider.address.hostname)
        if failure is None:
            return None
        where = (f"it is not in the provider mirror {mirror.path} (which holds {mirror.describe()} for "
                 f"{mirror.platform})" if mirror is not None else "there is no provider mirror")
        remedy = f"run where {provider.address.hostname} is reachable, or {self._mirror_remedy(provider, stack_dir)}"
        return Unavailable(provider, f"{where}, and its registry cannot be reached ({failure})", remedy)

    def _mirror_remedy(self, provider: RequiredProvider, stack_dir: str) -> str:
        if self.mirror is None:
            platform, target, hint = current_platform(), "<dir>", " and set PLATFORM_TF_PROVIDER_MIRROR=<dir>"
        else:
            platform, target, hint = self.mirror.platform, str(self.mirror.path), ""
        return (f"add {provider} to a mirror: on a machine with registry access, "
                f"`terraform -chdir={stack_dir} providers mirror -platform={platform} {target}`{hint}")

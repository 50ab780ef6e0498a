"""The one reader of the environment variables the platform tools share.

``platformctl``, ``main.py`` (synth), the plan guard, the checkov gate and the local AWS emulator
read these variables only through this module, so each has one meaning and one default
everywhere (the table is in the README, "Environment variables"). A variable that is set but
empty is an error (except the informational build labels), never a silent default:
``PLATFORM_ENV=`` in a pipeline means a parameter did
not arrive, and deploying ``dev`` instead would hide that.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class EnvVarError(ValueError):
    """A variable is set but unusable (empty); the message names it and says what to do."""


@dataclass(frozen=True)
class Variable:
    """One documented environment variable."""

    name: str
    meaning: str
    default: str
    """What applies when the variable is unset, in words."""
    empty_is_error: bool = True
    """Whether an empty value is refused; informational variables (build labels) treat it as unset."""

    def read(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The value, ``None`` when unset.

        Raises:
            EnvVarError: when set to an empty (or blank) string.
        """
        value = (os.environ if environ is None else environ).get(self.name)
        if value is not None and not value.strip():
            if not self.empty_is_error:
                return None
            raise EnvVarError(f"{self.name} is set but empty: set it to {self.meaning}, or unset it "
                              f"(unset means {self.default})")
        return value


PLATFORM_ENV = Variable("PLATFORM_ENV", "the environment `platformctl local up` deploys: dev, staging or prod", "dev")
PLATFORM_ENVIRONMENTS_DIR = Variable(
    "PLATFORM_ENVIRONMENTS_DIR", "the configuration directory: shared.toml, accounts.toml and one <env>.toml each",
    "<root>/environments")
CDKTF_OUTDIR = Variable("CDKTF_OUTDIR", "the synthesized output directory (the cdktf CLI sets it for main.py)",
                        "<root>/cdktf.out")
TF_CLI_CONFIG_FILE = Variable("TF_CLI_CONFIG_FILE", "an existing Terraform CLI configuration file to use",
                              "<root>/.terraform.d/platform.tfrc, written for the provider mirror")
#: ``PLATFORM_TF_PROVIDER_MIRROR=none``: no mirror, every provider installs from its registry.
NO_PROVIDER_MIRROR = "none"
PLATFORM_TF_PROVIDER_MIRROR = Variable(
    "PLATFORM_TF_PROVIDER_MIRROR", "the provider mirror: a directory holding registry.terraform.io/ (or other "
    f"registry hosts); `{NO_PROVIDER_MIRROR}`: no mirror, every provider from its registry",
    "the first of /opt/tf-plugins, /usr/share/terraform/plugins, /usr/local/share/terraform/plugins, "
    "~/.terraform.d/plugins that exists")
PLATFORM_CHECKOV = Variable("PLATFORM_CHECKOV", "the checkov executable of the checkov gate",
                            "<root>/.venv-tools/bin/checkov, else checkov on PATH")
PLATFORM_STACKS = Variable(
    "PLATFORM_STACKS", "the stacks `main.py` writes, comma-separated (`dev,dev-app-api`): the stack argument of "
    "`cdktf synth|diff|deploy` never reaches the app; every other stack in the output stays as it was",
    "every stack")
#: The synth cache's directory under the root (gitignored) and size bound, when their variables are unset.
SYNTH_CACHE_DIRECTORY = ".cdktf-cache"
DEFAULT_SYNTH_CACHE_MAX_MB = 256
SYNTH_CACHE_SETTINGS = ("on", "off")
PLATFORM_SYNTH_CACHE = Variable(
    "PLATFORM_SYNTH_CACHE", "`on`, or `off` to neither read nor write the synth cache (as `platformctl synth "
    "--no-cache`)", "on")
PLATFORM_SYNTH_CACHE_DIR = Variable("PLATFORM_SYNTH_CACHE_DIR", "the synth cache's directory",
                                    f"<root>/{SYNTH_CACHE_DIRECTORY}")
PLATFORM_SYNTH_CACHE_MAX_MB = Variable(
    "PLATFORM_SYNTH_CACHE_MAX_MB", "the synth cache's size bound in megabytes, at least 1 (least recently used "
    "entries go first)", str(DEFAULT_SYNTH_CACHE_MAX_MB))
BUILD_TAG = Variable("BUILD_TAG", "the Jenkins build, written into release records (empty = unset)", "manual run",
                     empty_is_error=False)
BUILD_URL = Variable("BUILD_URL", "the Jenkins build's URL, written into release records (empty = unset)", "none",
                     empty_is_error=False)

#: Every variable, in the order the README lists them.
VARIABLES: tuple[Variable, ...] = (PLATFORM_ENV, PLATFORM_ENVIRONMENTS_DIR, CDKTF_OUTDIR, PLATFORM_STACKS,
                                   PLATFORM_SYNTH_CACHE, PLATFORM_SYNTH_CACHE_DIR, PLATFORM_SYNTH_CACHE_MAX_MB,
                                   TF_CLI_CONFIG_FILE, PLATFORM_TF_PROVIDER_MIRROR, PLATFORM_CHECKOV, BUILD_TAG,
                                   BUILD_URL)

#: Variables Terraform reads itself that would aim a platformctl run elsewhere than its stack:
#: a workspace other than ``default`` keeps state under another key. Removed from Terraform's environment.
TERRAFORM_TARGET_VARIABLES: tuple[str, ...] = ("TF_WORKSPACE", "TF_DATA_DIR")


def environments_dir(root: Path) -> Path:
    """``$PLATFORM_ENVIRONMENTS_DIR`` or ``<root>/environments``."""
    return Path(PLATFORM_ENVIRONMENTS_DIR.read() or root / "environments")


def outdir(root: Path) -> Path:
    """``$CDKTF_OUTDIR`` or ``<root>/cdktf.out``."""
    return Path(CDKTF_OUTDIR.read() or root / "cdktf.out")


def synth_stacks(environ: Mapping[str, str] | None = None) -> tuple[str, ...] | None:
    """The stack names in ``$PLATFORM_STACKS``, in order, without repeats; ``None`` when unset."""
    value = PLATFORM_STACKS.read(environ)
    if value is None:
        return None
    names = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    if not names:
        raise EnvVarError(f"{PLATFORM_STACKS.name} is set but names no stack; name stacks (dev,dev-app-api) "
                          "or unset it")
    return names


def synth_cache_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``$PLATFORM_SYNTH_CACHE`` (default ``on``) lets synth read and write its cache."""
    value = PLATFORM_SYNTH_CACHE.read(environ) or "on"
    if value not in SYNTH_CACHE_SETTINGS:
        raise EnvVarError(f"{PLATFORM_SYNTH_CACHE.name}={value!r}: must be 'on' or 'off'")
    return value == "on"


def synth_cache_dir(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """``$PLATFORM_SYNTH_CACHE_DIR`` or ``<root>/.cdktf-cache``."""
    return Path(PLATFORM_SYNTH_CACHE_DIR.read(environ) or root / SYNTH_CACHE_DIRECTORY)


def synth_cache_max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """``$PLATFORM_SYNTH_CACHE_MAX_MB`` (default 256) in bytes."""
    value = PLATFORM_SYNTH_CACHE_MAX_MB.read(environ) or str(DEFAULT_SYNTH_CACHE_MAX_MB)
    if not value.isdigit() or int(value) < 1:
        raise EnvVarError(f"{PLATFORM_SYNTH_CACHE_MAX_MB.name}={value!r}: must be a whole number of megabytes, "
                          "at least 1")
    return int(value) * 2**20


def platform_env() -> str:
    """``$PLATFORM_ENV`` or ``dev``."""
    return PLATFORM_ENV.read() or "dev"


def tf_cli_config_file() -> Path | None:
    """``$TF_CLI_CONFIG_FILE`` when it names an existing file."""
    configured = TF_CLI_CONFIG_FILE.read()
    return Path(configured) if configured and Path(configured).is_file() else None


def provider_mirror() -> str | None:
    """``$PLATFORM_TF_PROVIDER_MIRROR`` as set, unchecked (a directory, or :data:`NO_PROVIDER_MIRROR`);
    ``None`` when unset."""
    return PLATFORM_TF_PROVIDER_MIRROR.read()


def checkov() -> str | None:
    """``$PLATFORM_CHECKOV``; ``None`` when unset."""
    return PLATFORM_CHECKOV.read()


def build_note() -> str:
    """Who writes a release record: the Jenkins build (``BUILD_TAG``, ``BUILD_URL``) or a manual run."""
    return f"platformctl {BUILD_TAG.read() or 'manual run'} {BUILD_URL.read() or ''}".strip()


def terraform_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment for a Terraform process, with ``extra`` laid over it and the
    variables that would retarget it (:data:`TERRAFORM_TARGET_VARIABLES`) removed."""
    env = {key: value for key, value in os.environ.items() if key not in TERRAFORM_TARGET_VARIABLES}
    env.update(extra)
    return env


def markdown_table() -> str:
    """The variables as the README documents them."""
    lines = ["| Variable | Meaning | When unset |", "|---|---|---|"]
    lines += [f"| `{variable.name}` | {variable.meaning} | {variable.default} |" for variable in VARIABLES]
    return "\n".join(lines)

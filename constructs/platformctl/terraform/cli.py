"""Run the real Terraform CLI against synthesized stacks, offline for whatever a provider mirror holds.

The machine image ships a provider filesystem mirror (``hashicorp/aws 5.100.0``). The CLI
configuration written here sends exactly the providers the mirror holds to the mirror, and every
other provider (``hashicorp/kubernetes`` for the apps stacks) to its registry. Where no mirror is
found the configuration is empty and Terraform installs everything from the registries.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl import env_vars
from platformctl.terraform.partial_stack import without_providers
from platformctl.terraform.providers import Availability, ProviderMirror, Unavailable, required_providers

_MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins")


class MirrorError(ValueError):
    """``$PLATFORM_TF_PROVIDER_MIRROR`` names no directory."""


def find_provider_mirror() -> Path | None:
    """The provider mirror directory: ``$PLATFORM_TF_PROVIDER_MIRROR`` (``none``: no mirror), else the first
    known location that exists."""
    configured = env_vars.provider_mirror()
    if configured is None:
        candidates = [Path(candidate) for candidate in _MIRROR_CANDIDATES] + [Path.home() / ".terraform.d" / "plugins"]
        return next((path for path in candidates if path.is_dir()), None)
    if configured.strip().lower() == env_vars.NO_PROVIDER_MIRROR:
        return None
    mirror = Path(configured)
    if not mirror.is_dir():
        problem = "not a directory" if mirror.exists() else "no such directory"
        raise MirrorError(f"{env_vars.PLATFORM_TF_PROVIDER_MIRROR.name}={configured}: {problem} (set it to a provider "
                          f"mirror, or to {env_vars.NO_PROVIDER_MIRROR!r} to install every provider from its registry)")
    return mirror


def local_mirror() -> ProviderMirror | None:
    """What the provider mirror of this machine holds for its platform (``None``: no mirror)."""
    path = find_provider_mirror()
    return None if path is None else ProviderMirror.scan(path)


def _hcl_string(text: str) -> str:
    """A quoted HCL string: JSON escapes, and template sequences doubled so they stay literal."""
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


def cli_config_text(mirror: ProviderMirror | None) -> str:
    """A Terraform CLI configuration installing what ``mirror`` holds from it, and everything else from its registry.

    Terraform's include/exclude patterns name providers, not versions: a provider the mirror holds
    is installed from the mirror only, in the versions listed in the header.
    """
    header = "# Written by platformctl.terraform.cli (make install, platformctl); rewritten when the mirror changes.\n"
    if mirror is None:
        return header + "# No provider mirror found: every provider installs from its registry.\n"
    if not mirror.packages:
        return header + (f"# The provider mirror {mirror.path} holds nothing for {mirror.platform}: "
                         "every provider installs from its registry.\n")
    held = "".join(f"#   {address} {', '.join(sorted(versions))}\n" for address, versions in mirror.packages.items())
    patterns = ", ".join(_hcl_string(str(address)) for address in mirror.packages)
    return (
        header
        + f"# The provider mirror {mirror.path} holds for {mirror.platform}:\n{held}"
        + "# Those install from the mirror only; every other provider from its registry.\n"
        + "provider_installation {\n"
        + "  filesystem_mirror {\n"
        + f"    path    = {_hcl_string(str(mirror.path))}\n"
        + f"    include = [{patterns}]\n"
        + "  }\n"
        + "  direct {\n"
        + f"    exclude = [{patterns}]\n"
        + "  }\n"
        + "}\n"
    )


def write_cli_config(path: Path, mirror: ProviderMirror | None = None) -> Path:
    """Write the CLI configuration for ``mirror`` (default: this machine's) to ``path``, only when it changes."""
    text = cli_config_text(mirror if mirror is not None else local_mirror())
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def terraform_env(cli_config: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Process environment for Terraform: the CLI config, no prompts, no colour, the default workspace."""
    return env_vars.terraform_environment({"TF_CLI_CONFIG_FILE": str(cli_config), "TF_INPUT": "0",
                                          "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", **(extra or {})})


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of ``terraform validate -json`` on one stack, or on the part of it this machine can validate.

    Attributes:
        stack: the stack name.
        valid: no error in what was validated.
        diagnostics: Terraform's diagnostics (``init`` failures as one error).
        not_validated: providers that cannot be installed here; the blocks using them were left out.
        left_out: addresses of the blocks left out for them.
        validated_blocks: resources and data sources validated (``None``: the whole stack).
    """

    stack: str
    valid: bool
    diagnostics: list[dict[str, Any]]
    not_validated: tuple[Unavailable, ...] = ()
    left_out: tuple[str, ...] = field(default=())
    validated_blocks: int | None = None

    @property
    def status(self) -> str:
        """One line: ``valid``, ``INVALID``, or which part was validated and which was not."""
        if not self.valid:
            return "INVALID"
        if not self.not_validated:
            return "valid"
        names = ", ".join(item.provider.local_name for item in self.not_validated)
        if not self.validated_blocks:
            return f"not validated here: every block needs a provider this machine cannot install ({names})"
        return (f"valid without its {names} part: {self.validated_blocks} block(s) validated, "
                f"{len(self.left_out)} {names} block(s) not validated here")

    def summary(self) -> str:
        """One line per diagnostic: severity, summary, detail."""
        return "\n".join(
            f"{self.stack}: {d.get('severity')}: {d.get('summary')}: {d.get('detail', '')}" for d in self.diagnostics
        )


def validate_stack(stack_dir: Path, cli_config: Path, availability: Availability | None = None) -> ValidationResult:
    """``terraform init -backend=false`` then ``terraform validate -json`` of one stack.

    With ``availability``, the blocks of providers this machine cannot install are left out first
    (:mod:`.partial_stack`) and the result names them; without it every provider is assumed installable.
    """
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    missing = tuple(availability.unavailable(required_providers(document), stack_dir)) if availability else ()
    env = terraform_env(cli_config)
    if not missing:
        return _validate_directory(stack_dir, stack_dir.name, env)
    partial = without_providers(document, {item.provider.local_name for item in missing})
    if partial.kept == 0:
        return ValidationResult(stack_dir.name, True, [], missing, partial.left_out, 0)
    with tempfile.TemporaryDirectory(prefix=f"validate-{stack_dir.name}-") as scratch:
        (Path(scratch) / "cdk.tf.json").write_text(json.dumps(partial.document, indent=2))
        result = _validate_directory(Path(scratch), stack_dir.name, env)
    return ValidationResult(result.stack, result.valid, result.diagnostics, missing, partial.left_out, partial.kept)


def _validate_directory(directory: Path, stack: str, env: dict[str, str]) -> ValidationResult:
    init = subprocess.run(
        ["terraform", f"-chdir={directory}", "init", "-backend=false", "-input=false", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )
    if init.returncode != 0:
        return ValidationResult(stack, False, [{"severity": "error", "summary": "terraform init failed",
                                                "detail": init.stderr.strip()}])
    result = subprocess.run(
        ["terraform", f"-chdir={directory}", "validate", "-json", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )
    report = json.loads(result.stdout)
    return ValidationResult(stack, bool(report["valid"]), report.get("diagnostics", []))


def stack_providers(stack_dir: Path) -> set[str]:
    """Provider names a synthesized stack requires (``aws``, ``kubernetes``, ...)."""
    config = json.loads((stack_dir / "cdk.tf.json").read_text())
    return set(config.get("terraform", {}).get("required_providers", {}))


def main(argv: list[str] | None = None) -> int:
    """``python -m platformctl.terraform.cli PATH``: write the CLI config to PATH (``make install``); exit 2 on a
    bad mirror setting."""
    import sys

    from platformctl.exit_codes import ExitCode

    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("usage: python -m platformctl.terraform.cli PATH", file=sys.stderr)
        return ExitCode.USAGE
    try:
        print(write_cli_config(Path(arguments[0])))
    except (env_vars.EnvVarError, MirrorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())

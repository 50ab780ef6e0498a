"""Run the real Terraform CLI against synthesized stacks, offline when a provider mirror exists.

The machine image ships a provider filesystem mirror (``hashicorp/aws 5.100.0``); a CLI
configuration pointing at it lets ``terraform init`` install providers without the registry.
Where no mirror is found the configuration is left empty and Terraform uses the registry.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from platformctl import env_vars

_MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins")
_REGISTRY_HOST = "registry.terraform.io"


def find_provider_mirror() -> Path | None:
    """The provider mirror directory: ``$PLATFORM_TF_PROVIDER_MIRROR``, else a known location."""
    configured = env_vars.provider_mirror()
    if configured is not None:
        if not (configured / _REGISTRY_HOST).is_dir():
            raise FileNotFoundError(f"{env_vars.PLATFORM_TF_PROVIDER_MIRROR.name}={configured} has no "
                                    f"{_REGISTRY_HOST} directory")
        return configured
    candidates = [Path(candidate) for candidate in _MIRROR_CANDIDATES]
    candidates.append(Path.home() / ".terraform.d" / "plugins")
    return next((path for path in candidates if (path / _REGISTRY_HOST / "hashicorp").is_dir()), None)


def cli_config_text(mirror: Path | None) -> str:
    """A Terraform CLI configuration installing hashicorp providers from ``mirror`` (if any)."""
    if mirror is None:
        return "# no provider mirror found: providers install from the registry\n"
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{_REGISTRY_HOST}/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{_REGISTRY_HOST}/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def write_cli_config(path: Path) -> Path:
    """Write the CLI configuration to ``path`` (only when its content changes) and return it."""
    text = cli_config_text(find_provider_mirror())
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
    """Outcome of ``terraform validate -json`` on one stack."""

    stack: str
    valid: bool
    diagnostics: list[dict]

    def summary(self) -> str:
        """One line per diagnostic: severity, summary, detail."""
        return "\n".join(
            f"{self.stack}: {d.get('severity')}: {d.get('summary')}: {d.get('detail', '')}" for d in self.diagnostics
        )


def validate_stack(stack_dir: Path, cli_config: Path) -> ValidationResult:
    """``terraform init -backend=false`` then ``terraform validate -json`` in one stack directory."""
    env = terraform_env(cli_config)
    init = subprocess.run(
        ["terraform", f"-chdir={stack_dir}", "init", "-backend=false", "-input=false", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )
    if init.returncode != 0:
        return ValidationResult(stack_dir.name, False, [{"severity": "error", "summary": "terraform init failed",
                                                        "detail": init.stderr.strip()}])
    result = subprocess.run(
        ["terraform", f"-chdir={stack_dir}", "validate", "-json", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )
    report = json.loads(result.stdout)
    return ValidationResult(stack_dir.name, bool(report["valid"]), report.get("diagnostics", []))


def stack_providers(stack_dir: Path) -> set[str]:
    """Provider names a synthesized stack requires (``aws``, ``kubernetes``, ...)."""
    config = json.loads((stack_dir / "cdk.tf.json").read_text())
    return set(config.get("terraform", {}).get("required_providers", {}))


def main() -> None:
    """``python -m platformctl.terraform.cli PATH``: write the CLI config to PATH (``make install``)."""
    import sys

    from platformctl.exit_codes import ExitCode

    try:
        print(write_cli_config(Path(sys.argv[1])))
    except (env_vars.EnvVarError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(ExitCode.USAGE)


if __name__ == "__main__":
    main()

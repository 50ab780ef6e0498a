"""Synthesize the platform from ``environments/`` into ``cdktf.out`` (or ``$CDKTF_OUTDIR``)."""

from __future__ import annotations

import sys
from pathlib import Path

from platform_constructs._internal.node import prefer_project_node
from platform_constructs.config.loader import load_platform
from platform_constructs.errors import ConfigError, ConstructValidationError
from platformctl import env_vars
from platformctl.exit_codes import ExitCode

# the one exit-code table (platformctl --help)
EXIT_OK = ExitCode.OK
EXIT_SYNTH_FAILED = ExitCode.FAILED
EXIT_INVALID_CONFIG = ExitCode.USAGE


def run_synth(project_root: Path, outdir: str | None = None, credentials_for: str | None = None) -> int:
    """Validate, then synthesize all stacks; print errors without tracebacks.

    ``credentials_for`` names what will use AWS after the synth (``cdktf deploy``): the caller's
    credentials are then checked first, in about a second instead of Terraform's half-minute wait.

    Returns an exit code: 0 synthesized, 2 invalid configuration or no usable AWS credentials,
    1 synthesis failed (or AWS STS unreachable for the check). In every failure case the previous
    output directory is left untouched.
    """
    try:
        platform = load_platform(env_vars.environments_dir(project_root))
        target = Path(outdir) if outdir else env_vars.outdir(project_root)
    except (env_vars.EnvVarError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    if credentials_for is not None:
        from platformctl.credentials import CredentialsProblem, check_credentials

        try:
            check_credentials(platform.shared.aws.region)
        except CredentialsProblem as problem:
            print(f"error: {credentials_for} needs AWS credentials: {problem.message}", file=sys.stderr)
            return int(problem.exit_code)
    prefer_project_node(project_root)
    from platform_constructs.app import synthesize  # imports cdktf: ~15 s, only after validation passed

    try:
        stacks = synthesize(platform, target)
    except ConstructValidationError as error:
        print(f"error: invalid construct props: {error}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    except RuntimeError as error:  # jsii surfaces validation and annotation errors as RuntimeError
        print(f"error: synthesis failed: {error}", file=sys.stderr)
        return EXIT_SYNTH_FAILED
    print(f"synthesized {len(stacks)} stacks into {target}: {', '.join(stacks)}")
    return EXIT_OK

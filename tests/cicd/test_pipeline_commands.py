"""Every platformctl command line in the three Jenkinsfiles is valid for the real command-line parser.

The pipelines are glue: a renamed option or subcommand would only fail inside Jenkins. Each
command line is split like the shell splits it and parsed by ``platformctl``'s own parser;
shell variables stay as written (argparse takes them as values).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from groovy_blocks import parse, platformctl_calls

from platformctl.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
#: Shell variables the parser cannot take as written (options, choices): a value the pipelines set them to.
OPTION_VARIABLES = {"$PLAN_MODE": ["--read-only"], "$APP_ON_MAIN": ["true"]}
CALLS = [(path.name, [word for arg in call for word in OPTION_VARIABLES.get(arg, [arg])])
         for path in sorted((ROOT / "cicd").glob("Jenkinsfile-*"))
         for call in platformctl_calls(parse(path.read_text()))]


def test_the_pipelines_call_platformctl_for_every_deployment_step():
    used = {call[0] for _, call in CALLS}
    assert used >= {"synth", "validate", "scan", "plan", "deploy", "promote", "rollback", "rollback-infra",
                    "verify", "record-good", "registry-login", "image-repository", "image-tag", "environments",
                    "applications", "checkout-revision", "record-revision", "undo", "releases", "state-versions",
                    "app-url"}


@pytest.mark.parametrize(("pipeline", "call"), CALLS, ids=[f"{p}:{' '.join(c[:3])}" for p, c in CALLS])
def test_each_call_parses(pipeline, call):
    try:
        args = build_parser().parse_args(call)
    except SystemExit as error:
        pytest.fail(f"{pipeline}: `platformctl {' '.join(call)}` is rejected by the parser (exit {error.code})")
    assert args.command == call[0]


@pytest.mark.parametrize("command", sorted({call[0] for _, call in CALLS}))
def test_each_called_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert "Exit codes:" in capsys.readouterr().out


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_pipelines_reach_the_application_where_its_entry_publishes_it(env, capsys):
    """The stages that call the application (smoke, integration, E2E, load, DAST, verify) use the address
    ``app-url`` prints; no Jenkinsfile composes an application URL of its own."""
    from platform_constructs.config import load_platform
    from platform_constructs.config.urls import app_url

    assert [call for _, call in CALLS if call[:5] == ["app-url", "--env", env, "--app", "$APP"]]
    assert main(["app-url", "--root", str(ROOT), "--env", env, "--app", "api"]) == 0
    assert capsys.readouterr().out == app_url(load_platform(ROOT / "environments").environments[env], "api") + "\n"
    composed = [(path.name, line.strip()) for path in sorted((ROOT / "cicd").glob("Jenkinsfile-*"))
                for line in path.read_text().splitlines() if "https://" in line and "$" in line]
    assert composed == []

"""cicd/Jenkinsfile-rollback: parameterized application and infrastructure rollback within the RTO."""

from __future__ import annotations

from pathlib import Path

from groovy_blocks import parse, platformctl_calls, step_stages

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "cicd" / "Jenkinsfile-rollback").read_text()
PIPELINE = parse(SOURCE).child("pipeline")
STAGES = {stage.argument: stage for stage in step_stages(PIPELINE)}


def _parameters() -> dict[str, str]:
    """Parameter name -> its description (the strings of each parameter declaration)."""
    parameters = PIPELINE.child("parameters")
    found, tokens = {}, parameters.tokens
    for index, token in enumerate(tokens):
        if token.value == "name" and tokens[index + 1].value == ":":
            name = tokens[index + 2].value
            end = next((i for i in range(index, len(tokens)) if tokens[i].value in ("choice", "string", "booleanParam")
                        and i > index), len(tokens))
            found[name] = " ".join(t.value for t in tokens[index:end] if t.kind == "string")
    return found


def test_parameters_choose_environment_kind_application_stack_and_target():
    parameters = _parameters()
    assert {"TARGET_ENV", "KIND", "APP", "STACK", "TARGET", "BREAK_GLASS", "PLATFORM_REF"} <= set(parameters)
    assert "prod" in parameters["TARGET_ENV"] and {"application", "infrastructure"} <= set(parameters["KIND"].split())


def test_the_rto_targets_are_in_the_description_and_bound_the_run():
    assert "< 15 min critical" in _parameters()["TARGET_ENV"] and "< 30 min major" in _parameters()["TARGET_ENV"]
    assert "(RTO < 15 min critical, < 30 min major)" in {t.value for t in PIPELINE.tokens if t.kind == "string"}
    options = PIPELINE.child("options")
    index = next(i for i, t in enumerate(options.tokens) if t.value == "timeout")
    time, unit = options.tokens[index + 4].value, options.tokens[index + 8].value
    assert (int(time), unit) == (30, "MINUTES")


def test_the_whole_rollback_holds_the_target_environments_lock_in_one_pod():
    outer = STAGES["Prepare"]  # nested: the enclosing stage holds agent and lock
    enclosing = next(b for b in PIPELINE.blocks("stage") if b.child("stages") and any(s is outer for s in b.walk()))
    assert enclosing.child("agent") is not None
    lock = enclosing.child("options")
    strings = [t.value for t in lock.tokens if t.kind == "string"]
    assert lock.calls("lock") and strings == ["env-${params.TARGET_ENV}"]


def test_application_rollback_reapplies_through_terraform_then_verifies_and_records():
    calls = platformctl_calls(STAGES["Application rollback"])
    commands = [call[0] for call in calls]
    assert commands[0] == "releases" and commands[-1] == "verify"
    rollbacks = [call for call in calls if call[0] == "rollback"]
    assert len(rollbacks) == 2 and sum("--break-glass" in call for call in rollbacks) == 1
    assert all(call[call.index("--to") + 1] == "${TARGET:-last-good}" for call in rollbacks)
    assert "--record-good" in calls[-1]


def test_infrastructure_rollback_lists_versions_then_restores_through_the_plan_guard():
    calls = platformctl_calls(STAGES["Infrastructure rollback"])
    assert [call[0] for call in calls] == ["state-versions", "rollback-infra"]
    assert calls[1][calls[1].index("--to-version") + 1] == "$TARGET"


def test_each_kind_runs_only_when_chosen():
    for name, kind in (("Application rollback", "application"), ("Infrastructure rollback", "infrastructure")):
        when = STAGES[name].child("when")
        assert when is not None and kind in {t.value for t in when.tokens if t.kind == "string"}


def test_the_address_lookup_never_holds_up_a_rollback():
    """An application without an HTTPS entry is still rolled back; it is verified without the smoke check."""
    [lookup] = {tuple(call) for call in platformctl_calls(STAGES["Prepare"]) if call[0] == "app-url"}
    assert lookup == ("app-url", "--env", "$TARGET_ENV", "--app", "$APP")
    assert "returnStatus" in {token.value for block in STAGES["Prepare"].walk() for token in block.tokens}
    verifies = [call for call in platformctl_calls(STAGES["Application rollback"]) if call[0] == "verify"]
    assert [("--smoke-url" in call, "--record-good" in call) for call in verifies] == [(True, True), (False, True)]
    assert verifies[0][verifies[0].index("--smoke-url") + 1] == "$APP_URL/healthz"

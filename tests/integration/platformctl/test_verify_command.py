"""verify (post-deployment validation) and registry-login against the emulator and a local HTTP server.

Alarms are real CloudWatch alarms in the environment's emulated account; the smoke URL is a real
HTTP server on 127.0.0.1. ``kubectl rollout status`` and the running-image check need a cluster,
so they run with ``--dry-run`` and are checked as command lines.
"""

from __future__ import annotations

import base64
import dataclasses
import http.server
import json
import shlex
import stat
import threading
import time
import tomllib
from collections.abc import Iterator

import pytest
from envfiles import copy_environments, set_value

from platformctl.exit_codes import ExitCode
from platformctl.release.image_ref import ImageRef

#: Name prefixes of the platform alarms of the data stores prod's api uses ([apps.api.uses]: all four).
API_STORES = "acme-prod-postgres-*, acme-prod-redis-*, acme-prod-kafka-*, acme-prod-search-*"

pytestmark = [pytest.mark.emulator, pytest.mark.slow]


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200
    answered: threading.Semaphore
    """Released once per answered request."""

    def do_GET(self) -> None:
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")
        type(self).answered.release()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health() -> Iterator[type[_Health]]:
    """A health endpoint on 127.0.0.1; set ``health.status`` to change its answer."""
    handler = type("Health", (_Health,), {"status": 200, "answered": threading.Semaphore(0)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
    yield handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def deployed(records, image, platform) -> str:
    """prod runs (and records) an image of ``api``."""
    ref = image("prod", 1)
    records("prod").record_release("api", ImageRef.pinned(ref), "abc123", note="test deploy")
    return ref


def _alarm(aws, platform, name: str, state: str) -> None:
    cloudwatch = aws.client("cloudwatch", role_arn=platform.environments["prod"].aws.deploy_role_arn)
    cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
                                Period=60, EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test sets {state}")


#: The alarms that judge prod's api (its application stack creates them; here the test does).
API_ALARMS = [f"acme-prod-app-api-{signal}" for signal in (
    "5xx-ratio", "latency-p99", "unhealthy-targets", "no-healthy-targets", "restarts", "oom-kills")]


@pytest.fixture
def api_alarms(aws, platform) -> list[str]:
    """Every alarm that judges prod's api, in OK."""
    from platformctl.release.evidence import evidence_for

    assert list(evidence_for(platform.environments["prod"], "api").own) == API_ALARMS
    for name in API_ALARMS:
        _alarm(aws, platform, name, "OK")
    return API_ALARMS


def test_verify_passes_with_alarms_ok_and_a_healthy_service(platformctl, aws, platform, deployed, health, api_alarms):
    _alarm(aws, platform, "acme-prod-postgres-cpu-high", "OK")
    # another environment's alarm is not prod's concern
    _alarm(aws, platform, "acme-staging-app-api-5xx-ratio", "ALARM")
    done = platformctl("verify", "--env", "prod", "--app", "api", "--smoke-url", health.url, "--dry-run")
    assert done.code == ExitCode.OK, done.output
    assert f"PASS alarms: none in ALARM: 6 alarm(s) of the application; platform alarms critical for it: {API_STORES}" \
        in done.out
    assert f"PASS smoke: GET {health.url} -> 200" in done.out
    kubectl = [shlex.split(line.removeprefix("would run: ")) for line in done.out.splitlines()
               if line.startswith("would run: kubectl")]
    assert kubectl == [["kubectl", "--context", "acme-prod-eks", "--namespace", "api", "rollout", "status",
                        "deployment/api", "--timeout=300s"],
                       ["kubectl", "--context", "acme-prod-eks", "--namespace", "api", "get", "deployment/api",
                        "--output", 'jsonpath={.spec.template.spec.containers[?(@.name=="api")].image}']]


@pytest.mark.parametrize("unrelated", [
    "acme-prod-app-api-admin-5xx-ratio",   # another application, whose name starts with api's
    "acme-prod-app-api-hpa-at-max",        # api's own capacity page: load, not a bad release
])
def test_an_unrelated_alarm_does_not_fail_the_application(platformctl, aws, platform, deployed, api_alarms, unrelated):
    _alarm(aws, platform, unrelated, "ALARM")
    done = platformctl("verify", "--env", "prod", "--app", "api", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    assert unrelated not in done.output


def test_the_alarm_of_a_data_store_it_does_not_use_does_not_fail_the_application(platformctl, aws, platform, deployed,
                                                                                 api_alarms, tmp_path):
    environments = copy_environments(tmp_path / "environments")
    for file in ("staging.toml", "prod.toml"):  # staging and prod declare the same uses
        uses = tomllib.loads((environments / file).read_text())["apps"]["api"]["uses"]
        set_value(environments, file, "apps.api.uses", {store: use for store, use in uses.items() if store != "kafka"})
    _alarm(aws, platform, "acme-prod-kafka-disk-used", "ALARM")
    without_kafka = dataclasses.replace(platformctl,
                                        env={**platformctl.env, "PLATFORM_ENVIRONMENTS_DIR": str(environments)})
    done = without_kafka("verify", "--env", "prod", "--app", "api", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    assert "acme-prod-kafka" not in done.output


@pytest.mark.parametrize("firing", ["acme-prod-app-api-5xx-ratio", "acme-prod-postgres-cpu-high",
                                    "acme-prod-kafka-disk-used"])  # a store api uses
def test_its_own_alarm_or_a_critical_platform_alarm_fails_it_by_name(platformctl, aws, platform, deployed, api_alarms,
                                                                     firing):
    _alarm(aws, platform, firing, "ALARM")
    done = platformctl("verify", "--env", "prod", "--app", "api", "--dry-run")
    assert done.code == ExitCode.CHECK_FAILED
    assert f"alarms: {firing} in ALARM (test sets ALARM)" in done.err


def test_missing_own_alarms_fail_verification(platformctl, aws, platform, deployed):
    _alarm(aws, platform, "acme-prod-app-api-5xx-ratio", "OK")
    done = platformctl("verify", "--env", "prod", "--app", "api", "--dry-run")
    assert done.code == ExitCode.CHECK_FAILED
    assert "not found (is the application's stack applied?): acme-prod-app-api-latency-p99" in done.err


def test_after_a_rollback_it_waits_for_its_alarm_to_return_to_ok(platformctl, aws, platform, deployed, api_alarms):
    _alarm(aws, platform, "acme-prod-app-api-5xx-ratio", "ALARM")
    cloudwatch = aws.client("cloudwatch", role_arn=platform.environments["prod"].aws.deploy_role_arn)

    def clear_once_waited() -> None:
        # the alarm clears while verify waits: after its first "waiting" poll has surely run
        time.sleep(3)
        cloudwatch.set_alarm_state(AlarmName="acme-prod-app-api-5xx-ratio", StateValue="OK", StateReason="cleared")

    clearing = threading.Thread(target=clear_once_waited, daemon=True)
    clearing.start()
    done = platformctl("verify", "--env", "prod", "--app", "api", "--after-rollback", "--settle-timeout", "120",
                       "--interval", "0.5", "--dry-run")
    clearing.join()
    assert done.code == ExitCode.OK, done.output
    assert "waiting for OK (at most" in done.out and "acme-prod-app-api-5xx-ratio" in done.out
    assert "PASS alarms" in done.out


def test_after_a_rollback_the_wait_is_bounded_and_names_the_alarm(platformctl, aws, platform, deployed, api_alarms):
    _alarm(aws, platform, "acme-prod-app-api-restarts", "ALARM")
    started = time.monotonic()
    done = platformctl("verify", "--env", "prod", "--app", "api", "--after-rollback", "--settle-timeout", "2",
                       "--interval", "0.5", "--dry-run")
    elapsed = time.monotonic() - started
    assert done.code == ExitCode.CHECK_FAILED
    assert "still in ALARM after waiting 2 s" in done.out
    assert "acme-prod-app-api-restarts in ALARM (test sets ALARM)" in done.err
    assert elapsed < 60, f"the wait is bounded by --settle-timeout, took {elapsed:.1f} s"


def test_without_a_settle_timeout_the_bound_is_the_alarms_clearing_time(platform):
    from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS
    from platformctl.release.evidence import evidence_for

    # every judging alarm of the prod preset clears one period after its cause is gone (N of N windows)
    assert evidence_for(platform.environments["prod"], "api").clear_seconds == 60 + METRIC_DELAY_SECONDS


def test_verify_fails_when_the_smoke_url_keeps_failing(platformctl, deployed, health):
    health.status = 503
    done = platformctl("verify", "--env", "prod", "--app", "api", "--smoke-url", health.url,
                       "--smoke-attempts", "3", "--interval", "0.2", "--dry-run")
    assert done.code == ExitCode.CHECK_FAILED
    assert f"smoke: GET {health.url} -> 503 after 3 attempt(s)" in done.err


def test_observation_stops_at_the_first_alarm(platformctl, aws, platform, deployed, health, api_alarms):
    """The alarm goes off after two observation rounds (each checks the alarms, then GETs the smoke URL), however
    long the command takes to get there on a loaded machine."""
    stop = threading.Event()

    def alarm_after_two_rounds() -> None:
        for _ in range(2):
            while not health.answered.acquire(timeout=0.1):
                if stop.is_set():
                    return
        _alarm(aws, platform, "acme-prod-app-api-5xx-ratio", "ALARM")

    trigger = threading.Thread(target=alarm_after_two_rounds, daemon=True)
    trigger.start()
    started = time.monotonic()
    try:
        done = platformctl("verify", "--env", "prod", "--app", "api", "--smoke-url", health.url,
                           "--observe", "60", "--interval", "0.5", "--dry-run")
    finally:
        stop.set()
        trigger.join()
    elapsed = time.monotonic() - started
    assert done.code == ExitCode.CHECK_FAILED and "acme-prod-app-api-5xx-ratio" in done.err
    assert done.out.count("PASS alarms") >= 2  # observed more than once before the alarm fired
    assert elapsed < 30, f"observation should stop at the alarm, took {elapsed:.1f} s"


def test_verify_record_good_records_only_after_every_check_passed(platformctl, aws, platform, deployed, health,
                                                                  api_alarms):
    _alarm(aws, platform, "acme-prod-postgres-cpu-high", "ALARM")
    failed = platformctl("verify", "--env", "prod", "--app", "api", "--smoke-url", health.url, "--record-good",
                         "--dry-run")
    assert failed.code == ExitCode.CHECK_FAILED and "would record" not in failed.out
    _alarm(aws, platform, "acme-prod-postgres-cpu-high", "OK")
    passed = platformctl("verify", "--env", "prod", "--app", "api", "--smoke-url", health.url, "--record-good",
                         "--dry-run")
    assert passed.code == ExitCode.OK, passed.output
    assert f"would record /acme/prod/apps/api/last-good-image = {deployed}" in passed.out


def test_verify_refuses_an_environment_without_a_deployed_image(platformctl):
    done = platformctl("verify", "--env", "staging", "--app", "api", "--dry-run")
    assert done.code == ExitCode.REFUSED and "/acme/staging/apps/api/current-image" in done.err


def test_registry_login_writes_a_private_docker_config_for_the_apps_registry(platformctl, tmp_path):
    config_dir = tmp_path / ".docker"
    done = platformctl("registry-login", "--app", "api", "--docker-config", str(config_dir))
    assert done.code == ExitCode.OK, done.output
    config = config_dir / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    auths = json.loads(config.read_text())["auths"]
    assert list(auths) == ["444444444444.dkr.ecr.eu-west-1.amazonaws.com"]
    token = auths["444444444444.dkr.ecr.eu-west-1.amazonaws.com"]["auth"]
    user, _, password = base64.b64decode(token).decode().partition(":")
    assert user == "AWS" and password
    assert password not in done.output  # the token is never printed

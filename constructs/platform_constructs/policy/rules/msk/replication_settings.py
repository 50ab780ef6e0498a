"""msk.replication-settings: topics survive the loss of a broker and are never created by accident."""

from collections.abc import Callable

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

#: server.properties key → (test, what it must be).
REQUIRED: dict[str, tuple[Callable[[str], bool], str]] = {
    "default.replication.factor": (lambda value: value.isdigit() and int(value) >= 3, "at least 3"),
    "min.insync.replicas": (lambda value: value.isdigit() and int(value) >= 2, "at least 2"),
    "auto.create.topics.enable": (lambda value: value == "false", "false"),
}


def parse_properties(text: str) -> dict[str, str]:
    """``key=value`` lines of a Kafka properties file (comments and blank lines ignored)."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def _check(resource: Resource, _limits: object) -> Verdict:
    properties = parse_properties(str(resource.get("server_properties") or ""))
    wrong = [f"{key} is {properties.get(key, 'not set')}, must be {expected}"
             for key, (test, expected) in REQUIRED.items() if not test(properties.get(key, ""))]
    return Verdict.require(not wrong, "; ".join(wrong))


RULE = Rule(
    id="msk.replication-settings", severity=Severity.MEDIUM, resource_types=("aws_msk_configuration",),
    summary="server_properties sets default.replication.factor ≥ 3, min.insync.replicas ≥ 2, "
            "auto.create.topics.enable = false",
    fix="set those three properties in the MSK configuration (KafkaCluster does)",
    check=_check,
)

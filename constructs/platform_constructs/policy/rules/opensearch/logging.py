"""opensearch.logging: slow, application and audit logs are published to CloudWatch."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

REQUIRED_LOGS = ("INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS")


def _check(resource: Resource, _limits: object) -> Verdict:
    published = {block.get("log_type") for block in resource.blocks("log_publishing_options")
                 if block.get("enabled", True) is True}
    missing = [kind for kind in REQUIRED_LOGS if kind not in published]
    return Verdict.require(not missing, f"log_publishing_options lacks {', '.join(missing)}")


RULE = Rule(
    id="opensearch.logging", severity=Severity.MEDIUM, resource_types=("aws_opensearch_domain",),
    summary=f"log_publishing_options publishes {', '.join(REQUIRED_LOGS)}",
    fix="publish every log type to log groups made with LogSettings.log_group(...)",
    check=_check,
)

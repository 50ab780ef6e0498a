"""opensearch.fine-grained-access: fine-grained access control is on and anonymous access off."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="opensearch.fine-grained-access", severity=Severity.HIGH, resource_types=("aws_opensearch_domain",),
    summary="advanced_security_options.enabled is true and anonymous_auth_enabled is false",
    fix="set advanced_security_options { enabled = true, anonymous_auth_enabled = false, master_user_options { "
        "master_user_arn = <IAM role> } }",
    check=lambda resource, _limits: all_of(
        literal(resource, "advanced_security_options.enabled", True),
        literal(resource, "advanced_security_options.anonymous_auth_enabled", False, default=False),
    ),
)

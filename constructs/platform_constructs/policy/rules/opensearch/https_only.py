"""opensearch.https-only: the endpoint refuses plain HTTP and TLS below 1.2."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal, one_of

TLS_1_2_POLICIES = ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")

RULE = Rule(
    id="opensearch.https-only", severity=Severity.HIGH, resource_types=("aws_opensearch_domain",),
    summary="enforce_https is true with a TLS 1.2+ security policy",
    fix='set domain_endpoint_options { enforce_https = true, tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10" }',
    check=lambda resource, _limits: all_of(
        literal(resource, "domain_endpoint_options.enforce_https", True),
        one_of(resource, "domain_endpoint_options.tls_security_policy", TLS_1_2_POLICIES),
    ),
)

"""ec2.imdsv2-required: instances answer only session-token metadata requests, one hop away."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="ec2.imdsv2-required", severity=Severity.HIGH, resource_types=("aws_launch_template", "aws_instance"),
    summary="IMDSv2 is required (http_tokens = required) with a response hop limit of 1",
    fix='set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }',
    check=lambda resource, _limits: all_of(
        literal(resource, "metadata_options.http_tokens", "required"),
        literal(resource, "metadata_options.http_put_response_hop_limit", 1),
    ),
)

"""opensearch.vpc-only: the domain has no public endpoint; it lives in the VPC."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="opensearch.vpc-only", severity=Severity.HIGH, resource_types=("aws_opensearch_domain",),
    summary="vpc_options places the domain in subnets of the VPC",
    fix="set vpc_options { subnet_ids, security_group_ids } (SearchDomain does)",
    check=lambda resource, _limits: present(resource, "vpc_options.subnet_ids",
                                            "the domain gets a public endpoint"),
)

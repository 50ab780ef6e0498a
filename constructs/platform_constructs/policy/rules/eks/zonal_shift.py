"""eks.zonal-shift: traffic can be moved away from an impaired availability zone."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="eks.zonal-shift", severity=Severity.LOW, resource_types=("aws_eks_cluster",),
    summary="zonal_shift_config.enabled is true",
    fix="enable zonal_shift_config on the cluster",
    check=lambda resource, _limits: literal(resource, "zonal_shift_config.enabled", True),
)

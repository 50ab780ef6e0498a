"""Numeric limits of the guardrail rules (``[policy.limits]``): the sizes, counts and durations rules compare
against."""

from __future__ import annotations

from pydantic import Field

from platform_constructs.props import MAY_DIFFER, Props, StrictInt


class PolicyLimits(Props):
    """Numeric limits used by the rules that compare a size, a count or a duration."""

    log_retention_days: StrictInt = Field(default=365, ge=1, json_schema_extra=MAY_DIFFER)
    """Minimum CloudWatch log retention (``logs.retention-minimum``). Default: 365."""
    backup_retention_days: StrictInt = Field(default=14, ge=1, le=35, json_schema_extra=MAY_DIFFER)
    """Minimum RDS automated-backup retention (``rds.backup-retention``). Default: 14."""
    cache_snapshot_retention_days: StrictInt = Field(default=15, ge=1, json_schema_extra=MAY_DIFFER)
    """Minimum ElastiCache snapshot retention (``elasticache.snapshot-retention``). Default: 15."""
    node_group_min_size: StrictInt = Field(default=3, ge=1, json_schema_extra=MAY_DIFFER)
    """Minimum size of an EKS managed node group (``eks.node-group-min-size``). Default: 3."""
    node_group_max_unavailable_percentage: StrictInt = Field(default=33, ge=1, le=100, json_schema_extra=MAY_DIFFER)
    """Largest share of nodes an update may take down at once (``eks.node-group-update``). Default: 33."""

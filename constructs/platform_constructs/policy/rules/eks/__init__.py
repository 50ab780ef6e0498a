"""Rules for EKS clusters and managed node groups."""

from platform_constructs.policy.rules.eks import (
    api_authentication,
    control_plane_logging,
    node_group_min_size,
    node_group_no_ssh,
    node_group_on_demand,
    node_group_update,
    node_repair,
    private_endpoint,
    public_endpoint_restricted,
    secrets_encryption,
    zonal_shift,
)

BASELINE_RULES = (
    public_endpoint_restricted.RULE, secrets_encryption.RULE, api_authentication.RULE, node_group_no_ssh.RULE,
)
PRODUCTION_RULES = (
    private_endpoint.RULE, control_plane_logging.RULE, node_group_on_demand.RULE, node_group_min_size.RULE,
    node_group_update.RULE, node_repair.RULE, zonal_shift.RULE,
)

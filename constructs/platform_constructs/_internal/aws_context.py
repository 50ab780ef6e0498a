"""Per-stack lookups of the deploying account, region and partition.

Each lookup is a data source created once per stack and shared by every construct in it, so
key policies and ARNs never hard-code an account.
"""

from __future__ import annotations

import json
from typing import Any

from platform_constructs._internal.tf import Construct, TerraformStack, aws


def _shared(scope: Construct, construct_id: str, factory: type) -> Any:
    stack = TerraformStack.of(scope)
    found = stack.node.try_find_child(construct_id)
    return found if found is not None else factory(stack, construct_id)


def account_id(scope: Construct) -> str:
    """Account id of the provider's credentials (a token)."""
    token: str = _shared(scope, "CallerIdentity", aws.data_aws_caller_identity.DataAwsCallerIdentity).account_id
    return token


def partition(scope: Construct) -> str:
    """AWS partition, e.g. ``aws`` (a token)."""
    token: str = _shared(scope, "Partition", aws.data_aws_partition.DataAwsPartition).partition
    return token


def region_name(scope: Construct) -> str:
    """Region of the provider (a token)."""
    token: str = _shared(scope, "Region", aws.data_aws_region.DataAwsRegion).name
    return token


def policy_document(*statements: dict[str, Any]) -> str:
    """An IAM policy document (JSON string) from statement dicts; tokens inside resolve at synth."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def assume_role_policy(service: str, *, tag_session: bool = False) -> str:
    """Trust policy letting one AWS service principal assume a role (and pass session tags when ``tag_session``)."""
    action: str | list[str] = ["sts:AssumeRole", "sts:TagSession"] if tag_session else "sts:AssumeRole"
    return policy_document({"Effect": "Allow", "Principal": {"Service": service}, "Action": action})

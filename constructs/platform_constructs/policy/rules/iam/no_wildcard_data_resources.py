"""iam.no-wildcard-data-resources: an action that reads or writes data names exactly the resources it may touch.

A trailing ``*`` after a fixed prefix in the last segment (an index pattern such as ``…/orders-*``) is a
declared scope and accepted; ``*`` alone, a whole segment ``*`` (``…:dbuser:db-1/*``) or a wildcard anywhere
else (account, region, resource id) is not. An S3 object key has no segments (``/`` is one of its characters),
so a trailing ``*`` after a fixed key prefix (``…:::bucket/platform/dev/*``: one environment's state objects)
is a declared scope too; the whole bucket (``…:::bucket/*``) is not.
"""

import re
from typing import Any

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules.iam._statements import IDENTITY_POLICY_TYPES, statement_problems, values
from platform_constructs.security.least_privilege import is_data_action

#: An S3 object ARN, ``arn:<partition>:s3:::<bucket>/<key>``.
_S3_OBJECT = re.compile(r"^arn:[^:]+:s3:::[^/]+/(?P<key>.*)$")


def is_wildcard_resource(arn: str) -> bool:
    """Whether ``arn`` reaches beyond a declared name or prefix."""
    if "?" in arn:
        return True
    if "*" not in arn:
        return False
    head = arn[:-1]
    if not arn.endswith("*") or "*" in head:
        return True
    s3_object = _S3_OBJECT.match(arn)
    if s3_object is not None:
        return s3_object.group("key") == "*"
    return head.endswith(("/", ":")) or not head


def _problems(statement: dict[str, Any], name: str) -> list[str]:
    data_actions = [action for action in values(statement, "Action") if is_data_action(action)]
    if not data_actions:
        return []
    problems = [f"{name} allows {', '.join(data_actions)} on everything but NotResource"] \
        if "NotResource" in statement else []
    wildcards = [arn for arn in values(statement, "Resource") if is_wildcard_resource(arn)]
    if wildcards:
        problems.append(f"{name} allows {', '.join(data_actions)} on {', '.join(wildcards)}")
    return problems


def _check(resource: Resource, _limits: object) -> Verdict:
    return statement_problems(resource, _problems)


RULE = Rule(
    id="iam.no-wildcard-data-resources", severity=Severity.HIGH, resource_types=IDENTITY_POLICY_TYPES,
    summary="data actions (rds-db, elasticache:Connect, kafka-cluster, es:ESHttp*, object reads, secrets) name "
            "exactly their users, topics, groups or index patterns",
    fix="grant through the store's grant_* methods, which scope the ARN to the declared user, topic or index",
    check=_check,
)

"""Plan guard: refuse a Terraform plan that deletes or replaces what must not go.

Input is the JSON of a saved plan (``terraform show -json PLANFILE``). Every resource type the
platform synthesizes is classified in one table: :data:`STATEFUL` (deleting or replacing it loses
data, everything it holds, or the service: databases, caches, Kafka, search domains, buckets and
their versioning, KMS keys, registries, log groups, secrets, the EKS cluster, Kubernetes
namespaces and workloads, DNS zones, load balancers, ...) or :data:`STATELESS` (recreated from
the configuration without loss). A type in neither is treated as stateful: the guard fails
closed, and ``tests/integration/test_plan_guard_classification.py`` fails until it is classified.

In a protected environment (the account registry and ``[plan_guard] protected``; staging, prod
and shared) every deletion or replacement of a stateful resource refuses the plan, unless that
exact address is allowed with a reason. Unprotected environments get the same findings as
warnings. This backs up ``lifecycle.prevent_destroy``, which leaves with the configuration when
a refactoring removes a resource.

Command line (the one entry point; ``python -m platformctl.gates.plan_guard`` is an alias)::

    platformctl plan-guard PLAN_JSON --env NAME [--allow ADDRESS]... [--reason TEXT] [--json]

Exit codes from the one table (``platformctl --help``): 0 OK allowed, 3 REFUSED, 2 USAGE for
unusable input (a binary plan file, JSON of the wrong shape, an errored plan, no environment).

Python API::

    result = evaluate(plan_json, protected=True,
                      overrides=[Override("aws_db_instance.main", "restored from snapshot X")])
    if not result.allowed:
        print(result.report())
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from platform_constructs.policy.policy_props import MIN_REASON_LENGTH
from platformctl.exit_codes import ExitCode

#: Resource types whose deletion or replacement loses something a new one does not bring back, and what.
STATEFUL: Mapping[str, str] = {
    # data stores
    "aws_db_instance": "the database and its automated backups",
    "aws_rds_cluster": "the database cluster and its backups",
    "aws_rds_global_cluster": "the global database",
    "aws_elasticache_replication_group": "the cache contents and its snapshots",
    "aws_elasticache_cluster": "the cache contents",
    "aws_elasticache_serverless_cache": "the cache contents",
    "aws_msk_cluster": "every Kafka topic and message",
    "aws_msk_serverless_cluster": "every Kafka topic and message",
    "aws_opensearch_domain": "every search index",
    "aws_elasticsearch_domain": "every search index",
    "aws_dynamodb_table": "every item of the table",
    "aws_efs_file_system": "every file",
    "aws_ebs_volume": "the volume's data",
    "aws_s3_bucket": "every object, e.g. Terraform state or access logs",
    "aws_s3_bucket_versioning": "the version history: destroying it suspends versioning of the (state) bucket",
    "aws_ecr_repository": "every image, including the ones running",
    "aws_cloudwatch_log_group": "the logs it holds (audit, flow, control-plane, database)",
    "aws_secretsmanager_secret": "the secret; services holding it lose access",
    # keys: everything encrypted with them becomes unreadable once the deletion window ends
    "aws_kms_key": "the key; data encrypted with it becomes unreadable",
    "aws_kms_replica_key": "the key; data encrypted with it becomes unreadable",
    # what runs the environment
    "aws_eks_cluster": "the cluster and every workload on it",
    "kubernetes_namespace_v1": "the namespace and everything in it",
    "kubernetes_deployment_v1": "the running application (an outage until it is recreated)",
    "kubernetes_service_v1": "the application's endpoint (traffic stops)",
    "kubernetes_stateful_set_v1": "the workload and its volumes' bindings",
    "kubernetes_persistent_volume_claim_v1": "the volume's data",
    "kubernetes_manifest": "the Kubernetes object it holds; for a TargetGroupBinding the pods leave the load "
                           "balancer (traffic stops) until it is recreated",
    # addresses others depend on
    "aws_eip": "the public address partners allow-list (a new one is a new address)",
    "aws_route53_zone": "every DNS record; a new zone has new name servers, so the delegation breaks",
    "aws_lb": "the load balancer's DNS name every record points at, and its open connections",
    "aws_acm_certificate": "the certificate the listeners serve; a new one must validate first",
    "aws_wafv2_web_acl": "the web firewall in front of the load balancer",
}

#: Resource types recreated from the configuration without loss.
STATELESS: frozenset[str] = frozenset({
    "aws_appautoscaling_policy", "aws_appautoscaling_target", "aws_cloudwatch_log_resource_policy",
    "aws_cloudwatch_metric_alarm", "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target",  # alarm routing
    "aws_db_parameter_group", "aws_db_subnet_group", "aws_default_security_group",
    "aws_ecr_lifecycle_policy", "aws_ecr_registry_scanning_configuration", "aws_ecr_repository_policy",
    "aws_ec2_transit_gateway_vpc_attachment",  # the CI network's path: recreated from the configuration
    "aws_eks_access_entry", "aws_eks_access_policy_association", "aws_eks_addon", "aws_eks_node_group",
    "aws_eks_pod_identity_association", "aws_elasticache_parameter_group", "aws_elasticache_subnet_group",
    "aws_elasticache_user", "aws_elasticache_user_group", "aws_flow_log", "aws_iam_role", "aws_iam_role_policy",
    "aws_iam_role_policy_attachment", "aws_iam_role_policy_attachments_exclusive", "aws_internet_gateway",
    "aws_kms_alias", "aws_launch_template", "aws_msk_configuration", "aws_nat_gateway",
    "aws_opensearch_domain_policy", "aws_route", "aws_route_table", "aws_route_table_association",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
    "aws_security_group", "aws_sns_topic", "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_subnet",
    "aws_vpc", "aws_vpc_endpoint", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_secretsmanager_secret_version", "aws_secretsmanager_secret_rotation",
    "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_route53_record",
    "aws_acm_certificate_validation", "aws_wafv2_web_acl_association", "aws_wafv2_web_acl_logging_configuration",
    "aws_lb_listener_certificate", "aws_ssm_parameter",
    "kubernetes_horizontal_pod_autoscaler_v2", "kubernetes_pod_disruption_budget_v1",
    "kubernetes_service_account_v1", "kubernetes_ingress_v1", "kubernetes_config_map_v1",
    "kubernetes_network_policy_v1", "kubernetes_role_v1", "kubernetes_role_binding_v1",
    # an application's grant job (issue 10): replaced whenever its plan changes, by design; it re-applies grants
    # that converge (docs/decisions/0010-in-store-grants.md), and the users, roles and topics stay in the stores
    "kubernetes_job_v1",
})

#: Actions ``terraform show -json`` writes (Terraform 1.11); any other refuses the input.
KNOWN_ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})

Action = Literal["delete", "replace"]


class PlanGuardError(ValueError):
    """The input cannot be judged: not a plan, the wrong shape, an errored plan, or an invalid override."""


def classification(resource_type: str) -> str:
    """``stateful``, ``stateless`` or ``unclassified`` (guarded as stateful)."""
    if resource_type in STATEFUL:
        return "stateful"
    return "stateless" if resource_type in STATELESS else "unclassified"


@dataclass(frozen=True)
class Override:
    """Permission to delete or replace the resource at one address, and why."""

    address: str
    """Full resource address as in the plan, e.g. ``aws_db_instance.main`` or ``module.x.aws_s3_bucket.b``."""
    reason: str
    """Why losing it is acceptable (at least 10 characters)."""

    def __post_init__(self) -> None:
        if not self.address.strip():
            raise PlanGuardError(f"--allow {self.address!r}: must be a resource address such as aws_s3_bucket.data")
        if len(self.reason.strip()) < MIN_REASON_LENGTH:
            raise PlanGuardError(f"--reason {self.reason!r} (for {self.address}): must explain why it may be lost, "
                                 f"in at least {MIN_REASON_LENGTH} characters")


@dataclass(frozen=True)
class DestructiveChange:
    """One planned deletion or replacement of a stateful (or unclassified) resource."""

    address: str
    resource_type: str
    action: Action
    reason: str | None = None
    """Terraform's ``action_reason``: ``replace_because_cannot_update``, ``delete_because_no_resource_config``..."""
    deposed: str | None = None
    """Key of a deposed object (left over from a failed create-before-destroy), if that is what goes."""

    @property
    def loses(self) -> str:
        """What goes with it, from the classification table."""
        return STATEFUL.get(self.resource_type, "unknown: the type is not classified, so the guard assumes the worst")

    def describe(self) -> str:
        """``aws_kms_key.k: replace (replace_because_cannot_update)``."""
        details = ", ".join(part for part in (self.reason, f"deposed object {self.deposed}" if self.deposed else None)
                            if part)
        return f"{self.address}: {self.action}" + (f" ({details})" if details else "")


@dataclass(frozen=True)
class GuardResult:
    """Outcome of :func:`evaluate`."""

    protected: bool
    findings: tuple[DestructiveChange, ...]
    """Every deletion or replacement of a stateful resource in the plan, protected or not."""
    overridden: tuple[tuple[DestructiveChange, Override], ...] = ()
    """Findings allowed by an override."""
    unused_overrides: tuple[Override, ...] = field(default=())
    """Overrides that matched no finding (stale, or a typo in the address)."""

    @property
    def blocked(self) -> tuple[DestructiveChange, ...]:
        """Findings that refuse the plan: none unless protected."""
        if not self.protected:
            return ()
        allowed = {finding for finding, _ in self.overridden}
        return tuple(finding for finding in self.findings if finding not in allowed)

    @property
    def allowed(self) -> bool:
        """Whether the plan may be applied."""
        return not self.blocked

    @property
    def exit_code(self) -> ExitCode:
        """``OK`` or ``REFUSED``."""
        return ExitCode.OK if self.allowed else ExitCode.REFUSED

    def report(self) -> str:
        """Human-readable verdict naming every resource, action and what it would lose."""
        lines: list[str] = []
        if self.blocked:
            lines.append(f"plan guard: REFUSED: {len(self.blocked)} deletion(s)/replacement(s) of stateful "
                         "resources in a protected environment:")
            lines += [f"  - {finding.describe()}: loses {finding.loses}" for finding in self.blocked]
            lines.append(f'to proceed, allow each: --allow ADDRESS [--allow ADDRESS]... --reason "why this may be '
                         f'lost" (at least {MIN_REASON_LENGTH} characters)')
        elif self.findings and not self.protected:
            lines.append("plan guard: allowed (environment not protected), but the plan loses:")
            lines += [f"  - {finding.describe()}: {finding.loses}" for finding in self.findings]
        else:
            lines.append("plan guard: allowed: no stateful resource is deleted or replaced"
                         if not self.overridden else "plan guard: allowed")
        lines += [f"  overridden: {finding.describe()}: {override.reason}" for finding, override in self.overridden]
        lines += [f"  warning: --allow {override.address} matches nothing in this plan"
                  for override in self.unused_overrides]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``--json``)."""
        def finding(item: DestructiveChange) -> dict[str, Any]:
            return {"address": item.address, "type": item.resource_type, "action": item.action,
                    "reason": item.reason, "deposed": item.deposed}
        return {
            "allowed": self.allowed,
            "protected": self.protected,
            "blocked": [finding(item) for item in self.blocked],
            "findings": [finding(item) for item in self.findings],
            "overridden": [{**finding(item), "override_reason": override.reason}
                           for item, override in self.overridden],
            "unused_overrides": [override.address for override in self.unused_overrides],
        }


def evaluate(plan_json: Mapping[str, Any] | str | bytes, *, protected: bool,
             overrides: Iterable[Override] = ()) -> GuardResult:
    """Judge one plan.

    Args:
        plan_json: the output of ``terraform show -json PLANFILE``, parsed or as text.
        protected: whether the environment is protected; unprotected plans are never refused.
        overrides: permissions for individual resource addresses.

    Raises:
        PlanGuardError: when ``plan_json`` is not a complete Terraform plan of the expected shape.
    """
    plan = load_plan(plan_json)
    findings = tuple(finding for index, change in enumerate(_resource_changes(plan))
                     if (finding := _destructive_change(change, f"resource_changes[{index}]")) is not None)
    by_address = {override.address: override for override in overrides}
    overridden = tuple((finding, by_address[finding.address]) for finding in findings if finding.address in by_address)
    used = {finding.address for finding, _ in overridden}
    unused = tuple(override for address, override in by_address.items() if address not in used)
    return GuardResult(protected=protected, findings=findings, overridden=overridden, unused_overrides=unused)


def load_plan(plan_json: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    """The plan as a mapping, refusing anything that is not ``terraform show -json`` output of a plan."""
    if isinstance(plan_json, bytes):
        if plan_json.startswith(b"PK\x03\x04"):
            raise PlanGuardError("this is a saved plan file (a zip archive), not its JSON; run "
                                 "`terraform show -json PLANFILE > plan.json` and pass plan.json")
        try:
            plan_json = plan_json.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PlanGuardError(f"the plan is not UTF-8 text (byte {plan_json[error.start]:#04x} at offset "
                                 f"{error.start}); pass the output of `terraform show -json PLANFILE`") from None
    if isinstance(plan_json, str):
        if not plan_json.strip():
            raise PlanGuardError("the plan is empty; pass the output of `terraform show -json PLANFILE`")
        try:
            plan_json = json.loads(plan_json)
        except json.JSONDecodeError as error:
            raise PlanGuardError(
                f"the plan is not JSON ({error}); pass the output of `terraform show -json PLANFILE`") from None
        except RecursionError:
            raise PlanGuardError("the plan nests JSON too deeply to be a Terraform plan") from None
    if not isinstance(plan_json, Mapping) or not isinstance(plan_json.get("format_version"), str):
        raise PlanGuardError("the input is not Terraform JSON output (no format_version string); "
                             "pass the output of `terraform show -json PLANFILE`")
    if not plan_json["format_version"].startswith("1."):
        raise PlanGuardError(f"format_version = {plan_json['format_version']!r}: this guard reads the 1.x plan format")
    if "planned_values" not in plan_json and "resource_changes" not in plan_json:
        raise PlanGuardError("the input is Terraform JSON but not a plan (no planned_values or resource_changes); "
                             "`terraform show -json` needs the saved PLANFILE, not the state")
    errored = plan_json.get("errored")
    if errored is True:
        raise PlanGuardError("the plan errored (errored = true): it is incomplete and cannot be judged; fix the plan")
    if errored not in (None, False):
        raise PlanGuardError(f"errored = {_shown(errored)}: expected true or false")
    return plan_json


def _resource_changes(plan: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    changes = plan.get("resource_changes", [])
    if not isinstance(changes, list):
        raise PlanGuardError(f"resource_changes = {_shown(changes)}: expected a list of resource changes")
    for index, change in enumerate(changes):
        if not isinstance(change, Mapping):
            raise PlanGuardError(f"resource_changes[{index}] = {_shown(change)}: expected an object")
    return changes


def _destructive_change(change: Mapping[str, Any], where: str) -> DestructiveChange | None:
    mode = change.get("mode", "managed")
    if mode not in ("managed", "data"):
        raise PlanGuardError(f"{where}.mode = {_shown(mode)}: expected 'managed' or 'data'")
    body = change.get("change")
    if not isinstance(body, Mapping):
        raise PlanGuardError(f"{where}.change = {_shown(body)}: expected an object with actions")
    actions = body.get("actions")
    if not (isinstance(actions, list) and actions and all(isinstance(action, str) for action in actions)):
        raise PlanGuardError(f"{where}.change.actions = {_shown(actions)}: expected a non-empty list of action names")
    unknown = sorted(set(actions) - KNOWN_ACTIONS)
    if unknown:
        raise PlanGuardError(f"{where}.change.actions: unknown action(s) {', '.join(unknown)}; this guard knows "
                             f"{', '.join(sorted(KNOWN_ACTIONS))} and refuses to guess")
    if mode == "data" or "delete" not in actions:
        return None
    address, resource_type = _text_at(change, "address", where), _text_at(change, "type", where)
    for key in ("action_reason", "deposed"):
        if change.get(key) is not None and not isinstance(change.get(key), str):
            raise PlanGuardError(f"{where}.{key} = {_shown(change.get(key))}: expected a string")
    if classification(resource_type) == "stateless":
        return None
    return DestructiveChange(address=address, resource_type=resource_type,
                             action="replace" if "create" in actions else "delete",
                             reason=change.get("action_reason"), deposed=change.get("deposed"))


def _text_at(change: Mapping[str, Any], key: str, where: str) -> str:
    value = change.get(key)
    if not (isinstance(value, str) and value):
        raise PlanGuardError(f"{where}.{key} = {_shown(value)}: expected a non-empty string")
    return value


def _shown(value: Any) -> str:
    """A value as JSON, shortened for a message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


if __name__ == "__main__":  # python -m platformctl.gates.plan_guard ARGS: an alias of `platformctl plan-guard ARGS`
    import sys

    from platformctl.main import main

    raise SystemExit(main(["plan-guard", *sys.argv[1:]]))

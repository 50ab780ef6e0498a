"""Plan guard: refuse a Terraform plan that would delete or replace a stateful resource.

Input is the JSON of a saved plan (``terraform show -json PLANFILE``). In a protected
environment (``plan_guard.protected`` in its configuration: staging and prod) every
deletion or replacement of a resource holding data — RDS instances and clusters, ElastiCache,
MSK, OpenSearch, S3 buckets, KMS keys, ECR repositories — refuses the plan, unless that exact
resource address carries an override with a reason. Unprotected environments get the same
findings as warnings.

This is the last line behind ``lifecycle.prevent_destroy`` and deletion protection: those do
not help when a refactoring removes the resource from the configuration (its
``prevent_destroy`` goes with it) or drops the flag in the same change.

Python API (stable; ``platformctl plan/deploy/rollback-infra`` use it)::

    result = evaluate(plan_json, protected=True,
                      overrides=[Override("aws_db_instance.main", "restored from snapshot X")])
    if not result.allowed:
        print(result.report())

Command line::

    python -m platformctl.gates.plan_guard PLAN.json [--protect | --env NAME]
        [--allow ADDRESS --reason TEXT]... [--json]

Exit codes:
    0  the plan may be applied (nothing destructive, every finding overridden, or not protected)
    1  refused: a protected environment's plan deletes or replaces a stateful resource
    2  unusable input: unreadable or errored plan, bad arguments, an override without a reason
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from platform_constructs.errors import ConfigError
from platform_constructs.policy.policy_props import MIN_REASON_LENGTH

#: Resource types whose deletion loses data. The guard's scope; pass ``stateful_types`` to widen it.
STATEFUL_TYPES: frozenset[str] = frozenset({
    "aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster",
    "aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache",
    "aws_msk_cluster", "aws_msk_serverless_cluster",
    "aws_opensearch_domain", "aws_elasticsearch_domain",
    "aws_s3_bucket",
    "aws_kms_key", "aws_kms_replica_key",
    "aws_ecr_repository",
})

EXIT_ALLOWED = 0
EXIT_REFUSED = 1
EXIT_INVALID = 2

Action = Literal["delete", "replace"]


class PlanGuardError(ValueError):
    """The input cannot be judged: not a plan, an errored plan, or an invalid override."""


@dataclass(frozen=True)
class Override:
    """Permission to delete or replace the resource at one address, and why."""

    address: str
    """Full resource address as in the plan, e.g. ``aws_db_instance.main`` or ``module.x.aws_s3_bucket.b``."""
    reason: str
    """Why losing this resource's data is acceptable (at least 10 characters)."""

    def __post_init__(self) -> None:
        if not self.address.strip():
            raise PlanGuardError(f"override.address = {self.address!r}: must be a resource address")
        if len(self.reason.strip()) < MIN_REASON_LENGTH:
            raise PlanGuardError(f"override.reason = {self.reason!r} (for {self.address}): must explain why "
                                 f"the data may be lost, in at least {MIN_REASON_LENGTH} characters")


@dataclass(frozen=True)
class DestructiveChange:
    """One planned deletion or replacement of a stateful resource."""

    address: str
    resource_type: str
    action: Action
    reason: str | None = None
    """Terraform's ``action_reason``: ``replace_because_cannot_update``, ``delete_because_no_resource_config``..."""
    deposed: str | None = None
    """Key of a deposed object (left over from a failed create-before-destroy), if that is what goes."""

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
    def exit_code(self) -> int:
        """:data:`EXIT_ALLOWED` or :data:`EXIT_REFUSED`."""
        return EXIT_ALLOWED if self.allowed else EXIT_REFUSED

    def report(self) -> str:
        """Human-readable verdict naming every resource and action."""
        lines: list[str] = []
        if self.blocked:
            lines.append(f"plan guard: REFUSED: {len(self.blocked)} deletion(s)/replacement(s) of stateful "
                         "resources in a protected environment:")
            lines += [f"  - {finding.describe()}" for finding in self.blocked]
            lines.append(f'to proceed, add for each: --allow ADDRESS --reason "why this data may be lost" '
                         f"(at least {MIN_REASON_LENGTH} characters)")
        elif self.findings and not self.protected:
            lines.append("plan guard: allowed (environment not protected), but the plan loses data of:")
            lines += [f"  - {finding.describe()}" for finding in self.findings]
        else:
            lines.append("plan guard: allowed: no stateful resource is deleted or replaced"
                         if not self.overridden else "plan guard: allowed")
        lines += [f"  overridden: {finding.describe()}: {override.reason}" for finding, override in self.overridden]
        lines += [f"  warning: override for {override.address} matches nothing in this plan"
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
             overrides: Iterable[Override] = (), stateful_types: frozenset[str] = STATEFUL_TYPES) -> GuardResult:
    """Judge one plan.

    Args:
        plan_json: the output of ``terraform show -json PLANFILE``, parsed or as text.
        protected: the environment's ``plan_guard.protected``; unprotected plans are never refused.
        overrides: permissions for individual resource addresses.
        stateful_types: resource types whose deletion loses data.

    Raises:
        PlanGuardError: when ``plan_json`` is not a complete Terraform plan.
    """
    plan = _load(plan_json)
    findings = tuple(
        finding for change in plan.get("resource_changes", [])
        if (finding := _destructive_change(change, stateful_types)) is not None
    )
    by_address = {override.address: override for override in overrides}
    overridden = tuple((finding, by_address[finding.address]) for finding in findings if finding.address in by_address)
    used = {finding.address for finding, _ in overridden}
    unused = tuple(override for address, override in by_address.items() if address not in used)
    return GuardResult(protected=protected, findings=findings, overridden=overridden, unused_overrides=unused)


def _load(plan_json: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    if isinstance(plan_json, str | bytes):
        try:
            plan_json = json.loads(plan_json)
        except json.JSONDecodeError as error:
            raise PlanGuardError(
                f"plan is not JSON ({error}); pass the output of `terraform show -json PLANFILE`") from None
    if not isinstance(plan_json, Mapping) or "format_version" not in plan_json:
        raise PlanGuardError("input is not Terraform JSON output (no format_version); "
                             "pass the output of `terraform show -json PLANFILE`")
    if "planned_values" not in plan_json and "resource_changes" not in plan_json:
        raise PlanGuardError("input is Terraform JSON but not a plan (no planned_values or resource_changes); "
                             "`terraform show -json` needs the saved PLANFILE, not the state")
    if plan_json.get("errored"):
        raise PlanGuardError("the plan errored: it is incomplete and cannot be judged; fix the plan first")
    return plan_json


def _destructive_change(change: Mapping[str, Any], stateful_types: frozenset[str]) -> DestructiveChange | None:
    if change.get("mode", "managed") != "managed" or change.get("type") not in stateful_types:
        return None
    actions = change.get("change", {}).get("actions", [])
    if "delete" not in actions:
        return None
    return DestructiveChange(address=change["address"], resource_type=change["type"],
                   action="replace" if "create" in actions else "delete",
                   reason=change.get("action_reason"), deposed=change.get("deposed"))


def protected_from_config(environment: str, environments_dir: Path) -> bool:
    """``plan_guard.protected`` of ``environment`` (``shared`` for the shared/bootstrap stacks)."""
    from platform_constructs.config.loader import load_platform

    platform = load_platform(environments_dir)
    if environment == "shared":
        return platform.shared.plan_guard.protected
    if environment not in platform.environments:
        known = ", ".join(["shared", *sorted(platform.environments)])
        raise PlanGuardError(f"--env = {environment!r}: no such environment; known: {known}")
    return platform.environments[environment].plan_guard.protected


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m platformctl.gates.plan_guard",
        description="Refuse a Terraform plan that deletes or replaces stateful resources in a protected "
                    "environment. Exit codes: 0 allowed, 1 refused, 2 unusable input.")
    parser.add_argument("plan", help="output of `terraform show -json PLANFILE` (a file, or - for stdin)")
    protection = parser.add_mutually_exclusive_group()
    protection.add_argument("--protect", action="store_true", help="treat the environment as protected")
    protection.add_argument("--env", metavar="NAME",
                            help="read plan_guard.protected of environment NAME (or shared) from the configuration")
    parser.add_argument("--environments", type=Path, default=Path("environments"), metavar="DIR",
                        help="configuration directory for --env (default: environments)")
    parser.add_argument("--allow", action="append", default=[], metavar="ADDRESS",
                        help="resource address that may be deleted or replaced; needs a --reason")
    parser.add_argument("--reason", action="append", default=[], metavar="TEXT",
                        help=f"why the preceding --allow may lose data (at least {MIN_REASON_LENGTH} characters)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    args = parser.parse_args(argv)
    try:
        if len(args.allow) != len(args.reason):
            raise PlanGuardError(f"{len(args.allow)} --allow but {len(args.reason)} --reason: "
                                 "every --allow ADDRESS needs its own --reason TEXT")
        overrides = [Override(address, reason) for address, reason in zip(args.allow, args.reason, strict=True)]
        protected = args.protect or (args.env is not None and protected_from_config(args.env, args.environments))
        text = sys.stdin.read() if args.plan == "-" else _read(Path(args.plan))
        result = evaluate(text, protected=protected, overrides=overrides)
    except (PlanGuardError, ConfigError) as error:
        print(f"plan guard: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    print(result.report(), file=sys.stderr if result.blocked else sys.stdout)
    return result.exit_code


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as error:
        raise PlanGuardError(f"cannot read plan {path}: {error.strerror}") from None


if __name__ == "__main__":
    sys.exit(main())

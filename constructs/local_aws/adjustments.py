"""Adjustments to the emulator's (moto's) models where it departs from AWS.

The stacks are never weakened to suit the emulator: where moto behaves unlike AWS in a way
the real Terraform AWS provider trips over, the model is changed, in the emulator process
only, to do what AWS does. Each adjustment names the AWS behaviour it restores.

This module holds the registry, the adjustments that concern every service, S3 and STS; the
``emulator_<service>.py`` modules hold one service's each. :mod:`.emulator_server` applies
them all before it serves its first request.
"""

from __future__ import annotations

import fnmatch
import json
import operator
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Adjustment:
    """One change to moto's models."""

    name: str
    """Short identifier, e.g. ``s3-log-delivery-policy``."""
    restores: str
    """The AWS behaviour the change restores, in one sentence."""
    apply: Callable[[], None]
    """Patches moto in the current process."""


ADJUSTMENTS: list[Adjustment] = []


def adjustment(name: str, restores: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register the decorated function as an :class:`Adjustment`."""
    def register(function: Callable[[], None]) -> Callable[[], None]:
        ADJUSTMENTS.append(Adjustment(name, restores, function))
        return function
    return register


#: Modules that register the adjustments of one service each (imported by :func:`registered`).
SERVICE_MODULES = ("acm", "autoscaling", "cloudwatch", "ec2", "eks", "elasticache", "elbv2", "kafka", "rds", "route53",
                   "sns")


def registered() -> list[Adjustment]:
    """Every adjustment, the per-service modules' included."""
    import importlib

    for module in SERVICE_MODULES:
        importlib.import_module(f"local_aws.services.{module}")
    return list(ADJUSTMENTS)


def apply_all() -> list[str]:
    """Apply every adjustment once, in the emulator process; returns their names."""
    adjustments = registered()
    for item in adjustments:
        item.apply()
    return [item.name for item in adjustments]


def error_class(code: str) -> type[Exception]:
    """A moto service error with AWS error ``code`` (the serializer finds its HTTP status in the service model)."""
    from moto.core.exceptions import ServiceException

    return type(code, (ServiceException,), {"code": code})


def public_fields(item: dict[str, Any]) -> dict[str, Any]:
    """A stored emulator record without its private (``_``-prefixed) bookkeeping keys, as the API returns it."""
    return {key: value for key, value in item.items() if not key.startswith("_")}


# --- helpers ------------------------------------------------------------------------------

def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _principal_covers_service(principal: object, service: str) -> bool:
    """IAM semantics: ``"*"`` (or ``{"AWS": "*"}``) is everyone; ``{"Service": ...}`` a string or a list."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return "*" in _as_list(principal.get("AWS")) or service in _as_list(principal.get("Service"))


# --- request context ----------------------------------------------------------------------

_request = threading.local()


def request_context() -> dict[str, str]:
    """Global condition keys of the request being served (``aws:SecureTransport``, ``s3:TlsVersion``)."""
    return getattr(_request, "values", {})


def with_request_context(app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI middleware recording, per request thread, what policy conditions need to know."""
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        values = {"aws:SecureTransport": "true" if environ.get("wsgi.url_scheme") == "https" else "false"}
        tls_version = getattr(environ.get("werkzeug.socket"), "version", lambda: None)()
        if tls_version:
            values["s3:TlsVersion"] = tls_version.removeprefix("TLSv")
        _request.values = values
        return app(environ, start_response)
    return wrapped


# --- IAM condition evaluation -------------------------------------------------------------

def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    return lambda actual, expected: compare(float(actual), float(expected))


_CONDITION_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": operator.eq,
    "StringEqualsIgnoreCase": lambda actual, expected: actual.lower() == expected.lower(),
    "StringLike": fnmatch.fnmatchcase,
    "ArnEquals": operator.eq,
    "ArnLike": fnmatch.fnmatchcase,
    "Bool": lambda actual, expected: actual.lower() == str(expected).lower(),
    "NumericEquals": _numeric(operator.eq),
    "NumericLessThan": _numeric(operator.lt),
    "NumericLessThanEquals": _numeric(operator.le),
    "NumericGreaterThan": _numeric(operator.gt),
    "NumericGreaterThanEquals": _numeric(operator.ge),
}
_NEGATED_OPERATORS = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike",
                      "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike", "NumericNotEquals": "NumericEquals"}


def conditions_hold(conditions: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    """IAM semantics: every operator block holds; within one, every key matches any of its values.

    A key missing from the request context fails the block, except with ``...IfExists``
    (passes) and ``Null`` (tests exactly that). Unknown operators never hold.
    """
    for name, keys in conditions.items():
        if_exists = name.endswith("IfExists")
        base = name.removesuffix("IfExists")
        for key, expected in keys.items():
            actual = context.get(key)
            if base == "Null":
                if str(_as_list(expected)[0]).lower() != str(actual is None).lower():
                    return False
                continue
            if actual is None:
                if if_exists:
                    continue
                return False
            negated = base in _NEGATED_OPERATORS
            compare = _CONDITION_OPERATORS.get(_NEGATED_OPERATORS.get(base, base))
            if compare is None:
                return False
            matched = any(compare(actual, str(value)) for value in _as_list(expected))
            if matched == negated:
                return False
    return True


# --- S3 -----------------------------------------------------------------------------------

def _matches(patterns: object, value: str, *, ignore_case: bool = False) -> bool:
    if ignore_case:
        return any(fnmatch.fnmatchcase(value.lower(), str(p).lower()) for p in _as_list(patterns))
    return any(fnmatch.fnmatchcase(value, str(p)) for p in _as_list(patterns))


def _statement_applies(statement: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    """Whether a bucket-policy statement covers an anonymous-principal request (moto knows no caller identity)."""
    principal = statement.get("Principal")
    if not (principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))):
        return False
    if "NotAction" in statement:
        if _matches(statement["NotAction"], action, ignore_case=True):
            return False
    elif not _matches(statement.get("Action"), action, ignore_case=True):
        return False
    if "NotResource" in statement:
        if _matches(statement["NotResource"], resource):
            return False
    elif not _matches(statement.get("Resource"), resource):
        return False
    return conditions_hold(statement.get("Condition", {}), context)


def evaluate_bucket_policy(policy: str | bytes, action: str, resource: str, context: dict[str, str]) -> str:
    """``"deny"``, ``"allow"`` or ``"neutral"``: an applicable Deny wins over any Allow."""
    verdict = "neutral"
    for statement in _as_list(json.loads(policy).get("Statement")):
        if _statement_applies(statement, action, resource, context):
            if statement.get("Effect") == "Deny":
                return "deny"
            verdict = "allow"
    return verdict


@adjustment(
    "s3-bucket-policy-conditions",
    "A bucket-policy statement applies only when its Condition holds for the request: a "
    "TLS-only Deny (aws:SecureTransport = false, s3:TlsVersion < 1.2) refuses plain HTTP and old "
    "TLS but lets HTTPS through (moto ignores conditions, so such a Deny refuses every request).",
)
def _s3_bucket_policy_conditions() -> None:
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    results = {"deny": PermissionResult.DENIED, "allow": PermissionResult.PERMITTED,
               "neutral": PermissionResult.NEUTRAL}

    def get_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        return results[evaluate_bucket_policy(self.policy, action, resource, request_context())]

    FakeBucket.get_permission = get_permission


LOG_DELIVERY_PRINCIPAL = "logging.s3.amazonaws.com"


def _policy_grants_log_delivery(policy: bytes | None, bucket_arn: str, prefix: str) -> bool:
    """Whether a bucket policy lets S3 server access logging write ``{prefix}*`` into the bucket."""
    if not policy:
        return False
    log_object = f"{bucket_arn}/{prefix}log-object"
    for statement in _as_list(json.loads(policy).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        if not _principal_covers_service(statement.get("Principal"), LOG_DELIVERY_PRINCIPAL):
            continue
        if not any(fnmatch.fnmatchcase("s3:PutObject", action) for action in _as_list(statement.get("Action"))):
            continue
        if any(fnmatch.fnmatchcase(log_object, resource) for resource in _as_list(statement.get("Resource"))):
            return True
    return False


@adjustment(
    "s3-log-delivery-policy",
    "PutBucketLogging accepts a target bucket whose policy grants logging.s3.amazonaws.com "
    "s3:PutObject, reading the policy with IAM semantics: a Principal may be \"*\" or a list, "
    "Action and Resource may be lists or wildcards (moto fails with HTTP 500 on a \"*\" "
    "principal and compares resources as exact strings).",
)
def _s3_log_delivery_policy() -> None:
    from moto.s3.models import FakeBucket

    def log_permissions_enabled_policy(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
        return _policy_grants_log_delivery(target_bucket.policy, target_bucket.arn, target_prefix or "")

    FakeBucket._log_permissions_enabled_policy = staticmethod(log_permissions_enabled_policy)


# --- STS ----------------------------------------------------------------------------------

def _trusts_account(trust_policy: str, account_id: str) -> bool:
    """Whether a role trust policy lets principals of ``account_id`` call sts:AssumeRole."""
    for statement in _as_list(json.loads(trust_policy).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        if not any(fnmatch.fnmatchcase("sts:AssumeRole", action) for action in _as_list(statement.get("Action"))):
            continue
        principal = statement.get("Principal")
        principals = ["*"] if principal == "*" else _as_list((principal or {}).get("AWS"))
        if any(p in ("*", account_id) or p.startswith(f"arn:aws:iam::{account_id}:") for p in principals):
            return True
    return False


@adjustment(
    "sts-assume-existing-role",
    "AssumeRole succeeds only for a role that exists in the target account and whose trust "
    "policy admits the caller's account; otherwise AccessDenied (moto hands out credentials "
    "for any ARN, which would hide a wrong account id or role name in a provider's assume_role).",
)
def _sts_assume_existing_role() -> None:
    from moto.iam.models import iam_backends
    from moto.sts.models import STSBackend

    access_denied = error_class("AccessDenied")
    original = STSBackend.assume_role

    def assume_role(self: STSBackend, region_name: str, role_session_name: str, role_arn: str,
                    *args: Any, **kwargs: Any) -> Any:
        target_account = role_arn.split(":")[4]
        role_name = role_arn.split("/")[-1]
        roles = {role.name: role for role in iam_backends[target_account][self.partition].get_roles()}
        role = roles.get(role_name)
        if role is None or not _trusts_account(role.assume_role_policy_document, self.account_id):
            raise access_denied(f"User: arn:aws:sts::{self.account_id}:caller is not authorized to perform: "
                               f"sts:AssumeRole on resource: {role_arn}")
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)

    STSBackend.assume_role = assume_role


# --- every service ------------------------------------------------------------------------

@adjustment(
    "unknown-action-is-a-client-error",
    "An action a service does not offer is answered at once with a client error (HTTP 400) "
    "naming it; moto answers HTTP 500, which SDKs retry with back-off for minutes before "
    "Terraform reports anything.",
)
def _unknown_action_is_a_client_error() -> None:
    from moto.core.responses import ActionResult, BaseResponse

    invalid_action = error_class("InvalidAction")
    original = BaseResponse.call_action

    def call_action(self: BaseResponse) -> Any:
        try:
            return original(self)
        except NotImplementedError:
            action = self._get_action()
            status, headers, body = self.serialized(ActionResult(invalid_action(
                f"{self.service_name}:{action} is not implemented by the local AWS emulator")))
            headers["status"] = status
            return status, headers, body

    BaseResponse.call_action = call_action

"""rds.storage-autoscaling: storage grows before it runs out."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict, is_reference


def _check(resource: Resource, _limits: object) -> Verdict:
    allocated, maximum = resource.get("allocated_storage"), resource.get("max_allocated_storage")
    if resource.get("replicate_source_db"):
        return Verdict.not_applicable()
    if any(is_reference(value) or not isinstance(value, int | float) for value in (allocated, maximum)):
        return Verdict.non_compliant(f"max_allocated_storage is {maximum!r} for allocated_storage {allocated!r}")
    return Verdict.require(maximum > allocated,
                           f"max_allocated_storage ({maximum}) must exceed allocated_storage ({allocated})")


RULE = Rule(
    id="rds.storage-autoscaling", severity=Severity.MEDIUM, resource_types=("aws_db_instance",),
    summary="max_allocated_storage exceeds allocated_storage",
    fix="set max_allocated_storage above allocated_storage in [postgres]",
    check=_check,
)

"""rds.force-ssl: PostgreSQL refuses connections without TLS."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    family = str(resource.get("family", ""))
    if not family.startswith(("postgres", "aurora-postgresql")):
        return Verdict.not_applicable()
    values = {str(parameter.get("name")): str(parameter.get("value")) for parameter in resource.blocks("parameter")}
    return Verdict.require(values.get("rds.force_ssl") == "1",
                           f"parameter rds.force_ssl is {values.get('rds.force_ssl', 'not set')}, must be 1")


RULE = Rule(
    id="rds.force-ssl", severity=Severity.HIGH,
    resource_types=("aws_db_parameter_group", "aws_rds_cluster_parameter_group"),
    summary="the PostgreSQL parameter group sets rds.force_ssl = 1",
    fix='add parameter { name = "rds.force_ssl", value = "1" } to the parameter group',
    check=_check,
)

"""msk.authentication: every client authenticates (IAM, SCRAM or mutual TLS)."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    if resource.get("client_authentication.unauthenticated") is True:
        return Verdict.non_compliant("client_authentication.unauthenticated is true")
    authenticated = (resource.get("client_authentication.sasl.iam") is True
                     or resource.get("client_authentication.sasl.scram") is True
                     or bool(resource.get("client_authentication.tls.certificate_authority_arns")))
    return Verdict.require(authenticated, "no client authentication (sasl.iam, sasl.scram or tls) is enabled")


RULE = Rule(
    id="msk.authentication", severity=Severity.HIGH, resource_types=("aws_msk_cluster",),
    summary="clients authenticate with SASL/IAM (or SCRAM / mutual TLS); unauthenticated access is off",
    fix="set client_authentication { sasl { iam = true }, unauthenticated = false }",
    check=_check,
)

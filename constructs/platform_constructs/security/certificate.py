"""DnsValidatedCertificate: a public ACM certificate for one host, validated through Route 53."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws

#: TTL of the validation record; ACM re-reads it at every renewal.
VALIDATION_RECORD_TTL = 300


class DnsValidatedCertificate(Construct):
    """An ACM certificate for exactly one name (no wildcard), validated by a CNAME in ``zone_id``.

    :attr:`arn` comes from the validation resource, so whatever uses it waits until ACM has issued the
    certificate. The CNAME stays, and ACM renews the certificate by itself before it expires. A new
    certificate is created before the old one is destroyed, so a listener never lacks one.

    Example::

        certificate = DnsValidatedCertificate(self, "Certificate", domain_name="api.prod.acme.example",
                                              zone_id=public_zone_id)
        certificate.arn
    """

    def __init__(self, scope: Construct, construct_id: str, *, domain_name: str, zone_id: str) -> None:
        super().__init__(scope, construct_id)
        self.certificate = aws.acm_certificate.AcmCertificate(
            self, "Certificate", domain_name=domain_name, validation_method="DNS", key_algorithm="RSA_2048",
            options=aws.acm_certificate.AcmCertificateOptions(certificate_transparency_logging_preference="ENABLED"),
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        option = self.certificate.domain_validation_options.get(0)
        record = aws.route53_record.Route53Record(
            self, "ValidationRecord", zone_id=zone_id, name=option.resource_record_name,
            type=option.resource_record_type, records=[option.resource_record_value], ttl=VALIDATION_RECORD_TTL,
            allow_overwrite=True,
        )
        self.validation = aws.acm_certificate_validation.AcmCertificateValidation(
            self, "Validation", certificate_arn=self.certificate.arn, validation_record_fqdns=[record.fqdn],
        )
        self.domain_name = domain_name
        self.arn: str = self.validation.certificate_arn

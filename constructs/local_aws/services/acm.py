"""Emulator adjustments for ACM: DNS validation.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from local_aws.adjustments import adjustment


def _public_records() -> Iterator[tuple[str, str | None, list[str]]]:
    """``(name, type, values)`` of every record in a public hosted zone of any account: the emulator's public DNS."""
    from moto.route53.models import route53_backends

    for account in list(route53_backends.keys()):
        for backend in list(route53_backends[account].values()):
            for zone in list(backend.zones.values()):
                if zone.private_zone:
                    continue
                for record in zone.rrsets:
                    yield record.name.rstrip("."), record.type, [str(value).rstrip(".") for value in record.records]


def is_validated(resource_record: dict[str, str]) -> bool:
    """Whether the validation CNAME ACM asked for resolves publicly (exists in a public zone with its value)."""
    name, value = resource_record["Name"].rstrip("."), resource_record["Value"].rstrip(".")
    return any((found, kind) == (name, "CNAME") and value in values for found, kind, values in _public_records())


@adjustment(
    "acm-dns-validation",
    "A DNS-validated certificate is issued once every validation CNAME ACM names exists, with its value, "
    "in a public hosted zone, and stays PENDING_VALIDATION until then (moto issues every certificate 60 "
    "seconds after the request, whether or not the records exist).",
)
def _dns_validation() -> None:
    from moto.acm.models import CertBundle

    original = CertBundle.check

    def check(self: CertBundle) -> Any:
        if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION":
            options = self.describe()["Certificate"].get("DomainValidationOptions", [])
            if options and all(is_validated(option["ResourceRecord"]) for option in options):
                self.status = "ISSUED"
            return None
        return original(self)

    CertBundle.check = check

"""The AWS regions an environment may name: a maintained list, checked when the configuration loads.

A pattern accepts ``eu-west-9``, which does not exist; Terraform would then fail minutes into a
plan (or a provider would guess an endpoint). The list holds the regions of the partitions the
platform supports (``aws``, ``aws-cn``, ``aws-us-gov``), as AWS publishes them (botocore's
``endpoints.json``); a test compares it with the installed botocore, so a new region shows up
as a failing test to add it here. The isolated partitions (``aws-iso*``) and the European
Sovereign Cloud are left out: the platform's stacks have never been run there.
"""

from __future__ import annotations

import difflib
from typing import Annotated

from pydantic import AfterValidator

from platform_constructs.props import StrictStr

#: Partition → its regions.
REGIONS_BY_PARTITION: dict[str, tuple[str, ...]] = {
    "aws": (
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    ),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-us-gov": ("us-gov-east-1", "us-gov-west-1"),
}
#: Every region an environment may name.
KNOWN_REGIONS: frozenset[str] = frozenset(region for regions in REGIONS_BY_PARTITION.values() for region in regions)


def _known_region(value: str) -> str:
    if value not in KNOWN_REGIONS:
        close = difflib.get_close_matches(value, sorted(KNOWN_REGIONS), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ValueError(f"is not an AWS region the platform knows (config/regions.py){hint}")
    return value


#: An AWS region code such as ``eu-west-1``, one of :data:`KNOWN_REGIONS`.
AwsRegion = Annotated[StrictStr, AfterValidator(_known_region)]

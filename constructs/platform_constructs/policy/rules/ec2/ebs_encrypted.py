"""ec2.ebs-encrypted: every EBS volume an instance or launch template creates is encrypted."""

from typing import Any

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import terraform_value


def _check(resource: Resource, _limits: object) -> Verdict:
    volumes: list[Any]  # blocks as synthesized: a mapping, or a list of one
    if resource.type == "aws_ebs_volume":
        volumes = [resource.props]
    elif resource.type == "aws_instance":
        volumes = resource.blocks("root_block_device") + resource.blocks("ebs_block_device")
    else:
        volumes = [mapping.get("ebs") or {} for mapping in resource.blocks("block_device_mappings")]
        volumes = [volume[0] if isinstance(volume, list) else volume for volume in volumes]
    plain = [index for index, volume in enumerate(volumes) if terraform_value(volume.get("encrypted")) is not True]
    return Verdict.require(not plain, f"volume(s) {plain} are not encrypted (encrypted is not true)")


RULE = Rule(
    id="ec2.ebs-encrypted", severity=Severity.HIGH,
    resource_types=("aws_launch_template", "aws_instance", "aws_ebs_volume"),
    summary="EBS volumes are encrypted",
    fix="set encrypted = true (with kms_key_id) on every block device",
    check=_check,
)

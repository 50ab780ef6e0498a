"""Emulator adjustments for EC2: launch-template tags and security-group rule descriptions.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment

#: Tag specifications of CreateLaunchTemplate itself tag the template; only these types may
#: appear in the template's data (what launched instances and their volumes get).
_TEMPLATE_ONLY_RESOURCE_TYPES = {"launch-template"}


@adjustment(
    "ec2-launch-template-tags-stay-on-the-template",
    "CreateLaunchTemplate's own TagSpecifications tag the launch template; the template data "
    "keeps only the tag specifications it was given for instances and volumes (moto copies the "
    "template's tags into the data, a perpetual diff and a new version on every apply).",
)
def _launch_template_tags() -> None:
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplates.create_launch_template

    def create_launch_template(self: LaunchTemplates) -> Any:
        result = original(self)
        template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
        for version in template.versions:
            specifications = version.data.get("TagSpecifications")
            if specifications is not None:
                version.data["TagSpecifications"] = [
                    spec for spec in specifications if spec.get("ResourceType") not in _TEMPLATE_ONLY_RESOURCE_TYPES]
                if not version.data["TagSpecifications"]:
                    del version.data["TagSpecifications"]
        return result

    LaunchTemplates.create_launch_template = create_launch_template


@adjustment(
    "ec2-security-group-rule-descriptions",
    "A security-group rule that references another security group or a prefix list keeps its "
    "Description (moto reports descriptions of CIDR rules only).",
)
def _security_group_rule_descriptions() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: SecurityGroupRule) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    SecurityGroupRule.description = property(description)

"""Props of the guardrail policy: the ``[policy]`` section (rule pack, enforcement, limits, suppressions)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from platform_constructs.policy.engine import Resource
from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.props import Props, StrictBool, StrictStr

PackName = Literal["baseline", "production"]

#: A Terraform resource address: ``<type>.<logical name>``.
_ADDRESS = re.compile(r"^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$")
#: A construct path: ``<stack>`` or ``<stack>/<id>/<id>...``.
_CONSTRUCT_PATH = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
#: A guardrail suppression or a plan-guard override must say why, in at least this many characters.
MIN_REASON_LENGTH = 10


class Suppression(Props):
    """An accepted violation of one rule on one resource (or construct subtree), with the reason.

    The suppression is written into the synthesized resource's ``//`` metadata and listed in the
    environment report, so every exception is visible where it applies.
    """

    rule: StrictStr
    """Id of the suppressed rule, e.g. ``rds.multi-az``. Default: required."""
    path: StrictStr = Field(min_length=1)
    """Construct path (``prod/Database`` – the construct and everything under it) or Terraform resource
    address (``aws_db_instance.Database_Instance_1A2B3C4D``). Default: required."""
    reason: StrictStr
    """Why the violation is acceptable, at least 10 characters. Default: required."""

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        from platform_constructs.policy.packs import RULES_BY_ID

        if value not in RULES_BY_ID:
            raise ValueError(f"unknown rule id; known rules: {', '.join(sorted(RULES_BY_ID))}")
        return value

    @field_validator("path")
    @classmethod
    def _path_or_address(cls, value: str) -> str:
        if not (_ADDRESS.match(value) or _CONSTRUCT_PATH.match(value)):
            raise ValueError("must be a construct path such as 'prod/Database' or a resource address such as "
                             "'aws_db_instance.Database_Instance_1A2B3C4D'")
        return value

    @field_validator("reason")
    @classmethod
    def _reasoned(cls, value: str) -> str:
        if len(value.strip()) < MIN_REASON_LENGTH:
            raise ValueError(f"a suppression needs a reason of at least {MIN_REASON_LENGTH} characters "
                             "saying why the violation is acceptable")
        return value

    @property
    def is_address(self) -> bool:
        """Whether ``path`` is a Terraform resource address rather than a construct path."""
        return bool(_ADDRESS.match(self.path)) and "/" not in self.path

    def accepts(self, rule_id: str, resource: Resource) -> bool:
        """Whether this suppression covers ``rule_id`` on ``resource``."""
        if rule_id != self.rule:
            return False
        if self.is_address:
            return resource.address == self.path
        return resource.path == self.path or resource.path.startswith(f"{self.path}/")


class PolicyProps(Props):
    """Guardrails checked at synth: which rule pack runs, whether violations fail synth, the exceptions.

    Tier defaults live in ``config/presets/policy.toml``: dev reports the baseline pack as warnings;
    staging and prod fail synth on any violation of the production pack.
    """

    pack: PackName = "production"
    """Rule pack: ``baseline`` (encryption, no public access, IMDSv2, TLS, log retention) or ``production``
    (baseline + Multi-AZ, deletion protection, backups, CMKs, private endpoints, full logging).
    Default: ``production``."""
    enforce: StrictBool = True
    """Fail synth on a violation (``True``) or report it as a warning (``False``). Default: ``True``."""
    limits: PolicyLimits = Field(default_factory=PolicyLimits)
    """Thresholds of the rules that compare numbers. Default: the prod values."""
    suppressions: tuple[Suppression, ...] = ()
    """Accepted violations, each with a rule id, a path and a reason. Default: none."""

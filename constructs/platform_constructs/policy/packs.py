"""Rule packs: curated lists of rules, chosen per environment by ``policy.pack``.

- ``baseline``: what holds in every environment, dev included – encryption at rest and in transit,
  no public access, IMDSv2, TLS-only databases, log retention set, no secret literals; load balancers
  speak HTTPS only (TLS 1.3 policies) and drop invalid headers; identity policies name their actions, scope data
  actions to exact resources and never attach an administrator policy.
- ``production``: the baseline plus the prod column of AWS-ANCHORS §9 – customer-managed keys,
  Multi-AZ, deletion protection and ``prevent_destroy``, backups and final snapshots, private
  endpoints, full logging, minimum retention and node counts from ``policy.limits``; load balancers with
  access logs, deletion protection and, when internet-facing, a WAF web ACL.

Whether a violation fails synth or only warns is ``policy.enforce``, not the pack.
"""

from __future__ import annotations

from platform_constructs.policy.engine import Rule
from platform_constructs.policy.rules import (
             ec2,
             ecr,
             eks,
             elasticache,
             elbv2,
             general,
             iam,
             kms,
             logs,
             msk,
             opensearch,
             rds,
             s3,
             secretsmanager,
             sns,
             vpc,
)

_SERVICES = (general, kms, logs, vpc, ec2, eks, rds, elasticache, msk, opensearch, ecr, s3, sns, secretsmanager,
             elbv2, iam)

BASELINE: tuple[Rule, ...] = tuple(rule for service in _SERVICES for rule in service.BASELINE_RULES)
PRODUCTION: tuple[Rule, ...] = BASELINE + tuple(rule for service in _SERVICES for rule in service.PRODUCTION_RULES)

#: Pack name (``policy.pack``) → its rules.
PACKS: dict[str, tuple[Rule, ...]] = {"baseline": BASELINE, "production": PRODUCTION}
#: Every rule of every pack, by id.
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in PRODUCTION}

"""Packs: every rule module is in a pack, ids are unique and the production pack extends the baseline."""

import importlib
import pkgutil

from platform_constructs.policy import packs, rules
from platform_constructs.policy.engine import Rule


def _rule_modules():
    for service in pkgutil.iter_modules(rules.__path__):
        if not service.ispkg:
            continue
        package = importlib.import_module(f"{rules.__name__}.{service.name}")
        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith("_"):  # helpers shared by a service's rules
                yield importlib.import_module(f"{package.__name__}.{module.name}")


def test_every_rule_module_defines_one_rule_that_a_pack_runs():
    modules = list(_rule_modules())
    assert len(modules) == len(packs.PRODUCTION) >= 60
    for module in modules:
        assert isinstance(module.RULE, Rule), module.__name__
        assert module.RULE in packs.PRODUCTION, module.__name__
        service = module.__name__.split(".")[-2]
        assert module.RULE.id.startswith(f"{service}."), f"{module.RULE.id} lives in rules/{service}/"


def test_rule_ids_are_unique_and_documented():
    ids = [rule.id for rule in packs.PRODUCTION]
    assert len(ids) == len(set(ids)) >= 60
    for rule in packs.PRODUCTION:
        assert rule.summary and rule.fix and rule.resource_types, rule.id


def test_production_pack_extends_the_baseline():
    assert set(packs.BASELINE) < set(packs.PRODUCTION)
    assert packs.PACKS == {"baseline": packs.BASELINE, "production": packs.PRODUCTION}


def test_production_pack_covers_the_prod_column_of_the_anchors():
    ids = {rule.id for rule in packs.PRODUCTION}
    assert {
        "kms.key-rotation", "logs.retention-minimum", "logs.kms-encryption", "vpc.flow-log-all-traffic",
        "vpc.default-security-group-closed", "eks.private-endpoint", "eks.control-plane-logging",
        "eks.secrets-encryption", "eks.api-authentication", "ec2.imdsv2-required", "eks.node-group-min-size",
        "rds.multi-az", "rds.deletion-protection", "rds.backup-retention", "rds.final-snapshot",
        "rds.storage-encrypted", "rds.customer-managed-key", "rds.managed-master-password", "rds.not-public",
        "rds.force-ssl", "elasticache.multi-az", "elasticache.transit-encryption", "elasticache.authentication",
        "elasticache.snapshot-retention", "msk.encryption-in-transit", "msk.authentication", "msk.broker-logs",
        "opensearch.vpc-only", "opensearch.fine-grained-access", "opensearch.dedicated-masters",
        "opensearch.zone-awareness", "ecr.immutable-tags", "ecr.scan-on-push", "s3.public-access-block",
        "general.prevent-destroy", "general.no-secret-literals",
    } <= ids


def test_rules_load_without_cdktf():
    """Configuration validates suppression rule ids in under a second: rules must not import cdktf."""
    import subprocess
    import sys

    code = ("import sys, platform_constructs.policy.packs, platform_constructs.policy.policy_props; "
            "sys.exit('cdktf' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

"""The plan guard's classification is total: every resource type any stack synthesizes is stateful or stateless.

A construct that starts creating a new resource type makes this test fail until the type is put
in ``STATEFUL`` (with what deleting it loses) or ``STATELESS`` in ``platformctl/gates/plan_guard.py``.
Until then the guard treats the type as stateful (fail closed).
"""

from __future__ import annotations

import json

from platform_constructs.stacks.names import app_of_stack, stack_owners
from platformctl.gates.plan_guard import STATEFUL, STATELESS, classification


def _synthesized_types(synth_dir) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for document in sorted((synth_dir / "stacks").glob("*/cdk.tf.json")):
        for resource_type in json.loads(document.read_text()).get("resource", {}):
            types.setdefault(resource_type, set()).add(document.parent.name)
    return types


def test_every_stack_is_looked_at(synth_dir, platform):
    stacks = {path.name for path in (synth_dir / "stacks").iterdir()}
    assert stacks == set(stack_owners(platform))
    assert any(app_of_stack(stack) for stack in stacks), "an application stack is among them"


def test_every_synthesized_resource_type_is_classified(synth_dir):
    types = _synthesized_types(synth_dir)
    assert len(types) > 50
    unclassified = {name: sorted(stacks) for name, stacks in types.items() if classification(name) == "unclassified"}
    assert not unclassified, f"classify in platformctl/gates/plan_guard.py (STATEFUL or STATELESS): {unclassified}"


def test_what_holds_data_or_runs_the_environment_is_stateful(synth_dir):
    types = _synthesized_types(synth_dir)
    must_guard = {"aws_eks_cluster", "aws_cloudwatch_log_group", "kubernetes_namespace_v1", "kubernetes_deployment_v1",
                  "aws_s3_bucket", "aws_s3_bucket_versioning", "aws_kms_key", "aws_db_instance", "aws_msk_cluster",
                  "aws_opensearch_domain", "aws_elasticache_replication_group", "aws_ecr_repository",
                  # the entries (issue 9): zones, load balancers, certificates, web ACLs, TargetGroupBindings
                  "aws_route53_zone", "aws_lb", "aws_acm_certificate", "aws_wafv2_web_acl", "kubernetes_manifest"}
    assert must_guard <= set(types), "each of these is synthesized somewhere"
    assert must_guard <= set(STATEFUL)
    assert not set(STATEFUL) & STATELESS

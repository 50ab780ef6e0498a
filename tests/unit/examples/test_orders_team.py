"""examples/orders_team: a second team's stack from props alone, synthesized under the production guardrails."""

from __future__ import annotations

import json

import pytest
from example_apps import load_example
from tfjson import only, resources_of


@pytest.fixture(scope="module")
def orders(tmp_path_factory):
    stack_dir = load_example("orders_team").synthesize(tmp_path_factory.mktemp("orders") / "cdktf.out")
    return json.loads((stack_dir / "cdk.tf.json").read_text())


def test_the_team_gets_a_three_zone_network_and_a_multi_az_database(orders):
    assert len(resources_of(orders, "aws_nat_gateway")) == 3
    database = only(orders, "aws_db_instance")
    assert (database["identifier"], database["db_name"], database["multi_az"]) == \
        ("orders-prod-postgres", "orders", True)
    assert (database["publicly_accessible"], database["storage_encrypted"]) == (False, True)
    assert database["max_allocated_storage"] == 500


def test_only_the_workers_reach_the_database_port(orders):
    rule = only(orders, "aws_vpc_security_group_ingress_rule")
    workers = next(name for name in resources_of(orders, "aws_security_group") if name.startswith("Workers"))
    assert rule["referenced_security_group_id"] == f"${{aws_security_group.{workers}.id}}"
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (5432, 5432, "tcp")


def test_guardrails_checked_every_resource_and_accepted_none_by_exception(orders):
    resources = [body for by_name in orders["resource"].values() for body in by_name.values()]
    assert len(resources) > 40
    assert [body["//"]["metadata"]["path"] for body in resources if "policy" in body.get("//", {})] == []
    assert {"vpc_id", "endpoint", "master_user_secret_arn"} <= set(orders["output"])


def test_the_production_pack_refuses_what_the_team_adds_without_rotation(tmp_path):
    from platform_constructs._internal.tf import App, aws

    app = App(outdir=str(tmp_path / "out"))
    stack = load_example("orders_team").OrdersStack(app, "orders-prod")
    aws.kms_key.KmsKey(stack, "Unrotated", enable_key_rotation=False)
    with pytest.raises(RuntimeError, match=r"\[orders-prod/Unrotated\] \[kms.key-rotation\]"):
        app.synth()

"""The orders team's own stack, built from the platform constructs and their props alone.

No ``environments/`` file and no configuration loader: the team states its props in code, and the
production guardrail pack checks every resource at synth. Run it from the repository root::

    .venv/bin/python examples/orders_team/app.py            # writes examples/orders_team/cdktf.out
"""

from __future__ import annotations

import sys
from pathlib import Path

from cdktf import App, S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from constructs import Construct

from platform_constructs.data.postgres import PostgresDatabase
from platform_constructs.data.postgres_props import PostgresProps
from platform_constructs.naming import Naming
from platform_constructs.network.network import Network
from platform_constructs.network.props import NetworkProps
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.policy.guard import apply_policy
from platform_constructs.policy.policy_props import PolicyProps
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

ACCOUNT_ID = "555555555555"
REGION = "eu-west-1"
NAMING = Naming("orders", "prod")


class OrdersWorkers(Construct):
    """The team's compute (containers, functions…): its traffic to the database leaves from this group."""

    def __init__(self, scope: Construct, construct_id: str, *, vpc_id: str) -> None:
        super().__init__(scope, construct_id)
        group = SecurityGroup(self, "SecurityGroup", name=NAMING.name("workers"), vpc_id=vpc_id,
                              description="orders workers; egress to the database only through its rule")
        self.security_group_id: str = group.id


class OrdersStack(TerraformStack):
    """A VPC over three zones and a Multi-AZ PostgreSQL database the workers may reach, checked by the production
    pack."""

    def __init__(self, scope: Construct, name: str) -> None:
        super().__init__(scope, name)
        backend = S3Backend(self, bucket="orders-terraform-state", key=f"orders/{name}.tfstate", region=REGION,
                            encrypt=True)
        backend.add_override("use_lockfile", True)  # S3-native state locking, no DynamoDB table
        AwsProvider(self, "aws", region=REGION, allowed_account_ids=[ACCOUNT_ID],
                    default_tags=[AwsProviderDefaultTags(tags={"Owner": "orders-team", "Environment": "prod"})])
        apply_policy(self, PolicyProps(pack="production"), owner="orders")

        logs_key = KmsKey(self, "LogsKey", props=KmsKeyProps(
            alias=NAMING.name("logs"), description="CloudWatch log groups of the orders team",
            service_principals=("logs",)))
        logs = LogSettings(retention_days=365, kms_key_arn=logs_key.arn)
        network = Network(self, "Network", props=NetworkProps(cidr="10.60.0.0/16", az_count=3, nat="per_az"),
                          region=REGION, naming=NAMING, logs=logs)
        database = PostgresDatabase(
            self, "Orders",
            props=PostgresProps(database_name="orders", allocated_storage=100, max_allocated_storage=500),
            naming=NAMING, vpc_id=network.vpc_id, subnet_group_name=network.db_subnet_group_name, logs=logs)
        workers = OrdersWorkers(self, "Workers", vpc_id=network.vpc_id)
        database.allow_from(workers)  # 5432/tcp from the workers' group, nothing else

        for output_name, value in {**network.outputs, **database.outputs}.items():
            TerraformOutput(self, output_name, value=value)


def synthesize(outdir: Path) -> Path:
    """Synthesize the team's app into ``outdir``; returns the stack's directory."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    app = App(outdir=str(outdir))
    OrdersStack(app, "orders-prod")
    app.synth()
    return outdir / "stacks" / "orders-prod"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "cdktf.out"
    print(synthesize(target) / "cdk.tf.json")

"""PlatformStack: the infrastructure of one environment (stack name = environment name)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.naming import Naming
from platform_constructs.network.network import Network
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps
from platform_constructs.stacks.common import aws_provider, s3_backend


class PlatformStack(TerraformStack):
    """Network, keys and platform services of one environment, shaped by its configuration.

    The stack never looks at the environment's name to decide anything: every difference
    between dev, staging and prod comes from the (preset + file) configuration.
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig) -> None:
        super().__init__(scope, env.name)
        self.env = env
        self.naming = Naming(env.naming.prefix, env.name)
        s3_backend(self, env.state, env.state.region)
        aws_provider(self, env.aws, env.all_tags)

        self.logs_key = KmsKey(self, "LogsKey", props=KmsKeyProps(
            alias=self.naming.name("logs"), description=f"CloudWatch log groups of {env.name}",
            service_principals=("logs",),
        ))
        self.logs = LogSettings(retention_days=env.logs.retention_days, kms_key_arn=self.logs_key.arn)
        self.network = Network(self, "Network", props=env.network, region=env.aws.region, naming=self.naming,
                               logs=self.logs)
        self._output("network", self.network.outputs)

    def _output(self, prefix: str, values: dict[str, object]) -> None:
        """One stack output per value, named ``{prefix}_{name}``."""
        for name, value in values.items():
            TerraformOutput(self, f"{prefix}_{name}", value=value)

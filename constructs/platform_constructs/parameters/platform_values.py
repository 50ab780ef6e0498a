"""Write platform values as SSM parameters (platform stack) and read them back (application stacks).

Example::

    # platform stack
    values = PlatformValuesWriter(self, "PlatformValues", naming=naming)
    values.publish(table.VPC_ID, network.vpc_id)
    values.publish(table.PRIVATE_SUBNET_IDS, network.subnet_id_list("private"))

    # an application stack of the same environment
    platform = PlatformValuesReader(self, "Platform", naming=naming)
    vpc_id = platform.get(table.VPC_ID)                    # an aws_ssm_parameter data source
    subnets = platform.get_list(table.PRIVATE_SUBNET_IDS)
"""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, Fn, Token, aws
from platform_constructs.errors import Problem, refuse
from platform_constructs.naming import Naming
from platform_constructs.parameters.table import TABLE, PlatformValue

#: Separator of the items of a ``StringList`` parameter.
_LIST_SEPARATOR = ","


def _construct_id(value: PlatformValue) -> str:
    return pascal_id(value.key)


def _check_shape(value: PlatformValue, *, as_list: bool, path: str) -> None:
    if value not in TABLE:
        refuse([Problem("parameters.unknown", "value", value.key,
                        f"{value.key!r} is not in the platform values table (parameters/table.py)")], path)
    if value.is_list != as_list:
        shape = "a list" if value.is_list else "a single string"
        refuse([Problem("parameters.shape", "value", value.key, f"{value.key!r} holds {shape}")], path)


class PlatformValuesWriter(Construct):
    """Publishes platform values of one environment as SSM parameters under ``/{prefix}/{env}/platform/``.

    Each value of :data:`~platform_constructs.parameters.table.TABLE` may be published once, with
    the shape the table gives it.
    """

    def __init__(self, scope: Construct, construct_id: str, *, naming: Naming) -> None:
        super().__init__(scope, construct_id)
        self._naming = naming
        self.parameters: dict[PlatformValue, aws.ssm_parameter.SsmParameter] = {}

    def publish(self, value: PlatformValue, content: str | Sequence[str]) -> aws.ssm_parameter.SsmParameter:
        """Write ``content`` (a string, or a list of strings for a list value) as ``value``'s parameter."""
        as_list = not isinstance(content, str)
        _check_shape(value, as_list=as_list, path=self.node.path)
        if value in self.parameters:
            refuse([Problem("parameters.duplicate", "value", value.key, f"{value.key!r} is already published")],
                   self.node.path)
        text = Fn.join(_LIST_SEPARATOR, list(content)) if not isinstance(content, str) else content
        parameter = aws.ssm_parameter.SsmParameter(
            self, _construct_id(value), name=value.path(self._naming), description=value.description,
            type="StringList" if value.is_list else "String", value=text, tier="Standard",
        )
        self.parameters[value] = parameter
        return parameter


class PlatformValuesReader(Construct):
    """Reads platform values of one environment; one ``aws_ssm_parameter`` data source per value read.

    A value the platform stack did not publish fails the plan ("ParameterNotFound"), naming the
    parameter: the configuration decides both what is published and what is read.
    """

    def __init__(self, scope: Construct, construct_id: str, *, naming: Naming) -> None:
        super().__init__(scope, construct_id)
        self._naming = naming
        self._lookups: dict[PlatformValue, aws.data_aws_ssm_parameter.DataAwsSsmParameter] = {}

    def get(self, value: PlatformValue) -> str:
        """A single-string value (a token resolved at plan time)."""
        _check_shape(value, as_list=False, path=self.node.path)
        token: str = self._lookup(value).insecure_value
        return token

    def get_list(self, value: PlatformValue) -> list[str]:
        """A list value (a token list resolved at plan time)."""
        _check_shape(value, as_list=True, path=self.node.path)
        return Token.as_list(Fn.split(_LIST_SEPARATOR, self._lookup(value).insecure_value))

    def _lookup(self, value: PlatformValue) -> aws.data_aws_ssm_parameter.DataAwsSsmParameter:
        if value not in self._lookups:
            # insecure_value: these parameters hold identifiers, never secrets, and plans should show them
            self._lookups[value] = aws.data_aws_ssm_parameter.DataAwsSsmParameter(
                self, _construct_id(value), name=value.path(self._naming))
        return self._lookups[value]

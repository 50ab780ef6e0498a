"""Platform values through SSM: one table names them, the writer refuses anything else, the reader reads by name."""

from __future__ import annotations

import pytest
from tfjson import resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.parameters import table
from platform_constructs.parameters.table import PlatformValue

NAMING = Naming("acme", "prod")


def build(then):
    def stack(scope):
        from platform_constructs.parameters.platform_values import PlatformValuesReader, PlatformValuesWriter

        then(scope, PlatformValuesWriter(scope, "Values", naming=NAMING),
             PlatformValuesReader(scope, "Reader", naming=NAMING))
    return stack


def test_every_value_has_its_own_path_under_the_environment():
    paths = [value.path(NAMING) for value in table.TABLE]
    assert paths and len(set(paths)) == len(paths)
    assert all(path.startswith("/acme/prod/platform/") for path in paths)


def test_values_are_written_as_string_or_string_list_parameters(synth_stack):
    def publish(scope, writer, _reader):
        writer.publish(table.VPC_ID, "vpc-1")
        writer.publish(table.PRIVATE_SUBNET_IDS, ["subnet-a", "subnet-b"])

    parameters = {p["name"]: p for p in resources_of(synth_stack(build(publish)), "aws_ssm_parameter").values()}
    assert parameters["/acme/prod/platform/network/vpc-id"]["type"] == "String"
    listed = parameters["/acme/prod/platform/network/private-subnet-ids"]
    assert (listed["type"], listed["value"]) == ("StringList", '${join(",", ["subnet-a", "subnet-b"])}')
    assert all(p["tier"] == "Standard" and p["description"] for p in parameters.values())


def test_the_reader_looks_each_value_up_once_and_splits_lists(synth_stack):
    seen = {}

    def read(scope, _writer, reader):
        seen["vpc"], seen["again"] = reader.get(table.VPC_ID), reader.get(table.VPC_ID)
        seen["subnets"] = reader.get_list(table.PUBLIC_SUBNET_IDS)
        from platform_constructs._internal.tf import TerraformOutput

        TerraformOutput(scope, "vpc", value=seen["vpc"])
        TerraformOutput(scope, "subnets", value=seen["subnets"])

    config = synth_stack(build(read))
    lookups = config["data"]["aws_ssm_parameter"]
    assert sorted(lookup["name"] for lookup in lookups.values()) == [
        "/acme/prod/platform/network/public-subnet-ids", "/acme/prod/platform/network/vpc-id"]
    [vpc_lookup] = [name for name, lookup in lookups.items() if lookup["name"].endswith("vpc-id")]
    assert config["output"]["vpc"]["value"] == f"${{data.aws_ssm_parameter.{vpc_lookup}.insecure_value}}"
    assert config["output"]["subnets"]["value"].startswith('${split(",", data.aws_ssm_parameter.')


@pytest.mark.parametrize(("action", "code", "fragment"), [
    (lambda writer, reader: writer.publish(PlatformValue("made/up", "x"), "1"), "parameters.unknown",
     "'made/up' is not in the platform values table"),
    (lambda writer, reader: writer.publish(table.VPC_ID, ["a"]), "parameters.shape", "holds a single string"),
    (lambda writer, reader: writer.publish(table.PUBLIC_SUBNET_IDS, "subnet-a"), "parameters.shape", "holds a list"),
    (lambda writer, reader: [writer.publish(table.VPC_ID, "a"), writer.publish(table.VPC_ID, "b")],
     "parameters.duplicate", "'network/vpc-id' is already published"),
    (lambda writer, reader: reader.get(table.PRIVATE_SUBNET_IDS), "parameters.shape", "holds a list"),
    (lambda writer, reader: reader.get_list(table.VPC_ID), "parameters.shape", "holds a single string"),
])
def test_misuse_is_refused_naming_the_value(synth_stack, action, code, fragment):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build(lambda scope, writer, reader: action(writer, reader)))
    assert raised.value.code == code and fragment in str(raised.value)

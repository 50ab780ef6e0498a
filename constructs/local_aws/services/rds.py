"""Emulator adjustments for RDS: parameter sources and resets.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment, error_class

DBParameterGroupNotFound = error_class("DBParameterGroupNotFound")


@adjustment(
    "rds-parameter-source",
    "A parameter set with ModifyDB(Cluster)ParameterGroup is reported with Source = user, "
    "DescribeDBParameters honours its Source filter, and ResetDBParameterGroup resets named or "
    "all parameters (moto reports no Source, so Terraform drops every parameter it reads back).",
)
def _parameter_source() -> None:
    from moto.core.responses import ActionResult
    from moto.rds.models import DBClusterParameterGroup, DBParameterGroup
    from moto.rds.responses import RDSResponse

    def user_parameters(update: Any) -> Any:
        def update_parameters(self: Any, new_parameters: Any) -> None:
            update(self, [{**parameter, "Source": "user", "IsModifiable": True} for parameter in new_parameters])
        return update_parameters

    DBParameterGroup.update_parameters = user_parameters(DBParameterGroup.update_parameters)
    DBClusterParameterGroup.update_cluster_parameters = user_parameters(
        DBClusterParameterGroup.update_cluster_parameters)

    def group(self: RDSResponse) -> Any:
        name = self.params.get("DBParameterGroupName")
        found = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
        if not found:
            raise DBParameterGroupNotFound(f"DBParameterGroup not found: {name}")
        return found[0]

    def describe_db_parameters(self: RDSResponse) -> ActionResult:
        source = self.params.get("Source")
        parameters = [p for p in group(self).parameters.values() if source in (None, p.get("Source"))]
        return ActionResult({"Parameters": parameters})

    def reset_db_parameter_group(self: RDSResponse) -> ActionResult:
        found = group(self)
        if self.params.get("ResetAllParameters"):
            found.parameters.clear()
        for parameter in self.params.get("Parameters", []):
            found.parameters.pop(parameter["ParameterName"], None)
        return ActionResult({"DBParameterGroupName": found.name})

    RDSResponse.describe_db_parameters = describe_db_parameters
    RDSResponse.reset_db_parameter_group = reset_db_parameter_group

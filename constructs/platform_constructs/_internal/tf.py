"""The only module that imports the CDK framework and the prebuilt provider bindings.

cdktf was archived upstream on 2025-12-10; its community fork is CDK Terrain (``cdktn``,
``cdktn_provider_aws``). Moving to the fork means changing the imports in this file and
nothing else: the rest of the library uses the names re-exported here, never ``cdktf``
or ``cdktf_cdktf_provider_*`` directly. Resources are recognised by their
``terraform_resource_type`` string, never by ``isinstance`` against these classes, because
the fork's classes are distinct Python types.
"""

from __future__ import annotations

import cdktf_cdktf_provider_aws as aws
import cdktf_cdktf_provider_kubernetes as k8s
import jsii
from cdktf import (
    Annotations,
    App,
    Fn,
    LocalBackend,
    S3Backend,
    TerraformLocal,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    Testing,
    Token,
)
from constructs import Construct, IConstruct, IValidation, Node

__all__ = [
    "Annotations",
    "App",
    "Construct",
    "Fn",
    "IConstruct",
    "IValidation",
    "LocalBackend",
    "Node",
    "S3Backend",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "TerraformVariableValidationConfig",
    "Testing",
    "Token",
    "aws",
    "jsii",
    "k8s",
]

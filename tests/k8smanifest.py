"""Render the Kubernetes objects of a synthesized stack as Kubernetes manifests, and validate them.

No Kubernetes API server (and no kubernetes provider binary) can run on this machine, so the
objects the apps stacks would create are checked offline against the upstream OpenAPI schema of
the cluster's Kubernetes version, as packaged by ``kubernetes-validate`` (strict variant: unknown
fields are errors).

The kubernetes provider turns its Terraform blocks into API objects field by field; this module
does the same conversion, guided by that schema rather than by a hand-written table:

- ``snake_case`` → ``camelCase``, matched case-insensitively to the schema's property names
  (``cluster_ip`` → ``clusterIP``); a singular block name becomes the plural list field when only
  that exists (``container`` → ``containers``, ``port`` → ``ports``, ``metric`` → ``metrics``);
- a one-element list (a Terraform ``MaxItems: 1`` block such as ``tcp_socket`` or
  ``label_selector``) becomes the object the schema wants;
- strings become integers where the schema wants an integer (the provider keeps ``replicas`` and
  user ids as strings), and numeric strings become integers in int-or-string fields
  (``maxUnavailable: "0"`` → ``0``, as the provider's ``intstr.Parse`` does).

Terraform-only arguments (``wait_for_rollout``, ``timeouts``, ``lifecycle``, ``depends_on``, …) are
dropped; ``${...}`` expressions stay strings. Anything the conversion does not recognise is
passed through unchanged, so the strict schema reports it.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

import kubernetes_validate

#: Terraform resource type → (apiVersion, kind).
KINDS = {
    "kubernetes_namespace_v1": ("v1", "Namespace"),
    "kubernetes_service_account_v1": ("v1", "ServiceAccount"),
    "kubernetes_service_v1": ("v1", "Service"),
    "kubernetes_deployment_v1": ("apps/v1", "Deployment"),
    "kubernetes_pod_disruption_budget_v1": ("policy/v1", "PodDisruptionBudget"),
    "kubernetes_horizontal_pod_autoscaler_v2": ("autoscaling/v2", "HorizontalPodAutoscaler"),
    "kubernetes_config_map_v1": ("v1", "ConfigMap"),
    "kubernetes_network_policy_v1": ("networking.k8s.io/v1", "NetworkPolicy"),
    "kubernetes_job_v1": ("batch/v1", "Job"),
}
TERRAFORM_ONLY = frozenset({"//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner",
                            "timeouts", "wait_for_rollout", "wait_for_load_balancer", "wait_for_default_secret",
                            "wait_for_completion"})
_INTEGER = re.compile(r"^-?\d+$")
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


class RenderError(ValueError):
    """A Terraform value cannot be converted to the shape the schema requires."""


def render_stack(stack: dict[str, Any], kubernetes_version: str) -> dict[str, dict[str, Any]]:
    """Every Kubernetes object of a synthesized stack, keyed ``<terraform type>.<name>``."""
    return {f"{kind}.{name}": render(kind, body, kubernetes_version)
            for kind in KINDS for name, body in stack.get("resource", {}).get(kind, {}).items()}


def render(resource_type: str, body: dict[str, Any], kubernetes_version: str) -> dict[str, Any]:
    """The manifest the provider would send for one resource."""
    api_version, kind = KINDS[resource_type]
    schema = _Schema.of(kubernetes_version)
    fields = {key: value for key, value in body.items() if key not in TERRAFORM_ONLY}
    converted = schema.convert(fields, schema.kind(api_version, kind), resource_type)
    return {"apiVersion": api_version, "kind": kind, **converted}


def validate(manifest: dict[str, Any], kubernetes_version: str) -> None:
    """Raise ``kubernetes_validate`` errors unless the manifest matches the strict upstream schema."""
    kubernetes_validate.validate(manifest, kubernetes_version, strict=True)


class _Schema:
    """The strict OpenAPI schema files of one Kubernetes version, as ``kubernetes-validate`` ships them."""

    def __init__(self, directory: Any) -> None:
        self._directory = directory
        self._definitions = json.loads(directory.joinpath("_definitions.json").read_text())["$defs"]

    @classmethod
    @functools.cache
    def of(cls, kubernetes_version: str) -> _Schema:
        root = resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
        directory = root.joinpath(f"v{kubernetes_version}.0-local-strict")
        if not directory.is_dir():
            raise RenderError(f"kubernetes-validate has no schema for Kubernetes {kubernetes_version}")
        return cls(directory)

    def kind(self, api_version: str, kind: str) -> dict[str, Any]:
        group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        return json.loads(self._directory.joinpath(f"{kind.lower()}-{group}.json").read_text())

    def resolve(self, schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """The schema behind any ``$ref`` chain, and the name of the last definition reached."""
        name = ""
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self._definitions[name]
        return schema, name

    def convert(self, value: Any, schema: dict[str, Any], path: str) -> Any:
        schema, definition = self.resolve(schema)
        types = schema.get("type", [])
        types = {types} if isinstance(types, str) else set(types)
        if definition == _INT_OR_STRING:
            return int(value) if isinstance(value, str) and _INTEGER.match(value) else value
        if "properties" in schema:
            return self._object(value, schema["properties"], path)
        if "object" in types and isinstance(schema.get("additionalProperties"), dict) and isinstance(value, dict):
            return {key: self.convert(item, schema["additionalProperties"], f"{path}.{key}")
                    for key, item in value.items()}
        if "array" in types and isinstance(value, list):
            return [self.convert(item, schema.get("items", {}), f"{path}[{index}]") for index, item in enumerate(value)]
        if "integer" in types and isinstance(value, str) and _INTEGER.match(value):
            return int(value)
        return value

    def _object(self, value: Any, properties: dict[str, Any], path: str) -> Any:
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            value = value[0]  # a Terraform MaxItems=1 block
        if not isinstance(value, dict):
            raise RenderError(f"{path}: expected an object, got {value!r}")
        converted = {}
        for key, item in value.items():
            name = _field_name(key, properties)
            converted[name] = self.convert(item, properties.get(name, {}), f"{path}.{name}")
        return converted


def _field_name(key: str, properties: dict[str, Any]) -> str:
    head, *rest = key.split("_")
    camel = head + "".join(part.capitalize() for part in rest)
    by_lower = {name.lower(): name for name in properties}
    return by_lower.get(camel.lower()) or by_lower.get(f"{camel}s".lower()) or camel

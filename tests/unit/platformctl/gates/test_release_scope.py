"""The release scope: a release plan may change the application's image and change cause, nothing else.

The plans are shaped like ``terraform show -json`` of an application stack: ``resource_changes``
with before/after values, ``configuration`` with each attribute's references (nested blocks as
lists of expression maps), ``prior_state`` with the resources in state.
"""

from __future__ import annotations

import copy

import pytest

from platformctl.gates.release_scope import release_scope

DEPLOYMENT = "kubernetes_deployment_v1.AppApi_Deployment_1F592AA3"
NAMESPACE = "kubernetes_namespace_v1.NamespaceApi"
OLD, NEW = "repo/api@sha256:" + "a" * 64, "repo/api@sha256:" + "b" * 64


def deployment(image: str = OLD, cause: str = "release 1", replicas: str = "3", cpu: str = "250m") -> dict:
    return {
        "metadata": [{"name": "api", "namespace": "api", "annotations": {"kubernetes.io/change-cause": cause}}],
        "spec": [{"replicas": replicas, "template": [{"spec": [{"container": [
            {"name": "api", "image": image, "resources": [{"requests": {"cpu": cpu}}]}]}]}]}],
    }


CONFIGURATION = {"root_module": {"resources": [
    {"address": DEPLOYMENT, "mode": "managed", "type": "kubernetes_deployment_v1", "expressions": {
        "metadata": [{"name": {"constant_value": "api"},
                      "annotations": {"references": ["var.change_cause_api"]}}],
        "spec": [{"replicas": {"constant_value": "3"}, "template": [{"spec": [{"container": [{
            "name": {"constant_value": "api"},
            "image": {"references": ["local.image_api_parts.repository", "local.image_api_parts",
                                     "local.image_api_parts.version"]},
            "resources": [{"requests": {"constant_value": {"cpu": "250m"}}}]}]}]}]}],
    }},
    {"address": NAMESPACE, "mode": "managed", "type": "kubernetes_namespace_v1",
     "expressions": {"metadata": [{"name": {"constant_value": "api"}}]}},
    {"address": "data.aws_eks_cluster.Cluster", "mode": "data", "type": "aws_eks_cluster",
     "expressions": {"name": {"constant_value": "acme-prod-eks"}}},
]}}
IN_STATE = {"values": {"root_module": {"resources": [{"address": DEPLOYMENT, "mode": "managed"},
                                                     {"address": NAMESPACE, "mode": "managed"}]}}}


def change(address: str, actions: list[str], before: dict | None = None, after: dict | None = None) -> dict:
    kind = address.split(".")[-2] if address.startswith("data.") else address.split(".")[0]
    return {"address": address, "mode": "data" if address.startswith("data.") else "managed", "type": kind,
            "change": {"actions": actions, "before": before, "after": after}}


def plan(*changes: dict, prior: dict | None = IN_STATE) -> dict:
    document = {"format_version": "1.2", "resource_changes": list(changes), "configuration": CONFIGURATION}
    if prior is not None:
        document["prior_state"] = prior
    return document


ALLOWED = [
    ("image only", plan(change(DEPLOYMENT, ["update"], deployment(), deployment(image=NEW)))),
    ("image and change cause", plan(change(DEPLOYMENT, ["update"], deployment(), deployment(NEW, "release 2")))),
    ("nothing changes", plan(change(DEPLOYMENT, ["no-op"], deployment(), deployment()),
                             change("data.aws_eks_cluster.Cluster", ["read"]))),
    ("first release creates the application", plan(change(NAMESPACE, ["create"], None, {"metadata": []}),
                                                   change(DEPLOYMENT, ["create"], None, deployment()), prior=None)),
]
REFUSED = [
    ("replica count changed too", plan(change(DEPLOYMENT, ["update"], deployment(), deployment(NEW, replicas="5"))),
     f"{DEPLOYMENT}: update also changes spec"),
    ("container resources changed", plan(change(DEPLOYMENT, ["update"], deployment(), deployment(cpu="500m"))),
     f"{DEPLOYMENT}: update also changes spec"),
    ("namespace deleted", plan(change(DEPLOYMENT, ["update"], deployment(), deployment(image=NEW)),
                               change(NAMESPACE, ["delete"], {"metadata": []}, None)), f"{NAMESPACE}: delete"),
    ("deployment replaced", plan(change(DEPLOYMENT, ["delete", "create"], deployment(), deployment(image=NEW))),
     f"{DEPLOYMENT}: delete/create"),
    ("a new resource next to existing ones", plan(change("aws_iam_role.Extra", ["create"], None, {})),
     "aws_iam_role.Extra: create"),
]


@pytest.mark.parametrize(("case", "document"), ALLOWED, ids=[case for case, _ in ALLOWED])
def test_a_release_and_nothing_more_passes(case, document):
    assert release_scope(document, "api") == []


@pytest.mark.parametrize(("case", "document", "problem"), REFUSED, ids=[case for case, _, _ in REFUSED])
def test_anything_beyond_the_release_is_named(case, document, problem):
    assert problem in release_scope(document, "api")


def test_another_applications_release_inputs_do_not_open_this_one():
    worker = copy.deepcopy(plan(change(DEPLOYMENT, ["update"], deployment(), deployment(image=NEW))))
    assert release_scope(worker, "worker") == [f"{DEPLOYMENT}: update"]

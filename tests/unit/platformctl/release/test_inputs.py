"""Application arguments of apps-stack commands: --image [APP=]REF, --app, --change-cause, and where apps run."""

from __future__ import annotations

import pytest

from platformctl.exit_codes import CliError, ExitCode
from platformctl.project import Stack
from platformctl.release.image_ref import ImageRef
from platformctl.release.inputs import Release, apps_of, releases_from_arguments, workload_of

REPO = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
REF = f"{REPO}@sha256:" + "c" * 64


@pytest.mark.parametrize(("images", "app", "cause", "expected"), [
    ([REF], "api", None, {"api": Release(ImageRef.pinned(REF), REF)}),
    ([f"api={REF}"], None, "3f2c1e0", {"api": Release(ImageRef.pinned(REF), "3f2c1e0")}),
    ([f"api={REPO}:3f2c1e0@sha256:{'c' * 64}"], None, None, {"api": Release(ImageRef.pinned(REF), REF)}),
    ([], None, None, {}),
])
def test_images_become_releases(platform, images, app, cause, expected):
    assert releases_from_arguments(platform.environments["dev"], images, app, cause) == expected


@pytest.mark.parametrize(("images", "app", "message"), [
    ([REF], None, "say which application it is for: --app APP or --image APP=REF"),
    ([], "api", "--app api: needs --image REF"),
    ([f"api={REF}", f"api={REF}"], None, "application 'api' given twice"),
    ([f"worker={REF}"], None, "--app 'worker': not an application of dev; configured: api"),
    ([f"api={REPO}:latest"], None, "is not pinned by digest"),
    ([f"api=ghcr.io/acme/api@sha256:{'c' * 64}"], None, f"dev/api takes images from {REPO} only"),
])
def test_bad_image_arguments_are_refused_naming_them(platform, images, app, message):
    with pytest.raises(CliError) as refused:
        releases_from_arguments(platform.environments["dev"], images, app, None)
    assert refused.value.code == ExitCode.USAGE and message in refused.value.message


def test_apps_of_a_stack_are_its_image_variables(tmp_path):
    stack = Stack(config=None, workdir=None, variables=frozenset({"image_api", "change_cause_api", "image_billing-api",
                                                                  "region"}))
    assert apps_of(stack) == ["api", "billing-api"]


def test_an_app_runs_in_its_environments_cluster_and_namespace(platform):
    workload = workload_of(platform.environments["staging"], "api")
    assert (workload.cluster, workload.namespace, workload.deployment, workload.container) == \
        ("acme-staging-eks", "api", "api", "api")
    assert workload.role_arn == "arn:aws:iam::222222222222:role/platform-deployer"

"""The jsii kernel's Node: the project's Node 22 first on PATH, without cdktf's known deprecation warning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from platform_constructs._internal.node import prefer_project_node, without_kernel_deprecations


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "node_modules" / ".bin").mkdir(parents=True)
    (tmp_path / "node_modules" / ".bin" / "node").write_text("")
    return tmp_path


def test_the_project_node_comes_first_and_is_told_about_cdktf_s_deprecation(project):
    environ = {"PATH": "/usr/bin"}
    prefer_project_node(project, environ)
    assert environ == {"PATH": f"{project / 'node_modules' / '.bin'}{os.pathsep}/usr/bin",
                       "NODE_OPTIONS": "--disable-warning=DEP0044"}
    prefer_project_node(project, environ)  # idempotent: a second synth in one process adds nothing
    assert environ["NODE_OPTIONS"] == "--disable-warning=DEP0044" and environ["PATH"].count("node_modules") == 1


def test_options_already_set_are_kept(project):
    environ = {"PATH": "/usr/bin", "NODE_OPTIONS": "--max-old-space-size=4096"}
    prefer_project_node(project, environ)
    assert environ["NODE_OPTIONS"] == "--max-old-space-size=4096 --disable-warning=DEP0044"


def test_a_node_of_the_user_s_choice_gets_no_option(project):
    environ = {"PATH": "/usr/bin", "JSII_NODE": "/opt/node18/bin/node"}
    prefer_project_node(project, environ)
    assert "NODE_OPTIONS" not in environ


def test_without_the_project_node_nothing_changes(tmp_path):
    environ = {"PATH": "/usr/bin"}
    prefer_project_node(tmp_path, environ)
    assert environ == {"PATH": "/usr/bin"}


@pytest.mark.parametrize(("given", "expected"), [
    ("", "--disable-warning=DEP0044"),
    ("--disable-warning=DEP0044", "--disable-warning=DEP0044"),
    ('  --require "/a b/hook.js" ', '--require "/a b/hook.js" --disable-warning=DEP0044'),
])
def test_the_kernel_options_are_added_once_and_the_rest_is_left_as_written(given, expected):
    assert without_kernel_deprecations(given) == expected

"""JUnit XML written for gate results (Jenkins' junit step)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from platformctl.gates.junit import Case, write_junit


def test_cases_become_one_suite_with_failures_and_skips_counted(tmp_path):
    path = tmp_path / "reports" / "checkov.xml"
    write_junit(path, "checkov", [
        Case("CKV_AWS_1 prod/Db", "prod", failure="not encrypted <db> & co"),
        Case("CKV_AWS_2 dev/Bucket", "dev", skipped="cost exception in dev"),
        Case("41 checks passed", "checkov"),
    ])
    suite = ET.parse(path).getroot()
    assert (suite.tag, suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("testsuite", "3", "1", "1")
    failure = suite.find("testcase[@name='CKV_AWS_1 prod/Db']/failure")
    assert failure.get("message") == "not encrypted <db> & co"
    assert suite.find("testcase[@name='41 checks passed']/failure") is None

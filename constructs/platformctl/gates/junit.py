"""JUnit XML for gate results, so Jenkins' ``junit`` step shows each finding as a test case."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One test case: ``failure`` or ``skipped`` carries its message; neither means it passed."""

    name: str
    classname: str
    failure: str | None = None
    skipped: str | None = None


def write_junit(path: Path, suite: str, cases: list[Case]) -> None:
    """Write one ``<testsuite>`` holding ``cases`` to ``path``."""
    root = ET.Element("testsuite", name=suite, tests=str(len(cases)),
                      failures=str(sum(case.failure is not None for case in cases)),
                      skipped=str(sum(case.skipped is not None for case in cases)), errors="0")
    for case in cases:
        element = ET.SubElement(root, "testcase", name=case.name, classname=case.classname)
        if case.failure is not None:
            ET.SubElement(element, "failure", message=case.failure).text = case.failure
        elif case.skipped is not None:
            ET.SubElement(element, "skipped", message=case.skipped)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)

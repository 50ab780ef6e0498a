"""The unit tier runs in one process: tests/unit/conftest.py refuses Terraform and the emulator here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent


def test_no_unit_test_is_marked_for_terraform_or_the_emulator():
    marked = [f"{path.relative_to(UNIT)}:{number}" for path in sorted(UNIT.rglob("test_*.py"))
              for number, line in enumerate(path.read_text().splitlines(), start=1)
              if re.search(r"pytest\.mark\.(terraform|emulator|e2e)\b", line) and path.name != "test_tiers.py"]
    assert marked == []


def test_starting_terraform_fails_the_unit_test():
    with pytest.raises(AssertionError, match=r"'terraform', 'version'\] belongs in tests/integration"):
        subprocess.run(["terraform", "version"], check=False)


def test_starting_the_emulator_fails_the_unit_test(tmp_path):
    from local_aws.emulator import LocalAws

    with pytest.raises(AssertionError, match=r"local_aws\.server.*belongs in tests/integration"):
        LocalAws(account_id="111111111111", region="eu-west-1", run_dir=tmp_path).start()


def test_other_processes_still_start():
    done = subprocess.run([sys.executable, "-c", "print('in a child')"], capture_output=True, text=True, check=True)
    assert done.stdout == "in a child\n"

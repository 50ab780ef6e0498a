"""Every invalid environment of the bad-input table stops ``main.py`` cleanly.

The loader test checks each message; here each case goes through the synth entry point
(``run_synth``, what ``main.py`` calls): exit code 2, the file and field on stderr, no
traceback, and the previous ``cdktf.out`` byte for byte unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from envfiles import copy_environments, set_value
from trees import tree_state
from unit.platform_constructs.access.test_uses_config import USES_BAD_INPUTS
from unit.platform_constructs.config.test_loader import BAD_INPUTS as LOADER_BAD_INPUTS

from platformctl.synth import EXIT_INVALID_CONFIG, run_synth

ROOT = Path(__file__).resolve().parents[2]
BAD_INPUTS = LOADER_BAD_INPUTS + USES_BAD_INPUTS


def test_the_table_is_large_enough():
    assert len(BAD_INPUTS) >= 15


@pytest.mark.parametrize(("file", "edit", "field", "fragment"), BAD_INPUTS, ids=[case[2] for case in BAD_INPUTS])
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(tmp_path, monkeypatch, capsys, file, edit, field,
                                                               fragment):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, file, *edit)
    previous = tmp_path / "cdktf.out"
    (previous / "stacks" / "dev").mkdir(parents=True)
    (previous / "stacks" / "dev" / "cdk.tf.json").write_text('{"previous": true}')
    before = tree_state(previous)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))

    assert run_synth(ROOT, str(previous)) == EXIT_INVALID_CONFIG

    captured = capsys.readouterr()
    assert f": {field} = " in captured.err or f": {field} is absent: " in captured.err
    assert fragment in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert tree_state(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out", "environments"]

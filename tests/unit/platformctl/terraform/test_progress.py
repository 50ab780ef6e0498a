"""Terraform's ``-json`` UI stream, rendered as one line per stack and resource class.

The streams in ``ui_streams/`` were recorded from the real Terraform CLI and AWS provider against
the local emulator: ``bootstrap-apply.jsonl`` is ``terraform apply -json`` of the synthesized
bootstrap stack; ``slow-and-failing-apply.jsonl`` applies ``slow-and-failing.tf.json`` (two
buckets, a 25-second provisioner, an attachment to a role that does not exist). They are replayed
with a clock that reads each message's own ``@timestamp``, so every elapsed time is the recorded one.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from platformctl.terraform.progress import (
    LiveDisplay,
    PlainDisplay,
    StackProgress,
    clock_text,
    display_for,
    human_text,
    run_terraform,
)

STREAMS = Path(__file__).parent / "ui_streams"


class ReplayClock:
    """Now is the ``@timestamp`` of the message being replayed."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def messages(name: str) -> list[dict]:
    return [json.loads(line) for line in (STREAMS / name).read_text().splitlines()]


def replay(name: str, display: PlainDisplay, clock: ReplayClock, stack: str = "dev") -> StackProgress:
    """Feed a recorded stream through ``display`` as run_terraform does, ticking every recorded second."""
    recorded = messages(name)
    clock.now = _seconds(recorded[0])
    display.started_at = clock.now
    progress = StackProgress(stack, "apply", clock)
    display.command_started(progress, Path(f"/runs/logs/{stack}.log"))
    for message in recorded:
        for second in _seconds_between(clock.now, _seconds(message)):
            clock.now = second
            display.tick(progress)
        clock.now = _seconds(message)
        done = progress.feed(message)
        if done:
            display.classes_done(progress, done)
    display.command_ended(progress, 1 if progress.problems else 0)
    return progress


def _seconds(message: dict) -> float:
    return datetime.fromisoformat(message["@timestamp"].replace("Z", "+00:00")).timestamp()


def _seconds_between(start: float, end: float) -> Iterator[float]:
    tick = int(start) + 1
    while tick < end:
        yield float(tick)
        tick += 1


def test_plain_lines_for_a_slow_and_a_failing_resource():
    out, clock = io.StringIO(), ReplayClock()
    progress = replay("slow-and-failing-apply.jsonl", PlainDisplay(out, clock, heartbeat_s=10), clock)
    assert out.getvalue().splitlines() == [
        "[   0:00] dev          full Terraform log: /runs/logs/dev.log",
        f"[   0:10] dev          {'aws_iam_role_policy_attachment':<50} 1 failed creating in 0:00",
        f"[   0:11] dev          {'aws_s3_bucket':<50} 2 created in 0:00",
        f"[   0:20] dev          {'terraform_data':<50} still creating 1 of 1, for 0:10",
        f"[   0:30] dev          {'terraform_data':<50} still creating 1 of 1, for 0:20",
        f"[   0:35] dev          {'terraform_data':<50} 1 created in 0:25",
        "[   0:35] dev          error: aws_iam_role_policy_attachment.broken: attaching IAM Policy "
        "(arn:aws:iam::aws:policy/ReadOnlyAccess) to IAM Role (missing-role): operation error IAM: AttachRolePolicy, "
        + progress.problems[0].summary.split("AttachRolePolicy, ", 1)[1],
        "[   0:35] dev          terraform apply: failed (exit 1) (0:35)",
    ]
    assert [problem.address for problem in progress.problems] == ["aws_iam_role_policy_attachment.broken"]


def test_every_class_of_a_real_stack_gets_one_line_with_its_count():
    out, clock = io.StringIO(), ReplayClock()
    progress = replay("bootstrap-apply.jsonl", PlainDisplay(out, clock), clock, stack="bootstrap")
    lines = out.getvalue().splitlines()
    planned = {(message["change"]["resource"]["resource_type"]): 0 for message in messages("bootstrap-apply.jsonl")
               if message["type"] == "planned_change"}
    for message in messages("bootstrap-apply.jsonl"):
        if message["type"] == "planned_change":
            planned[message["change"]["resource"]["resource_type"]] += 1
    assert len(planned) >= 8
    reported = {match[1]: int(match[2]) for line in lines
                if (match := re.search(r"bootstrap\s+(\w+)\s+(\d+) created in \d+:\d\d$", line))}
    assert reported == planned
    assert lines[-1].endswith("terraform apply: Apply complete! Resources: 17 added, 0 changed, 0 destroyed. (1:16)")
    assert len(lines) == len(planned) + 2 and not progress.problems


def _screen(output: str) -> list[str]:
    """What a terminal shows after ``output``: "\\x1b[nF\\x1b[J" removes the last n lines."""
    lines: list[str] = []
    for chunk in re.split(r"(\x1b\[\d+F\x1b\[J)", output):
        if match := re.fullmatch(r"\x1b\[(\d+)F\x1b\[J", chunk):
            del lines[len(lines) - int(match[1]):]
        else:
            lines.extend(chunk.splitlines())
    return lines


def test_a_terminal_sees_the_busy_class_redrawn_in_place_and_then_only_finished_lines():
    out, clock = io.StringIO(), ReplayClock()
    display = LiveDisplay(out, clock)
    recorded = messages("slow-and-failing-apply.jsonl")
    waiting = next(m for m in recorded if m["type"] == "apply_progress" and m["hook"]["elapsed_seconds"] == 20)
    cut = recorded.index(waiting)
    clock.now = display.started_at = _seconds(recorded[0])
    progress = StackProgress("dev", "apply", clock)
    display.command_started(progress, Path("/runs/logs/dev.log"))
    for message in recorded[:cut + 1]:
        clock.now = _seconds(message)
        if done := progress.feed(message):
            display.classes_done(progress, done)
        display.tick(progress)
    clock.now += 3
    display.tick(progress)
    assert _screen(out.getvalue())[-1] == f"[   0:33] dev          {'terraform_data':<50} creating 1 of 1, for 0:23"
    assert out.getvalue().count(f"{'terraform_data':<50} creating 1 of 1") >= 3  # redrawn
    for message in recorded[cut + 1:]:
        clock.now = _seconds(message)
        if done := progress.feed(message):
            display.classes_done(progress, done)
    display.command_ended(progress, 1)

    plain, plain_clock = io.StringIO(), ReplayClock()
    replay("slow-and-failing-apply.jsonl", PlainDisplay(plain, plain_clock, heartbeat_s=3600), plain_clock)
    assert _screen(out.getvalue()) == plain.getvalue().splitlines()  # what stays is what CI logs show


def test_a_terminal_gets_the_live_display_a_pipe_the_plain_one():
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        assert type(display_for(terminal)) is LiveDisplay
    os.close(leader)
    assert type(display_for(io.StringIO())) is PlainDisplay


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (7.9, "0:07"), (631, "10:31"), (3723, "1:02:03")])
def test_elapsed_times_read_like_a_clock(seconds, text):
    assert clock_text(seconds) == text


def test_the_log_keeps_everything_terraform_said(tmp_path):
    fixture = STREAMS / "slow-and-failing-apply.jsonl"
    log = tmp_path / "logs" / "dev.log"
    out = io.StringIO()
    script = f"echo 'Warning: not JSON, from stderr' >&2; cat {shlex.quote(str(fixture))}; exit 1"
    finished = run_terraform(["sh", "-c", script], {"PATH": "/usr/bin:/bin"}, stack="dev", log=log,
                             display=PlainDisplay(out))
    assert finished.returncode == 1
    text = log.read_text()
    assert text.startswith("\n== sh -c ")
    assert "Warning: not JSON, from stderr\n" in text
    for message in messages(fixture.name):
        assert human_text(message) in text
    assert "terraform_data.wait: Still creating... [20s elapsed]" in text
    assert "Error: attaching IAM Policy" in finished.output
    assert "\n\n  with aws_iam_role_policy_attachment.broken" in text
    assert f"full Terraform log: {log}" in out.getvalue()
    assert f"{'aws_s3_bucket':<50} 2 created in 0:0" in out.getvalue()

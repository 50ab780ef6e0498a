"""Progress of long Terraform runs: one line per stack and resource class, the full log in a file.

Terraform's machine-readable UI (``-json``: one JSON message per line, Terraform's "Machine-Readable
UI" documentation) says when each resource starts (``apply_start``), is still busy
(``apply_progress``, every 10 s, with ``elapsed_seconds``), is done (``apply_complete``) or failed
(``apply_errored``), what the plan holds (``planned_change``) and how it ended (``change_summary``,
``diagnostic``). :class:`StackProgress` folds those messages into resource classes (resource type
and action: ``aws_subnet`` created); a display renders them:

- :class:`PlainDisplay` (CI logs): one line when a class is done, and a "still" line for a class
  busy for another minute (a ten-minute OpenSearch wait shows ten lines, not sixty);
- :class:`LiveDisplay` (a terminal): the same finished lines, below them the busy classes redrawn
  in place every second.

:func:`run_terraform` runs one Terraform command with ``-json``, writes its human-readable
rendering to a log file and feeds the display. Nothing here imports cdktf or boto3.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

Clock = Callable[[], float]

#: Terraform subcommands whose UI output ``-json`` turns into the message stream read here.
JSON_UI_COMMANDS = frozenset({"init", "plan", "apply", "destroy", "refresh"})
#: Seconds between two "still ..." lines of one busy resource class in plain output.
HEARTBEAT_S = 60.0
_VERBS = {"create": ("creating", "created"), "update": ("updating", "updated"), "delete": ("destroying", "destroyed"),
          "read": ("reading", "read"), "noop": ("checking", "unchanged")}


def clock_text(seconds: float) -> str:
    """``0:07``, ``10:31``, ``1:02:03``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class ResourceClass:
    """All resources of one type undergoing one action in one run (``aws_subnet``, ``create``)."""

    resource_type: str
    action: str
    planned: int = 0
    finished: int = 0
    failed: int = 0
    busy: dict[str, float] = field(default_factory=dict)
    """Address → when it started, for the resources in progress."""
    started_at: float | None = None
    ended_at: float | None = None
    reported: bool = False

    @property
    def complete(self) -> bool:
        """Every planned resource finished or failed, and none is in progress (unknown plans end with the run)."""
        return self.planned > 0 and not self.busy and self.finished + self.failed >= self.planned

    def summary(self) -> str:
        """``9 created in 0:04`` / ``2 created, 1 failed in 0:05`` / ``1 failed creating in 0:00``."""
        doing, done = _VERBS.get(self.action, (self.action, self.action))
        counts = [f"{self.finished} {done}"] if self.finished else []
        counts += [f"{self.failed} failed" + ("" if self.finished else f" {doing}")] if self.failed else []
        counts += [f"{len(self.busy)} still {doing}"] if self.busy else []
        duration = (self.ended_at or 0.0) - (self.started_at or 0.0)
        return f"{', '.join(counts)} in {clock_text(duration)}"

    def busy_text(self, now: float) -> str:
        """``creating 1 of 3, for 5:02``: the busy count and how long the oldest has been at it."""
        verb = _VERBS.get(self.action, (self.action, self.action))[0]
        total = f" of {self.planned}" if self.planned else ""
        oldest = min(self.busy.values()) if self.busy else now
        return f"{verb} {len(self.busy)}{total}, for {clock_text(now - oldest)}"


@dataclass(frozen=True)
class Problem:
    """An error diagnostic: what Terraform said, and about which resource."""

    summary: str
    detail: str
    address: str | None

    def text(self) -> str:
        """``Error: <summary>`` and the detail, as Terraform prints them."""
        where = f"\n\n  with {self.address}" if self.address else ""
        return f"Error: {self.summary}{where}\n\n{self.detail}".rstrip()


class StackProgress:
    """The state of one Terraform command on one stack, folded from its ``-json`` messages."""

    def __init__(self, stack: str, command: str, clock: Clock = time.monotonic) -> None:
        self.stack = stack
        self.command = command
        self.clock = clock
        self.started_at = clock()
        self.ended_at: float | None = None
        self.classes: dict[tuple[str, str], ResourceClass] = {}
        self.problems: list[Problem] = []
        self.outcome: str | None = None
        """The final change summary (``Apply complete! Resources: 3 added, ...``), when there was one."""

    def _class(self, resource: Mapping[str, Any], action: str) -> ResourceClass:
        key = (str(resource.get("resource_type", "?")), action)
        if key not in self.classes:
            self.classes[key] = ResourceClass(*key)
        return self.classes[key]

    def feed(self, message: Mapping[str, Any]) -> list[ResourceClass]:
        """Take one message; returns the classes it completed."""
        kind = message.get("type")
        now = self.clock()
        if kind == "planned_change":
            change = message.get("change", {})
            actions = ("delete", "create") if change.get("action") == "replace" else (change.get("action", "?"),)
            for action in actions:
                self._class(change.get("resource", {}), action).planned += 1
            return []
        if kind == "change_summary":
            if message.get("changes", {}).get("operation") != "plan" or self.command == "plan":
                self.outcome = str(message.get("@message", ""))
            return []
        if kind == "diagnostic" and message.get("@level") == "error":
            diagnostic = message.get("diagnostic", {})
            self.problems.append(Problem(str(diagnostic.get("summary", "")), str(diagnostic.get("detail", "")),
                                         diagnostic.get("address")))
            return []
        if kind not in ("apply_start", "apply_progress", "apply_complete", "apply_errored"):
            return []
        hook = message.get("hook", {})
        resource = hook.get("resource", {})
        address = str(resource.get("addr", "?"))
        group = self._class(resource, str(hook.get("action", "?")))
        if kind == "apply_start":
            group.busy[address] = now
            group.started_at = now if group.started_at is None else group.started_at
        elif kind == "apply_progress":
            started = now - float(hook.get("elapsed_seconds", 0))
            group.busy[address] = min(group.busy.get(address, started), started)
            group.started_at = started if group.started_at is None else min(group.started_at, started)
        else:
            group.busy.pop(address, None)
            if kind == "apply_complete":
                group.finished += 1
            else:
                group.failed += 1
            group.ended_at = now
        if group.complete and not group.reported:
            group.reported = True
            return [group]
        return []

    def finish(self) -> list[ResourceClass]:
        """The command ended: the planned classes not reported yet (the run stopped), and unplanned ones that failed.

        Data sources read along the way (no ``planned_change``) are left out unless they failed.
        """
        self.ended_at = self.clock()
        left = [group for group in self.classes.values()
                if not group.reported and (group.planned or group.failed)]
        for group in left:
            group.reported = True
            group.ended_at = group.ended_at or self.ended_at
        return left

    def busy(self) -> list[ResourceClass]:
        """Classes with a resource in progress, longest-running first."""
        busy = [group for group in self.classes.values() if group.busy]
        return sorted(busy, key=lambda group: min(group.busy.values()))

    @property
    def duration(self) -> float:
        """Seconds the command ran (so far)."""
        return (self.ended_at or self.clock()) - self.started_at


class Display(Protocol):
    """Where progress goes."""

    def command_started(self, progress: StackProgress, log: Path) -> None: ...
    def classes_done(self, progress: StackProgress, classes: Sequence[ResourceClass]) -> None: ...
    def tick(self, progress: StackProgress) -> None: ...
    def command_ended(self, progress: StackProgress, returncode: int) -> None: ...


class PlainDisplay:
    """Lines only, for CI logs and pipes: ``[  12:31] dev  aws_opensearch_domain  1 created in 10:52``."""

    def __init__(self, out: TextIO, clock: Clock = time.monotonic, heartbeat_s: float = HEARTBEAT_S) -> None:
        self.out = out
        self.clock = clock
        self.heartbeat_s = heartbeat_s
        self.started_at = clock()
        self._last_said: dict[tuple[str, str, str], float] = {}
        self._logs_named: set[Path] = set()

    def _line(self, stack: str, text: str) -> str:
        return f"[{clock_text(self.clock() - self.started_at):>7}] {stack:<12} {text}"

    def _class_line(self, progress: StackProgress, group: ResourceClass, text: str) -> str:
        return self._line(progress.stack, f"{group.resource_type:<50} {text}")

    def say(self, line: str) -> None:
        """Print one finished line."""
        print(line, file=self.out, flush=True)

    def command_started(self, progress: StackProgress, log: Path) -> None:
        """Name the log file once per stack."""
        if log not in self._logs_named:
            self._logs_named.add(log)
            self.say(self._line(progress.stack, f"full Terraform log: {log}"))

    def classes_done(self, progress: StackProgress, classes: Sequence[ResourceClass]) -> None:
        """One line per finished class."""
        for group in classes:
            self.say(self._class_line(progress, group, group.summary()))

    def tick(self, progress: StackProgress) -> None:
        """A "still ..." line for each class busy for another :attr:`heartbeat_s` seconds."""
        now = self.clock()
        for group in progress.busy():
            key = (progress.stack, group.resource_type, group.action)
            last = self._last_said.get(key, min(group.busy.values()))
            if now - last >= self.heartbeat_s:
                self._last_said[key] = now
                self.say(self._class_line(progress, group, f"still {group.busy_text(now)}"))

    def command_ended(self, progress: StackProgress, returncode: int) -> None:
        """The classes left, each error in one line, then how the command ended."""
        self.classes_done(progress, progress.finish())
        for problem in progress.problems:
            self.say(self._line(progress.stack, f"error: {problem.address + ': ' if problem.address else ''}"
                                                f"{problem.summary}"))
        outcome = progress.outcome if returncode in (0, 2) and progress.outcome else (
            "done" if returncode in (0, 2) else f"failed (exit {returncode})")
        took = clock_text(progress.duration)
        self.say(self._line(progress.stack, f"terraform {progress.command}: {outcome} ({took})"))


class LiveDisplay(PlainDisplay):
    """For a terminal: finished lines scroll as in :class:`PlainDisplay`; the busy classes (or the running
    command) are redrawn in place below them every second."""

    _UP_AND_CLEAR = "\x1b[{n}F\x1b[J"

    def __init__(self, out: TextIO, clock: Clock = time.monotonic) -> None:
        super().__init__(out, clock)
        self._drawn = 0
        self._current: StackProgress | None = None

    def say(self, line: str) -> None:
        """Print a finished line above the live block, then redraw the block."""
        self._erase()
        print(line, file=self.out)
        self._draw()

    def command_started(self, progress: StackProgress, log: Path) -> None:
        self._current = progress
        super().command_started(progress, log)

    def tick(self, progress: StackProgress) -> None:
        """Redraw the live block with the current elapsed times."""
        self._current = progress
        self._erase()
        self._draw()

    def command_ended(self, progress: StackProgress, returncode: int) -> None:
        self._current = None
        super().command_ended(progress, returncode)

    def _erase(self) -> None:
        if self._drawn:
            self.out.write(self._UP_AND_CLEAR.format(n=self._drawn))
            self._drawn = 0

    def _draw(self) -> None:
        progress = self._current
        if progress is None:
            self.out.flush()
            return
        now = self.clock()
        lines = [self._class_line(progress, group, group.busy_text(now)) for group in progress.busy()]
        if not lines:
            lines = [self._line(progress.stack, f"terraform {progress.command}… {clock_text(progress.duration)}")]
        self.out.write("".join(f"{line}\n" for line in lines))
        self.out.flush()
        self._drawn = len(lines)


def display_for(out: TextIO) -> PlainDisplay:
    """:class:`LiveDisplay` when ``out`` is a terminal, else :class:`PlainDisplay`."""
    return LiveDisplay(out) if out.isatty() else PlainDisplay(out)


def human_text(message: Mapping[str, Any]) -> str:
    """What Terraform would have printed for one message: its ``@message``, diagnostics in full."""
    if message.get("type") == "diagnostic":
        diagnostic = message.get("diagnostic", {})
        problem = Problem(str(diagnostic.get("summary", "")), str(diagnostic.get("detail", "")),
                          diagnostic.get("address"))
        text = problem.text()
        return text if message.get("@level") == "error" else text.replace("Error:", "Warning:", 1)
    return str(message.get("@message", ""))


@dataclass(frozen=True)
class TerraformRun:
    """A finished Terraform command: exit code, its human-readable output, and the folded progress."""

    returncode: int
    output: str
    progress: StackProgress


def run_terraform(argv: Sequence[str], env: Mapping[str, str], *, stack: str, log: Path, display: Display | None,
                  clock: Clock = time.monotonic, tick_s: float = 1.0) -> TerraformRun:
    """Run ``argv`` (a Terraform command already carrying ``-json``), log it, and show its progress.

    Every message is appended to ``log`` as Terraform would have printed it (with a header naming
    the command); lines that are not JSON (Terraform's own warnings on stderr) are kept as they are.
    """
    command = next((word for word in argv[1:] if not word.startswith("-")), "terraform")
    progress = StackProgress(stack, command, clock)
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    with log.open("a") as log_file, subprocess.Popen(list(argv), env=dict(env), stdin=subprocess.DEVNULL,
                                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                      text=True) as process:
        log_file.write(f"\n== {' '.join(argv)}\n")
        if display is not None:
            display.command_started(progress, log)
        incoming: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(process.stdout, incoming), daemon=True)
        reader.start()
        ticked = clock()
        while True:
            try:
                line = incoming.get(timeout=tick_s)
            except queue.Empty:
                line = ""
            if display is not None and clock() - ticked >= tick_s:
                ticked = clock()
                display.tick(progress)
            if line is None:
                break
            if not line:
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                message = None
            text = human_text(message) if isinstance(message, dict) else line.rstrip("\n")
            lines.append(text)
            log_file.write(text + "\n")
            log_file.flush()
            if isinstance(message, dict):
                done = progress.feed(message)
                if display is not None and done:
                    display.classes_done(progress, done)
        reader.join()
    returncode = process.returncode
    if display is not None:
        display.command_ended(progress, returncode)
    else:
        progress.finish()
    return TerraformRun(returncode, "\n".join(lines) + "\n", progress)


def _read_lines(stream: Any, incoming: queue.Queue[str | None]) -> None:
    for line in stream:
        incoming.put(line)
    incoming.put(None)

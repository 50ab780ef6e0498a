"""Fenced code blocks of the documentation, and what each one promises.

An HTML comment on the line right above a fence (invisible on GitHub) says how the block is checked:

``<!-- snippet: stack -->``
    Python run with ``stack`` provided: a fresh ``TerraformStack`` with an AWS provider, synthesized
    afterwards. A Python block without a marker must run on its own.
``<!-- snippet: environment dev staging prod -->``
    TOML laid over the named files of a copy of ``environments/`` (tables merge, values replace); the
    copy must then load. Such blocks of one document build on each other, in document order. A TOML
    block without a marker must parse.
``<!-- snippet: run -->``
    Bash run offline from the repository root; it must exit 0.
``<!-- snippet: runs in tests/<path> -->``
    Bash that a test of its own runs (in a scratch project, under its own fixtures); that test finds the
    block by this marker.
``<!-- snippet: not run – <why> -->``
    Bash that needs AWS, a cluster or a long install; listed with the reason, not executed.
``<!-- snippet: cli-config -->``
    HCL: the Terraform CLI configuration ``platformctl`` writes for the provider mirror of the project's
    machine image (``/opt/tf-plugins`` holding ``hashicorp/aws 5.100.0`` for ``linux_amd64``), byte for byte.

Blocks without a language are sample output and are not checked.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The documents whose snippets are checked.
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")),
             *sorted((ROOT / "examples").rglob("README.md")))

_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<language>[\w-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<marker>.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Snippet:
    """One fenced block: where it is, its language, its text (dedented) and its marker."""

    document: Path
    line: int
    language: str
    text: str
    marker: str | None

    @property
    def where(self) -> str:
        """``README.md:113``, for test ids and messages."""
        document = self.document.relative_to(ROOT) if self.document.is_relative_to(ROOT) else self.document
        return f"{document}:{self.line}"

    @property
    def marker_words(self) -> list[str]:
        """The marker split into words (``["environment", "dev", "prod"]``)."""
        return (self.marker or "").split()


def snippets_of(document: Path) -> list[Snippet]:
    """Every fenced block of ``document``, in order."""
    lines = document.read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = next(number for number in range(index + 1, len(lines)) if lines[number].strip() == "```")
        previous = next((lines[number] for number in range(index - 1, -1, -1) if lines[number].strip()), "")
        marker = _MARKER.match(previous)
        found.append(Snippet(document, index + 1, opening["language"],
                             textwrap.dedent("\n".join(lines[index + 1:end])) + "\n",
                             marker["marker"] if marker else None))
        index = end + 1
    return found


def all_snippets(language: str) -> list[Snippet]:
    """Every block in ``language`` across :data:`DOCUMENTS`."""
    return [snippet for document in DOCUMENTS for snippet in snippets_of(document) if snippet.language == language]

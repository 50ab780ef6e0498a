"""Fenced blocks of the README that tests run or compare, found by the HTML comment placed before each."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_block(marker: str) -> list[str]:
    """The lines of the fenced block that follows ``<!-- marker: ... -->`` in the README."""
    text = README.read_text()
    start = text.index(f"<!-- {marker}:")
    body = text[text.index("```", start):].split("\n", 1)[1]
    return body[:body.index("```")].rstrip("\n").splitlines()

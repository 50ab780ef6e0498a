"""How a pydantic model refuses bad input, in the terms the tests assert on."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError


def refusal(model: type[BaseModel], values: dict[str, Any]) -> tuple[list[str], str]:
    """The dotted field paths ``model(**values)`` refuses, and the first refusal's message."""
    with pytest.raises(ValidationError) as raised:
        model(**values)
    errors = raised.value.errors()
    return [".".join(str(part) for part in error["loc"]) for error in errors], errors[0]["msg"]

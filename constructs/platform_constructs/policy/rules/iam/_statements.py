"""Reading the statements of a synthesized identity policy (shared by the IAM rules)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from platform_constructs.policy.engine import Resource, Verdict

#: Resources whose ``policy`` is an identity policy document.
IDENTITY_POLICY_TYPES = ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy")


#: What a Terraform interpolation inside the document is read as: a value known only at plan time.
REFERENCE = "${reference}"


def without_interpolations(text: str) -> str:
    """``text`` with every ``${...}`` replaced by :data:`REFERENCE`.

    An interpolation may hold quoted strings (``${replace(x, ":cluster/", ":topic/")}``), which Terraform
    evaluates before the document is JSON; read literally they would break it.
    """
    parts, index = [], 0
    while (start := text.find("${", index)) != -1:
        parts.append(text[index:start])
        depth, position, quoted = 0, start + 1, False
        while position < len(text):
            char = text[position]
            if quoted:
                quoted = char != '"' or text[position - 1] == "\\"
            elif char == '"':
                quoted = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            position += 1
        parts.append(REFERENCE)
        index = position + 1
    parts.append(text[index:])
    return "".join(parts)


def allow_statements(resource: Resource) -> list[dict[str, Any]] | str:
    """The ``Allow`` statements of the resource's policy, or why they cannot be read (a message)."""
    try:
        document = json.loads(without_interpolations(str(resource.get("policy", ""))))
    except (TypeError, ValueError):
        return f"policy is not a literal JSON document ({str(resource.get('policy'))[:60]!r}), so it cannot be checked"
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return [statement for statement in statements if isinstance(statement, dict) and statement.get("Effect") == "Allow"]


def values(statement: dict[str, Any], key: str) -> list[str]:
    """A statement element as a list of strings."""
    value = statement.get(key, [])
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def label(statement: dict[str, Any], index: int) -> str:
    """How a message names a statement: its Sid, else its position."""
    return f"statement {statement.get('Sid') or index}"


def statement_problems(resource: Resource, problems_of: Callable[[dict[str, Any], str], list[str]]) -> Verdict:
    """Non-compliant with every problem ``problems_of(statement, label)`` finds in the Allow statements (or with
    why they cannot be read); compliant when there is none."""
    statements = allow_statements(resource)
    if isinstance(statements, str):
        return Verdict.non_compliant(statements)
    problems = [problem for index, statement in enumerate(statements)
                for problem in problems_of(statement, label(statement, index))]
    return Verdict.require(not problems, "; ".join(problems))

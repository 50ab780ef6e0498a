"""A ConfigError's message lists a bounded number of problems, so no caller reading it through a pipe can hang."""

from __future__ import annotations

import pytest

from platform_constructs.errors import LISTED_LINE_CHARS, LISTED_PROBLEMS, ConfigError, Problem


def problems(count: int, value: object = "api") -> list[Problem]:
    return [Problem("uses.db-user-taken", f"apps.svc{index:03d}.uses.postgres.user", value,
                    "is already the database user of application api; each application needs its own", "dev.toml")
            for index in range(count)]


@pytest.mark.parametrize(("count", "listed"), [(1, 1), (LISTED_PROBLEMS, LISTED_PROBLEMS),
                                               (LISTED_PROBLEMS + 1, LISTED_PROBLEMS), (600, LISTED_PROBLEMS)])
def test_the_message_lists_the_first_problems_and_counts_the_rest(count, listed):
    error = ConfigError(problems(count))
    header, *lines = str(error).splitlines()
    assert header == f"invalid environment configuration ({count} problem(s)):"
    assert lines[:listed] == [f"  - {problem}" for problem in error.problems[:listed]]
    assert lines[listed:] == ([f"  ... and {count - listed} more problem(s), not listed"] if count > listed else [])
    assert len(error.problems) == count


def test_a_huge_value_is_clipped_and_hundreds_of_them_stay_far_below_a_pipe_s_capacity():
    error = ConfigError(problems(600, value=["subnet-0123456789abcdef0"] * 5000))
    lines = str(error).splitlines()[1:-1]
    assert len(lines) == LISTED_PROBLEMS
    assert all(len(line) == LISTED_LINE_CHARS and line.endswith(" ...") for line in lines)
    assert len(str(error)) < 32_000 < 64 * 1024

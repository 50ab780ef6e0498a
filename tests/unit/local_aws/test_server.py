"""The emulator's WSGI stack applies one request at a time, as AWS applies each request atomically, and a
retry of a change already made gets that change's answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from local_aws.server import REMEMBERED_ANSWERS, one_request_at_a_time, retries_get_the_first_answer


def test_requests_and_their_bodies_are_handled_one_at_a_time():
    guard = threading.Lock()
    active = peak = 0

    def enter() -> None:
        nonlocal active, peak
        with guard:
            active += 1
            peak = max(peak, active)

    def leave() -> None:
        nonlocal active
        with guard:
            active -= 1

    def app(environ: dict, start_response) -> Iterator[bytes]:
        enter()
        time.sleep(0.02)
        leave()
        yield b"head"
        enter()  # the body is produced while moto's backend is read, so it belongs to the request too
        time.sleep(0.02)
        leave()
        yield b"tail"

    handled = one_request_at_a_time(app)
    bodies: list[list[bytes]] = []
    threads = [threading.Thread(target=lambda: bodies.append(handled({}, lambda *_: None))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert bodies == [[b"head", b"tail"]] * 6
    assert peak == 1


def _creating_once() -> tuple[list[str], object]:
    """A WSGI app that creates a user once and refuses a second creation, as moto's CreateUser does."""
    created: list[str] = []

    def app(environ: dict, start_response) -> Iterator[bytes]:
        name = environ["PATH_INFO"]
        if name in created:
            start_response("400 Bad Request", [("Content-Type", "text/xml")])
            yield b"UserAlreadyExists"
            return
        created.append(name)
        start_response("200 OK", [("Content-Type", "text/xml"), ("x-amzn-RequestId", name)])
        yield b"<Created>" + name.encode() + b"</Created>"

    return created, app


def _call(app, path: str, invocation: str | None, attempt: int = 1, method: str = "POST") -> tuple[str, bytes]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method}
    if invocation is not None:
        environ |= {"HTTP_AMZ_SDK_INVOCATION_ID": invocation, "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=25"}
    statuses: list[str] = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return statuses[-1], body


def test_a_retry_of_a_change_already_made_gets_its_answer_and_is_logged(capsys):
    created, app = _creating_once()
    handled = retries_get_the_first_answer(app)
    first = _call(handled, "/user-a", "inv-1")
    assert first == ("200 OK", b"<Created>/user-a</Created>")
    assert _call(handled, "/user-a", "inv-1", attempt=2) == first  # the first answer was lost on the way back
    assert created == ["/user-a"]
    assert "attempt=2; max=25 of invocation inv-1: replayed the answer (200 OK)" in capsys.readouterr().err


@pytest.mark.parametrize(("case", "second"), [
    ("a new call for the same thing", lambda app: _call(app, "/user-a", "inv-2")),
    ("a call without an invocation id", lambda app: _call(app, "/user-a", None)),
], ids=lambda value: value if isinstance(value, str) else "")
def test_anything_but_a_retry_meets_the_change_as_aws_would(case, second):
    _, app = _creating_once()
    handled = retries_get_the_first_answer(app)
    _call(handled, "/user-a", "inv-1")
    assert second(handled) == ("400 Bad Request", b"UserAlreadyExists")


def test_failures_and_reads_are_not_replayed():
    _, app = _creating_once()
    handled = retries_get_the_first_answer(app)
    _call(handled, "/user-a", "inv-0")
    assert _call(handled, "/user-a", "inv-1")[0] == "400 Bad Request"
    assert _call(handled, "/user-a", "inv-1", attempt=2)[0] == "400 Bad Request"  # asked again, not replayed
    assert _call(handled, "/user-b", "inv-3", method="GET")[0] == "200 OK"
    assert _call(handled, "/user-b", "inv-3", attempt=2, method="GET")[0] == "400 Bad Request"


def test_only_the_latest_answers_are_kept():
    _, app = _creating_once()
    handled = retries_get_the_first_answer(app)
    for number in range(REMEMBERED_ANSWERS + 1):
        _call(handled, f"/user-{number}", f"inv-{number}")
    assert _call(handled, "/user-0", "inv-0", attempt=2)[0] == "400 Bad Request"
    assert _call(handled, "/user-1", "inv-1", attempt=2)[0] == "200 OK"

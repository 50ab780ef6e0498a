"""The emulator's WSGI stack applies one request at a time, as AWS applies each request atomically."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from local_aws.server import one_request_at_a_time


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

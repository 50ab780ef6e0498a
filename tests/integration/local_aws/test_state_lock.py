"""S3-native state locking: a second apply of the same stack is refused while the first holds the lock.

The first apply is interactive: it has planned and waits at the approval prompt, which is
exactly when it holds the lock object (``<key>.tflock``) in the state bucket.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time

import pytest

from local_aws.deploy import PLAN_CHANGES

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

STACK = "dev"
PROMPT = "Enter a value:"


class _Output:
    """Collects a process's output on a thread, so the test can wait for a prompt without a newline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.text = ""
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        while chunk := process.stdout.read(1):
            self.text += chunk

    def wait_for(self, needle: str, process: subprocess.Popen[str], timeout: float) -> None:
        """Until ``needle`` is in the output; fails at once if the process ends without printing it."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if process.poll() is not None:
                self._thread.join(timeout=10)
                assert needle in self.text, (f"{needle!r} did not appear; the process exited {process.returncode}:\n"
                                             f"{self.text[-6000:]}")
            assert time.monotonic() < deadline, f"{needle!r} did not appear; output so far:\n{self.text[-3000:]}"
            time.sleep(0.2)

    def answer(self, process: subprocess.Popen[str], reply: str, timeout: float) -> None:
        """Send ``reply`` to the prompt, then wait until the process has exited and all its output is read."""
        process.stdin.write(reply)
        process.stdin.close()
        process.wait(timeout=timeout)
        self._thread.join(timeout=timeout)


def test_a_concurrent_apply_is_refused_while_the_first_holds_the_lock(deployment, platform):
    deployment.apply_prerequisites(STACK)
    stack = deployment.stack(STACK)
    state = platform.environments[STACK].state
    lock_key = state.key(STACK) + ".tflock"
    s3 = deployment.account_clients("shared")("s3")

    first = subprocess.Popen(stack.argv("apply", "-input=true", "-no-color"), env=stack.env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output = _Output(first)
        output.wait_for(PROMPT, first, timeout=600)  # a ceiling: planning all of dev on a loaded machine
        holder = json.loads(s3.get_object(Bucket=state.bucket, Key=lock_key)["Body"].read())
        assert holder["Operation"] == "OperationTypeApply"

        second = stack.run("apply", "-input=false", "-auto-approve", "-lock-timeout=0s", ok=(1,))
        assert "Error acquiring the state lock" in second.stdout
        assert holder["ID"] in second.stdout, "the refusal names the lock the first apply holds"
    finally:
        output.answer(first, "no\n", timeout=120)
    assert "Apply cancelled" in output.text
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=state.bucket, Key=lock_key)
    # released: the stack can be planned again, and nothing was applied by either run
    assert stack.plan() == PLAN_CHANGES
    assert deployment.inventory(STACK)["eks:cluster"] == ()

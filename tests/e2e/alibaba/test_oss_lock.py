"""The oss state backend's lock never waits: a second apply while one runs fails at once
naming the holder; the state goes under the config's prefix; the lock is released.

The first apply is paused (SIGSTOP) once it holds the lock and is creating, and resumed after
the second has failed: it is running (mid-apply, lock held in OSS) for exactly as long as the
test needs, whatever the machine's load, so a handful of buckets is enough."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from ..conftest import GENESYS
from .conftest import AlibabaCli, Sdk

N_BUCKETS = 5
STATE_BLOCK = """state:
  backend: oss
  bucket: genesys-state-${account_id}
  prefix: team/locks
  encrypt: true
"""


def _config(n: int) -> str:
    lines = ["provider: alibaba", "region: us-east-1", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: locked-{i}", "      type: bucket"]
    return "\n".join(lines) + "\n" + STATE_BLOCK


def _read_until(process: subprocess.Popen[str], text: str) -> None:
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while text not in process.stdout.readline():
        assert process.poll() is None, f"the apply ended before {text!r}"
        assert time.monotonic() < deadline, f"no {text!r} in 120 s"


def test_second_concurrent_apply_fails_at_once_naming_the_holder(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(_config(N_BUCKETS))
    first = subprocess.Popen(
        [*GENESYS, "apply", "--auto-approve", "--parallelism", "1"],
        cwd=cli.project,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        _read_until(first, "Creating...")
        os.kill(first.pid, signal.SIGSTOP)  # mid-apply, holding the lock
        account = sdk.rpc("sts", "GetCallerIdentity")["AccountId"]
        state = sdk.bucket(f"genesys-state-{account}")
        assert state.object_exists("team/locks/.genesys.lock")  # held, in OSS
        started = time.monotonic()
        second = cli("apply", "--auto-approve")
        waited = time.monotonic() - started
        assert first.poll() is None, "the first apply ended: the test proved nothing"
        assert second.returncode == 1 and "Traceback" not in second.stderr, second.stderr
        assert "state is locked by apply" in second.stderr, second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert waited < 20  # at once (process start included): no waiting for the lock
        os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGCONT)
            first.kill()
            first.communicate()
    assert first.returncode == 0, out + err
    assert f"Apply complete! Resources: {N_BUCKETS} added" in out
    assert not state.object_exists("team/locks/.genesys.lock")  # released
    assert state.object_exists("team/locks/snapshot.json")  # the config's prefix
    assert state.get_bucket_versioning().status == "Enabled"

"""The cos state backend's lock through the real CLI: a second apply fails at once naming the
holder (the lock never waits), and of several runs taking over a dead holder's lock exactly
one wins. Checked in COS through cos-python-sdk-v5."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

from .conftest import Cli, Tencent

LOCK_KEY = "team/locks/.genesys.lock"
N_BUCKETS = 40  # at --parallelism 1, 20 ms a call: the first apply holds the lock ~10 s


def _config(tencent: Tencent, buckets: int) -> str:
    lines = ["provider: tencent", "resources:", "  storage:"]
    for i in range(buckets):
        lines += [f"    - name: locked-{i}", "      type: bucket"]
    lines += [
        "state:",
        "  backend: cos",
        "  bucket: genesys-state-${account_id}",
        "  prefix: team/locks",
        "  encrypt: true",
    ]
    return "\n".join(lines) + f"\nproviders: {json.dumps({'tencent': tencent.ready['settings']})}\n"


def _lock_held(tencent: Tencent) -> bool:
    listed = tencent.cos().list_objects(Bucket=f"genesys-state-{tencent.appid}", Prefix=LOCK_KEY)
    return bool(listed.get("Contents"))


def _wait_for(process: subprocess.Popen[str], text: str) -> None:
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"the apply ended before {text!r}: {process.communicate()}")
    raise AssertionError(f"no {text!r} in 60 s")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


def test_second_apply_fails_at_once_naming_the_holder(cli: Cli, slow_tencent: Tencent) -> None:
    (cli.project / "genesys.yaml").write_text(_config(slow_tencent, N_BUCKETS))
    first = cli.start("apply", "--auto-approve", "--parallelism", "1")
    try:
        _wait_for(first, "Creating...")
        # paused mid-apply, holding the lock for as long as the second needs (~10 s of apply
        # otherwise: a loaded machine's CLI start could outlast it)
        os.kill(first.pid, signal.SIGSTOP)
        assert _lock_held(slow_tencent)
        started = time.monotonic()
        second = cli("apply", "--auto-approve")
        waited = time.monotonic() - started
        assert first.poll() is None, "the first apply ended: the test proved nothing"
        assert second.returncode == 1 and "Traceback" not in second.stderr, second.stderr
        assert "state is locked by apply" in second.stderr and f"pid {first.pid}" in second.stderr
        assert waited < 60  # at once (process start included): the lock never waits
        os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=180)
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGCONT)
        _stop(first)
    assert first.returncode == 0, out + err
    assert f"Apply complete! Resources: {N_BUCKETS} added" in out
    assert not _lock_held(slow_tencent)  # released


def _exited_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_racing_runs_take_over_a_dead_holders_lock_once(cli: Cli, tencent: Tencent) -> None:
    (cli.project / "genesys.yaml").write_text(_config(tencent, 1))
    assert cli("apply", "--auto-approve").returncode == 0  # makes the state bucket
    dead_pid = _exited_pid()
    info = {
        "id": "5d0c6a59-0000-4000-8000-00000000dead",
        "operation": "apply",
        "who": f"ci@{socket.gethostname()}",
        "pid": dead_pid,
        "created": "2026-01-02T03:04:05Z",
        "version": "0.1.0",
    }
    tencent.cos().put_object(
        Bucket=f"genesys-state-{tencent.appid}", Key=LOCK_KEY, Body=json.dumps(info).encode()
    )
    racers = [cli.start("apply", "--auto-approve") for _ in range(4)]
    try:
        finished = [racer.communicate(timeout=120) for racer in racers]
    finally:
        for racer in racers:
            _stop(racer)
    took_over = f"Took over the lock of pid {dead_pid}"
    assert len([err for _, err in finished if took_over in err]) == 1, [e for _, e in finished]
    for racer, (out, err) in zip(racers, finished, strict=True):
        assert "Traceback" not in err, err
        assert racer.returncode == 0 or "state is locked by apply" in err, out + err
    assert not _lock_held(tencent)

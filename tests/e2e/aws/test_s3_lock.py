"""Locking of the s3 state backend (DynamoDB lock table), through the real CLI and moto."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any

from .conftest import AwsCli

N_BUCKETS = 100  # at --parallelism 1 the first apply holds the lock for several seconds


def _buckets_config(n: int) -> str:
    lines = ["provider: aws", "region: us-east-1", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: locked-{i}", "      type: bucket"]
    lines += [
        "state:",
        "  backend: s3",
        "  bucket: genesys-state-${account_id}",
        "  lock_table: genesys-locks",
        "  prefix: team/locks",
        "  encrypt: true",
    ]
    return "\n".join(lines) + "\n"


def _wait_for_creating(process: subprocess.Popen[str]) -> None:
    """Reads the first apply's output until it is creating (it holds the lock by then)."""
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while "Creating..." not in process.stdout.readline():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the first apply ended before creating anything:\n{out}{err}")
        assert time.monotonic() < deadline, "the first apply did not start creating in 60 s"


def test_second_concurrent_apply_fails_at_once_naming_the_holder(
    cli: AwsCli, aws: Callable[[str], Any]
) -> None:
    cli.config.write_text(_buckets_config(N_BUCKETS))
    first = cli.start("apply", "--auto-approve", "--parallelism", "1")
    try:
        _wait_for_creating(first)
        lock_items = aws("dynamodb").scan(TableName="genesys-locks")["Items"]
        assert [i["LockID"]["S"] for i in lock_items] == [
            "genesys-state-123456789012/team/locks/.genesys.lock"
        ]
        started = time.monotonic()
        second = cli("apply", "--auto-approve")
        waited = time.monotonic() - started
        assert first.poll() is None, "the first apply ended: the test proved nothing"
        assert second.returncode == 1, second.stdout + second.stderr
        assert "Traceback" not in second.stderr
        assert "state is locked by apply" in second.stderr
        assert f"pid {first.pid}" in second.stderr and "force-unlock" in second.stderr
        assert waited < 15  # fails at once (process start included): no waiting for the lock
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, out + err
    assert f"Apply complete! Resources: {N_BUCKETS} added" in out
    assert aws("dynamodb").scan(TableName="genesys-locks")["Items"] == []  # released
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert len([b for b in buckets if b.startswith("locked-")]) == N_BUCKETS
    state_keys = [
        o["Key"] for o in aws("s3").list_objects_v2(Bucket="genesys-state-123456789012")["Contents"]
    ]
    assert "team/locks/snapshot.json" in state_keys  # the config's prefix is honoured

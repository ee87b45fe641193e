"""Locking of the s3 state backend (DynamoDB lock table) and recovery from a killed apply,
through the real CLI and moto."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import AwsCli

Aws = Callable[[str], Any]
STATE_BUCKET = "genesys-state-123456789012"  # moto's account id
LOCK_OBJECT = "team/locks/.genesys.lock"
STATE_BLOCK = [
    "state:",
    "  backend: s3",
    "  bucket: genesys-state-${account_id}",
    "  lock_table: genesys-locks",
    "  prefix: team/locks",
    "  encrypt: true",
]
N_BUCKETS = 100  # at --parallelism 1 the first apply holds the lock for several seconds
N_GROUPS = 40


def _buckets_config(n: int) -> str:
    lines = ["provider: aws", "region: us-east-1", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: locked-{i}", "      type: bucket"]
    return "\n".join(lines + STATE_BLOCK) + "\n"


def _groups_config(n: int) -> str:
    """A VPC with n security groups. EC2 tags a group (with the idempotency token) as it
    creates it, so a kill at any instant leaves nothing a later run cannot find."""
    lines = [
        "provider: aws",
        "region: us-east-1",
        "resources:",
        "  network:",
        "    - name: crash-vpc",
        "      cidr: 10.9.0.0/16",
        "      security_groups:",
    ]
    for i in range(n):
        lines += [
            f"        - name: group-{i}",
            "          ingress:",
            f"            - {{protocol: tcp, port: {1000 + i}, cidr_blocks: [10.0.0.0/8]}}",
        ]
    return "\n".join(lines + STATE_BLOCK) + "\n"


def _read_until(process: subprocess.Popen[str], text: str, times: int = 1) -> None:
    """Reads a background apply's output until `text` has appeared on `times` lines."""
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    seen = 0
    while seen < times:
        line = process.stdout.readline()
        seen += text in line
        if not line and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the apply ended before {text!r} x{times}:\n{out}{err}")
        assert time.monotonic() < deadline, f"no {text!r} x{times} in 60 s"


def _lock_ids(aws: Aws) -> list[str]:
    return [i["HolderId"]["S"] for i in aws("dynamodb").scan(TableName="genesys-locks")["Items"]]


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


def test_second_concurrent_apply_fails_at_once_naming_the_holder(cli: AwsCli, aws: Aws) -> None:
    cli.config.write_text(_buckets_config(N_BUCKETS))
    first = cli.start("apply", "--auto-approve", "--parallelism", "1")
    try:
        _read_until(first, "Creating...")
        # paused mid-apply, holding the lock for as long as the second needs (it would end
        # within seconds otherwise: a loaded machine's CLI start could outlast it)
        os.kill(first.pid, signal.SIGSTOP)
        items = aws("dynamodb").scan(TableName="genesys-locks")["Items"]
        assert [i["LockID"]["S"] for i in items] == [f"{STATE_BUCKET}/team/locks/.genesys.lock"]
        started = time.monotonic()
        second = cli("apply", "--auto-approve")
        waited = time.monotonic() - started
        assert first.poll() is None, "the first apply ended: the test proved nothing"
        assert second.returncode == 1, second.stdout + second.stderr
        assert "Traceback" not in second.stderr
        assert "state is locked by apply" in second.stderr
        assert f"pid {first.pid}" in second.stderr and "force-unlock" in second.stderr
        assert waited < 60  # fails at once (process start included): no waiting for the lock
        os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGCONT)
        _stop(first)
    assert first.returncode == 0, out + err
    assert f"Apply complete! Resources: {N_BUCKETS} added" in out
    assert _lock_ids(aws) == []  # released
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert len([b for b in buckets if b.startswith("locked-")]) == N_BUCKETS
    listed = aws("s3").list_objects_v2(Bucket=STATE_BUCKET)["Contents"]
    assert "team/locks/snapshot.json" in [o["Key"] for o in listed]  # the config's prefix


def _groups_in_vpc(aws: Aws) -> dict[str, str]:
    """name -> id of the security groups in crash-vpc (its default group left out)."""
    ec2 = aws("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crash-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs  # one VPC: the killed run's was adopted, not made again
    filters = [{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}]
    groups = ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
    return {g["GroupName"]: g["GroupId"] for g in groups if g["GroupName"] != "default"}


def _plant_lock(aws: Aws, lock_id: str, who: str, pid: int, *, table: bool = True) -> None:
    info = {
        "id": lock_id,
        "operation": "apply",
        "who": who,
        "pid": pid,
        "created": "2026-01-02T03:04:05Z",
        "version": "0.1.0",
    }
    item = {
        "LockID": {"S": f"{STATE_BUCKET}/team/locks/.genesys.lock"},
        "HolderId": {"S": lock_id},
        "Info": {"S": json.dumps(info)},
    }
    if table:
        aws("dynamodb").put_item(TableName="genesys-locks", Item=item)
    else:
        aws("s3").put_object(Bucket=STATE_BUCKET, Key=LOCK_OBJECT, Body=json.dumps(info).encode())


def _lock_object_exists(aws: Aws) -> bool:
    listed = aws("s3").list_objects_v2(Bucket=STATE_BUCKET, Prefix=LOCK_OBJECT)
    return bool(listed.get("Contents"))


def _exited_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("lock", ["dynamodb", "s3-object"])
def test_racing_runs_take_over_a_dead_holders_lock_once(cli: AwsCli, aws: Aws, lock: str) -> None:
    table = lock == "dynamodb"
    config = _buckets_config(1)
    if not table:
        config = config.replace("  lock_table: genesys-locks\n", "")
    cli.config.write_text(config)
    first = cli("apply", "--auto-approve")  # makes the state bucket (and the lock table)
    assert first.returncode == 0, first.stdout + first.stderr
    dead_pid = _exited_pid()
    holder = f"ci@{socket.gethostname()}"
    _plant_lock(aws, "5d0c6a59-0000-4000-8000-00000000dead", holder, dead_pid, table=table)
    racers = [cli.start("apply", "--auto-approve") for _ in range(4)]
    try:
        finished = [racer.communicate(timeout=120) for racer in racers]
    finally:
        for racer in racers:
            _stop(racer)
    took_over = (
        f"Took over the lock of pid {dead_pid} on {socket.gethostname()}, "
        "which is no longer running"
    )
    winners = [err for _, err in finished if took_over in err]
    assert len(winners) == 1, [err for _, err in finished]
    for racer, (out, err) in zip(racers, finished, strict=True):
        assert "Traceback" not in err, err
        assert racer.returncode == 0 or "state is locked by apply" in err, out + err
    assert not _lock_object_exists(aws) and (not table or _lock_ids(aws) == [])


def _plant_foreign_lock(aws: Aws) -> str:
    """The lock item a run on another machine would hold (this host cannot tell it is gone)."""
    info = {
        "id": "5d0c6a59-0000-4000-8000-000000000001",
        "operation": "apply",
        "who": "ci@build-7",
        "pid": 4242,
        "created": "2026-01-02T03:04:05Z",
        "version": "0.1.0",
    }
    item = {
        "LockID": {"S": f"{STATE_BUCKET}/team/locks/.genesys.lock"},
        "HolderId": {"S": info["id"]},
        "Info": {"S": json.dumps(info)},
    }
    aws("dynamodb").put_item(TableName="genesys-locks", Item=item)
    return str(info["id"])


def kill_apply_midway(cli: AwsCli) -> None:
    first = cli.start("apply", "--auto-approve", "--parallelism", "2")
    try:
        _read_until(first, "Creation complete", times=8)
        _read_until(first, "Creating...")  # a create in flight: its intent is durable
        first.send_signal(signal.SIGKILL)
    finally:
        _stop(first)


def force_unlock_foreign_lock(cli: AwsCli, aws: Aws) -> None:
    lock_id = _plant_foreign_lock(aws)
    blocked = cli("apply", "--auto-approve")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "pid 4242 on host build-7" in blocked.stderr
    assert f"genesys force-unlock {lock_id}" in blocked.stderr
    wrong = cli("force-unlock", "--force", "not-the-holder")
    assert wrong.returncode == 1 and f"held by {lock_id}" in wrong.stderr, wrong.stderr
    assert _lock_ids(aws) == [lock_id]
    unlocked = cli("force-unlock", "--force", lock_id)
    assert unlocked.returncode == 0, unlocked.stdout + unlocked.stderr
    assert _lock_ids(aws) == []


def test_killed_apply_converges_without_orphans_and_force_unlock(cli: AwsCli, aws: Aws) -> None:
    cli.config.write_text(_groups_config(N_GROUPS))
    kill_apply_midway(cli)
    assert len(_lock_ids(aws)) == 1  # the killed run's lock is still there
    # Its holder is gone from this host: the next apply takes the lock over, settles the
    # create that was in flight (adopted by its token) and finishes the rest.
    converged = cli("apply", "--auto-approve")
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert "Took over the lock of pid" in converged.stderr
    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    groups = _groups_in_vpc(aws)
    assert sorted(groups) == sorted(f"group-{i}" for i in range(N_GROUPS))
    listed = cli("state", "list")  # reads the S3 state, not a local one
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.split()) == N_GROUPS + 1  # the groups and the VPC
    recorded = cli("state", "show", "network.crash-vpc.security_group.group-7")
    assert groups["group-7"] in recorded.stdout, recorded.stdout + recorded.stderr

    force_unlock_foreign_lock(cli, aws)
    assert cli("plan", "--detailed-exitcode").returncode == 0

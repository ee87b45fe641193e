"""Instances: supervised processes that run user_data and live until deleted."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2
from genesys_plugin_sdk import errors
from genesys_provider_local import processes

from .conftest import leftovers


def create(conn, token="", **config):
    config.setdefault("name", "web")
    config.setdefault("size", pb.SIZE_MEDIUM)
    request = compute_pb2.CreateInstanceRequest(
        config=pb.InstanceConfig(**config), idempotency_token=token
    )
    return conn.compute.CreateInstance(request)


def wait_for(predicate, timeout=30.0):  # process starts: seconds on a loaded machine
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def supervisor_pid(root: Path, instance_id: str) -> int:
    return int(
        json.loads((root / "instances" / instance_id / "supervisor.json").read_text())["pid"]
    )


def test_instance_runs_user_data_and_stays_running_until_deleted(conn, root):
    vm = create(conn, user_data='echo "hello from $GENESYS_INSTANCE_NAME"', tags={"env": "dev"})
    assert vm.state == "running" and vm.provider_type == "local.medium"
    assert vm.private_ip == "127.0.0.1"
    console = root / "instances" / vm.id / "console.log"
    assert wait_for(lambda: "user_data exited with status 0" in console.read_text())
    assert "hello from web" in console.read_text()

    pid = supervisor_pid(root, vm.id)
    assert processes.is_alive(pid)  # user_data finished, the instance lives on
    assert conn.compute.GetInstance(pb.GetRequest(id=vm.id)).state == "running"

    conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
    assert not processes.is_alive(pid)
    assert leftovers(root) == []
    with pytest.raises(errors.NotFound):
        conn.compute.GetInstance(pb.GetRequest(id=vm.id))
    with pytest.raises(errors.NotFound):
        conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))


def test_shebang_user_data_runs_as_a_script_and_long_runners_are_stopped(conn, root):
    script = "#!/bin/sh\necho started > marker\nexec sleep 300\n"
    vm = create(conn, user_data=script)
    directory = root / "instances" / vm.id
    assert wait_for(lambda: (directory / "marker").exists())
    sleeper = [p for p in _children_of_group(supervisor_pid(root, vm.id))]
    assert sleeper, "the user_data process should be running"
    conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
    assert not any(processes.is_alive(p) for p in sleeper)
    assert not directory.exists()


def _children_of_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != pgid:
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_dead_instance_reads_as_stopped(conn, root):
    vm = create(conn)
    pid = supervisor_pid(root, vm.id)
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: not processes.is_alive(pid))
    assert conn.compute.GetInstance(pb.GetRequest(id=vm.id)).state == "stopped"
    conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
    assert leftovers(root) == []


def test_create_is_idempotent_by_token(conn, root):
    first = create(conn, token="once")
    second = create(conn, token="once")
    assert second.id == first.id
    assert [i.id for i in conn.compute.ListInstances(pb.ListRequest())] == [first.id]
    conn.compute.DeleteInstance(pb.DeleteRequest(id=first.id))


def test_update_in_place_and_force_new_refused(conn, root):
    vm = create(conn, image="ubuntu-lts")
    pid = supervisor_pid(root, vm.id)
    changed = pb.InstanceConfig(
        name="web", size=pb.SIZE_LARGE, tags={"team": "a"}, image="ubuntu-lts"
    )
    request = compute_pb2.UpdateInstanceRequest(id=vm.id, config=changed, changed=["size", "tags"])
    updated = conn.compute.UpdateInstance(request)
    assert updated.provider_type == "local.large" and dict(updated.tags) == {"team": "a"}
    assert supervisor_pid(root, vm.id) == pid  # same process: changed in place
    image = compute_pb2.UpdateInstanceRequest(
        id=vm.id, config=pb.InstanceConfig(image="debian"), changed=["image"]
    )
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.compute.UpdateInstance(image)
    assert caught.value.attribute_path == "config.image"
    listed = list(conn.compute.ListInstances(pb.ListRequest(filters={"tag:team": "a"})))
    assert [i.id for i in listed] == [vm.id]
    assert list(conn.compute.ListInstances(pb.ListRequest(filters={"tag:team": "b"}))) == []
    with pytest.raises(errors.InvalidArgument):
        list(conn.compute.ListInstances(pb.ListRequest(filters={"colour": "red"})))
    conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))


def test_invalid_config_is_rejected_with_its_attribute(conn):
    assert create(conn, name="custom", provider_type="m5.large").provider_type == "m5.large"
    with pytest.raises(errors.InvalidArgument) as caught:
        create(conn, subnet_id="subnet-nope")
    assert caught.value.attribute_path == "config.subnet_id"

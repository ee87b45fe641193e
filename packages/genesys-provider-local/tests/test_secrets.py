"""What the local provider starts gets only what it is configured with, and what it keeps on
disk that could hold a secret is 0600 in 0700 directories; the PostgreSQL password is never
stored in the clear (issue 14, items 2 and 3)."""

from __future__ import annotations

import json
import sqlite3
import stat
import time
import urllib.request
from pathlib import Path

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, database_pb2, serverless_pb2, storage_pb2
from genesys_provider_local import postgres
from genesys_provider_local.database import PASSWORD_FILE
from genesys_provider_local.registry import REGISTRY_FILE

from .conftest import make_zip, served

CANARY = "shell-secret-canary-9f3b"
HANDLER = "import os\ndef handler(event, context):\n    return dict(os.environ)\n"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def _wait_for_file(path: Path, timeout: float = 30.0) -> str:  # a loaded machine: seconds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text().endswith("END\n"):
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> None:
    # The plugin runs in this process: its environment is the test's.
    monkeypatch.setenv("GENESYS_STATE_PASSPHRASE", CANARY)
    monkeypatch.setenv("MY_SHELL_TOKEN", CANARY)


def test_instances_run_with_their_own_minimal_environment(conn, root, shell):
    user_data = 'env > "$GENESYS_INSTANCE_DIR/env.txt"; echo END >> "$GENESYS_INSTANCE_DIR/env.txt"'
    request = compute_pb2.CreateInstanceRequest(
        config=pb.InstanceConfig(name="web", size=pb.SIZE_SMALL, user_data=user_data)
    )
    vm = conn.compute.CreateInstance(request)
    try:
        directory = root / "instances" / vm.id
        seen = _wait_for_file(directory / "env.txt")
        assert CANARY not in seen
        assert f"GENESYS_INSTANCE_ID={vm.id}" in seen and "PATH=" in seen
        spec = directory / "spec.json"
        assert CANARY not in spec.read_text()
        assert _mode(spec) == 0o600 and _mode(directory) == 0o700
        assert _mode(directory / "console.log") == 0o600
        supervisor = json.loads((directory / "supervisor.json").read_text())["pid"]
        assert CANARY not in "".join(_environ(supervisor).values())
    finally:
        conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))


def test_functions_and_gateways_see_only_their_environment(conn, root, shell):
    config = pb.FunctionConfig(
        name="echo-env",
        runtime="python3",
        handler="app.handler",
        environment={"DB_PASSWORD": "configured-value"},
        triggers=[pb.Trigger(type="http", path="env", methods=["GET"])],
        code=pb.FunctionCode(zip=make_zip({"app.py": HANDLER})),
    )
    function = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    try:
        directory = root / "functions" / function.id
        assert _mode(directory / "function.json") == 0o600 and _mode(directory) == 0o700
        assert _mode(directory / "gateway" / "spec.json") == 0o600
        # Only the function's own definition (what its handler is started from) holds its
        # environment: not the registry, not the gateway's spec.
        for path in root.rglob("*"):
            if path.is_file() and path.name != "function.json":
                assert b"configured-value" not in path.read_bytes(), path
        with urllib.request.urlopen(function.url, timeout=10) as answer:
            env = json.loads(answer.read())
        assert env["DB_PASSWORD"] == "configured-value"
        assert CANARY not in json.dumps(env)
        gateway = json.loads((directory / "gateway" / "supervisor.json").read_text())["pid"]
        assert CANARY not in "".join(_environ(gateway).values())
        invoked = conn.serverless.InvokeFunction(
            serverless_pb2.InvokeFunctionRequest(id=function.id, payload=b"{}")
        )
        assert CANARY not in invoked.payload.decode()
    finally:
        conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))


def test_the_registry_and_root_are_private(conn, root):
    assert not (root / REGISTRY_FILE).exists()  # made when first needed, not at Configure
    request = storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="private-check"))
    conn.storage.CreateBucket(request)
    assert _mode(root) == 0o700
    registry = list(root.glob(f"{REGISTRY_FILE}*"))
    assert registry
    for path in registry:
        assert _mode(path) == 0o600, path


@pytest.mark.skipif(not postgres.installations(), reason="PostgreSQL is not installed")
def test_postgres_password_is_not_kept_in_the_clear(tmp_path, shell):
    root = tmp_path / "root"
    try:
        with served(root) as conn:
            request = database_pb2.CreateDatabaseRequest(
                config=pb.DatabaseConfig(name="appdb", engine=pb.DATABASE_ENGINE_POSTGRES),
                idempotency_token="tok-1",
            )
            db = conn.database.CreateDatabase(request)
            assert len(db.password) > 16
            # The provider keeps nothing readable that holds it: not the registry, not
            # any file under the root.
            with sqlite3.connect(root / REGISTRY_FILE) as registry:
                bodies = b"".join(
                    row[0] or b"" for row in registry.execute("select body from resources")
                )
            assert db.password.encode() not in bodies
            for path in root.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    assert db.password.encode() not in path.read_bytes(), path
            # A create retried with the same token (a crash before the core recorded it)
            # still hands the password back.
            again = conn.database.CreateDatabase(request)
            assert again.id == db.id and again.password == db.password

            # A registry an older version wrote holds the password in the row, and no
            # sealed copy: the first read moves it out of the registry.
            (root / "databases" / db.id / PASSWORD_FILE).unlink()
            with sqlite3.connect(root / REGISTRY_FILE) as registry:
                old = conn.database.GetDatabase(pb.GetRequest(id=db.id))
                old.password = db.password
                registry.execute(
                    "update resources set body = ? where id = ?",
                    (old.SerializeToString(), db.id),
                )
            read = conn.database.GetDatabase(pb.GetRequest(id=db.id))
            assert read.password == "" and read.state == "running"
            with sqlite3.connect(root / REGISTRY_FILE) as registry:
                (body,) = registry.execute(
                    "select body from resources where id = ?", (db.id,)
                ).fetchone()
            assert db.password.encode() not in body
            assert conn.database.CreateDatabase(request).password == db.password
            postmaster = int(
                (Path(db.provider_data["data_dir"]) / "postmaster.pid").read_text().split()[0]
            )
            assert CANARY not in "".join(_environ(postmaster).values())
            conn.database.DeleteDatabase(pb.DeleteRequest(id=db.id))
    finally:
        for data in root.glob("databases/*/pg/data"):
            postgres.stop(data)


def test_rows_an_older_version_wrote_in_the_clear_are_sealed_on_open(conn, root):
    config = pb.BucketConfig(name="plain", tags={"owner": "row-in-the-clear"})
    bucket = conn.storage.CreateBucket(storage_pb2.CreateBucketRequest(config=config))
    with sqlite3.connect(root / REGISTRY_FILE) as registry:
        registry.execute(
            "update resources set body = ? where id = ?", (bucket.SerializeToString(), bucket.id)
        )
    with served(root) as again:  # a newer plugin opens the old registry
        assert again.storage.GetBucket(pb.GetRequest(id=bucket.id)).tags["owner"] == (
            "row-in-the-clear"
        )
        with sqlite3.connect(root / REGISTRY_FILE) as registry:
            (body,) = registry.execute(
                "select body from resources where id = ?", (bucket.id,)
            ).fetchone()
        assert b"row-in-the-clear" not in body
        again.storage.DeleteBucket(pb.DeleteRequest(id=bucket.id))

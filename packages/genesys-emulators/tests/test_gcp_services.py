"""`genesys-emulator gcp` Cloud SQL, Cloud Functions v2 and GCS (fake-gcs-server), through the
Google SDKs; error bodies and throttling as Google words them."""

from __future__ import annotations

import io
import json
import time
import urllib.request
import zipfile

import pytest
from genesys_emulators.gcp.sdk import compute_client, functions_client, sql_client, storage_client
from genesys_emulators.testing import running
from google.api_core import exceptions


@pytest.fixture(scope="module")
def ready():
    with running("gcp") as line:
        yield line


def wait_sql(ready, operation) -> None:
    operations = sql_client("SqlOperationsServiceClient", ready["sdk"]["sql"])
    for _ in range(200):
        found = operations.get(request={"project": ready["account"], "operation": operation.name})
        if found.status.name == "DONE":
            assert not found.error.errors, found.error
            return
        time.sleep(0.02)
    raise AssertionError("operation never finished")


def test_cloud_sql_instance_database_user(ready):
    project = ready["account"]
    instances = sql_client("SqlInstancesServiceClient", ready["sdk"]["sql"])
    body = {
        "name": "app-db",
        "database_version": "POSTGRES_14",
        "region": "us-central1",
        "settings": {
            "tier": "db-custom-2-7680",
            "data_disk_size_gb": 100,
            "availability_type": "REGIONAL",
        },
    }
    wait_sql(ready, instances.insert(request={"project": project, "body": body}))
    found = instances.get(request={"project": project, "instance": "app-db"})
    assert found.state.name == "RUNNABLE" and found.ip_addresses[0].ip_address
    assert found.settings.tier == "db-custom-2-7680"
    with pytest.raises(exceptions.Conflict) as taken:
        instances.insert(request={"project": project, "body": body})
    assert taken.value.errors[0]["reason"] == "instanceAlreadyExists"
    with pytest.raises(exceptions.BadRequest, match="Tier"):
        instances.insert(
            request={
                "project": project,
                "body": body | {"name": "other", "settings": {"tier": "db-huge"}},
            }
        )
    databases = sql_client("SqlDatabasesServiceClient", ready["sdk"]["sql"])
    wait_sql(
        ready,
        databases.insert(
            request={"project": project, "instance": "app-db", "body": {"name": "app"}}
        ),
    )
    users = sql_client("SqlUsersServiceClient", ready["sdk"]["sql"])
    wait_sql(
        ready,
        users.insert(
            request={
                "project": project,
                "instance": "app-db",
                "body": {"name": "admin", "password": "s3cret"},
            }
        ),
    )
    listed = users.list(request={"project": project, "instance": "app-db"})
    assert [u.name for u in listed.items] == ["admin"] and not listed.items[0].password
    wait_sql(ready, instances.delete(request={"project": project, "instance": "app-db"}))
    with pytest.raises(exceptions.NotFound):
        instances.get(request={"project": project, "instance": "app-db"})


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


def test_function_upload_create_and_call_runs_the_real_handler(ready):
    client = functions_client(ready["sdk"]["functions"])
    parent = f"projects/{ready['account']}/locations/us-central1"
    upload = client.generate_upload_url(request={"parent": parent})
    code = (
        "import os\n"
        "def handler(event, context):\n"
        "    return {'echo': event, 'db': os.environ.get('DB_HOST')}\n"
    )
    put = urllib.request.Request(upload.upload_url, data=_zip({"main.py": code}), method="PUT")
    put.add_header("Content-Type", "application/zip")
    urllib.request.urlopen(put, timeout=5).close()
    function = {
        "build_config": {
            "runtime": "python311",
            "entry_point": "handler",
            "source": {"storage_source": upload.storage_source},
        },
        "service_config": {
            "available_memory": "512M",
            "timeout_seconds": 30,
            "environment_variables": {"DB_HOST": "10.0.0.5"},
        },
        "labels": {"team": "platform"},
    }
    created = client.create_function(
        parent=parent, function=function, function_id="api-handler"
    ).result(timeout=10)
    assert created.state.name == "ACTIVE" and created.service_config.uri
    request = urllib.request.Request(
        created.service_config.uri, data=json.dumps({"n": 1}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read()) == {"echo": {"n": 1}, "db": "10.0.0.5"}
    listed = client.list_functions(request={"parent": parent, "filter": 'labels.team = "platform"'})
    assert [f.name.rsplit("/", 1)[-1] for f in listed] == ["api-handler"]
    client.delete_function(name=created.name).result(timeout=10)
    with pytest.raises(exceptions.NotFound):
        client.get_function(name=created.name)


def test_gcs_is_fake_gcs_server_with_generation_preconditions(ready):
    gcs = storage_client(ready["sdk"]["storage"], ready["account"])
    bucket = gcs.create_bucket("state-bucket")
    bucket.versioning_enabled = True
    bucket.patch()
    blob = bucket.blob("state.json")
    blob.upload_from_string(b"one", if_generation_match=0)
    with pytest.raises(exceptions.PreconditionFailed):
        bucket.blob("state.json").upload_from_string(b"two", if_generation_match=0)
    assert gcs.bucket("state-bucket").get_blob("state.json").download_as_bytes() == b"one"


def test_throttling_is_429_rate_limit_exceeded():
    with running("gcp", faults="throttle=1,seed=3") as line:
        networks = compute_client("NetworksClient", line["sdk"]["compute"])
        with pytest.raises(exceptions.TooManyRequests) as throttled:
            networks.insert(
                project=line["account"],
                network_resource={"name": "n", "auto_create_subnetworks": False},
            )
        assert throttled.value.errors[0]["reason"] == "rateLimitExceeded"
        assert list(networks.list(project=line["account"])) == []  # reads are not throttled

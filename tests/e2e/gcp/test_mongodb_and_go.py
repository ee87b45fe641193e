"""The seed's whole vocabulary on GCP: `engine: mongodb` (Firestore Enterprise with MongoDB
compatibility) and a `go1.21` function (a stdlib main package serving $PORT) plan, apply,
answer `genesys invoke` and their HTTP trigger, plan as a no-op and destroy to nothing -
the real CLI against `genesys-emulator gcp`, checked through the Google SDKs."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
import yaml
from genesys_emulators.gcp import sdk
from genesys_emulators.testing import running

from ..conftest import genesys_env
from .conftest import LEAKY, PASSPHRASE, GcpCli, Google

PROGRAM = """package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var event map[string]any
		json.Unmarshal(body, &event)
		json.NewEncoder(w).Encode(map[string]any{
			"greeting": "hello " + r.Method + " " + r.URL.Path,
			"event":    event,
			"db":       os.Getenv("DB_HOST"),
		})
	})
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def _config(settings: dict) -> str:
    resources = {
        "database": [
            {
                "name": "docs",
                "engine": "mongodb",
                "size": "small",
                "storage": 20,
                "backup": {"retention_days": 7},
            }
        ],
        "serverless": [
            {
                "name": "gofn",
                "runtime": "go1.21",
                "source": "./fn",
                "environment": {"DB_HOST": "${database.docs.endpoint}"},
                "triggers": [{"type": "http", "path": "/hello"}],
            }
        ],
    }
    document = {"provider": "gcp", "region": "us-central1", "resources": resources}
    return yaml.safe_dump({**document, "providers": {"gcp": settings}}, sort_keys=False)


def _ok(run) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


@pytest.mark.timeout(600)
def test_mongodb_and_a_go_function_apply_invoke_and_destroy(cli: GcpCli, google: Google) -> None:
    (cli.project / "fn").mkdir()
    (cli.project / "fn" / "main.go").write_text(PROGRAM)
    cli.config_name = "genesys.yaml"
    cli.config.write_text(_config(google.ready["settings"]))

    plan = cli("plan")
    planned = _ok(plan)
    assert "firestore-enterprise" in planned and "Plan: 2 to add" in planned
    assert "database.docs: warning: mongodb is Firestore Enterprise with MongoDB" in plan.stderr
    assert "Apply complete! Resources: 2 added" in _ok(cli("apply", "--auto-approve"))

    admin = sdk.firestore_admin_client(google.ready["sdk"]["firestore"])
    parent = f"projects/{google.project}"
    database = admin.get_database(name=f"{parent}/databases/docs")
    assert database.database_edition.name == "ENTERPRISE"
    assert database.mongodb_compatible_data_access_mode.name == "DATA_ACCESS_MODE_ENABLED"
    (user,) = admin.list_user_creds(parent=database.name).user_creds
    assert user.name.endswith("/userCreds/admin")
    (schedule,) = admin.list_backup_schedules(parent=database.name).backup_schedules
    assert "daily_recurrence" in schedule and schedule.retention.days == 7

    function = google.functions().get_function(
        name=f"{parent}/locations/us-central1/functions/gofn"
    )
    assert (function.build_config.runtime, function.build_config.entry_point) == (
        "go121",
        "Handle",
    )
    endpoint = f"{database.uid}.us-central1.firestore.goog"
    assert function.service_config.environment_variables["DB_HOST"] == endpoint

    invoked = cli("invoke", "gofn", "--payload", '{"order": 7}')
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout) == {
        "greeting": "hello POST /",
        "event": {"order": 7},
        "db": endpoint,
    }
    with urllib.request.urlopen(function.service_config.uri + "/hello", timeout=60) as reply:
        assert json.loads(reply.read())["greeting"] == "hello GET /hello"

    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve"))
    assert list(admin.list_databases(parent=parent).databases) == []
    assert list(google.functions().list_functions(parent=f"{parent}/locations/-")) == []


@pytest.mark.timeout(600)
def test_mongodb_and_go_apply_under_throttling_with_no_error_reaching_the_user(
    tmp_path: Path,
) -> None:
    """A third of the mutating calls (Firestore's databases, user creds and backup schedules,
    the function's upload and create) answered 429: retried where they happen."""
    with running("gcp", faults="throttle=0.3,seed=11") as ready:
        project = tmp_path / "project"
        (project / "fn").mkdir(parents=True)
        (project / "fn" / "main.go").write_text(PROGRAM)
        (project / "genesys.yaml").write_text(_config(ready["settings"]))
        env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE)
        for leaky in LEAKY:
            env.pop(leaky, None)
        cli = GcpCli(project, env, config_name="genesys.yaml")
        applied = cli("apply", "--auto-approve")
        assert "Apply complete! Resources: 2 added" in _ok(applied)
        assert "rateLimitExceeded" not in applied.stdout + applied.stderr
        admin = sdk.firestore_admin_client(ready["sdk"]["firestore"])
        name = f"projects/{ready['account']}/databases/docs"
        assert len(admin.list_backup_schedules(parent=name).backup_schedules) == 1
        _ok(cli("destroy", "--auto-approve"))
        parent = f"projects/{ready['account']}"
        assert list(admin.list_databases(parent=parent).databases) == []


def test_a_firestore_mongodb_database_made_by_hand_is_discovered_and_adopted(
    cli: GcpCli, google: Google
) -> None:
    from google.cloud.firestore_admin_v1.types import Database

    admin = sdk.firestore_admin_client(google.ready["sdk"]["firestore"])
    parent = f"projects/{google.project}"
    by_hand = Database(
        location_id="us-central1",
        type_=Database.DatabaseType.FIRESTORE_NATIVE,
        database_edition=Database.DatabaseEdition.ENTERPRISE,
    )
    admin.create_database(
        request={"parent": parent, "database": by_hand, "database_id": "legacy-docs"}
    ).result(timeout=30)
    cli.config_name = "genesys.yaml"
    document = {"provider": "gcp", "region": "us-central1", "resources": {}}
    cli.config.write_text(
        yaml.safe_dump({**document, "providers": {"gcp": google.ready["settings"]}})
    )
    found = cli("discover", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    assert ("database", "databases/legacy-docs") in {(r["kind"], r["id"]) for r in rows}

    document["resources"] = {"database": [{"name": "legacy-docs", "engine": "mongodb"}]}
    cli.config.write_text(
        yaml.safe_dump({**document, "providers": {"gcp": google.ready["settings"]}})
    )
    adopted = cli("adopt", "database.legacy-docs", "databases/legacy-docs")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    planned = cli("plan")
    assert "database.legacy-docs will be created" not in planned.stdout, planned.stdout
    assert "database.legacy-docs" in cli("state", "list").stdout
    assert admin.get_database(name=f"{parent}/databases/legacy-docs").uid  # untouched

"""Issue 13, item 5 on Azure: one config with `engine: mongodb` and a `go1.21` function (a
stdlib main.go serving $PORT) applies on `genesys-emulator azure`, as Azure Cosmos DB for
MongoDB (an account of kind MongoDB holding a database with the size's throughput) and a
Function App custom handler running the binary built from `source`; `genesys invoke` answers
what the program answered; checked through azure-mgmt-cosmosdb and azure-mgmt-web; the
account key never shows in a plan or an apply; a no-op plan exits 0; a size change is made in
place; destroy leaves nothing. A Go source that does not compile is a located error.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import AzureCli, providers_block

CONFIG = """provider: azure
region: eastus
resources:
  database:
    - name: docs
      engine: mongodb
      size: {size}
      storage: 20
  serverless:
    - name: gofn
      runtime: go1.21
      source: ./gofn
      memory: 256
      timeout: 10
      environment:
        MONGO_HOST: ${{database.docs.endpoint}}
"""

MAIN_GO = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tvar event map[string]any
\t\tbody, _ := io.ReadAll(r.Body)
\t\tjson.Unmarshal(body, &event)
\t\tsum := 0.0
\t\tfor _, n := range event["n"].([]any) {
\t\t\tsum += n.(float64)
\t\t}
\t\tw.Header().Set("Content-Type", "application/json")
\t\tjson.NewEncoder(w).Encode(map[string]any{
\t\t\t"sum": sum, "mongo": os.Getenv("MONGO_HOST"), "path": r.URL.Path, "lang": "go",
\t\t})
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""
HOST = "docs.mongo.cosmos.azure.com"


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout) + str(run.stderr)


def _write(cli: AzureCli, ready: dict[str, Any], size: str) -> None:
    cli.config.write_text(CONFIG.format(size=size) + providers_block(ready))


def _check_database(azure: Any, group: str, throughput: int) -> str:
    cosmos = azure("cosmos")
    (account,) = list(cosmos.database_accounts.list_by_resource_group(group))
    assert (account.name, account.kind) == ("docs", "MongoDB")
    assert account.properties.provisioning_state == "Succeeded"
    database = cosmos.mongo_db_resources.get_mongo_db_database(group, "docs", "docs")
    assert database.properties.options.throughput == throughput
    return str(cosmos.database_accounts.list_keys(group, "docs").primary_master_key)


def _check_function(azure: Any, group: str) -> None:
    web = azure("web")
    (app,) = [a for a in web.web_apps.list_by_resource_group(group) if a.name.startswith("gofn-")]
    settings = web.web_apps.list_application_settings(group, app.name).properties
    assert settings["FUNCTIONS_WORKER_RUNTIME"] == "custom"
    assert (settings["GENESYS_RUNTIME"], settings["GENESYS_HANDLER"]) == ("go1.21", "bootstrap")
    assert settings["MONGO_HOST"] == HOST


def test_a_mongodb_database_and_a_go_function_apply_and_answer(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    (cli.project / "gofn").mkdir()
    (cli.project / "gofn" / "main.go").write_text(MAIN_GO)
    _write(cli, emulator, "small")
    planned = _ok(cli("plan"))
    assert "400 RU/s" in planned and "serverless.gofn will be created" in planned
    applied = _ok(cli("apply", "--auto-approve"))
    key = _check_database(azure, cli.group, 400)
    _check_function(azure, cli.group)
    assert key not in planned and key not in applied  # the account key is never shown

    invoked = cli("invoke", "gofn", "--payload", '{"n": [1, 2, 3.5]}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout) == {"sum": 6.5, "mongo": HOST, "path": "/", "lang": "go"}

    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr

    account_id = azure("cosmos").database_accounts.get(cli.group, "docs").id
    _write(cli, emulator, "medium")
    resized = _ok(cli("apply", "--auto-approve"))
    assert "replace" not in resized.lower()  # throughput changes in place
    _check_database(azure, cli.group, 1000)
    assert azure("cosmos").database_accounts.get(cli.group, "docs").id == account_id

    _ok(cli("destroy", "--auto-approve"))
    assert list(azure("cosmos").database_accounts.list_by_resource_group(cli.group)) == []
    assert list(azure("web").web_apps.list_by_resource_group(cli.group)) == []
    left = list(azure("resource").resources.list_by_resource_group(cli.group))
    assert left == [], [r.id for r in left]


def test_a_go_source_that_does_not_compile_is_a_located_error(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    (cli.project / "gofn").mkdir()
    (cli.project / "gofn" / "main.go").write_text("package main\n\nfunc main() { undefined() }\n")
    cli.config.write_text(
        "provider: azure\nregion: eastus\nresources:\n  serverless:\n"
        "    - {name: gofn, runtime: go1.21, source: ./gofn}\n" + providers_block(emulator)
    )
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 1 and "Traceback" not in applied.stderr
    assert "serverless.gofn" in applied.stderr and "undefined: undefined" in applied.stderr
    # built before any call: no Function App, plan or host storage was made
    assert list(azure("resource").resources.list_by_resource_group(cli.group)) == []


def test_a_cosmos_mongodb_account_made_by_hand_is_discovered_and_adopted(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    cli.config.write_text(
        "provider: azure\nregion: eastus\nresources:\n  network:\n"
        "    - {name: core-net, cidr: 10.4.0.0/16}\n" + providers_block(emulator)
    )
    _ok(cli("apply", "--auto-approve"))  # the project's resource group exists
    cosmos = azure("cosmos")
    account = {
        "location": "eastus",
        "kind": "MongoDB",
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [{"locationName": "eastus", "failoverPriority": 0}],
            "apiProperties": {"serverVersion": "6.0"},
        },
    }
    made = cosmos.database_accounts.begin_create_or_update(cli.group, "legacy", account).result()
    database = {"properties": {"resource": {"id": "legacy"}, "options": {"throughput": 4000}}}
    cosmos.mongo_db_resources.begin_create_update_mongo_db_database(
        cli.group, "legacy", "legacy", database
    ).result()

    found = cli("discover", "--kind", "database", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in rows] == [made.id]
    assert "4000 RU/s" in rows[0]["summary"]

    cli.config.write_text(
        "provider: azure\nregion: eastus\nresources:\n  network:\n"
        "    - {name: core-net, cidr: 10.4.0.0/16}\n  database:\n"
        '    - {name: legacy, engine: mongodb, version: "6.0", size: large}\n'
        + providers_block(emulator)
    )
    adopted = cli("adopt", "database.legacy", made.id)
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    # Cosmos DB provisions no storage, so an adopted account has no `storage` (the core's
    # default 20 GB): recording it is the one change, and makes no Azure change.
    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "storage_gb = null -> 20" in planned.stdout and "Plan: 0 to add, 1 to change" in (
        planned.stdout
    )
    _ok(cli("apply", "--auto-approve"))
    assert cosmos.database_accounts.get(cli.group, "legacy").id == made.id
    noop = cli("plan", "--detailed-exitcode")  # managed now, and as declared
    assert noop.returncode == 0, noop.stdout + noop.stderr
    _ok(cli("destroy", "--auto-approve"))
    assert list(cosmos.database_accounts.list_by_resource_group(cli.group)) == []

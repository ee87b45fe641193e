"""Issue 13 item 5 on Tencent Cloud (genesys-emulator tencent): `engine: mongodb` is a
TencentDB for MongoDB replica set and a `go1.21` function is an SCF web function built from
its Go source. Apply, check through Tencent's own SDKs, `genesys invoke` answers what the Go
program answers (reading the database's address from its environment), the connection
address is an output while the password shows nowhere, a no-op plan exits 0, a resize is
made in place, and destroy leaves nothing.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import Cli, Tencent

CONFIG = """provider: tencent
region: ap-guangzhou
resources:
  database:
    - name: docs
      engine: mongodb
      size: small  # resized below
      storage: 20
      multi_az: true
      backup:
        retention_days: 7
        window: "03:00-04:00"
  serverless:
    - name: gofn
      runtime: go1.21
      handler: server
      source: ./fn
      environment:
        DB_HOST: ${database.docs.endpoint}
outputs:
  docs_address: ${database.docs.endpoint}
  docs_password: {value: "${database.docs.password}", sensitive: true}
"""

PROGRAM = """package main

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
\t\tanswer := map[string]any{"from": "go", "event": event, "db": os.Getenv("DB_HOST")}
\t\tjson.NewEncoder(w).Encode(answer)
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout) + str(run.stderr)


def _replica_set(tc: Tencent) -> dict[str, Any]:
    (found,) = tc.call("mongodb", "DescribeDBInstances")["InstanceDetails"]
    return dict(found)


def test_mongodb_and_a_go_function_apply_on_tencent(cli: Cli, tencent: Tencent) -> None:
    (cli.project / "fn").mkdir()
    (cli.project / "fn" / "main.go").write_text(PROGRAM)
    block = json.dumps({"tencent": tencent.ready["settings"]})
    (cli.project / "genesys.yaml").write_text(CONFIG + f"providers: {block}\n")

    planned = _ok(cli("plan"))
    assert "mongodb.1c2g" in planned  # the size's translation, before anything exists
    assert "priced from estimated rates" in planned  # the price row says what it is
    applied = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in applied

    mongo = _replica_set(tencent)
    assert mongo["InstanceName"] == "docs" and mongo["Status"] == 2
    assert (mongo["CpuNum"], mongo["Memory"], mongo["Volume"]) == (1, 2048, 20480)
    assert mongo["SecondaryNum"] == 2 and len(set(mongo["ZoneList"])) == 3  # multi_az
    rules = tencent.call("mongodb", "DescribeBackupRules", InstanceId=mongo["InstanceId"])
    assert (rules["BackupSaveTime"], rules["BackupTime"]) == (7, 3)
    address = f"{mongo['Vip']}:27017"
    function = tencent.call("scf", "GetFunction", FunctionName="gofn")
    assert (function["Type"], function["Runtime"], function["Handler"]) == ("HTTP", "Go1", "server")
    variables = {v["Key"]: v["Value"] for v in function["Environment"]["Variables"]}
    assert variables == {"DB_HOST": address}

    invoked = cli("invoke", "gofn", "--payload", '{"n": [1, 2]}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout) == {"from": "go", "event": {"n": [1, 2]}, "db": address}

    assert _ok(cli("output", "docs_address")).strip() == address
    password = _ok(cli("output", "docs_password")).strip()
    assert len(password) >= 8 and password not in planned + applied

    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes." in noop.stdout

    config = cli.project / "genesys.yaml"
    config.write_text(config.read_text().replace("size: small  #", "size: medium  #"))
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert '~ size = "small" -> "medium" (mongodb.2c4g)' in changed.stdout
    resized = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in resized
    assert password not in changed.stdout + resized
    after = _replica_set(tencent)
    assert after["InstanceId"] == mongo["InstanceId"]  # ModifyDBInstanceSpec, in place
    assert (after["CpuNum"], after["Memory"]) == (2, 4096)
    assert cli("plan", "--detailed-exitcode").returncode == 0

    _ok(cli("destroy", "--auto-approve"))
    assert tencent.call("mongodb", "DescribeDBInstances")["TotalCount"] == 0
    assert tencent.call("scf", "ListFunctions")["Functions"] == []
    assert _ok(cli("state", "list")).strip() == ""


API = """provider: tencent
region: ap-guangzhou
outcomes:
  api:
    name: go-api
    runtime: go1.21
    source: ./api
"""

ECHO = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tw.Header().Set("Content-Type", "application/json")
\t\tjson.NewEncoder(w).Encode(map[string]string{
\t\t\t"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "body": string(body),
\t\t})
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def test_a_go_api_outcome_serves_its_url_as_the_program_answers(cli: Cli, tencent: Tencent) -> None:
    """The api outcome in Go: the function URL forwards each request as it came (method, path,
    query, body) and the program's response comes back as is; invoke is POST / with the event."""
    import urllib.request

    (cli.project / "api").mkdir()
    (cli.project / "api" / "main.go").write_text(ECHO)
    block = json.dumps({"tencent": tencent.ready["settings"]})
    (cli.project / "genesys.yaml").write_text(API + f"providers: {block}\n")
    _ok(cli("apply", "--auto-approve"))
    function = tencent.call("scf", "GetFunction", FunctionName="go-api")
    assert (function["Type"], function["Handler"]) == ("HTTP", "bootstrap")  # the default binary
    (trigger,) = function["Triggers"]
    url = json.loads(trigger["TriggerDesc"])["UrlConfig"]["ExtranetUrl"]
    request = urllib.request.Request(f"{url}/orders/9?sort=new", data=b"hi", method="PATCH")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer == {"method": "PATCH", "path": "/orders/9", "query": "sort=new", "body": "hi"}
    invoked = cli("invoke", "go-api", "--payload", '{"k": "v"}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout) == {
        "method": "POST",
        "path": "/",
        "query": "",
        "body": '{"k": "v"}',
    }
    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve"))
    assert tencent.call("scf", "ListFunctions")["Functions"] == []


def test_bad_input_is_one_located_error(cli: Cli, tencent: Tencent) -> None:
    """Disk a spec does not take, a version not sold and Go that does not compile: each is
    reported at its resource's address, with no traceback and nothing half-made."""
    (cli.project / "fn").mkdir()
    (cli.project / "fn" / "main.go").write_text(
        PROGRAM.replace("func main() {", "func main() { nope()")
    )
    block = json.dumps({"tencent": tencent.ready["settings"]})
    config = CONFIG.replace("storage: 20", "storage: 400").replace(
        "engine: mongodb", 'engine: mongodb\n      version: "3.2"'
    )
    (cli.project / "genesys.yaml").write_text(config + f"providers: {block}\n")
    planned = cli("plan")
    assert planned.returncode == 1 and "Traceback" not in planned.stderr
    assert "database.docs: a mongodb.1c2g replica set takes 10 to 250 GB of storage" in (
        planned.stderr
    )
    assert "database.docs: MongoDB 3.2 is not offered; one of 4.0" in planned.stderr
    go_only = "provider: tencent\nresources:\n  serverless:\n" + (
        "    - {name: gofn, runtime: go1.21, handler: server, source: ./fn}\n"
    )
    (cli.project / "genesys.yaml").write_text(go_only + f"providers: {block}\n")
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 1 and "Traceback" not in applied.stderr
    assert "serverless.gofn" in applied.stderr and "nope" in applied.stderr, applied.stderr
    assert tencent.call("scf", "ListFunctions")["Functions"] == []
    assert tencent.call("mongodb", "DescribeDBInstances")["TotalCount"] == 0


def test_mongodb_and_go_apply_under_throttling(cli: Cli, throttling_tencent: Tencent) -> None:
    """30% of mutating calls answered RequestLimitExceeded: the core retries the creates with
    their tokens (a replica set found by its token tag, its password reset), nothing doubles."""
    (cli.project / "fn").mkdir()
    (cli.project / "fn" / "main.go").write_text(PROGRAM)
    block = json.dumps({"tencent": throttling_tencent.ready["settings"]})
    (cli.project / "genesys.yaml").write_text(CONFIG + f"providers: {block}\n")
    _ok(cli("apply", "--auto-approve", timeout=600))
    assert throttling_tencent.call("mongodb", "DescribeDBInstances")["TotalCount"] == 1
    invoked = cli("invoke", "gofn", "--payload", "{}")
    assert invoked.returncode == 0 and json.loads(invoked.stdout)["from"] == "go"
    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve", timeout=600))
    assert throttling_tencent.call("mongodb", "DescribeDBInstances")["TotalCount"] == 0
    assert throttling_tencent.call("scf", "ListFunctions")["Functions"] == []

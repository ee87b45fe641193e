"""Issue 13, item 5 on Alibaba Cloud: one config with `engine: mongodb` and a `go1.21`
function (a stdlib main.go serving $PORT) applies on `genesys-emulator alibaba`, as
ApsaraDB for MongoDB and a Function Compute custom runtime running the binary built from
`source`; `genesys invoke` answers what the program answered, and so does its http trigger;
checked through Alibaba's own SDKs; a no-op plan exits 0; destroy leaves nothing. A Go
source that does not compile is a located error carrying go's message; nothing is made.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
resources:
  database:
    - name: docs
      engine: mongodb
      size: small
      storage: 20
  serverless:
    - name: gofn
      runtime: go1.21
      source: ./gofn
      memory: 256
      timeout: 10
      environment:
        MONGO_HOST: ${database.docs.endpoint}
      triggers:
        - {type: http, path: /sum, methods: [POST]}
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
\t\t\t"sum": sum, "mongo": os.Getenv("MONGO_HOST"), "lang": "go",
\t\t})
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def _check_function(sdk: Sdk, host: str) -> None:
    from alibabacloud_fc20230330 import models

    function = sdk.fc().get_function("gofn", models.GetFunctionRequest()).body
    assert (function.runtime, function.handler) == ("custom.debian10", "bootstrap")
    config = function.custom_runtime_config
    assert (config.command, config.port) == (["./bootstrap"], 9000)
    assert function.environment_variables == {"PORT": "9000", "MONGO_HOST": host}
    assert (function.memory_size, function.timeout) == (256, 10)


def _through_trigger(sdk: Sdk, body: bytes) -> Any:
    """POST to the function's http trigger: the emulator's fc port, the trigger's host."""
    import urllib.request

    trigger = sdk.fc().get_trigger("gofn", "http").body
    host = trigger.http_trigger.url_internet.removeprefix("https://")
    request = urllib.request.Request(
        f"{sdk.ready['sdk']['fc']}/sum", data=body, method="POST", headers={"Host": host}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_a_mongodb_database_and_a_go_function_apply_and_answer(cli: AlibabaCli, sdk: Sdk) -> None:
    (cli.project / "gofn").mkdir()
    (cli.project / "gofn" / "main.go").write_text(MAIN_GO)
    cli.write_yaml(CONFIG)
    planned = _ok(cli("plan"))
    assert "dds.mongo.mid" in planned and "serverless.gofn will be created" in planned
    _ok(cli("apply", "--auto-approve"))

    (db,) = sdk.rpc("dds", "DescribeDBInstances")["DBInstances"]["DBInstance"]
    assert (db["DBInstanceClass"], db["DBInstanceStatus"]) == ("dds.mongo.mid", "Running")
    host = f"{db['DBInstanceId']}.mongodb.rds.aliyuncs.com"
    _check_function(sdk, host)

    invoked = cli("invoke", "gofn", "--payload", '{"n": [1, 2, 3.5]}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout) == {"sum": 6.5, "mongo": host, "lang": "go"}

    assert _through_trigger(sdk, b'{"n": [4, 5]}') == {"sum": 9, "mongo": host, "lang": "go"}

    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr

    _ok(cli("destroy", "--auto-approve"))
    assert sdk.rpc("dds", "DescribeDBInstances")["DBInstances"]["DBInstance"] == []
    from alibabacloud_fc20230330 import models

    listed = sdk.fc().list_functions(models.ListFunctionsRequest()).body.functions
    assert not listed


def test_a_go_source_that_does_not_compile_is_a_located_error(cli: AlibabaCli, sdk: Sdk) -> None:
    (cli.project / "gofn").mkdir()
    (cli.project / "gofn" / "main.go").write_text("package main\n\nfunc main() { undefined() }\n")
    cli.write_yaml(
        "provider: alibaba\nregion: us-east-1\nresources:\n  serverless:\n"
        "    - {name: gofn, runtime: go1.21, source: ./gofn}\n"
    )
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 1 and "Traceback" not in applied.stderr
    assert "serverless.gofn" in applied.stderr and "go build failed" in applied.stderr
    assert "undefined: undefined" in applied.stderr
    from alibabacloud_fc20230330 import models

    assert not sdk.fc().list_functions(models.ListFunctionsRequest()).body.functions

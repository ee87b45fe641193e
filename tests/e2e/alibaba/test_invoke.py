"""The api outcome and a serverless resource with code: `genesys invoke` answers what the
handler really returned on Function Compute (run by the emulator from the uploaded zip)."""

from __future__ import annotations

import json

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
outcomes:
  api:
    name: my-api
    runtime: python3.11
    source: ./api
    environment:
      DB_HOST: ${database.app-db.endpoint}
resources:
  database:
    - name: app-db
      engine: postgres
      version: "14"
      size: small
      storage: 20
"""

HANDLER = """import os


def handler(event, context):
    return {"echo": event, "db_host": os.environ["DB_HOST"], "sum": sum(event.get("n", []))}
"""


def test_invoke_returns_the_handlers_result(cli: AlibabaCli, sdk: Sdk) -> None:
    (cli.project / "api").mkdir()
    (cli.project / "api" / "main.py").write_text(HANDLER)
    cli.write_yaml(CONFIG)
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    invoked = cli("invoke", "my-api", "--payload", '{"n": [1, 2, 3]}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    answer = json.loads(invoked.stdout)
    (db,) = sdk.rpc("rds", "DescribeDBInstances")["Items"]["DBInstance"]
    assert answer == {"echo": {"n": [1, 2, 3]}, "db_host": db["ConnectionString"], "sum": 6}
    from alibabacloud_fc20230330 import models

    trigger = sdk.fc().get_trigger("my-api", "http").body
    assert trigger.http_trigger.url_internet.startswith("https://")
    function = sdk.fc().get_function("my-api", models.GetFunctionRequest()).body
    assert function.environment_variables["DB_HOST"] == db["ConnectionString"]

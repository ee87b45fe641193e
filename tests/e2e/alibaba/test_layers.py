"""Function Compute layers end to end: `genesys apply` publishes the layer version, the
function names it, `genesys invoke` runs a handler importing the layer's code (the emulator
puts the layer on the import path as FC does), and `genesys destroy` leaves no layer."""

from __future__ import annotations

import json

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
resources:
  layers:
    - name: shared
      source: shared
      compatible_runtimes: [python3.11]
  serverless:
    - name: greeter
      runtime: python3.11
      handler: main.handler
      source: fn
      layers: [shared]
      environment:
        GREETING: hello
"""
HANDLER = """
import os
import greeting  # from the layer's root
from helpers import twice  # from the layer's python/ dir
def handler(event, context):
    return {"greeting": greeting.word(os.environ["GREETING"]), "n": twice(event["n"])}
"""


def test_a_function_runs_its_layers_code_and_destroy_leaves_no_layer(
    cli: AlibabaCli, sdk: Sdk
) -> None:
    from alibabacloud_fc20230330 import models

    source, shared = cli.project / "fn", cli.project / "shared"
    source.mkdir()
    (shared / "python").mkdir(parents=True)
    (source / "main.py").write_text(HANDLER)
    (shared / "greeting.py").write_text("def word(text):\n    return text.upper()\n")
    (shared / "python" / "helpers.py").write_text("def twice(n):\n    return 2 * n\n")
    cli.write_yaml(CONFIG)
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    invoked = cli("invoke", "greeter", "--payload", '{"n": 21}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout) == {"greeting": "HELLO", "n": 42}
    fc = sdk.fc()
    (layer,) = fc.list_layers(models.ListLayersRequest()).body.layers
    assert (layer.layer_name, layer.compatible_runtime) == ("shared", ["python3.10"])
    function = fc.get_function("greeter", models.GetFunctionRequest()).body
    assert [x.arn for x in function.layers] == [layer.layer_version_arn]
    replanned = cli("plan")
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
    assert "No changes" in replanned.stdout, replanned.stdout
    destroyed = cli("destroy", "--auto-approve")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert fc.list_layers(models.ListLayersRequest()).body.layers == []
    assert fc.list_functions(models.ListFunctionsRequest()).body.functions == []

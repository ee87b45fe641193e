"""Function Compute layers in the Alibaba emulator, driven through the real FC 3.0 SDK."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running

REGION = "us-east-1"


@pytest.fixture(scope="module")
def fc() -> Iterator[Any]:
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_tea_openapi.models import Config

    with running("alibaba") as ready:
        settings = ready["settings"]
        yield Client(
            Config(
                access_key_id=settings["access_key_id"],
                access_key_secret=settings["access_key_secret"],
                endpoint=ready["sdk"]["fc"].removeprefix("http://"),
                protocol="http",
                region_id=REGION,
            )
        )


def _zip(files: dict[str, str]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return base64.b64encode(buffer.getvalue()).decode()


def _layer(fc: Any, name: str, files: dict[str, str], description: str = "") -> Any:
    from alibabacloud_fc20230330 import models

    return fc.create_layer_version(
        name,
        models.CreateLayerVersionRequest(
            body=models.CreateLayerVersionInput(
                code=models.InputCodeLocation(zip_file=_zip(files)),
                compatible_runtime=["python3.10"],
                description=description,
            )
        ),
    ).body


def _function(fc: Any, name: str, layers: list[str]) -> None:
    from alibabacloud_fc20230330 import models

    code = (
        "import greeting, rootmod\n"
        "def handler(event, context):\n"
        "    return {'greeting': greeting.hello(event['who']), 'root': rootmod.VALUE}\n"
    )
    fc.create_function(
        models.CreateFunctionRequest(
            body=models.CreateFunctionInput(
                function_name=name,
                runtime="python3.10",
                handler="main.handler",
                layers=layers,
                code=models.InputCodeLocation(zip_file=_zip({"main.py": code})),
            )
        )
    )


def test_versions_are_created_read_listed_and_deleted(fc) -> None:
    from alibabacloud_fc20230330 import models
    from Tea.exceptions import TeaException

    first = _layer(fc, "shared-lib", {"python/a.py": "A = 1\n"}, description="token-1")
    second = _layer(fc, "shared-lib", {"python/a.py": "A = 2\n"})
    assert (first.version, second.version) == (1, 2)
    assert first.layer_version_arn.endswith(":layers/shared-lib/versions/1")
    got = fc.get_layer_version("shared-lib", "1").body
    assert (got.description, got.compatible_runtime) == ("token-1", ["python3.10"])
    versions = fc.list_layer_versions("shared-lib", models.ListLayerVersionsRequest()).body
    assert [v.version for v in versions.layers] == [1, 2]
    listed = fc.list_layers(models.ListLayersRequest(prefix="shared")).body
    assert [(x.layer_name, x.version) for x in listed.layers] == [("shared-lib", 2)]
    fc.delete_layer_version("shared-lib", "1")
    fc.delete_layer_version("shared-lib", "2")
    with pytest.raises(TeaException) as gone:
        fc.get_layer_version("shared-lib", "1")
    assert (gone.value.code, gone.value.statusCode) == ("LayerNotFound", 404)
    assert fc.list_layers(models.ListLayersRequest(prefix="shared")).body.layers == []
    assert _layer(fc, "shared-lib", {"a.py": ""}).version == 3


def test_a_function_imports_its_layers_code_from_python_dir_and_root(fc) -> None:
    from alibabacloud_fc20230330 import models

    lib = _layer(
        fc, "greeting", {"python/greeting.py": "def hello(who):\n    return 'hi ' + who\n"}
    )
    root = _layer(fc, "rootmod", {"rootmod.py": "VALUE = 42\n"})
    _function(fc, "with-layers", [lib.layer_version_arn, root.layer_version_arn])
    got = fc.get_function("with-layers", models.GetFunctionRequest()).body
    assert [layer.arn for layer in got.layers] == [lib.layer_version_arn, root.layer_version_arn]
    answer = fc.invoke_function(
        "with-layers", models.InvokeFunctionRequest(body=io.BytesIO(b'{"who": "ann"}'))
    )
    assert json.loads(answer.body.read()) == {"greeting": "hi ann", "root": 42}


def test_a_function_naming_a_missing_layer_version_is_refused(fc) -> None:
    from alibabacloud_fc20230330 import models
    from Tea.exceptions import TeaException

    missing = f"acs:fc:{REGION}:1:layers/nothing/versions/9"
    with pytest.raises(TeaException) as refused:
        _function(fc, "bad-layers", [missing])
    assert (refused.value.code, refused.value.statusCode) == ("LayerNotFound", 404)
    with pytest.raises(TeaException) as absent:
        fc.get_function("bad-layers", models.GetFunctionRequest())
    assert absent.value.code == "FunctionNotFound"

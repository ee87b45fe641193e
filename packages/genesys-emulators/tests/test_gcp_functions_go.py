"""`genesys-emulator gcp` Cloud Functions Go runtimes: the uploaded function package is built
with `go` as the buildpack builds it (a generated main serving the entry point on $PORT),
requests reach it as they came; a `package main` or a compile error fails the build on the
operation. Through google-cloud-functions' REST client."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile

import pytest
from genesys_emulators.gcp.sdk import functions_client
from genesys_emulators.testing import running
from google.api_core import exceptions

FUNCTION = """package hello

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func Greet(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Greeter", "go")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]string{
		"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
		"body": string(body), "region": os.Getenv("REGION"), "home": os.Getenv("HOME"),
	})
}
"""


@pytest.fixture(scope="module")
def ready():
    with running("gcp") as line:
        yield line


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


def _deploy(ready, name: str, files: dict[str, str], entry_point: str = "Greet"):
    client = functions_client(ready["sdk"]["functions"])
    parent = f"projects/{ready['account']}/locations/us-central1"
    upload = client.generate_upload_url(request={"parent": parent})
    put = urllib.request.Request(upload.upload_url, data=_zip(files), method="PUT")
    urllib.request.urlopen(put, timeout=5).close()
    function = {
        "build_config": {
            "runtime": "go121",
            "entry_point": entry_point,
            "source": {"storage_source": upload.storage_source},
        },
        "service_config": {"environment_variables": {"REGION": "us-central1"}},
    }
    operation = client.create_function(parent=parent, function=function, function_id=name)
    return client, operation


def test_a_go_function_package_is_built_and_served_the_request_as_it_came(ready):
    files = {"go.mod": "module example.com/hello\n\ngo 1.19\n", "hello.go": FUNCTION}
    client, operation = _deploy(ready, "greeter", files)
    created = operation.result(timeout=300)
    assert created.state.name == "ACTIVE" and created.build_config.entry_point == "Greet"
    request = urllib.request.Request(
        created.service_config.uri + "/hi/there?x=1", data=b"ping", method="PUT"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 202 and response.headers["X-Greeter"] == "go"
        answer = json.loads(response.read())
    assert answer == {
        "method": "PUT",
        "path": "/hi/there",
        "query": "x=1",
        "body": "ping",
        "region": "us-central1",
        "home": "",  # only the function's own environment (and PORT) reach the program
    }
    client.delete_function(name=created.name).result(timeout=10)


def test_a_main_package_or_a_compile_error_fails_the_build(ready):
    main = FUNCTION.replace("package hello", "package main") + "\nfunc main() {}\n"
    _, operation = _deploy(ready, "mainly", {"main.go": main})
    with pytest.raises(exceptions.GoogleAPICallError, match="must not be `main`"):
        operation.result(timeout=60)
    broken = FUNCTION.replace("w.WriteHeader(http.StatusAccepted)", "w.WriteHeader(accepted)")
    _, operation = _deploy(ready, "broken", {"hello.go": broken})
    with pytest.raises(exceptions.GoogleAPICallError, match="undefined: accepted"):
        operation.result(timeout=300)
    _, operation = _deploy(ready, "unexported", {"hello.go": FUNCTION}, entry_point="greet")
    with pytest.raises(exceptions.GoogleAPICallError, match="not an exported Go function"):
        operation.result(timeout=60)

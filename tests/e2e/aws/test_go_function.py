"""A go1.21 function on AWS (moto): built from `source` with the Go toolchain into a
`provided.al2023` Lambda whose zip holds `bootstrap` (the Genesys Runtime-API adapter) and the
user's binary; a no-op plan; a source change updates the code in place; a source that does not
compile is an error at the function's address with go's message; destroy.

moto does not run Lambda functions without Docker (its invoke echoes the event), so invoking
is not checked here: the adapter is run for real in
packages/genesys-provider-aws/tests/test_go_adapter.py.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genesys.config.code import zip_directory
from genesys_provider_aws.go_functions import lambda_zip

from .conftest import AwsCli

CONFIG = """\
provider: aws
region: us-east-1
resources:
  serverless:
    - name: gofn
      runtime: go1.21
      source: ./fn
      memory: 128
"""
PROGRAM = """\
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"greeting": "GREETING"}`)
	})
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def _write_source(project: Path, greeting: str) -> bytes:
    (project / "fn").mkdir(exist_ok=True)
    (project / "fn" / "main.go").write_text(PROGRAM.replace("GREETING", greeting))
    return zip_directory(project / "fn")


def _expected(source_zip: bytes) -> tuple[str, list[str]]:
    """CodeSha256 of the zip the plugin must upload, and that zip's entries."""
    built = lambda_zip(source_zip, "bootstrap")
    with zipfile.ZipFile(io.BytesIO(built)) as archive:
        names = sorted(archive.namelist())
    return base64.b64encode(hashlib.sha256(built).digest()).decode(), names


def test_a_go_function_applies_as_a_custom_runtime_lambda(
        cli: AwsCli, aws: Callable[[str], Any]) -> None:
    source = _write_source(cli.project, "hello")
    cli.config.write_text(CONFIG)
    applied = cli("apply", "--auto-approve", timeout=600)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    function = aws("lambda").get_function(FunctionName="gofn")
    config = function["Configuration"]
    assert (config["Runtime"], config["Handler"]) == ("provided.al2023", "bootstrap")
    code_sha, names = _expected(source)
    assert names == ["bootstrap", "program/bootstrap"]  # the adapter and the user's binary
    assert config["CodeSha256"] == code_sha  # moto holds exactly that zip
    assert function["Tags"]["genesys:runtime"] == "go1.21"

    noop = cli("plan", "--detailed-exitcode", timeout=300)
    assert noop.returncode == 0, noop.stdout + noop.stderr

    changed = _write_source(cli.project, "bonjour")
    plan = cli("plan", "--detailed-exitcode", timeout=300)
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "serverless.gofn will be updated in-place" in plan.stdout, plan.stdout
    applied = cli("apply", "--auto-approve", timeout=600)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "0 added, 1 changed, 0 destroyed" in applied.stdout
    config = aws("lambda").get_function(FunctionName="gofn")["Configuration"]
    assert config["CodeSha256"] == _expected(changed)[0] != code_sha

    # The binary ships under its handler's name: a new handler alone re-uploads the zip.
    cli.config.write_text(CONFIG.replace("source: ./fn", "source: ./fn\n      handler: api"))
    applied = cli("apply", "--auto-approve", timeout=600)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    config = aws("lambda").get_function(FunctionName="gofn")["Configuration"]
    renamed = lambda_zip(changed, "api")
    assert config["Handler"] == "api"
    assert config["CodeSha256"] == base64.b64encode(hashlib.sha256(renamed).digest()).decode()

    destroyed = cli("destroy", "--auto-approve", timeout=300)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert aws("lambda").list_functions()["Functions"] == []


def test_a_source_that_does_not_compile_is_an_error_at_the_function(
        cli: AwsCli, aws: Callable[[str], Any]) -> None:
    (cli.project / "fn").mkdir()
    (cli.project / "fn" / "main.go").write_text("package main\n\nfunc main() { nope() }\n")
    cli.config.write_text(CONFIG)
    applied = cli("apply", "--auto-approve", timeout=600)
    output = applied.stdout + applied.stderr
    assert applied.returncode == 1 and "Traceback" not in output
    assert "serverless.gofn" in output and "go build failed" in output, output
    assert "./main.go:3:15: undefined: nope" in output, output
    assert aws("lambda").list_functions()["Functions"] == []
    assert aws("iam").list_roles()["Roles"] == []  # built before anything is made


def test_without_the_go_toolchain_validate_says_what_to_install(
        cli: AwsCli, tmp_path: Path) -> None:
    _write_source(cli.project, "hello")
    cli.config.write_text(CONFIG)
    no_go = tmp_path / "bin-without-go"
    no_go.mkdir()
    python_dir = os.path.dirname(os.path.realpath(sys.executable))
    validated = cli("validate", PATH=f"{no_go}:{python_dir}")
    output = validated.stdout + validated.stderr
    assert validated.returncode == 1, output
    assert ("runtime go1.21 needs the Go toolchain to build `source` (install Go 1.21+, e.g. "
            "Debian's golang-go)") in output, output
    assert "serverless.gofn" in output


def test_without_source_the_placeholder_program_ships_under_the_handler_named(
        cli: AwsCli, aws: Callable[[str], Any]) -> None:
    from genesys.config.code import placeholder_code

    cli.config.write_text(
        "provider: aws\nregion: us-east-1\nresources:\n  serverless:\n"
        "    - {name: bare, runtime: go1.22, handler: server}\n")
    applied = cli("apply", "--auto-approve", timeout=600)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    config = aws("lambda").get_function(FunctionName="bare")["Configuration"]
    assert (config["Runtime"], config["Handler"]) == ("provided.al2023", "server")
    placeholder = placeholder_code("bare", "go1.22", "server")["zip"]
    assert isinstance(placeholder, bytes)
    built = lambda_zip(placeholder, "server")
    assert config["CodeSha256"] == base64.b64encode(hashlib.sha256(built).digest()).decode()
    with zipfile.ZipFile(io.BytesIO(built)) as archive:
        assert sorted(archive.namelist()) == ["bootstrap", "program/server"]
    noop = cli("plan", "--detailed-exitcode", timeout=300)
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert cli("destroy", "--auto-approve", timeout=300).returncode == 0

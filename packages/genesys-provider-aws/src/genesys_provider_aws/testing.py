"""Test support: a moto server on a free localhost port, for this package's tests and anyone
testing Genesys against "AWS" without AWS.

    with moto_server() as url:      # e.g. "http://127.0.0.1:41234"
        os.environ["AWS_ENDPOINT_URL"] = url

Validation of instance types and AMIs is on (bad values fail like on AWS), and Lambda runs
without Docker (invoke echoes the event), set before any function exists. A deleted bucket's
tags go with it, as on S3 (moto 5 kept them for the next bucket of that name).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

REGION = "us-east-1"
# Fake credentials only: boto3 must never find real ones while tests run.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}

# moto_server, with S3's DeleteBucket dropping the bucket's tags as S3 does: moto 5.2 keeps
# them and hands them to the next bucket of the same name, so a bucket re-made under a
# destroyed one's name looked marked by the old create's token.
_LAUNCHER = """
import sys
from moto.s3.models import S3Backend
from moto.server import main

_delete_bucket = S3Backend.delete_bucket


def delete_bucket(self, bucket_name):
    arn = self.get_bucket(bucket_name).arn
    deleted = _delete_bucket(self, bucket_name)
    if deleted is not None:
        self.tagger.delete_all_tags_for_resource(arn)
    return deleted


S3Backend.delete_bucket = delete_bucket
sys.exit(main(sys.argv[1:]))
"""


def moto_server_executable() -> str | None:
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


def _python_of(executable: str) -> str:
    """The interpreter moto_server runs with (its script's #! line), so moto imports."""
    with open(executable, "rb") as script:
        first = script.readline().decode(errors="replace").strip()
    shebang = first[2:].strip() if first.startswith("#!") else ""
    return shebang if shebang and Path(shebang).exists() else sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto_server did not start within 30 s")


@contextlib.contextmanager
def moto_server(log: IO[bytes] | None = None) -> Iterator[str]:
    """Start moto_server, yield its URL, stop it (terminate, then kill) on exit."""
    executable = moto_server_executable()
    if executable is None:
        raise RuntimeError("moto_server is not installed (pip install 'moto[server]')")
    port = _free_port()
    env = {
        **os.environ,
        **FAKE_CREDENTIALS,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
        "MOTO_ENABLE_AMI_VALIDATION": "1",
    }
    out = log if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [_python_of(executable), "-c", _LAUNCHER, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=out,
        stderr=out,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        request = urllib.request.Request(
            f"{url}/moto-api/config", data=b'{"lambda": {"use_docker": false}}', method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

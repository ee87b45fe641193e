"""A moto server that counts the API calls it serves, for the AWS benches.

    python tools/bench/aws_moto.py PORT        # serve (the benches start it as a child process)

Every request moto answers is counted at the server, whoever sent it (the CLI, its plugin, a
peer script), as "<service> <operation>": EC2/SSM/STS by the query protocol's `Action` (or the
JSON protocol's `X-Amz-Target`), S3 by method and sub-resource (`PUT ?versioning`). Requests to
`/moto-api/` and to the counter itself are not counted. `GET /bench-calls` returns the counts
as JSON, `POST /bench-calls/reset` zeroes them (and the times); `GET /bench-times` returns the
CPU seconds moto's threads spent answering each operation (what each kind of call costs moto);
`POST /moto-api/reset` empties the account.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
S3_SUBRESOURCES = (
    "versioning",
    "encryption",
    "publicAccessBlock",
    "tagging",
    "lifecycle",
    "policyStatus",
    "policy",
    "acl",
    "cors",
    "website",
    "logging",
    "ownershipControls",
    "location",
    "list-type",
    "versions",
    "uploads",
)


def _operation(environ: dict[str, Any]) -> str:
    """What this request asks for, as "<service> <operation>"."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return f"json {target.rsplit('.', 1)[-1]}"
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    content_type = environ.get("CONTENT_TYPE", "")
    if "x-www-form-urlencoded" in content_type and body:
        form = parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return f"query {form['Action'][0]}"
    if "Action" in query:
        return f"query {query['Action'][0]}"
    sub = next((key for key in S3_SUBRESOURCES if key in query), "")
    path = environ.get("PATH_INFO", "/")
    level = "bucket" if path.strip("/").count("/") == 0 else "object"
    return f"s3 {environ['REQUEST_METHOD']} {level}{'?' + sub if sub else ''}"


class CountingApp:
    """WSGI middleware: counts each request, then hands it to moto."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(("/bench-calls", "/bench-times")):
            with self.lock:
                if environ["REQUEST_METHOD"] == "POST":
                    self.counts.clear()
                    self.seconds.clear()
                wanted = self.counts if path.startswith("/bench-calls") else self.seconds
                body = json.dumps(dict(wanted)).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path.startswith("/moto-api"):
            return self.app(environ, start_response)
        operation = _operation(environ)
        started = time.thread_time()
        answer = list(self.app(environ, start_response))  # the body made now, inside the timing
        with self.lock:
            self.counts[operation] += 1
            self.seconds[operation] += time.thread_time() - started
        return answer


def serve(port: int) -> None:
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    app = CountingApp(DomainDispatcherApplication(create_backend_app))
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)


# ---------------------------------------------------------------- for the benches


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def counting_moto() -> Iterator[str]:
    """Starts the counting moto server as a child process; yields its URL; stops it."""
    port = _free_port()
    env = {
        **os.environ,
        **FAKE_CREDENTIALS,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
        "MOTO_ENABLE_AMI_VALIDATION": "1",
    }
    process = subprocess.Popen(
        [sys.executable, __file__, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/bench-calls", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the counting moto server did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def reset(url: str) -> None:
    """Empties the account and zeroes the counts."""
    for path in ("/moto-api/reset", "/bench-calls/reset"):
        request = urllib.request.Request(f"{url}{path}", method="POST")
        urllib.request.urlopen(request, timeout=30).close()


def calls(url: str) -> Counter[str]:
    with urllib.request.urlopen(f"{url}/bench-calls", timeout=30) as response:
        return Counter(json.loads(response.read()))


def busy_seconds(url: str) -> dict[str, float]:
    """CPU seconds moto spent per operation since the last reset."""
    with urllib.request.urlopen(f"{url}/bench-times", timeout=30) as response:
        return dict(json.loads(response.read()))


def zero_calls(url: str) -> None:
    request = urllib.request.Request(f"{url}/bench-calls/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


if __name__ == "__main__":
    serve(int(sys.argv[1]))

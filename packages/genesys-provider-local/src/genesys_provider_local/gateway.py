"""The HTTP endpoint of a function with an http trigger: a small server on 127.0.0.1.

    python -m genesys_provider_local.gateway <function dir> <port>

Run under the supervisor (it outlives the plugin, like an instance). Each request becomes an
API-Gateway-style event ({"httpMethod", "path", "headers", "queryStringParameters", "body"});
the handler runs through invoke.py; a returned {"statusCode", "headers", "body"} is the
response, any other value is sent as JSON with status 200, a function error as 502. A Go
function's binary gets the request itself, as it came, and its response is sent as is. The
function spec is re-read from <function dir>/function.json on every request, so updates
apply at once. Stdlib only.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from genesys_provider_local import invoke, program, runtimes

SPEC_FILE = "function.json"


def _routes(spec: dict[str, Any]) -> list[tuple[str, set[str]]]:
    routes = []
    for trigger in spec.get("triggers") or []:
        if trigger.get("type") == "http":
            methods = {m.upper() for m in trigger.get("methods") or []}
            routes.append(("/" + (trigger.get("path") or "").strip("/"), methods))
    return routes


def _is_wildcard(segment: str) -> bool:
    """`*`, or API Gateway's `{name}` / `{proxy+}` path parameters."""
    return segment == "*" or (segment.startswith("{") and segment.endswith("}"))


def _matches(route: str, path: str) -> bool:
    """As API Gateway and function URLs match: a last `*` (or `{proxy+}`) segment takes the
    rest of the path (`/api/*` serves `/api/hello` and `/api/a/b`; `/*` serves everything),
    another `*` (or `{id}`) one segment; a literal route serves itself and what is below it."""
    wanted = [s for s in route.split("/") if s]
    given = [s for s in path.split("/") if s]
    if wanted and (wanted[-1] == "*" or wanted[-1].endswith("+}")):
        head = wanted[:-1]
        if len(given) <= len(head) and head:
            return False
        return all(_is_wildcard(w) or w == g for w, g in zip(head, given, strict=False))
    if len(given) < len(wanted):
        return False
    return all(_is_wildcard(w) or w == g for w, g in zip(wanted, given, strict=False))


def _allowed(routes: list[tuple[str, set[str]]], method: str, path: str) -> bool:
    for route, methods in routes:
        if _matches(route, path) and (not methods or method in methods or "ANY" in methods):
            return True
    return False


class FunctionHandler(BaseHTTPRequestHandler):
    directory: Path

    def _serve(self) -> None:
        spec = json.loads((self.directory / SPEC_FILE).read_text())
        url = urlsplit(self.path)
        if not _allowed(_routes(spec), self.command, url.path):
            self._reply(404, {"Content-Type": "text/plain"}, b"no route\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if runtimes.is_go(spec.get("runtime", "")):
            self._forward(spec, self.rfile.read(length) if length else b"")
            return
        event = {
            "httpMethod": self.command,
            "path": url.path,
            "headers": dict(self.headers.items()),
            "queryStringParameters": dict(parse_qsl(url.query)) or None,
            "body": self.rfile.read(length).decode(errors="replace") if length else None,
            "isBase64Encoded": False,
        }
        outcome = invoke.invoke(spec, json.dumps(event).encode())
        if outcome.error:
            self._reply(502, {"Content-Type": "text/plain"}, f"{outcome.error}\n".encode())
            return
        self._reply_result(json.loads(outcome.payload or b"null"))

    def _forward(self, spec: dict[str, Any], body: bytes) -> None:
        """A Go function gets the request as it came; its response goes back as is."""
        timeout = int(spec.get("timeout_s") or invoke.DEFAULT_TIMEOUT_S)
        try:
            reply = program.request(
                invoke.binary_of(spec), invoke.program_env(spec, timeout),
                self.command, self.path, list(self.headers.items()), body, timeout,
            )
        except program.ProgramFailed as err:
            self._reply(502, {"Content-Type": "text/plain"}, f"{err}\n".encode())
            return
        self.send_response(reply.status)
        for key, value in reply.headers:
            if key.lower() not in ("date", "server"):  # this server sends its own
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _reply_result(self, result: Any) -> None:
        if isinstance(result, dict) and "statusCode" in result:
            body = result.get("body")
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
            self._reply(int(result["statusCode"]), headers, b"" if body is None else data)
        else:
            self._reply(200, {"Content-Type": "application/json"}, json.dumps(result).encode())

    def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    FunctionHandler.directory = Path(args[0])
    server = ThreadingHTTPServer(("127.0.0.1", int(args[1])), FunctionHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()

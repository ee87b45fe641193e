"""One emulated HTTP service: routing, JSON helpers, injected faults, the cloud's error format.

A cloud's service subclasses `ServiceApp`, declares its routes as werkzeug `Rule`s whose
endpoint names a method, and raises `CloudError` to refuse. What differs between clouds —
how an error body looks, which calls mutate, what throttling says — is the cloud's `Dialect`,
written once per cloud and shared by its services.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core.errors import CloudError
from genesys_emulators.core.faults import Fault, FaultPlan

log = logging.getLogger("genesys_emulators")
# GET on any service's port: {"<service sdk key>": requests answered, ...} for the emulator.
REQUESTS_PATH = "/_genesys/requests"


class Dialect:
    """How one cloud words its answers. Subclasses override what their cloud does differently."""

    json_content_type = "application/json; charset=UTF-8"

    def error_response(self, error: CloudError, request: Request) -> Response:
        body = {"error": {"code": error.code, "message": error.message, **error.details}}
        return self.json_response(body, error.status, error.headers)

    def is_mutating(self, request: Request) -> bool:
        return request.method not in ("GET", "HEAD", "OPTIONS")

    def throttled(self, request: Request) -> CloudError:
        return CloudError(429, "Throttled", "Rate exceeded.", headers={"Retry-After": "1"})

    def server_error(self, request: Request) -> CloudError:
        return CloudError(503, "ServiceUnavailable", "The service is temporarily unavailable.")

    def not_found(self, request: Request) -> CloudError:
        return CloudError(404, "NotFound", f"{request.method} {request.path} is not served here")

    def json_response(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            json.dumps(body), status=status, headers=headers, content_type=self.json_content_type
        )


class ServiceApp:
    """A WSGI application for one service. Routes map to methods `handler(request, **args)`."""

    dialect: Dialect = Dialect()
    rules: Iterable[Rule] = ()

    def __init__(self, faults: FaultPlan | None = None) -> None:
        self.faults = faults or FaultPlan()
        # empty(): a Rule binds to one Map, and every instance of a service has its own.
        rules = [rule.empty() for rule in self.rules]
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)
        self.base_url = ""  # set by the server once the port is known
        self.calls = 0  # requests answered, for benchmarks' API-call counts
        self._calls_lock = threading.Lock()
        # Set by the Emulator: every service's count, served at REQUESTS_PATH on each port.
        self.requests_of_emulator: Callable[[], dict[str, int]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        if request.path == REQUESTS_PATH and request.method == "GET":
            # The counter is not a cloud call: neither counted nor subject to faults.
            counts = self.requests_of_emulator() if self.requests_of_emulator else {}
            return Response(json.dumps(counts), content_type="application/json")(
                environ, start_response
            )
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        with self._calls_lock:
            self.calls += 1
        self.faults.delay()
        try:
            fault = self.faults.draw(self.dialect.is_mutating(request))
            if fault is Fault.THROTTLE:
                raise self.dialect.throttled(request)
            if fault is Fault.ERROR:
                raise self.dialect.server_error(request)
            return self.dispatch(request)
        except CloudError as error:
            return self.dialect.error_response(error, request)
        except Exception:
            log.exception("emulator handler failed: %s %s", request.method, request.path)
            failure = CloudError(500, "InternalError", "The emulator failed on this request.")
            return self.dialect.error_response(failure, request)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except (NotFound, MethodNotAllowed):
            raise self.dialect.not_found(request) from None
        except HTTPException as exc:  # e.g. a redirect for a trailing slash
            raise CloudError(exc.code or 400, "BadRequest", str(exc)) from None
        result = getattr(self, endpoint)(request, **args)
        if isinstance(result, Response):
            return result
        return self.dialect.json_response(result)

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def json_body(request: Request) -> dict[str, Any]:
        """The request's JSON object; a malformed body is the cloud's 400."""
        # get_data: the raw body whatever the content type says (SDKs differ in what they send).
        raw = request.get_data()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise CloudError(400, "InvalidJson", f"Invalid JSON payload received. {exc}") from None
        if not isinstance(body, dict):
            raise CloudError(400, "InvalidJson", "Invalid JSON payload: expected an object.")
        return body

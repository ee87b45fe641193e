"""How Azure Resource Manager words its answers: `{"error": {"code", "message", "target"}}`,
429 with `Retry-After` when throttled, and the codes ARM gives a path it does not serve."""

from __future__ import annotations

from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError, Dialect


class AzureDialect(Dialect):
    json_content_type = "application/json; charset=utf-8"

    def is_mutating(self, request: Request) -> bool:
        # A Function App's host and its Kudu (zip deploy) are the app's own endpoints
        # (*.azurewebsites.net, *.scm.azurewebsites.net), not ARM: ARM throttling is not theirs.
        if request.path.startswith(("/functions/", "/kudu/")):
            return False
        # POST .../listKeys, .../listConnectionStrings and .../config/appsettings/list only
        # read: ARM meters them as reads.
        if request.method == "POST" and request.path.rstrip("/").lower().endswith(
            ("/list", "keys", "/listconnectionstrings")
        ):
            return False
        return request.method not in ("GET", "HEAD", "OPTIONS")

    def throttled(self, request: Request) -> CloudError:
        return CloudError(
            429,
            "TooManyRequests",
            "The request is being throttled as the limit has been reached for operation type "
            "- Write_ObservationWindow. Please retry after the period in the Retry-After header.",
            headers={"Retry-After": "1"},
        )

    def server_error(self, request: Request) -> CloudError:
        return CloudError(
            503, "ServiceUnavailable", "The server is currently unable to handle the request."
        )

    def not_found(self, request: Request) -> CloudError:
        return CloudError(
            400,
            "InvalidResourceType",
            "The resource type could not be found for the request "
            f"{request.method} {request.path}.",
        )

"""Serving: each service of an emulator on its own port of 127.0.0.1, plus real child emulators.

`Emulator` is what a cloud's `build()` returns: its services, the children it needs
(fake-gcs-server, Azurite), and how to word the ready line's `settings` once every URL is
known. `start()` binds and serves each in a thread; `stop()` ends them all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from genesys_emulators.core.app import ServiceApp
from genesys_emulators.core.children import ChildProcess
from genesys_emulators.core.faults import FaultPlan

LOOPBACK = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request on stderr; an emulator under load would drown its user."""

    protocol_version = "HTTP/1.1"  # keep-alive: SDK clients reuse connections

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class ServiceServer:
    """One ServiceApp served on LOOPBACK:port (0 picks a free port) in a daemon thread."""

    def __init__(self, app: ServiceApp, port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(
            LOOPBACK, port, app, threaded=True, request_handler=_QuietHandler
        )
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self.port = self._server.server_port
        self.url = f"http://{LOOPBACK}:{self.port}"
        app.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"emulator-{self.port}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        # shutdown() waits for serve_forever to notice; a server never started would hang it
        # (a child failing at start stops servers bound but not yet serving).
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


def _stop_quietly(server: ServiceServer) -> None:
    try:
        server.stop()
    except Exception:  # stopping is best effort: the process is about to end
        logging.getLogger(__name__).debug("stopping %s failed", server.url)


SettingsFor = Callable[[dict[str, str]], dict[str, Any]]


@dataclass
class Emulator:
    """A cloud's emulator: services by their `sdk` key, children by theirs, and the ready line."""

    cloud: str
    region: str
    account: str
    services: dict[str, ServiceApp]
    settings_for: SettingsFor  # sdk URLs → the config's providers.<cloud> block
    children: dict[str, ChildProcess] = field(default_factory=dict)
    faults: FaultPlan = field(default_factory=FaultPlan)
    _servers: list[ServiceServer] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    def start(self, first_port: int = 0) -> None:
        """Binds every service (the first on `first_port`) and starts the children."""
        try:
            for index, (key, app) in enumerate(self.services.items()):
                server = ServiceServer(app, first_port if index == 0 else 0)
                self._servers.append(server)
                self.urls[key] = server.url
            for app in self.services.values():
                app.requests_of_emulator = self.api_calls
            for key, child in self.children.items():
                self.urls[key] = child.start()
            for server in self._servers:
                server.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        # Each server notices shutdown at its next poll (up to 0.5 s): stop them side by side,
        # children too, so a dozen services stop in one poll interval, not a dozen.
        stoppers = [threading.Thread(target=_stop_quietly, args=(s,)) for s in self._servers]
        stoppers += [threading.Thread(target=child.stop) for child in self.children.values()]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        self._servers.clear()

    def ready_line(self) -> dict[str, Any]:
        return {
            "cloud": self.cloud,
            "region": self.region,
            "account": self.account,
            "settings": self.settings_for(dict(self.urls)),
            "sdk": dict(self.urls),
        }

    def api_calls(self) -> dict[str, int]:
        """Requests each emulated service answered (children's calls are not counted)."""
        return {key: app.calls for key, app in self.services.items()}

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

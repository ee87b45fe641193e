"""Progress lines during apply, in Terraform's words.

    compute.web-server[0]: Creating...
    compute.web-server[0]: Still creating... [10s elapsed]
    compute.web-server[0]: Creation complete after 12s [id=i-0abc]

With `json_lines=True` the same events are NDJSON objects (`--json`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from genesys.redaction import SECRETS

_WORDS = {
    "create": ("Creating...", "Still creating...", "Creation complete"),
    "update": ("Modifying...", "Still modifying...", "Modifications complete"),
    "destroy": ("Destroying...", "Still destroying...", "Destruction complete"),
}


class Progress:
    def __init__(
        self,
        out: TextIO | None = None,
        *,
        json_lines: bool = False,
        interval: float | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.json_lines = json_lines
        self.interval = interval or float(os.environ.get("GENESYS_PROGRESS_INTERVAL", "10"))
        self._ids = itertools.count()
        self._in_flight: dict[int, tuple[str, str, float]] = {}
        self._lock = threading.Lock()

    def _emit(self, address: str, verb: str, text: str, **fields: object) -> None:
        # A provider's error may echo what it was sent (a connection string, a password).
        text = SECRETS.redact(text)
        if self.json_lines:
            line = json.dumps(
                {
                    "type": "apply_progress",
                    "address": address,
                    "action": verb,
                    "message": text,
                    **fields,
                }
            )
        else:
            line = f"{address}: {text}"
        with self._lock:
            self.out.write(line + "\n")
            self.out.flush()

    def started(self, address: str, verb: str) -> int:
        token = next(self._ids)
        with self._lock:
            self._in_flight[token] = (address, verb, time.monotonic())
        self._emit(address, verb, _WORDS[verb][0], status="started")
        return token

    def finished(self, token: int, resource_id: str, elapsed: float) -> None:
        with self._lock:
            address, verb, _ = self._in_flight.pop(token)
        suffix = f" [id={resource_id}]" if resource_id else ""
        self._emit(
            address,
            verb,
            f"{_WORDS[verb][2]} after {elapsed:.0f}s{suffix}",
            status="complete",
            id=resource_id,
            elapsed=round(elapsed, 3),
        )

    def failed(self, token: int, message: str) -> None:
        with self._lock:
            address, verb, _ = self._in_flight.pop(token)
        self._emit(address, verb, f"Error: {message}", status="errored")

    def cancelled(self, token: int) -> None:
        """An operation stopped by Ctrl-C before it reached the provider."""
        with self._lock:
            address, verb, _ = self._in_flight.pop(token)
        self._emit(address, verb, "Not started: interrupted", status="cancelled")

    def note(self, message: str) -> None:
        message = SECRETS.redact(message)
        with self._lock:
            if self.json_lines:
                self.out.write(json.dumps({"type": "log", "message": message}) + "\n")
            else:
                self.out.write(message + "\n")
            self.out.flush()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            now = time.monotonic()
            with self._lock:
                rows = list(self._in_flight.values())
            for address, verb, since in rows:
                if now - since >= self.interval:
                    self._emit(
                        address,
                        verb,
                        f"{_WORDS[verb][1]} [{now - since:.0f}s elapsed]",
                        status="in_progress",
                        elapsed=round(now - since, 1),
                    )

    @contextlib.contextmanager
    def ticker(self) -> Iterator[None]:
        stop = threading.Event()
        thread = threading.Thread(target=self._tick, args=(stop,), daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

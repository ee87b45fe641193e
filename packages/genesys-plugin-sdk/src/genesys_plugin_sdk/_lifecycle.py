"""Process lifecycle of a served plugin: stop requests, signals, parent death, exit."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, NoReturn

_log = logging.getLogger("genesys_plugin_sdk.server")

# How often the parent watcher re-checks getppid() while stdin stays quiet.
PARENT_POLL_SECONDS = 1.0


class Lifecycle:
    """Collects the first stop reason; the main thread waits for it and then exits."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.reason = ""

    def request_stop(self, reason: str = "Shutdown requested by the core") -> None:
        if not self._stop.is_set():
            self.reason = reason
            self._stop.set()

    def wait(self) -> str:
        # A timed wait keeps the main thread returning to the interpreter, so signal
        # handlers run promptly on every platform.
        while not self._stop.wait(0.5):
            pass
        return self.reason

    def install_signal_handlers(self, debug: bool) -> None:
        signal.signal(signal.SIGTERM, lambda signum, frame: self.request_stop("SIGTERM"))
        if not debug:
            # Ctrl-C in the core's terminal reaches the whole process group; the core decides
            # when its plugins stop (Shutdown), so an interrupted apply can still finish cleanly.
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch_parent(self) -> None:
        """Stops when the core dies: EOF on stdin (a pipe the core holds), or a new parent."""
        parent = os.getppid()
        thread = threading.Thread(
            target=_watch_parent, args=(parent, self.request_stop), name="parent-watch", daemon=True
        )
        thread.start()


def _stdin_closed(timeout: float) -> bool:
    if os.name == "nt":  # select() does not work on pipes there; a blocking read does
        return not os.read(0, 65536)
    import select

    try:
        readable, _, _ = select.select([0], [], [], timeout)
        return bool(readable) and not os.read(0, 65536)
    except (OSError, ValueError):
        return True  # stdin was closed or is unusable: the core is gone


def _watch_parent(parent: int, stop: Callable[[str], None]) -> None:
    while True:
        if _stdin_closed(PARENT_POLL_SECONDS):
            stop("stdin closed: the core exited")
            return
        if hasattr(os, "getppid") and os.getppid() != parent:
            stop("parent process changed: the core exited")
            return


def exit_process(code: int) -> NoReturn:
    """Exits now, even if a handler thread is stuck past the grace period.

    Runs atexit hooks and flushes logs first; os._exit skips the thread-pool join that a
    stuck RPC handler would otherwise block forever.
    """
    run_exit_hooks: Any = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_hooks is not None:
        with contextlib.suppress(Exception):
            run_exit_hooks()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)

"""`genesys-emulator CLOUD [--port 0] [--faults ...]`: serve one cloud's emulator.

Prints exactly one JSON line on stdout once every endpoint answers (`cloud`, `region`,
`account`, `settings`, `sdk`), then serves until SIGTERM, SIGINT or EOF on a piped stdin
(a parent that dies takes the emulator with it). A terminal or /dev/null on stdin is not
watched, so `genesys-emulator gcp &` keeps serving in a script.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import stat
import sys
import threading
from types import FrameType

from genesys_emulators.core.faults import FaultPlan
from genesys_emulators.core.server import Emulator

CLOUDS = ("gcp", "azure", "alibaba", "tencent")


def build(cloud: str, faults: FaultPlan) -> Emulator:
    """The emulator of `cloud` (its package's `build(faults)`), not yet started."""
    if cloud not in CLOUDS:
        raise ValueError(f"unknown cloud {cloud!r}; one of {', '.join(CLOUDS)}")
    module = importlib.import_module(f"genesys_emulators.{cloud}")
    emulator: Emulator = module.build(faults)
    return emulator


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="genesys-emulator",
        description="Serve an emulator of a cloud's APIs on 127.0.0.1 for tests and rehearsal.",
    )
    parser.add_argument("cloud", choices=CLOUDS)
    parser.add_argument("--port", type=int, default=0, help="port of the first service (0: free)")
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="latency_ms=N,throttle=F,error=F,seed=N: injected latency, throttling and 5xx",
    )
    return parser.parse_args(argv)


def _stdin_is_pipe() -> bool:
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _watch_stdin(stop: threading.Event) -> None:
    def drain() -> None:
        while sys.stdin.buffer.read(65536):
            pass
        stop.set()

    threading.Thread(target=drain, name="stdin-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        faults = FaultPlan.parse(args.faults)
        emulator = build(args.cloud, faults)
        emulator.start(args.port)
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"genesys-emulator: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if _stdin_is_pipe():
        _watch_stdin(stop)
    try:
        print(json.dumps(emulator.ready_line()), flush=True)
        while not stop.wait(0.1):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start an emulator as its own process, the way users and tests run it.

    with running("gcp", faults="throttle=0.3,seed=7") as ready:
        ready["sdk"]["compute"]   # base URL for the real SDK client
        ready["settings"]         # the config's providers.gcp block
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def running(cloud: str, faults: str = "", timeout: float = 60.0) -> Iterator[dict[str, Any]]:
    command = [sys.executable, "-m", "genesys_emulators.cli", cloud]
    if faults:
        command += ["--faults", faults]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"genesys-emulator {cloud} did not start: {err[-2000:]}")
        yield json.loads(line)
    finally:
        if process.stdin:
            process.stdin.close()  # EOF on stdin: the emulator stops
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

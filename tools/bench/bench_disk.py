"""Where benches keep state and projects: a real disk, named in the output.

`scratch(prefix)` is a temporary directory under $GENESYS_BENCH_DIR (default /var/tmp, a disk
on ordinary Linux machines, where /tmp may be tmpfs) and prints where it is, its file system,
and whether fsync really reaches a disk there (on tmpfs/ramfs it costs nothing, which would
flatter every figure that includes state persistence).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

MEMORY_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})


def describe(path: Path | str) -> str:
    """"<dir> (<fs> at <mount>: fsync is real|free)" for the mount holding path."""
    resolved = str(Path(path).resolve())
    best = ("/", "?")
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount, kind, *_ = line.split()
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best[0]):
            best = (mount, kind)
    fsync = "fsync is FREE (memory)" if best[1] in MEMORY_FILESYSTEMS else "fsync is real"
    return f"{resolved} ({best[1]} at {best[0]}: {fsync})"


def scratch(prefix: str = "genesys-bench-") -> tempfile.TemporaryDirectory[str]:
    """A temporary directory on the bench disk; prints where it is."""
    base = os.environ.get("GENESYS_BENCH_DIR", "/var/tmp")
    made = tempfile.TemporaryDirectory(prefix=prefix, dir=base)
    print(f"state and temp files under {describe(made.name)}")
    return made

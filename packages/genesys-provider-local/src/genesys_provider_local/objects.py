"""Objects in a local bucket: files in its directory, with versions when versioning is on.

A bucket is a directory and an object is a file at <bucket dir>/<key>. Writing through this
module (the Python API below or `python -m genesys_provider_local.objects put|get|versions|rm`)
keeps the object's history when the bucket has versioning on: before an object is
overwritten or deleted, its current content is copied to <bucket dir>/.versions/<key>/<n>
(n = 1, 2, ... oldest first). Files written straight into the directory bypass this, as
writing to a disk bypasses S3. Versioning is on while .versions/ exists without a
.versions/.suspended marker (turning it off suspends it: history is kept, as S3 does).

Stdlib only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

VERSIONS_DIR = ".versions"
SUSPENDED_MARK = ".suspended"
_LOCK_FILE = ".lock"


def versioning_enabled(bucket: Path) -> bool:
    versions = bucket / VERSIONS_DIR
    return versions.is_dir() and not (versions / SUSPENDED_MARK).exists()


def set_versioning(bucket: Path, enabled: bool) -> None:
    versions = bucket / VERSIONS_DIR
    if enabled:
        versions.mkdir(exist_ok=True)
        (versions / SUSPENDED_MARK).unlink(missing_ok=True)
    elif versions.is_dir():
        (versions / SUSPENDED_MARK).touch()


def object_path(bucket: Path, key: str) -> Path:
    parts = PurePosixPath(key).parts
    if not key or key.startswith("/") or ".." in parts or parts[0] == VERSIONS_DIR:
        raise ValueError(f"invalid object key {key!r}")
    return bucket.joinpath(*parts)


@contextlib.contextmanager
def _locked(bucket: Path) -> Iterator[None]:
    """Serialises writers of one bucket (threads and processes alike: flock per open)."""
    versions = bucket / VERSIONS_DIR
    if not versions.is_dir():
        yield
        return
    with open(versions / _LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def versions(bucket: Path, key: str) -> list[int]:
    """Numbers of the kept past versions of `key`, oldest first."""
    history = bucket / VERSIONS_DIR / key
    if not history.is_dir():
        return []
    return sorted(int(p.name) for p in history.iterdir() if p.name.isdigit())


def _keep_current(bucket: Path, key: str, target: Path) -> None:
    if not (target.is_file() and versioning_enabled(bucket)):
        return
    history = bucket / VERSIONS_DIR / key
    history.mkdir(parents=True, exist_ok=True)
    past = versions(bucket, key)
    shutil.copy2(target, history / str((past[-1] if past else 0) + 1))


def put_object(bucket: Path, key: str, data: bytes) -> None:
    """Writes an object atomically, keeping the previous content when versioning is on."""
    target = object_path(bucket, key)
    with _locked(bucket):
        _keep_current(bucket, key, target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)


def get_object(bucket: Path, key: str, version: int | None = None) -> bytes:
    """The object's current content, or a kept past version."""
    if version is None:
        return object_path(bucket, key).read_bytes()
    object_path(bucket, key)  # validates the key
    return (bucket / VERSIONS_DIR / key / str(version)).read_bytes()


def delete_object(bucket: Path, key: str) -> None:
    """Deletes an object; with versioning on its content stays in the history."""
    target = object_path(bucket, key)
    with _locked(bucket):
        _keep_current(bucket, key, target)
        target.unlink(missing_ok=True)


def _cli(args: list[str]) -> int:
    usage = (
        "usage: python -m genesys_provider_local.objects "
        "put BUCKET_DIR KEY FILE|- | get BUCKET_DIR KEY [VERSION] | versions BUCKET_DIR KEY | "
        "rm BUCKET_DIR KEY"
    )
    if len(args) < 3:
        print(usage, file=sys.stderr)
        return 2
    verb, bucket, key = args[0], Path(args[1]), args[2]
    if verb == "put" and len(args) == 4:
        data = sys.stdin.buffer.read() if args[3] == "-" else Path(args[3]).read_bytes()
        put_object(bucket, key, data)
    elif verb == "get":
        version = int(args[3]) if len(args) > 3 else None
        sys.stdout.buffer.write(get_object(bucket, key, version))
    elif verb == "versions":
        print("\n".join(str(n) for n in versions(bucket, key)))
    elif verb == "rm":
        delete_object(bucket, key)
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(_cli(sys.argv[1:]))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)

"""Filesystem helpers: resource directories under the root, safe unzip, atomic writes."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
import zipfile
from pathlib import Path, PurePosixPath

from genesys_plugin_sdk import errors

# Serialises "create a resource dir (and its category dir)" against "remove the last resource
# dir and its now-empty category dir", so destroying everything leaves the root empty without
# racing a concurrent create.
_category_lock = threading.Lock()


def make_dir(path: Path, mode: int = 0o755) -> Path:
    with _category_lock:
        path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    return path


def remove_path(path: Path, root: Path) -> None:
    """Removes a file or tree, then every parent left empty up to (not including) root."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, onerror=_force_remove)
    with _category_lock:
        parent = path.parent
        while parent != root and root in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def _force_remove(func: object, path: str, exc_info: object) -> None:
    """rmtree fallback: make read-only dirs writable and retry once."""
    with contextlib.suppress(OSError):
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def unzip_into(data: bytes, target: Path, attribute_path: str) -> int:
    """Unpacks a zip archive into `target` (created); returns the number of files.

    Members that would land outside `target` (absolute paths, "..") are refused.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise errors.InvalidArgument(
            "code is not a zip archive", attribute_path=attribute_path
        ) from None
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    with archive:
        for member in archive.infolist():
            parts = PurePosixPath(member.filename).parts
            if member.filename.startswith("/") or ".." in parts:
                raise errors.InvalidArgument(
                    f"zip member {member.filename!r} points outside the archive",
                    attribute_path=attribute_path,
                )
            archive.extract(member, target)
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                (target / member.filename).chmod(mode | 0o400)
            count += 0 if member.is_dir() else 1
    return count

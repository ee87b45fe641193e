"""The default backend: files in a private directory beside the config.

Whole objects are replaced atomically (temp file, fsync, rename, fsync of the directory), so
a crash leaves the old bytes or the new, never a mix. Journals are appended with O_APPEND
and fdatasync. The lock is a file created exclusively (hard link of a complete temp file,
so it is never seen half-written) holding the holder's LockInfo as JSON. Taking over a dead
holder's lock and releasing a lock are compare-and-swaps on that file (read, compare the
holder's id, replace or delete) under the same flock that serialises object writes, so two
runs taking over at once cannot both win.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from genesys.errors import StateError
from genesys.state.records import LockInfo

try:  # POSIX: serialises compare-and-swap between processes
    import fcntl
except ImportError:  # pragma: no cover - Windows: the state lock alone guards writers
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".lock"
CAS_GUARD_FILE = ".cas-guard"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 600


def content_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class LocalBackend:
    """State objects as files under `directory` (created 0700 on first write)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.fsync_count = 0  # fsync/fdatasync calls issued, for benchmarks
        self._cas_threads = threading.Lock()
        self._journal_lock = threading.Lock()
        self._journal_fds: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"LocalBackend({str(self.directory)!r})"

    def describe(self, key: str) -> str:
        return str(self.directory / key)

    # ------------------------------------------------------------ objects

    def read_object(self, key: str) -> tuple[bytes, str] | None:
        data = self._read_bytes(self._path(key))
        return None if data is None else (data, content_version(data))

    def write_object(self, key: str, data: bytes, expected_version: str | None) -> str:
        path = self._path(key)
        with self._cas_guard():
            current = self._read_bytes(path)
            current_version = None if current is None else content_version(current)
            if current_version != expected_version:
                raise StateError(
                    f"{path} was changed by someone else (expected version "
                    f"{expected_version or 'none'}, found {current_version or 'none'})"
                )
            self._atomic_write(path, data)
        return content_version(data)

    def delete_object(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as err:
            raise StateError(f"cannot delete {path}: {err.strerror}") from None
        self._fsync_dir(path.parent)

    def list_keys(self, prefix: str) -> list[str]:
        if not self.directory.is_dir():
            return []
        keys = []
        for root, dirs, files in os.walk(self.directory):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel_root = Path(root).relative_to(self.directory)
            for name in files:
                key = (rel_root / name).as_posix() if rel_root != Path(".") else name
                if not name.startswith(".") and key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    # ------------------------------------------------------------ journals

    def append(self, key: str, data: bytes) -> None:
        path = self._path(key)
        with self._journal_lock:
            try:
                fd = self._journal_fd(key, path)
                if os.fstat(fd).st_nlink == 0:  # deleted under us: writing would lose data
                    raise FileNotFoundError(errno.ENOENT, "the journal file was deleted")
                _write_all(fd, data)
                self._sync_data(fd)
            except OSError as err:
                self._close_journal(key)
                raise StateError(f"cannot append to {path}: {err.strerror}") from None

    def release(self) -> None:
        """Closes cached journal handles (the backend stays usable)."""
        with self._journal_lock:
            for key in list(self._journal_fds):
                self._close_journal(key)

    def _journal_fd(self, key: str, path: Path) -> int:
        """The open journal (kept open between appends: opening costs more than writing)."""
        fd = self._journal_fds.get(key)
        if fd is None:
            # The directory exists: a snapshot is always written before its journal.
            created = not path.exists()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._journal_fds[key] = fd
            if created:
                self._fsync_dir(path.parent)
        return fd

    def _close_journal(self, key: str) -> None:
        fd = self._journal_fds.pop(key, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def read_journal(self, key: str) -> bytes | None:
        return self._read_bytes(self._path(key))

    def delete_journal(self, key: str) -> None:
        with self._journal_lock:
            self._close_journal(key)
        self.delete_object(key)

    # ------------------------------------------------------------ lock

    def lock(self, info: LockInfo) -> LockInfo | None:
        self._ensure_directory(self.directory)
        lock_path = self.directory / LOCK_FILE
        temp = self._write_temp(self.directory, json.dumps(info.to_json()).encode())
        try:
            for _attempt in range(3):
                try:
                    os.link(temp, lock_path)  # atomic, and fails if the lock exists
                except FileExistsError:
                    holder = self.read_lock()
                    if holder is not None:
                        return holder
                    continue  # released between our link and our read: try again
                self._fsync_dir(self.directory)
                self._remove_stale_temp_files()
                return None
        except OSError as err:
            raise StateError(f"cannot create the state lock {lock_path}: {err.strerror}") from None
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise StateError(f"cannot take the state lock {lock_path}: it keeps changing hands")

    def _remove_stale_temp_files(self) -> None:
        """Temp files a killed writer left behind (old ones only: a concurrent lock attempt
        may be writing a fresh one right now)."""
        cutoff = time.time() - STALE_TEMP_SECONDS
        for temp in self.directory.rglob(f"{TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()

    def read_lock(self) -> LockInfo | None:
        """The current holder, or None when unlocked."""
        lock_path = self.directory / LOCK_FILE
        data = self._read_bytes(lock_path)
        if data is None:
            return None
        try:
            return LockInfo.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError) as err:
            raise StateError(
                f"the state lock file {lock_path} cannot be read ({err}); if no Genesys run "
                "is using this state, delete that file"
            ) from None

    def take_over(self, gone: LockInfo, info: LockInfo) -> LockInfo | None:
        """Replaces the lock with `info` only if `gone` still holds it; else the holder."""
        lock_path = self.directory / LOCK_FILE
        temp = self._write_temp(self.directory, json.dumps(info.to_json()).encode())
        try:
            with self._cas_guard():
                holder = self.read_lock()
                if holder is None or holder.id != gone.id:
                    return holder or self.lock(info)
                os.replace(temp, lock_path)
            self._fsync_dir(self.directory)
            return None
        except OSError as err:
            raise StateError(f"cannot take over the state lock {lock_path}: {err}") from None
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()

    def unlock(self, lock_id: str, force: bool = False) -> None:
        with self._cas_guard():  # a take-over must not slip between our read and delete
            holder = self.read_lock()
            if holder is None:
                raise StateError(f"the state in {self.directory} is not locked")
            if not force and holder.id != lock_id:
                raise StateError(
                    f"lock ID {lock_id} does not match the current lock: held by "
                    f"{holder.describe()}"
                )
            self.delete_object(LOCK_FILE)

    # ------------------------------------------------------------ files

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts):
            raise StateError(f"invalid state object key {key!r}")
        return self.directory.joinpath(*parts)

    @staticmethod
    def _read_bytes(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise StateError(f"cannot read {path}: {err.strerror}") from None

    def _atomic_write(self, path: Path, data: bytes) -> None:
        self._ensure_directory(path.parent)
        temp = self._write_temp(path.parent, data)
        try:
            os.replace(temp, path)
        except OSError as err:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise StateError(f"cannot write {path}: {err.strerror}") from None
        self._fsync_dir(path.parent)

    def _write_temp(self, directory: Path, data: bytes) -> Path:
        temp = directory / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _write_all(fd, data)
                os.fsync(fd)
                self.fsync_count += 1
            finally:
                os.close(fd)
        except OSError as err:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise StateError(f"cannot write in {directory}: {err.strerror}") from None
        return temp

    def _ensure_directory(self, directory: Path) -> None:
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise StateError(
                f"cannot create the state directory {directory}: {err.strerror}"
            ) from None

    def _sync_data(self, fd: int) -> None:
        # fdatasync still flushes the size change an append makes; it skips only mtime.
        (getattr(os, "fdatasync", None) or os.fsync)(fd)
        self.fsync_count += 1

    def _fsync_dir(self, directory: Path) -> None:
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:  # pragma: no cover - platforms that cannot open directories
            return
        try:
            os.fsync(fd)
            self.fsync_count += 1
        except OSError:  # pragma: no cover - some filesystems refuse directory fsync
            pass
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _cas_guard(self) -> Iterator[None]:
        with self._cas_threads:
            if fcntl is None:  # pragma: no cover
                yield
                return
            self._ensure_directory(self.directory)
            fd = os.open(self.directory / CAS_GUARD_FILE, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the flock


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]

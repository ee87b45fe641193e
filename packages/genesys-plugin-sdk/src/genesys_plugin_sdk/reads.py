"""Batch reads: the one read interface Get*, Adopt*, ReadResources and token lookups share.

A kind's `read_many(ids, privates)` returns, per id, the resource message or the exception
that id's read raised; ids absent from the result do not exist. Three ways to write one:

    # the cloud's list call filters by many ids: one call per chunk of ids
    def read_many(self, ids, privates):
        return read_in_chunks(ids, lambda chunk: self._describe(ids=chunk), chunk_size=100)

    # no batch API: one read per id, in parallel on a shared pool
    def read_many(self, ids, privates):
        return read_each(self.pool, ids, self._read_or_none, translate=TRANSLATOR)

    read_one(kind, "i-123")          # one resource; NotFound when absent

`read_resources(request, kinds, translate)` serves Provider/ReadResources: it groups the refs
by kind, resolves idempotency tokens with `find_by_token`, reads each kind in one batch (the
kinds at once, each on its own thread: a refresh waits for the slowest kind, not their sum)
and yields pages of per-ref results. A failed read of one kind becomes per-ref errors, except
Unauthenticated / PermissionDenied, which fail the whole call (nothing else can succeed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Protocol, TypeVar

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_pages
from genesys_plugin_sdk.cloud_errors import Translate, as_provider_error
from genesys_plugin_sdk.kinds import kind_spec

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_CHUNK = 100
FATAL_READ_ERRORS: tuple[type[errors.ProviderError], ...] = (
    errors.Unauthenticated,
    errors.PermissionDenied,
)


class Reader(Protocol):
    """What read_one and read_resources need of a kind (KindHandler satisfies it)."""

    field: str  # oneof field of pb.Resource, e.g. "instance"
    label: str  # words for messages, e.g. "instance"

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]: ...

    def find_by_token(self, token: str) -> str | None: ...


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def read_one(reader: Any, resource_id: str, private: bytes = b"") -> Any:
    """One resource by id via `reader.read_many`; NotFound when absent, InvalidArgument if
    the id is empty; an exception read_many reported for the id is raised."""
    if not resource_id:
        raise errors.InvalidArgument(f"{reader.label} id is empty", attribute_path="id")
    found = reader.read_many([resource_id], {resource_id: private}).get(resource_id)
    if found is None:
        raise errors.NotFound(f"{reader.label} {resource_id} not found")
    if isinstance(found, Exception):
        raise found
    return found


def read_in_chunks(
    ids: Iterable[str],
    fetch: Callable[[list[str]], Iterable[Any]],
    chunk_size: int = DEFAULT_CHUNK,
    id_of: Callable[[Any], str] = lambda message: str(message.id),
) -> dict[str, Any]:
    """read_many for clouds whose list call filters by ids: `fetch(chunk)` returns the
    resources among `chunk` that exist (missing ids must not fail the call)."""
    found: dict[str, Any] = {}
    for chunk in chunked(sorted(set(ids)), chunk_size):
        for message in fetch(chunk):
            found[id_of(message)] = message
    return found


class ReadPool:
    """A lazily started thread pool shared by a plugin's reads (one per process is plenty).

    Thread-safe; `close()` (call it from Provider/Shutdown) stops it, and the next use starts
    a fresh one.
    """

    def __init__(self, max_workers: int = 16, name: str = "plugin-read") -> None:
        self.max_workers = max_workers
        self.name = name
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix=self.name)
            return self._pool

    def fan_out(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | Exception]]:
        """Runs fn over items on the pool; yields (item, result or exception) as they finish."""
        pool = self.executor()
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            try:
                yield item, future.result()
            except Exception as exc:  # handed back to the caller, per item
                yield item, exc

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def read_each(
    pool: ReadPool,
    ids: Iterable[str],
    read: Callable[[str], Any],
    translate: Translate | None = None,
) -> dict[str, Any]:
    """read_many for clouds without a batch read: `read(id)` per id, in parallel.

    `read` returns None for a missing resource; NotFound raised by it means the same. Other
    exceptions are kept per id (translated to typed errors when `translate` is given).
    """
    results: dict[str, Any] = {}
    for resource_id, outcome in pool.fan_out(read, sorted(set(ids))):
        typed = isinstance(outcome, errors.ProviderError)
        if isinstance(outcome, Exception) and not typed and translate is not None:
            outcome = translate(outcome)
        if outcome is None or isinstance(outcome, errors.NotFound):
            continue
        results[resource_id] = outcome
    return results


# ---------------------------------------------------------------- ReadResources


def read_resources(
    request: provider_pb2.ReadResourcesRequest,
    readers: Iterable[Reader],
    translate: Translate | None = None,
) -> Iterator[provider_pb2.ReadResourcesResponse]:
    """Serves Provider/ReadResources from the kinds' readers; yields response pages."""
    return read_pages(read_results(request.refs, readers, translate))


def read_results(
    refs: Sequence[pb.ResourceRef], readers: Iterable[Reader], translate: Translate | None = None
) -> Iterator[provider_pb2.ReadResult]:
    """One ReadResult per ref (any order; each carries the ref's index)."""
    by_enum = {kind_spec(reader.field).enum: reader for reader in readers}
    by_kind: dict[int, list[tuple[int, Any]]] = {}
    for index, ref in enumerate(refs):
        if ref.kind not in by_enum:
            detail = errors.Unimplemented(
                f"kind {pb.ResourceKind.Name(ref.kind)} is not readable"
            ).to_detail()
            yield provider_pb2.ReadResult(index=index, error=detail)
            continue
        by_kind.setdefault(ref.kind, []).append((index, ref))
    if len(by_kind) < 2:
        for kind, kind_refs in by_kind.items():
            yield from read_kind(by_enum[kind], kind_refs, translate)
        return
    with ThreadPoolExecutor(len(by_kind), thread_name_prefix="read-kind") as pool:
        batches = [
            pool.submit(_read_kind_list, by_enum[kind], kind_refs, translate)
            for kind, kind_refs in by_kind.items()
        ]
        for batch in as_completed(batches):
            yield from batch.result()  # a fatal error (credentials) fails the whole call


def _read_kind_list(
    reader: Reader, refs: list[tuple[int, Any]], translate: Translate | None
) -> list[provider_pb2.ReadResult]:
    return list(read_kind(reader, refs, translate))


def _ids_of(
    reader: Reader, refs: list[tuple[int, Any]], translate: Translate | None
) -> dict[int, Any]:
    """index -> id, or the error its token lookup raised; refs found by neither are left out."""
    ids: dict[int, Any] = {}
    for index, ref in refs:
        if ref.id:
            ids[index] = ref.id
        elif ref.idempotency_token:
            try:
                found = reader.find_by_token(ref.idempotency_token)
            except Exception as exc:
                ids[index] = as_provider_error(exc, translate)
                continue
            if found:
                ids[index] = found
    return ids


def _read_batch(
    reader: Reader, wanted: list[str], privates: Mapping[str, bytes], translate: Translate | None
) -> dict[str, Any]:
    if not wanted:
        return {}
    try:
        return reader.read_many(wanted, privates)
    except Exception as exc:
        failure = as_provider_error(exc, translate)
        if isinstance(failure, FATAL_READ_ERRORS):
            raise failure from exc
        return dict.fromkeys(wanted, failure)


def read_kind(
    reader: Reader, refs: list[tuple[int, Any]], translate: Translate | None = None
) -> Iterator[provider_pb2.ReadResult]:
    """One kind's refs, read in one batch: per-ref not_found / error / resource."""
    ids = _ids_of(reader, refs, translate)
    wanted = sorted({v for v in ids.values() if isinstance(v, str)})
    privates: Mapping[str, bytes] = {ref.id: ref.private for _, ref in refs if ref.id}
    found = _read_batch(reader, wanted, privates, translate)
    for index, _ in refs:
        target = ids.get(index)
        outcome = found.get(target) if isinstance(target, str) else target
        if outcome is None:
            yield provider_pb2.ReadResult(index=index, not_found=True)
        elif isinstance(outcome, Exception):
            error = as_provider_error(outcome, translate)
            if isinstance(error, FATAL_READ_ERRORS):
                raise error
            yield provider_pb2.ReadResult(index=index, error=error.to_detail())
        else:
            resource = pb.Resource(**{reader.field: outcome})
            yield provider_pb2.ReadResult(index=index, resource=resource)

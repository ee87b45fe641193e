"""What a plugin writes per resource kind: a `KindHandler`. The SDK makes the RPCs from it.

    class Buckets(KindHandler):
        field = "bucket"                          # the kind: a pb.Resource oneof field

        def __init__(self, clients): self.clients = clients
        def create(self, config, token): ...      # -> pb.Bucket (find by token first!)
        def read_many(self, ids, privates): ...   # -> {id: pb.Bucket | Exception}
        def find_by_token(self, token): ...       # -> id | None
        def update(self, request): ...           # UpdateBucketRequest -> pb.Bucket
        def delete(self, resource_id): ...        # NotFound when gone; blocks until gone
        def list(self, filters): ...              # dict[str, str] -> Iterable[pb.Bucket]

The servicer built by `servicers.servicers_for([...])` answers, for a kind:

    Create<K>(config, idempotency_token)  -> create(config, token)
        (volume_attachment has no config message: AttachVolume passes the whole request)
        (`resuming_interrupted()` is true inside it when the request resumes a crashed create)
    Get<K>(id, private)                  -> get(id, private)    default: read_one
    Update<K>(id, private, config, changed) -> update(request)
    Delete<K>(id)                        -> delete(id)          (DeleteResponse for you)
    List<K>s(filters)                    -> list(filters)
    Discover<K>s(filters)                -> discover(filters)   default: list(filters)
    Adopt<K>(id)                         -> adopt(id)           default: get(id, b"")

A verb left out answers UNIMPLEMENTED. Functions instead of a class: `KindFunctions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.kinds import KindSpec, kind_spec
from genesys_plugin_sdk.reads import read_one

# Set by the generated servicer for the duration of one Create<K> call (servicers._unary).
RESUMING_INTERRUPTED: ContextVar[bool] = ContextVar("resume_interrupted", default=False)


def resuming_interrupted() -> bool:
    """True inside a create whose request sets `resume_interrupted`: the core resumes a
    create a crashed run left in flight, with its token. That create may have made the
    resource without its token marker, so one with the requested name and no owner marker at
    all may be claimed as its result (the protocol's create contract)."""
    return RESUMING_INTERRUPTED.get()


class KindHandler:
    """Base class of a kind's implementation; override the verbs the cloud offers."""

    # The kind, e.g. "instance" (a pb.Resource oneof field): set it in each subclass. No
    # default here, or it would become a default of KindFunctions' first dataclass field.
    field: str

    @property
    def spec(self) -> KindSpec:
        return kind_spec(self.field)

    @property
    def label(self) -> str:
        return self.spec.label

    def _unimplemented(self, verb: str) -> errors.Unimplemented:
        return errors.Unimplemented(f"{verb} of a {self.label} is not offered by this provider")

    def create(self, config: Any, token: str) -> Any:
        raise self._unimplemented("create")

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raise self._unimplemented("read")

    def find_by_token(self, token: str) -> str | None:
        raise self._unimplemented("lookup by idempotency token")

    def get(self, resource_id: str, private: bytes = b"") -> Any:
        return read_one(self, resource_id, private)

    def update(self, request: Any) -> Any:
        raise self._unimplemented("update")

    def delete(self, resource_id: str) -> None:
        raise self._unimplemented("delete")

    def list(self, filters: Mapping[str, str]) -> Iterable[Any]:
        raise self._unimplemented("list")

    def discover(self, filters: Mapping[str, str]) -> Iterable[Any]:
        return self.list(filters)

    def adopt(self, resource_id: str) -> Any:
        return self.get(resource_id, b"")


def _missing(field: str, verb: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        label = field.replace("_", " ")
        raise errors.Unimplemented(f"{verb} of a {label} is not offered by this provider")

    return refuse


@dataclass
class KindFunctions(KindHandler):
    """A KindHandler from plain callables (bind the cloud client with a lambda or partial).

    Unset verbs answer UNIMPLEMENTED, except get/adopt/discover, which default as in
    KindHandler (read_one / get / list).
    """

    field: str  # the kind: oneof field of pb.Resource, e.g. "instance"
    read_many_fn: Callable[[list[str], Mapping[str, bytes]], dict[str, Any]]
    find_by_token_fn: Callable[[str], str | None] | None = None
    create_fn: Callable[[Any, str], Any] | None = None
    update_fn: Callable[[Any], Any] | None = None
    delete_fn: Callable[[str], None] | None = None
    list_fn: Callable[[Mapping[str, str]], Iterable[Any]] | None = None
    discover_fn: Callable[[Mapping[str, str]], Iterable[Any]] | None = None
    get_fn: Callable[[str, bytes], Any] | None = None
    adopt_fn: Callable[[str], Any] | None = None
    label_text: str = ""  # words for messages; default from the kind ("security group")

    def __post_init__(self) -> None:
        kind_spec(self.field)  # unknown kinds fail at declaration, not at the first call

    @property
    def label(self) -> str:
        return self.label_text or self.spec.label

    def _call(self, fn: Callable[..., Any] | None, verb: str, *args: Any) -> Any:
        if fn is None:
            return _missing(self.field, verb)(*args)
        return fn(*args)

    def create(self, config: Any, token: str) -> Any:
        return self._call(self.create_fn, "create", config, token)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return self.read_many_fn(ids, privates)

    def find_by_token(self, token: str) -> str | None:
        return self._call(self.find_by_token_fn, "lookup by idempotency token", token)  # type: ignore[no-any-return]

    def get(self, resource_id: str, private: bytes = b"") -> Any:
        if self.get_fn is not None:
            return self.get_fn(resource_id, private)
        return read_one(self, resource_id, private)

    def update(self, request: Any) -> Any:
        return self._call(self.update_fn, "update", request)

    def delete(self, resource_id: str) -> None:
        self._call(self.delete_fn, "delete", resource_id)

    def list(self, filters: Mapping[str, str]) -> Iterable[Any]:
        return self._call(self.list_fn, "list", filters)  # type: ignore[no-any-return]

    def discover(self, filters: Mapping[str, str]) -> Iterable[Any]:
        if self.discover_fn is not None:
            return self.discover_fn(filters)
        return self.list(filters)

    def adopt(self, resource_id: str) -> Any:
        if self.adopt_fn is not None:
            return self.adopt_fn(resource_id)
        return self.get(resource_id, b"")

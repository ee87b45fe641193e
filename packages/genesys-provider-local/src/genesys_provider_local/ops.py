"""The generic life cycle of a resource kind, over the registry.

`KindOps` implements the contract every resource RPC shares (see the comment atop each
service's .proto): idempotent creates by token with a durable intent row written before
anything real is made, NOT_FOUND on missing resources, in-place updates of the `changed`
attributes only, refusal to delete what others still use, streamed List/Discover. A kind
subclass only says how to make, observe, change and destroy its real thing (the hooks).
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from genesys_plugin_sdk import errors
from google.protobuf import struct_pb2
from google.protobuf.message import Message

from genesys_provider_local import processes, tables, validation
from genesys_provider_local.kinds import KINDS, is_repeated, kind_name
from genesys_provider_local.registry import CREATING, DELETING, FAILED, READY, Row
from genesys_provider_local.runtime import Runtime

_log = logging.getLogger("genesys_provider_local")

M = TypeVar("M", bound=Message)


class Dep(NamedTuple):
    """A resource this one needs: checked to exist on create/update, blocks its deletion."""

    path: str  # attribute path in the config, e.g. "subnet_id"
    kind: int
    id: str


def struct(**values: Any) -> struct_pb2.Struct:
    """A provider_data Struct from plain values (None values are left out)."""
    data = struct_pb2.Struct()
    data.update({k: v for k, v in values.items() if v is not None})
    return data


def top_field(path: str) -> str:
    """ "listeners[0].port" -> "listeners"."""
    return path.split(".")[0].split("[")[0]


def copy_field(target: Message, source: Message, name: str) -> None:
    field = target.DESCRIPTOR.fields_by_name[name]
    value = getattr(source, name)
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        getattr(target, name).clear()
        getattr(target, name).update(value)
    elif is_repeated(field):
        del getattr(target, name)[:]
        getattr(target, name).extend(value)
    elif field.message_type is not None:
        getattr(target, name).CopyFrom(value)
    else:
        setattr(target, name, value)


# present(): up to this many names, a stat each; more, one directory scan.
_STAT_EACH_UP_TO = 5000
_OWN_PID = os.getpid()
_OWN_START = processes.start_time(_OWN_PID)


def is_stale(row: Row, in_flight: set[str]) -> bool:
    """An intent (CREATING row) whose create no longer runs anywhere: a crash's leftover."""
    if row.status != CREATING:
        return False
    pid, started = int(row.aux.get("owner_pid", 0)), str(row.aux.get("owner_start", ""))
    if pid == _OWN_PID and started == _OWN_START:
        return row.id not in in_flight
    return not processes.is_alive(pid, started)


class KindOps(Generic[M]):
    kind: ClassVar[int]

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        info = KINDS[self.kind]
        self.field = info.field
        self.message: type[M] = info.message  # type: ignore[assignment]
        self.label = kind_name(self.kind)
        self.force_new = tables.FORCE_NEW[self.field]

    # ------------------------------------------------------------------ hooks

    def new_id(self, config: Any) -> str:
        return f"{KINDS[self.kind].id_prefix}{secrets.token_hex(6)}"

    def dependencies(self, desired: Any) -> list[Dep]:
        """What `desired` (a Config or the resource message) points at."""
        return []

    def reserve(self, rid: str, config: Any) -> None:
        """Claims shared things (address ranges, IPs) inside the create transaction."""

    def build(self, rid: str, config: Any) -> tuple[M, dict[str, Any]]:
        """Makes the real thing; returns its message and the aux facts to record."""
        raise NotImplementedError

    def destroy(self, rid: str, message: M | None) -> None:
        """Removes the real thing; must also clean the leftovers of a half-made create."""

    def observe(self, row: Row) -> bytes | None:
        """The resource's current message bytes, or None when it no longer exists."""
        return row.body

    def observe_many(self, rows: list[Row]) -> list[bytes | None]:
        """observe() for many rows at once (batch reads); kinds may do it in one query."""
        return [self.observe(row) for row in rows]

    def on_update(
        self, rid: str, message: M, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        """Real effects of an in-place update; `message` already holds the new values."""
        return aux

    def discover_extra(self) -> Iterator[M]:
        """Resources that exist on disk but not in the registry."""
        return iter(())

    def adopt_extra(self, rid: str) -> M | None:
        return None

    # ------------------------------------------------------------------ helpers

    def path(self, *parts: str) -> Path:
        return self.rt.root.joinpath(*parts)

    def present(self, category: str, names: Collection[str]) -> set[str]:
        """Which of `names` exist in <root>/<category>. A batch read asks about a page of
        names while the directory may hold 100 times more: a stat per name costs the same
        per page however large the directory, a scan per page would grow with it (quadratic
        over a whole refresh). Only a request for very many names scans, once."""
        parent = self.rt.root / category
        if len(names) <= _STAT_EACH_UP_TO:
            base = str(parent)
            return {name for name in names if os.path.lexists(os.path.join(base, name))}
        try:
            with os.scandir(parent) as entries:
                return {entry.name for entry in entries} & set(names)
        except FileNotFoundError:
            return set()

    def check(self, config: Message, fields: set[str] | None = None) -> None:
        for path, message, severity in validation.problems(self.field, config):
            if severity == validation.ERROR and (fields is None or top_field(path) in fields):
                raise errors.InvalidArgument(message, attribute_path=f"config.{path}")

    def check_deps(self, deps: Iterable[Dep]) -> list[str]:
        ids = []
        for dep in deps:
            row = self.rt.registry.get(dep.id)
            if row is None or row.kind != dep.kind or row.status != READY:
                raise errors.InvalidArgument(
                    f"{kind_name(dep.kind)} {dep.id!r} does not exist",
                    attribute_path=f"config.{dep.path}",
                )
            ids.append(dep.id)
        return ids

    def load(self, rid: str) -> Row:
        row = self.rt.registry.get(rid) if rid else None
        if row is None or row.kind != self.kind or row.status == CREATING:
            raise errors.NotFound(f"{self.label} {rid!r} does not exist")
        return row

    def read(self, row: Row) -> M:
        body = self.observe(row)
        if body is None:
            raise errors.NotFound(f"{self.label} {row.id!r} no longer exists")
        return self.message.FromString(body)

    # ------------------------------------------------------------------ create

    def create(self, config: Any, token: str) -> M:
        self.rt.gate(mutating=True)
        if token:
            existing = self._existing_for_token(token)
            if existing is not None:
                return existing
        self.check(config)
        rid = self.new_id(config)
        for attempt in (1, 2):
            try:
                self._record_intent(rid, config, token)
                break
            except sqlite3.IntegrityError:
                if token and (existing := self._existing_for_token(token)) is not None:
                    return existing
                if attempt == 1 and self._is_leftover(rid):
                    self.abandon(rid, config.name)  # a crashed create's or a deleted one's
                    continue
                raise errors.AlreadyExists(f"{self.label} {rid!r} already exists") from None
        return self._build(rid, config)

    def _record_intent(self, rid: str, config: Any, token: str) -> None:
        """The durable intent row, its dependencies and reservations, in one transaction."""
        registry = self.rt.registry
        owner = {"owner_pid": _OWN_PID, "owner_start": _OWN_START}
        with registry.transaction():
            row = Row(rid, self.kind, config.name, token or None, CREATING, b"", owner)
            registry.insert(row)
            # Marked in flight inside the transaction: no other thread can see the row
            # before the mark, so none mistakes it for a crashed create's leftover.
            self.rt.in_flight.add(rid)
            try:
                registry.set_refs(rid, self.check_deps(self.dependencies(config)))
                self.reserve(rid, config)
            except BaseException:
                self.rt.in_flight.discard(rid)
                raise

    def _is_leftover(self, rid: str) -> bool:
        """A row holding `rid` for nothing: a crashed create's intent, or a resource deleted
        outside of Genesys (read already says NOT_FOUND, so create must agree it is free)."""
        row = self.rt.registry.get(rid)
        if row is None or row.kind != self.kind:
            return False
        if row.status == READY:
            return self.observe(row) is None
        return is_stale(row, self.rt.in_flight)

    def _existing_for_token(self, token: str) -> M | None:
        row = self.rt.registry.by_token(token)
        if row is None:
            return None
        if row.kind != self.kind:
            raise errors.InvalidArgument(
                f"idempotency token {token!r} already made a {kind_name(row.kind)}",
                attribute_path="idempotency_token",
            )
        if row.status == DELETING or (
            row.status == CREATING and not is_stale(row, self.rt.in_flight)
        ):
            raise errors.Unavailable(f"{self.label} {row.id!r} is being created or deleted")
        if row.status == READY:
            body = self.observe(row)
            if body is not None:
                return self.message.FromString(body)
        # An intent left by a crash, a failed create, or a resource gone since: clean up
        # whatever is left and create afresh (still only one resource for this token).
        self.abandon(row.id, row.name)
        return None

    def _build(self, rid: str, config: Any) -> M:
        try:
            message, aux = self.build(rid, config)
            message.id = rid  # type: ignore[attr-defined]
            body = message.SerializeToString()
            self.rt.registry.save(rid, status=READY, body=body, aux=aux, name=config.name)
            return message
        except BaseException as exc:
            self.abandon(rid, config.name)
            if isinstance(exc, OSError):
                raise errors.FailedPrecondition(
                    f"could not create {self.label} {config.name!r}: {exc}"
                ) from None
            raise
        finally:
            self.rt.in_flight.discard(rid)

    def abandon(self, rid: str, name: str) -> None:
        """Cleans a half-made resource; keeps it findable (FAILED) if cleaning fails."""
        try:
            self.destroy(rid, None)
        except Exception:
            _log.exception("could not clean up half-made %s %s", self.label, rid)
            stub = self.message(id=rid, name=name)  # type: ignore[call-arg]
            self.rt.registry.save(
                rid, status=FAILED, body=stub.SerializeToString(), aux={}, name=name
            )
            return
        self.rt.registry.forget(rid)

    # ------------------------------------------------------------------ read, update, delete

    def get(self, rid: str) -> M:
        self.rt.gate(mutating=False)
        return self.read(self.load(rid))

    def update(self, rid: str, config: Any, changed: Iterable[str]) -> M:
        self.rt.gate(mutating=True)
        row = self.load(rid)
        if row.status != READY:
            raise errors.FailedPrecondition(f"{self.label} {rid!r} is {row.status}")
        fields = self._fields(config, changed)
        self.check(config, fields)
        message = self.read(row)
        for name in fields & set(message.DESCRIPTOR.fields_by_name):
            copy_field(message, config, name)
        dep_ids = self.check_deps(self.dependencies(message))
        aux = self.on_update(rid, message, dict(row.aux), config, fields)
        registry = self.rt.registry
        with registry.transaction():
            body = message.SerializeToString()
            registry.save(rid, status=READY, body=body, aux=aux, name=message.name)  # type: ignore[attr-defined]
            registry.set_refs(rid, dep_ids)
        return message

    def _fields(self, config: Message, changed: Iterable[str]) -> set[str]:
        known = set(config.DESCRIPTOR.fields_by_name)
        fields = {top_field(path) for path in changed} or (known - self.force_new)
        for name in sorted(fields):
            if name not in known:
                raise errors.InvalidArgument(
                    f"{self.label} has no attribute {name!r}", attribute_path="changed"
                )
            if name in self.force_new:
                raise errors.InvalidArgument(
                    f"{name} of a {self.label} cannot change in place: it must be replaced",
                    attribute_path=f"config.{name}",
                )
        return fields

    def delete(self, rid: str) -> None:
        self.rt.gate(mutating=True)
        row = self.load(rid)
        registry = self.rt.registry
        with registry.transaction():
            users = registry.users_of(rid)
            if users:
                raise errors.FailedPrecondition(
                    f"{self.label} {rid!r} is in use by {', '.join(users[:5])}: "
                    "delete or detach those first"
                )
            registry.set_status(rid, DELETING)
        message = self.message.FromString(row.body) if row.status == READY else None
        try:
            self.destroy(rid, message)
        except BaseException:
            registry.set_status(rid, row.status)
            raise
        registry.forget(rid)

    # ------------------------------------------------------------------ list, discover, adopt

    def list(self, filters: Mapping[str, str]) -> Iterator[M]:
        self.rt.gate(mutating=False)
        match = self._matcher(dict(filters))
        for row in self.rt.registry.of_kind(self.kind, filters.get("name")):
            if row.status == CREATING:
                continue
            body = self.observe(row)
            if body is None:
                continue
            message = self.message.FromString(body)
            if match(row, message):
                yield message

    def discover(self, filters: Mapping[str, str]) -> Iterator[M]:
        yield from self.list(filters)
        match = self._matcher(dict(filters))
        for message in self.discover_extra():
            stub = Row(message.id, self.kind, message.name, None, READY, b"")  # type: ignore[attr-defined]
            if match(stub, message):
                yield message

    def adopt(self, rid: str) -> M:
        self.rt.gate(mutating=False)
        row = self.rt.registry.get(rid) if rid else None
        if row is not None and row.kind == self.kind and row.status != CREATING:
            return self.read(row)
        adopted = self.adopt_extra(rid) if rid else None
        if adopted is None:
            raise errors.NotFound(f"{self.label} {rid!r} does not exist")
        return adopted

    def _matcher(self, filters: dict[str, str]) -> Callable[[Row, Message], bool]:
        for key in filters:
            if key not in ("name", "id") and not key.startswith("tag:"):
                raise errors.InvalidArgument(
                    f"unknown filter {key!r} (the local provider filters on name, id and "
                    "tag:<key>)",
                    attribute_path=f"filters.{key}",
                )

        def match(row: Row, message: Message) -> bool:
            tags = getattr(message, "tags", {})
            for key, value in filters.items():
                if key == "name" and row.name != value:
                    return False
                if key == "id" and row.id != value:
                    return False
                if key.startswith("tag:") and tags.get(key[4:]) != value:
                    return False
            return True

        return match

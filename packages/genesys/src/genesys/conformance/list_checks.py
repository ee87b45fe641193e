"""List filters and name clashes: what `genesys discover --filter` and a second create rely on.

The protocol asks every List<Kind>s to accept at least `name` and `tag:<key>` filters and to
refuse an unknown filter key with INVALID_ARGUMENT; and a create of a name already taken by a
resource another token made to fail with ALREADY_EXISTS (checked on kinds whose names are
unique in every cloud, so a provider is never asked for a rule its cloud does not have).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.conformance import kindrpc
from genesys.conformance.kindrpc import check_name, has_field
from genesys.conformance.session import CheckFailed, Created, Session, error_summary, expect
from genesys.kinds import Kind
from genesys.provider.v1 import common_pb2 as pb

# Kinds whose names are unique per account (or globally) on every cloud we know.
UNIQUE_NAME_KINDS = ("bucket",)
TAG_KEY = "genesys-conformance"
UNKNOWN_FILTER = "genesys-conformance-no-such-filter"


def list_checks(
    s: Session, kind: Kind, made: Created | None
) -> list[tuple[str, Callable[[], Any]]]:
    """`list`, `list filtered by tag`, `list filtered by name`, `list with an unknown filter`."""
    m: Any = made
    checks: list[tuple[str, Callable[[], Any]]] = [
        (check_name(kind, "list"), lambda: _check_listed(s, m))
    ]
    if has_field(kind.message(), "tags"):
        checks.append((check_name(kind, "list filtered by tag"), lambda: _check_tag_filter(s, m)))
    if has_field(kind.message(), "name"):
        checks.append((check_name(kind, "list filtered by name"), lambda: _check_name_filter(s, m)))
    checks.append(
        (check_name(kind, "list with an unknown filter -> InvalidArgument"), lambda: _unknown(s, m))
    )
    return checks


def _listed(s: Session, kind: Kind, filters: dict[str, str]) -> list[Any]:
    return s.stream(kind.service, kind.rpc("list"), pb.ListRequest(filters=filters))


def _check_listed(s: Session, made: Created) -> None:
    ids = [r.id for r in _listed(s, made.kind, {})]
    expect(made.id in ids, f"{made.id!r} is not among the {len(ids)} listed")


def _check_tag_filter(s: Session, made: Created) -> None:
    found = _listed(s, made.kind, {f"tag:{TAG_KEY}": s.run_id})
    ids = [r.id for r in found]
    expect(made.id in ids, f"tag:{TAG_KEY}={s.run_id} did not list {made.id!r}")
    strays = [r.id for r in found if dict(r.tags).get(TAG_KEY) != s.run_id]
    expect(not strays, f"also listed resources without the tag: {', '.join(strays[:5])}")
    nobody = _listed(s, made.kind, {f"tag:{TAG_KEY}": f"{s.run_id}-nobody"})
    expect(made.id not in [r.id for r in nobody], "a tag value nobody has still listed it")


def _check_name_filter(s: Session, made: Created) -> None:
    name = made.message.name
    found = _listed(s, made.kind, {"name": name})
    expect(made.id in [r.id for r in found], f"name={name} did not list {made.id!r}")
    strays = [r.id for r in found if r.name != name]
    expect(not strays, f"also listed resources of other names: {', '.join(strays[:5])}")
    nobody = _listed(s, made.kind, {"name": f"{name}-nobody"})
    expect(made.id not in [r.id for r in nobody], "a name nobody has still listed it")


def _unknown(s: Session, made: Created) -> None:
    from genesys_plugin_sdk.errors import InvalidArgument

    try:
        found = _listed(s, made.kind, {UNKNOWN_FILTER: "x"})
    except InvalidArgument:
        return
    except Exception as err:
        raise CheckFailed(f"expected InvalidArgument, got {error_summary(err)}") from err
    raise CheckFailed(f"ignored the unknown filter key and listed {len(found)}")


def check_duplicate(s: Session, made: Created) -> None:
    """A create of a taken name with a new token: ALREADY_EXISTS, never a second resource."""
    from genesys_plugin_sdk.errors import AlreadyExists

    assert made.config is not None
    token = s.token(made.kind, "duplicate")
    try:
        again = kindrpc.create(s, made.kind, made.config, token)
    except AlreadyExists:
        return
    except Exception as err:
        raise CheckFailed(f"expected AlreadyExists, got {error_summary(err)}") from err
    if again.id != made.id:
        s.remember(made.kind, again, token, made.config)
        raise CheckFailed(f"created a second resource {again.id!r} of the same name")
    raise CheckFailed("answered the existing resource to a different idempotency token")

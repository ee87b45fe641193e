"""Per-kind lifecycle checks: create, get, idempotent create, update, list, then delete.

Creation runs kind by kind in dependency order (`samples.SAMPLES`); deletion runs later in
reverse, so children go before their parents. Every resource a create returns is recorded
in the session before anything is asserted about it, so cleanup finds it even when a check
fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.conformance import kindrpc
from genesys.conformance.kindrpc import check_name, field_value, has_field, has_rpc
from genesys.conformance.list_checks import UNIQUE_NAME_KINDS, check_duplicate, list_checks
from genesys.conformance.samples import SAMPLES, Parents, Sample
from genesys.conformance.session import CheckFailed, Created, Session, error_summary, expect
from genesys.kinds import KINDS, Kind
from google.protobuf.message import Message

# Fields that may legitimately differ between a create's answer and a later read.
VOLATILE_FIELDS = frozenset({"state", "provider_data", "private", "password"})


def missing_id(s: Session) -> str:
    """An id no provider has made: the run id makes it unique, the shape keeps it plausible."""
    return f"genesys-conformance-missing-{s.run_id}"


def expect_not_found(call: Callable[[], Any]) -> None:
    """Passes only when `call` raises the typed NotFound error."""
    from genesys_plugin_sdk.errors import NotFound

    try:
        answer = call()
    except NotFound:
        return
    except CheckFailed:
        raise
    except Exception as err:
        raise CheckFailed(f"expected NotFound, got {error_summary(err)}") from err
    raise CheckFailed(f"expected NotFound, got an answer ({_summary(answer)})")


# ---------------------------------------------------------------------- create phase


def create_kinds(s: Session) -> None:
    """Runs the create-side checks for every declared kind, in dependency order."""
    for sample in declared_samples(s):
        _create_kind(s, sample)


def _create_kind(s: Session, sample: Sample) -> None:
    kind = KINDS[sample.kind]
    s.check(
        check_name(kind, "get of unknown id -> NotFound"),
        lambda: expect_not_found(lambda: kindrpc.get(s, kind, missing_id(s))),
    )
    parents, blocked = _parents(s, sample)
    made = None
    if blocked:
        s.not_run([check_name(kind, "create")], blocked)
    else:
        made = s.check(check_name(kind, "create"), lambda: _create(s, kind, sample, parents))
    later = _after_create(s, kind, made)
    if made is None:
        s.missing[kind.name] = blocked or f"needs a {kind.name}, whose create failed"
        s.not_run([name for name, _ in later], s.missing[kind.name])
        return
    s.primary[kind.name] = made
    for name, fn in later:
        s.check(name, fn)


def _after_create(
    s: Session, kind: Kind, made: Created | None
) -> list[tuple[str, Callable[[], Any]]]:
    """The checks on a created resource, by name (listed even when the create failed)."""
    m: Any = made
    checks: list[tuple[str, Callable[[], Any]]] = [
        (check_name(kind, "get"), lambda: _check_get(s, m)),
        (check_name(kind, "idempotent create"), lambda: _check_idempotent(s, m)),
    ]
    if kind.name in UNIQUE_NAME_KINDS:
        checks.append(
            (
                check_name(kind, "duplicate name, new token -> AlreadyExists"),
                lambda: check_duplicate(s, m),
            )
        )
    if _updatable_tags(s, kind):
        checks.append((check_name(kind, "update"), lambda: _check_update(s, m)))
    if has_rpc(kind, "list"):
        checks += list_checks(s, kind, m)
    return checks


def _updatable_tags(s: Session, kind: Kind) -> bool:
    return (
        kind.updatable
        and has_rpc(kind, "update")
        and kind.config is not None
        and "tags" in kind.config.DESCRIPTOR.fields_by_name
        and "tags" not in _force_new(s, kind)
    )


def _force_new(s: Session, kind: Kind) -> set[str]:
    """Attributes the schema says a change of replaces the resource (never updated in place)."""
    for kind_schema in getattr(s.schema, "kinds", ()):
        if kind_schema.kind == kind.enum:
            return {a.name for a in kind_schema.attributes if a.force_new}
    return set()


def _parents(s: Session, sample: Sample) -> tuple[Parents, str]:
    """The created resources this sample builds on, or why it cannot be built."""
    for needed in sample.requires:
        if needed not in s.declared:
            return {}, f"needs {needed}, which the provider does not declare"
        if needed not in s.primary:
            return {}, f"needs {needed}, whose create failed"
    wanted = sample.requires + sample.uses
    return {name: s.primary[name] for name in wanted if name in s.primary}, ""


def _create(s: Session, kind: Kind, sample: Sample, parents: Parents) -> Created:
    config = sample.build(s, parents)
    token = s.token(kind)
    answer = kindrpc.create(s, kind, config, token)
    made = s.remember(kind, answer, token, config)
    expect(bool(made.id), "the created resource has no id")
    mismatches = requested_mismatches(config, answer)
    expect(not mismatches, "does not reflect the request: " + "; ".join(mismatches))
    return made


def _check_get(s: Session, made: Created) -> None:
    got = kindrpc.get(s, made.kind, made.id, made.private)
    expect(got.id == made.id, f"get returned id {got.id!r}, expected {made.id!r}")
    differences = [
        f"{name}: create said {field_value(made.message, name)!r}, get says {value!r}"
        for name, value in _comparable_fields(got).items()
        if field_value(made.message, name) != value
    ]
    expect(not differences, "get differs from create: " + "; ".join(differences))


def _check_idempotent(s: Session, made: Created) -> None:
    assert made.config is not None
    again = kindrpc.create(s, made.kind, made.config, made.token)
    if again.id != made.id:
        s.remember(made.kind, again, made.token, made.config)
        raise CheckFailed(
            f"the same idempotency token created a second resource ({again.id!r} besides "
            f"{made.id!r})"
        )
    if not has_rpc(made.kind, "list"):
        return
    name = getattr(made.config, "name", "")
    ours = [r for r in kindrpc.list_all(s, made.kind) if r.id == made.id or _named(r, name)]
    expect(len(ours) == 1, f"list shows {len(ours)} resources named {name!r}, expected 1")


def _check_update(s: Session, made: Created) -> None:
    assert made.config is not None
    config = type(made.config)()
    config.CopyFrom(made.config)
    wanted = s.tags(phase="updated")
    config.tags.clear()  # type: ignore[attr-defined]
    config.tags.update(wanted)  # type: ignore[attr-defined]
    answer = kindrpc.update(s, made, config, ["tags"])
    expect(_has_tags(answer, wanted), f"update answered tags {dict(answer.tags)!r}")
    made.config = config
    made.private = kindrpc.private_of(answer) or made.private
    got = kindrpc.get(s, made.kind, made.id, made.private)
    expect(_has_tags(got, wanted), f"get after update shows tags {dict(got.tags)!r}")
    made.message = got


# ---------------------------------------------------------------------- delete phase


DELETE_CHECKS = ("delete", "get after delete -> NotFound", "delete again -> NotFound or OK")


def delete_kinds(s: Session) -> None:
    """Deletes what the create phase made, children first, checking NotFound afterwards."""
    for sample in reversed(declared_samples(s)):
        kind = KINDS[sample.kind]
        made = s.primary.get(kind.name)
        if made is None:
            s.not_run([check_name(kind, what) for what in DELETE_CHECKS], s.missing[kind.name])
        else:
            _delete_kind(s, made)


def declared_samples(s: Session) -> list[Sample]:
    """The samples of the kinds the plugin declares, in dependency order."""
    return [sample for sample in SAMPLES if sample.kind in s.declared]


def _delete_kind(s: Session, made: Created) -> None:
    kind = made.kind
    deleted = s.check(check_name(kind, "delete"), lambda: _delete(s, made))
    if deleted is None:
        s.not_run([check_name(kind, what) for what in DELETE_CHECKS[1:]], "its delete failed")
        return
    s.check(
        check_name(kind, "get after delete -> NotFound"),
        lambda: expect_not_found(lambda: kindrpc.get(s, kind, made.id, made.private)),
    )
    s.check(check_name(kind, "delete again -> NotFound or OK"), lambda: _delete_again(s, made))


def _delete(s: Session, made: Created) -> bool:
    kindrpc.delete(s, made.kind, made.id, made.private)
    made.gone = True
    return True


def _delete_again(s: Session, made: Created) -> None:
    from genesys_plugin_sdk.errors import NotFound

    try:
        kindrpc.delete(s, made.kind, made.id, made.private)
    except NotFound:
        return


def clean_up(s: Session) -> list[str]:
    """Deletes everything still recorded as existing; returns what could not be deleted."""
    from genesys_plugin_sdk.errors import NotFound

    left: list[str] = []
    for made in reversed(s.created):
        if made.gone:
            continue
        if s.plugin_died():
            left.append(f"{made.kind.name} {made.id} (the plugin died)")
            continue
        try:
            kindrpc.delete(s, made.kind, made.id, made.private)
        except NotFound:
            pass
        except Exception as err:  # keep cleaning the rest; report what stays
            left.append(f"{made.kind.name} {made.id} ({type(err).__name__}: {err})")
            continue
        made.gone = True
    return left


# ---------------------------------------------------------------------- comparisons


def requested_mismatches(config: Message | None, answer: Message) -> list[str]:
    """Attributes set in the request that the resource does not carry as asked."""
    if config is None:
        return []
    problems = []
    for field in config.DESCRIPTOR.fields:
        if not has_field(answer, field.name) or (field.message_type and not _is_map(field)):
            continue  # nested configs (code, lifecycle, ...) are the provider's to shape
        asked = field_value(config, field.name)
        if not asked:
            continue  # unset: the provider picks
        got = field_value(answer, field.name)
        if not _reflects(asked, got):
            problems.append(f"{field.name}: asked {asked!r}, got {got!r}")
    return problems


def _reflects(asked: Any, got: Any) -> bool:
    if isinstance(asked, dict):  # providers may add their own tags
        return all(got.get(k) == v for k, v in asked.items())
    if isinstance(asked, list):
        return (
            len(asked) == len(got)
            if asked and isinstance(asked[0], Message)
            else (sorted(asked) == sorted(got))
        )
    return bool(asked == got)


def _is_map(field: Any) -> bool:
    return bool(field.message_type and field.message_type.GetOptions().map_entry)


def _comparable_fields(message: Message) -> dict[str, Any]:
    return {
        f.name: field_value(message, f.name)
        for f in message.DESCRIPTOR.fields
        if f.name not in VOLATILE_FIELDS
    }


def _named(resource: Any, name: str) -> bool:
    return bool(name) and has_field(resource, "name") and resource.name == name


def _has_tags(resource: Message, wanted: dict[str, str]) -> bool:
    tags = dict(getattr(resource, "tags", {}))
    return all(tags.get(k) == v for k, v in wanted.items())


def _summary(answer: Any) -> str:
    rid = getattr(answer, "id", "")
    return f"{type(answer).__name__} {rid!r}" if rid else type(answer).__name__

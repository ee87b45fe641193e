"""ValidateResources and PlanResources, sent the way `genesys validate` and `genesys plan` do.

Before anything exists, each kind's sample is validated and planned as a create: no prior,
and the ids of parents not yet made listed in `unknown_attributes` (absent from `desired`).
After the creates, each resource is planned again as unchanged: `desired` is what was asked
for, `prior` what was made (with its id). A plugin that ignores `prior` there (say, reporting
an existing subnet as overlapping itself) passes a fresh plan and fails the first plan
after an apply; this is what the second check catches.
"""

from __future__ import annotations

import re
from typing import Any

from genesys.conformance.crud_checks import declared_samples
from genesys.conformance.kindrpc import check_name
from genesys.conformance.samples import Sample
from genesys.conformance.session import Created, Session, expect
from genesys.kinds import KINDS, Kind
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from google.protobuf.message import Message

# Stands for a parent's id that is known only after apply; never sent to the plugin.
UNKNOWN_ID = "genesys-conformance-unknown-id"
VALIDATE = "validate the sample (ValidateResources)"
PLAN_CREATE = "plan a create (PlanResources, no prior)"
PLAN_PRIOR = "plan with prior, nothing changed (PlanResources)"
ERROR = pb.Diagnostic.SEVERITY_ERROR


def validate_and_plan_checks(s: Session) -> None:
    """Per declared kind: ValidateResources and a create's PlanResources of its sample."""
    for sample in declared_samples(s):
        kind = KINDS[sample.kind]
        s.check(check_name(kind, VALIDATE), lambda k=kind, x=sample: _validate(s, k, x))
        s.check(check_name(kind, PLAN_CREATE), lambda k=kind, x=sample: _plan_create(s, k, x))


def plan_with_prior_checks(s: Session) -> None:
    """Per created resource: a plan of it unchanged, with its recorded state as prior."""
    for sample in declared_samples(s):
        kind = KINDS[sample.kind]
        made = s.primary.get(kind.name)
        if made is None:
            s.not_run([check_name(kind, PLAN_PRIOR)], s.missing[kind.name])
        else:
            s.check(check_name(kind, PLAN_PRIOR), lambda m=made: _plan_unchanged(s, m))


def _validate(s: Session, kind: Kind, sample: Sample) -> None:
    desired, unknown = _fresh_desired(s, kind, sample)
    answer = _validated(s, desired)
    # As `genesys validate` does: a value known only after apply is not missing.
    _expect_no_errors(d for d in answer if top_field(d.attribute_path) not in unknown)
    stray = [d.index for d in answer if d.index not in (0, -1)]
    expect(not stray, f"diagnostics name resource indexes {stray} of a one-resource request")


def _validated(s: Session, desired: pb.Resource) -> list[Any]:
    request = provider_pb2.ValidateResourcesRequest(resources=[desired])
    return list(s.call("provider", "ValidateResources", request).diagnostics)


def top_field(path: str) -> str:
    """`config.listeners[0].port` -> `listeners` (how the core matches unknown attributes)."""
    return re.split(r"[.\[]", path.removeprefix("config."), maxsplit=1)[0]


def _plan_create(s: Session, kind: Kind, sample: Sample) -> None:
    desired, unknown = _fresh_desired(s, kind, sample)
    item = provider_pb2.PlanItem(
        address=f"conformance.{kind.name}", desired=desired, unknown_attributes=unknown
    )
    _expect_planned(s, kind, item)


def _plan_unchanged(s: Session, made: Created) -> None:
    assert made.config is not None
    desired = to_resource(made.kind, made.config)
    prior = pb.Resource(**{made.kind.oneof_field: made.message})
    item = provider_pb2.PlanItem(
        address=f"conformance.{made.kind.name}", desired=desired, prior=prior
    )
    # An error validation of the same resource also reports is about the sample itself
    # (e.g. a load balancer in one zone): the validate check names it. Only errors the plan
    # alone reports mean it misread prior.
    try:
        known = {_key(d) for d in _validated(s, desired) if d.severity == ERROR}
    except Exception:  # no ValidateResources: the validate check says so
        known = set()
    _expect_planned(s, made.kind, item, known)


def _expect_planned(
    s: Session,
    kind: Kind,
    item: provider_pb2.PlanItem,
    known: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> None:
    request = provider_pb2.PlanResourcesRequest(items=[item])
    answer = s.call("provider", "PlanResources", request)
    expect(len(answer.resources) == 1, f"{len(answer.resources)} results for one item")
    planned = answer.resources[0]
    expect(planned.index == 0, f"the result carries index {planned.index}, expected 0")
    _expect_no_errors(d for d in planned.diagnostics if _key(d) not in known)
    body = planned.translated.WhichOneof("body")
    expect(body in (None, kind.oneof_field), f"translated is a {body}, not a {kind.name}")


def _key(diagnostic: Any) -> tuple[str, str]:
    return (top_field(diagnostic.attribute_path), diagnostic.summary)


def _expect_no_errors(diagnostics: Any) -> None:
    errors = [d for d in diagnostics if d.severity == ERROR]
    expect(
        not errors,
        "error diagnostics: "
        + "; ".join(f"{d.attribute_path or '-'}: {d.summary}" for d in errors),
    )


def _fresh_desired(s: Session, kind: Kind, sample: Sample) -> tuple[pb.Resource, list[str]]:
    """The sample as a plan of a fresh config sees it: parents' ids unknown, so absent."""
    placeholders = {
        name: Created(KINDS[name], UNKNOWN_ID, b"", "", KINDS[name].message())
        for name in sample.requires + sample.uses
        if name in s.declared
    }
    desired = to_resource(kind, sample.build(s, placeholders))
    body = getattr(desired, kind.oneof_field)
    return desired, _drop_unknown(body)


def _drop_unknown(body: Message) -> list[str]:
    """Removes the placeholder ids from `body`; the attribute names it held, sorted."""
    unknown = []
    for field in body.DESCRIPTOR.fields:
        value = getattr(body, field.name)
        if value == UNKNOWN_ID:
            body.ClearField(field.name)
            unknown.append(field.name)
        elif (
            hasattr(value, "extend")
            and field.type == field.TYPE_STRING
            and UNKNOWN_ID in list(value)
        ):
            kept = [v for v in value if v != UNKNOWN_ID]
            del value[:]
            value.extend(kept)
            unknown.append(field.name)
    return sorted(unknown)


def to_resource(kind: Kind, config: Message) -> pb.Resource:
    """A create's config (or attach request) as the resource message plans carry."""
    resource = pb.Resource()
    body = getattr(resource, kind.oneof_field)
    names = body.DESCRIPTOR.fields_by_name
    for field, value in config.ListFields():
        if field.name not in names:
            continue
        target = getattr(body, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            target.update(value)
        elif hasattr(target, "extend"):
            target.extend(value)
        elif field.message_type is not None:
            target.CopyFrom(value)
        else:
            setattr(body, field.name, value)
    if "code" in config.DESCRIPTOR.fields_by_name and config.HasField("code"):
        body.code_sha256 = config.code.sha256  # type: ignore[attr-defined]
    body.SetInParent()
    return resource

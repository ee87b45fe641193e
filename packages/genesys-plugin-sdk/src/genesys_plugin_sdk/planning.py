"""PlanResources pieces every cloud repeats: cost lines, force-new comparison, and the
per-item plan (validate, translate, replacement, cost) around a plugin's own tables.

    def plan_item(index, item):                      # ProviderBase.plan_item
        return plan_resource(index, item, validate=validate, translate=translate,
                             force_new=FORCE_NEW, cost=cost_of)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2, provider_pb2
from google.protobuf.message import Message

HOURS_PER_MONTH = 730
# A check's finding: (Diagnostic severity, summary, attribute path).
Finding = tuple[Any, str, str]


def validate_kinds(
    checks: Mapping[str, Callable[[Any], Iterable[Finding]]], resource: Any, index: int
) -> list[common_pb2.Diagnostic]:
    """ValidateResources for one resource from a table of per-kind checks (`checks[kind]`
    gets the kind's message); an empty resource is an error, a kind with no check is fine."""
    which = resource.WhichOneof("body")
    if which is None:
        error = common_pb2.Diagnostic.SEVERITY_ERROR
        return [common_pb2.Diagnostic(severity=error, summary="empty resource", index=index)]
    check = checks.get(which)
    findings = check(getattr(resource, which)) if check else []
    return [
        common_pb2.Diagnostic(severity=severity, summary=summary, attribute_path=path, index=index)
        for severity, summary, path in findings
    ]


def unknown_cost(what: str) -> provider_pb2.CostEstimate:
    """A cost the price table does not know (`unknown`, naming what)."""
    return provider_pb2.CostEstimate(unknown=True, components=[f"no price known for {what}"])


def no_charge() -> provider_pb2.CostEstimate:
    return provider_pb2.CostEstimate(monthly_usd=0.0, components=["no charge"])


def usage_based(note: str) -> provider_pb2.CostEstimate:
    """Priced by use only: nothing monthly, the note says what is charged."""
    return provider_pb2.CostEstimate(monthly_usd=0.0, components=[f"usage-based: {note}"])


def hourly_cost(
    label: str,
    hourly: float | None,
    extra: float = 0.0,
    extra_label: str = "",
    hours: int = HOURS_PER_MONTH,
) -> provider_pb2.CostEstimate:
    """`hours` x `hourly` (+ a fixed monthly `extra`, shown as `extra_label`); unknown when
    `hourly` is None."""
    if hourly is None:
        return unknown_cost(label)
    components = [f"{label}: {hours} hours x ${hourly}"]
    if extra:
        components.append(extra_label)
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * hours + extra, 2), hourly_usd=hourly, components=components
    )


def changed_force_new(desired: Message, prior: Message, names: Iterable[str]) -> list[str]:
    """The force-new fields (sorted) whose desired value differs from the recorded one. An
    empty desired value (scalar, list, map or message) is the provider's choice, not a
    change; booleans always count."""
    changed = []
    for name in sorted(names):
        field = desired.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        want, have = getattr(desired, name), getattr(prior, name)
        if field.type == field.TYPE_BOOL:
            if bool(want) != bool(have):
                changed.append(name)
        elif not _is_empty(want) and _comparable(want) != _comparable(have):
            changed.append(name)
    return changed


def _is_empty(value: Any) -> bool:
    return value.ByteSize() == 0 if isinstance(value, Message) else not value


def _comparable(value: Any) -> Any:
    if isinstance(value, Message):
        return value.SerializeToString(deterministic=True)
    if isinstance(value, (str, int, float, bool, bytes)):
        return value
    return dict(value.items()) if hasattr(value, "items") else sorted(value)


def _root(path: str) -> str:
    """The top attribute of a path: `tags.env` -> `tags`, `ingress[0].cidr` -> `ingress`."""
    return path.split(".")[0].split("[")[0]


def plan_resource(
    index: int,
    item: Any,
    *,
    validate: Callable[[Any, int], Iterable[Any]],
    translate: Callable[[str, Any], None],
    force_new: Mapping[str, Iterable[str]],
    cost: Callable[[str, Any], provider_pb2.CostEstimate],
) -> provider_pb2.PlannedResource:
    """One PlanResources item: `validate(resource, index)` diagnostics (none about unknown
    attributes), the desired resource copied and `translate(kind, body)`d in place, the
    force-new fields changed from the prior (or unknown), and `cost(kind, translated body)`."""
    which = item.desired.WhichOneof("body")
    planned = provider_pb2.PlannedResource(index=index)
    unknown = {_root(path) for path in item.unknown_attributes}
    planned.diagnostics.extend(
        d for d in validate(item.desired, index) if _root(d.attribute_path) not in unknown
    )
    if which is None:
        return planned
    planned.translated.CopyFrom(item.desired)
    body = getattr(planned.translated, which)
    translate(which, body)
    if item.HasField("prior") and item.prior.WhichOneof("body") == which:
        names = tuple(force_new.get(which, ()))
        desired, prior = getattr(item.desired, which), getattr(item.prior, which)
        forced = set(changed_force_new(desired, prior, names)) | (set(names) & unknown)
        planned.requires_replace.extend(sorted(forced))
    planned.cost.CopyFrom(cost(which, body))
    return planned

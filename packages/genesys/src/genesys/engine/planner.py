"""Desired resources vs (refreshed) state -> a Plan.

Steps, each a function here: `refresh` reads every recorded resource back through the
plugin's batch read; `diff_resources` compares desired attributes (references resolved
against state, in dependency order, so a replaced resource makes its dependents' references
unknown) with what exists and decides create / update / replace / delete / no-op;
`annotate_with_provider` asks the plugin, in one batch call, for the provider's translation
of every changed resource (`medium` -> `t3.medium`), its monthly cost and its diagnostics.
"""

from __future__ import annotations

import functools
import graphlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.engine.convert import (
    RENAMED_WHEN_RECORDED,
    attributes_to_message,
    config_message,
    is_map,
    is_repeated,
    message_to_attributes,
    recorded_value,
)
from genesys.engine.plan import UNKNOWN, Action, AttributeChange, ResourceChange
from genesys.engine.references import PLAIN_TYPES, contains_unknown, references_in, resolve
from genesys.kinds import KINDS, kind_of
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys.redaction import SECRETS
from genesys.state import ResourceRecord
from genesys_plugin_sdk import errors as perr
from genesys_plugin_sdk.batching import read_results

READ_BATCH = 1000
READ_CONCURRENCY = 4


@dataclass
class ProviderFacts:
    """What the engine needs from a provider's schema, per kind name."""

    force_new: dict[str, frozenset[str]] = field(default_factory=dict)
    sensitive: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_schema(cls, schema: provider_pb2.ProviderSchema) -> ProviderFacts:
        facts = cls()
        for kind_schema in schema.kinds:
            kind = next((k for k in KINDS.values() if k.enum == kind_schema.kind), None)
            if kind is None:
                continue
            facts.force_new[kind.name] = frozenset(
                a.name for a in kind_schema.attributes if a.force_new
            )
            facts.sensitive[kind.name] = frozenset(
                a.name for a in kind_schema.attributes if a.sensitive
            )
        return facts


# ---------------------------------------------------------------- refresh


@dataclass
class RefreshResult:
    records: dict[str, ResourceRecord]
    gone: set[str]  # addresses whose resource no longer exists
    errors: dict[str, str]


def refresh(
    conn: Any, records: dict[str, ResourceRecord], *, concurrency: int = READ_CONCURRENCY
) -> RefreshResult:
    """Read every recorded resource back: batches of READ_BATCH refs, several batches in
    flight at once (a cloud answers each page of a batch read with its own latency)."""
    addresses = list(records)
    chunks = [addresses[i : i + READ_BATCH] for i in range(0, len(addresses), READ_BATCH)]
    result = RefreshResult(dict(records), set(), {})
    if len(chunks) <= 1 or concurrency <= 1:
        for chunk in chunks:
            _read_chunk(conn, records, chunk, result)
        return result
    with ThreadPoolExecutor(max_workers=min(concurrency, len(chunks))) as pool:
        for done in [pool.submit(_read_chunk, conn, records, c, result) for c in chunks]:
            done.result()
    return result


def _read_chunk(
    conn: Any, records: dict[str, ResourceRecord], chunk: list[str], result: RefreshResult
) -> None:
    # Each chunk writes distinct keys of the shared dicts/set: safe without a lock.
    request = provider_pb2.ReadResourcesRequest(refs=[_ref(records[a]) for a in chunk])
    for answer in read_results(conn.provider.ReadResources(request)):
        address = chunk[answer.index]
        if answer.not_found:
            result.gone.add(address)
        elif answer.HasField("error"):
            result.errors[address] = answer.error.message
        else:
            result.records[address] = _refreshed(records[address], answer.resource)


def drifted_attributes(recorded: ResourceRecord, refreshed: ResourceRecord) -> list[str]:
    """Config attributes whose value changed outside of Genesys since the last apply."""
    before, after = recorded.attributes, refreshed.attributes
    return [
        name
        for name, recorded_name in _compared_names(recorded.kind)
        if not _same(before.get(recorded_name), after.get(recorded_name))
    ]


@functools.cache
def _compared_names(kind: str) -> tuple[tuple[str, str], ...]:
    """(config attribute, its recorded name) of a kind, sorted by attribute."""
    return tuple((n, recorded_value(n, None)[0]) for n in sorted(KINDS[kind].config_fields))


def _ref(record: ResourceRecord) -> pb.ResourceRef:
    return pb.ResourceRef(kind=KINDS[record.kind].enum, id=record.id, private=record.private)


def _refreshed(record: ResourceRecord, resource: pb.Resource) -> ResourceRecord:
    message = getattr(resource, kind_of(resource).oneof_field)
    attributes = message_to_attributes(message)
    for name in record.sensitive:  # providers may not return secrets on read
        if name not in attributes and name in record.attributes:
            attributes[name] = record.attributes[name]
    private = message.private or record.private
    if attributes == record.attributes and private == record.private:
        return record  # nearly always: one copy of each resource in memory, not two
    return replace(record, attributes=attributes, private=private)


# ---------------------------------------------------------------- diff


def _is_empty(value: Any) -> bool:
    return (
        value is None or value == "" or value == 0 or value is False or value == [] or value == {}
    )


def _same(desired: Any, recorded: Any) -> bool:
    if type(desired) is type(recorded) and desired == recorded:
        return True  # the common case, decided without walking (equal is also "same")
    if isinstance(desired, dict) and isinstance(recorded, dict | type(None)):
        recorded = recorded or {}
        keys = set(desired) | set(recorded)
        return all(_same(desired.get(k), recorded.get(k)) for k in keys)
    if _is_empty(desired) and _is_empty(recorded):
        return True
    if isinstance(desired, list) and isinstance(recorded, list):
        return len(desired) == len(recorded) and all(map(_same, desired, recorded))
    return bool(desired == recorded)


def _topological(desired: dict[str, DesiredResource]) -> list[str]:
    if not any(resource.depends_on for resource in desired.values()):
        return list(desired)  # no edges: any order is one (a large flat config, quickly)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for address, resource in desired.items():
        sorter.add(address, *(d for d in resource.depends_on if d in desired))
    return list(sorter.static_order())


class _Differ:
    def __init__(
        self,
        records: dict[str, ResourceRecord],
        facts: ProviderFacts,
        identity: dict[str, str],
        made_as: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.records = records
        self.facts = facts
        self.identity = identity
        self.made_as = made_as or {}
        self.pending: set[str] = set()  # addresses created/replaced by this plan
        # Sensitive attributes of the desired resources diffed so far (topological order,
        # so a reference's target is always here before the resources reading it).
        self.secret: dict[str, frozenset[str]] = {}

    def is_secret(self, address: str, attribute: str) -> bool:
        """Whether `${address.attribute}` reads a secret (a whole one or a part of one)."""
        if not address:
            return False
        names = self.secret.get(address)
        if names is None:
            record = self.records.get(address)
            if record is None:
                return False
            names = frozenset(record.sensitive) | self.facts.sensitive.get(record.kind, frozenset())
        return any(n == attribute or n.startswith(attribute + ".") for n in names)

    def sensitive_of(self, resource: DesiredResource) -> frozenset[str]:
        """The schema's sensitive attributes, the config's, and every attribute whose value
        reads a secret through a reference (a secret inside a larger string makes the whole
        value secret)."""
        derived = {
            name
            for name, value in resource.attributes.items()
            if type(value) not in PLAIN_TYPES
            and any(self.is_secret(r.address, r.attribute) for r in references_in(value))
        }
        if not derived <= resource.sensitive:
            # Apply records what the desired resource marks sensitive (operations._record),
            # so the state and later plans keep hiding these values.
            resource.sensitive = resource.sensitive | derived
        record = self.records.get(resource.address)
        names = self.facts.sensitive.get(resource.kind, frozenset())
        if resource.sensitive:
            names = names | resource.sensitive
        if record is not None and record.kind == resource.kind and record.sensitive:
            names = names | frozenset(record.sensitive)
        self.secret[resource.address] = names
        return names

    def lookup(self, address: str, attribute: str) -> Any:
        if not address:
            return self.identity.get(attribute, UNKNOWN)
        record = self.records.get(address)
        if record is None or address in self.pending:
            return UNKNOWN
        return record.attributes.get(attribute, "")

    def change_for(self, resource: DesiredResource) -> ResourceChange:
        lookup = self.lookup
        after = {
            k: v if type(v) in PLAIN_TYPES else resolve(v, lookup)
            for k, v in resource.attributes.items()
        }
        record = self.records.get(resource.address)
        change = ResourceChange(
            resource.address, resource.kind, Action.CREATE, resource, record, after
        )
        change.sensitive = self.sensitive_of(resource)
        SECRETS.add_attributes(after, change.sensitive)
        if record is None or record.kind != resource.kind:
            change.action = Action.CREATE if record is None else Action.REPLACE
            self.pending.add(resource.address)
            return change
        change.attribute_changes = self._attribute_changes(
            resource, after, record, change.sensitive
        )
        if not change.attribute_changes:
            change.action = Action.NOOP
        elif any(c.forces_replacement for c in change.attribute_changes):
            change.action = Action.REPLACE
            self.pending.add(resource.address)
        else:
            change.action = Action.UPDATE
        return change

    def _attribute_changes(
        self,
        resource: DesiredResource,
        after: dict[str, Any],
        record: ResourceRecord,
        sensitive: frozenset[str],
    ) -> list[AttributeChange]:
        kind = KINDS[resource.kind]
        force_new = self.facts.force_new.get(kind.name, frozenset())
        made_as = self.made_as.get(resource.address, {})
        changes = []
        recorded = record.attributes
        for name, value in after.items():
            if name in RENAMED_WHEN_RECORDED:
                recorded_name, comparable = recorded_value(name, value)
                before = recorded.get(recorded_name)
            else:
                comparable = value
                before = recorded.get(name)
            if type(comparable) is type(before) and comparable == before:
                continue  # as recorded: nearly every attribute of a no-op plan
            if value is not UNKNOWN and _same(comparable, before):
                continue
            if name in made_as and _same(made_as[name], before):
                continue  # the provider makes this value as what is recorded
            changes.append(
                AttributeChange(
                    name,
                    before,
                    value,
                    forces_replacement=name in force_new or not kind.updatable,
                    sensitive=name in sensitive,
                )
            )
        return changes


def diff_resources(
    desired: Iterable[DesiredResource],
    records: dict[str, ResourceRecord],
    facts: ProviderFacts,
    identity: dict[str, str],
    *,
    destroy: bool = False,
    made_as: dict[str, dict[str, Any]] | None = None,
) -> list[ResourceChange]:
    """One ResourceChange per desired or recorded address. `made_as`: per address, desired
    values the provider makes as something else ({"version": "15"}), compared instead."""
    by_address = {r.address: r for r in desired} if not destroy else {}
    for record in records.values():  # what they hold may surface in any message later
        hidden = facts.sensitive.get(record.kind, frozenset())
        if record.sensitive:
            hidden = hidden | frozenset(record.sensitive)
        if hidden:
            SECRETS.add_attributes(record.attributes, hidden)
    differ = _Differ(records, facts, identity, made_as)
    changes = [differ.change_for(by_address[a]) for a in _topological(by_address)]
    for address, record in records.items():
        if address not in by_address:
            changes.append(ResourceChange(address, record.kind, Action.DELETE, prior=record))
    changes.sort(key=lambda c: c.address)
    return changes


def select_targets(changes: list[ResourceChange], targets: Iterable[str]) -> list[ResourceChange]:
    """Keep targeted addresses (prefix match like Terraform) and what they depend on.
    A target matching no address is an error (a typo must not plan nothing, silently)."""
    wanted: set[str] = set()
    for target in targets:
        matched = {
            c.address
            for c in changes
            if c.address == target or c.address.startswith((target + ".", target + "["))
        }
        if not matched:
            from genesys.config.diagnostics import did_you_mean
            from genesys.errors import GenesysError

            hint = did_you_mean(target, [c.address for c in changes])
            raise GenesysError(
                f"--target {target} matches no resource in the config or the state"
                + (f" ({hint})" if hint else "")
            )
        wanted |= matched
    by_address = {c.address: c for c in changes}
    stack = list(wanted)
    while stack:
        change = by_address[stack.pop()]
        deps = change.desired.depends_on if change.desired else set()
        for dep in deps - wanted:
            if dep in by_address:
                wanted.add(dep)
                stack.append(dep)
    return [c for c in changes if c.address in wanted]


# ---------------------------------------------------------------- provider annotations


def annotate_with_provider(conn: Any, changes: list[ResourceChange]) -> None:
    """Translation, replacement facts, cost and diagnostics for changed resources (one call)."""
    todo = [c for c in changes if c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE)]
    if not todo:
        return
    items = [plan_item(c) for c in todo]
    try:
        response = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items))
    except perr.Unimplemented:
        return  # optional for plugins: no translation, cost or replace facts to show
    for planned in response.resources:
        change = todo[planned.index]
        if planned.HasField("translated"):
            message = getattr(planned.translated, kind_of(planned.translated).oneof_field)
            change.provider_values = {
                f.name: str(v)
                for f, v in message.ListFields()
                if f.name.startswith("provider_") and f.name != "provider_data"
            }
            _note_made_as_recorded(change, message_to_attributes(message))
        if planned.HasField("cost") and not planned.cost.unknown:
            change.monthly_cost = planned.cost.monthly_usd
        for d in planned.diagnostics:
            text = d.summary + (f" ({d.attribute_path})" if d.attribute_path else "")
            if d.severity == d.SEVERITY_ERROR:
                change.diagnostics.append(text)
            else:  # warnings (a version the provider substitutes, an unknown type) are shown
                change.warnings.append(text)
        _apply_requires_replace(change, planned.requires_replace)


def _note_made_as_recorded(change: ResourceChange, translated: dict[str, Any]) -> None:
    """A desired value the provider makes as something else (`version: "14"` served by
    PostgreSQL 15) is recorded as what was made: while that still holds it is no change.
    Noted on the change; the session diffs again with it (see diff_resources' made_as)."""
    if change.action not in (Action.UPDATE, Action.REPLACE) or change.prior is None:
        return
    if change.prior.unfinished_update:
        return
    for a in change.attribute_changes:
        if a.name not in translated or a.after is UNKNOWN:
            continue
        made = translated[a.name]
        if a.after != made and _same(made, a.before):
            change.made_as[a.name] = made


def _apply_requires_replace(change: ResourceChange, paths: Iterable[str]) -> None:
    forced = {p.removeprefix("config.").split(".")[0] for p in paths}
    for attribute_change in change.attribute_changes:
        if attribute_change.name in forced:
            attribute_change.forces_replacement = True
    if change.action is Action.UPDATE and any(
        c.forces_replacement for c in change.attribute_changes
    ):
        change.action = Action.REPLACE


def plan_item(change: ResourceChange) -> provider_pb2.PlanItem:
    kind = KINDS[change.kind]
    item = provider_pb2.PlanItem(address=change.address)
    known = {k: v for k, v in change.after.items() if not contains_unknown(v)}
    item.unknown_attributes.extend(sorted(set(change.after) - set(known)))
    desired = getattr(item.desired, kind.oneof_field)
    if kind.config is not None:
        _copy_config(desired, config_message(kind, known))
    else:
        desired.CopyFrom(attributes_to_message(kind.message, known))
    desired.SetInParent()
    if change.prior is not None and change.action is not Action.CREATE:
        fields = kind.message.DESCRIPTOR.fields_by_name
        recorded = {k: v for k, v in change.prior.attributes.items() if k in fields}
        getattr(item.prior, kind.oneof_field).CopyFrom(
            attributes_to_message(kind.message, recorded)
        )
    return item


def _copy_config(body: Any, config: Any) -> None:
    """A *Config message into its resource message: shared field names, code as digest."""
    names = body.DESCRIPTOR.fields_by_name
    for f, v in config.ListFields():
        if f.name not in names:
            continue
        if is_map(f):
            getattr(body, f.name).update(v)
        elif is_repeated(f):
            getattr(body, f.name).extend(v)
        elif f.message_type is not None:
            getattr(body, f.name).CopyFrom(v)
        else:
            setattr(body, f.name, v)
    if "code" in config.DESCRIPTOR.fields_by_name and config.HasField("code"):
        body.code_sha256 = config.code.sha256

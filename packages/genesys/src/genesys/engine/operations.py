"""One resource operation at a time: build the request, call the plugin, record the result.

Every create, update and delete is preceded by a durable intent in state, so a crash between
the plugin's answer and the record leaves enough behind for `recover_intents` to adopt, clean
up or finish what was in flight on the next run.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.engine.convert import attributes_to_message, config_message, message_to_attributes
from genesys.engine.executor import RetryPolicy, call_with_retries, gate_for
from genesys.engine.plan import Action, ResourceChange
from genesys.engine.references import resolve
from genesys.kinds import KINDS, Kind
from genesys.provider.v1 import (
    common_pb2 as pb,
)
from genesys.provider.v1 import (
    compute_pb2,
    database_pb2,
    network_pb2,
    serverless_pb2,
    storage_pb2,
)
from genesys.state import Intent, ResourceRecord, StateManager
from genesys_plugin_sdk import errors as perr
from google.protobuf.message import Message

SERVICE_MODULES = {
    "compute": compute_pb2,
    "storage": storage_pb2,
    "network": network_pb2,
    "database": database_pb2,
    "serverless": serverless_pb2,
}


@dataclass
class OperationContext:
    conn: Any  # genesys.plugins.PluginConnection
    state: StateManager
    provider: str
    identity: dict[str, str]
    sensitive: dict[str, frozenset[str]]
    timeout: float = 1800.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    on_retry: Callable[[str, BaseException, float], None] | None = None

    def lookup(self, address: str, attribute: str) -> Any:
        if not address:
            return self.identity.get(attribute, "")
        record = self.state.resources.get(address)
        return "" if record is None else record.attributes.get(attribute, "")

    def call(self, address: str, kind: Kind, verb: str, request: Message) -> Any:
        """One provider RPC, retried: throttles until `timeout` runs out, paced with every
        other call to this provider through its shared gate; unavailability a few times."""
        method = getattr(getattr(self.conn, kind.service), kind.rpc(verb))
        deadline = time.monotonic() + self.timeout

        def notify(error: BaseException, pause: float) -> None:
            if self.on_retry:
                self.on_retry(address, error, pause)

        return call_with_retries(
            lambda: method(request, timeout=max(deadline - time.monotonic(), 0.001)),
            self.retry,
            on_retry=notify,
            gate=gate_for(self.conn),
            deadline=deadline,
        )


def _create_request(
    kind: Kind, attributes: dict[str, Any], token: str, resuming: bool = False
) -> Message:
    if kind.name == "volume_attachment":
        return storage_pb2.AttachVolumeRequest(idempotency_token=token, **attributes)
    module = SERVICE_MODULES[kind.service]
    request_cls = getattr(module, f"Create{kind.rpc_stem}Request")
    return request_cls(
        config=config_message(kind, attributes),
        idempotency_token=token,
        resume_interrupted=resuming,
    )


def interrupted_create_token(state: StateManager, address: str, kind: str) -> str:
    """The token of a create a crashed run left in flight at `address` that recovery could
    not find by that token (it kept the intent), or "". The next create reuses it and says
    it resumes: the crashed create may have made the resource without its token marker."""
    intent = state.intents.get(address)
    if intent is None or intent.operation != "create" or intent.kind != kind:
        return ""
    return "" if address in state.resources else intent.idempotency_token


def _record(
    ctx: OperationContext, change: ResourceChange, message: Any, token: str
) -> ResourceRecord:
    desired = change.desired
    kind = KINDS[change.kind]
    sensitive = ctx.sensitive.get(kind.name, frozenset())
    if desired is not None:
        sensitive |= desired.sensitive
    attributes = message_to_attributes(message)
    if change.prior is not None:  # secrets providers only return on create
        for name in sensitive:
            if name not in attributes and name in change.prior.attributes:
                attributes[name] = change.prior.attributes[name]
    return ResourceRecord(
        address=change.address,
        kind=kind.name,
        provider=ctx.provider,
        id=message.id,
        attributes=attributes,
        private=message.private,
        dependencies=sorted(desired.depends_on) if desired else [],
        sensitive=sorted(sensitive),
        idempotency_token=token,
    )


def create(ctx: OperationContext, change: ResourceChange) -> ResourceRecord:
    assert change.desired is not None
    kind = KINDS[change.kind]
    attributes = resolve(change.desired.attributes, ctx.lookup)
    resumed = interrupted_create_token(ctx.state, change.address, kind.name)
    token = resumed or uuid.uuid4().hex
    ctx.state.begin(
        Intent(change.address, kind.name, ctx.provider, "create", idempotency_token=token)
    )
    request = _create_request(kind, attributes, token, resuming=bool(resumed))
    try:
        message = ctx.call(change.address, kind, "create", request)
    except BaseException:
        _settle_failed_create(ctx, change, kind, token)
        raise
    record = _record(ctx, change, message, token)
    # The intent made durable above covers this line until the next fsync carries it.
    ctx.state.commit(record, wait=False)
    return record


def _settle_failed_create(
    ctx: OperationContext, change: ResourceChange, kind: Kind, token: str
) -> None:
    """After a failed create, record whatever the provider made anyway (found by the token),
    or drop the intent; if even that lookup fails, the intent stays for the next run."""
    from genesys.provider.v1 import provider_pb2
    from genesys_plugin_sdk.batching import read_results

    ref = pb.ResourceRef(kind=kind.enum, idempotency_token=token)
    try:
        pages = ctx.conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
        found = [r.resource for r in read_results(pages) if r.HasField("resource")]
    except Exception:  # the plugin is gone or failing: recovery settles it next run
        return
    if found:
        message = getattr(found[0], kind.oneof_field)
        ctx.state.commit(_record(ctx, change, message, token))
    else:
        ctx.state.clear_intent(change.address)


def update(ctx: OperationContext, change: ResourceChange) -> ResourceRecord:
    assert change.desired is not None and change.prior is not None
    kind = KINDS[change.kind]
    attributes = resolve(change.desired.attributes, ctx.lookup)
    module = SERVICE_MODULES[kind.service]
    request = getattr(module, f"Update{kind.rpc_stem}Request")(
        id=change.prior.id,
        private=change.prior.private,
        config=config_message(kind, attributes),
        changed=change.changed_attributes,
    )
    prior = change.prior
    # An update can take several steps (an EC2 resize is stop, modify, start): a crash in
    # the middle must leave a trace, or the resource stays half-changed with nothing to say so.
    ctx.state.begin(
        Intent(
            change.address,
            kind.name,
            ctx.provider,
            "update",
            idempotency_token=prior.idempotency_token,
            id=prior.id,
            changed=list(change.changed_attributes),
        )
    )
    try:
        message = ctx.call(change.address, kind, "update", request)
    except (*REFUSALS, perr.NotFound):  # answered, and changed nothing
        ctx.state.clear_intent(change.address)
        raise
    record = _record(ctx, change, message, prior.idempotency_token)
    ctx.state.commit(record, wait=False)  # covered by the update intent
    return record


# Typed answers that mean "nothing was done" (a timeout or an untyped error may mean the
# opposite, so those keep their intent for the next run to settle).
REFUSALS = (
    perr.InvalidArgument,
    perr.FailedPrecondition,
    perr.PermissionDenied,
    perr.Unauthenticated,
    perr.Unimplemented,
    perr.Throttled,
    perr.Unavailable,
)


def delete(ctx: OperationContext, change: ResourceChange) -> None:
    prior = change.prior
    assert prior is not None
    kind = KINDS[prior.kind]
    ctx.state.begin(
        Intent(
            change.address,
            kind.name,
            ctx.provider,
            "delete",
            idempotency_token=prior.idempotency_token,
            id=prior.id,
        )
    )
    request = pb.DeleteRequest(id=prior.id, private=prior.private)
    try:
        _delete_quietly(ctx, change.address, kind, request)
    except REFUSALS:  # the provider answered and deleted nothing: no operation in flight
        ctx.state.clear_intent(change.address)
        raise
    ctx.state.forget(change.address, wait=False)  # covered by the delete intent


def _delete_quietly(ctx: OperationContext, address: str, kind: Kind, request: Message) -> None:
    with contextlib.suppress(perr.NotFound):  # already gone: the outcome we wanted
        ctx.call(address, kind, "delete", request)


# ---------------------------------------------------------------- crash recovery


def recover_intents(
    ctx: OperationContext, desired: dict[str, DesiredResource], report: Callable[[str], None]
) -> None:
    """Settle operations a previous run left in flight, without asking.

    A create whose resource exists (found by its idempotency token) is recorded when the
    config still wants it and deleted otherwise; one not found is kept while the config wants
    the address (the next create resumes it with that token) and dropped otherwise. A
    delete whose resource is gone is recorded as gone; one that still exists stays recorded.
    An update's resource is read back: unchanged, the intent is dropped (the plan shows the
    update again); changed, what exists is recorded, marked so the plan applies the update
    again to finish it (an instance stopped mid-resize is started); gone, recorded as gone.
    """
    from genesys.provider.v1 import provider_pb2
    from genesys_plugin_sdk.batching import read_results

    intents = list(ctx.state.intents.values())
    if not intents:
        return
    refs = [_intent_ref(i) for i in intents]
    results = read_results(
        ctx.conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
    )
    found: dict[int, pb.Resource] = {r.index: r.resource for r in results if r.HasField("resource")}
    for index, intent in enumerate(intents):
        resource = found.get(index)
        if intent.operation == "delete":
            _settle_delete(ctx, intent, resource, report)
        elif intent.operation == "update":
            _settle_update(ctx, intent, resource, desired, report)
        else:
            _settle_create(ctx, intent, resource, desired, report)


def _intent_ref(intent: Intent) -> pb.ResourceRef:
    kind = KINDS[intent.kind]
    if intent.operation in ("delete", "update") and intent.id:
        return pb.ResourceRef(kind=kind.enum, id=intent.id)
    return pb.ResourceRef(kind=kind.enum, idempotency_token=intent.idempotency_token)


def _settle_delete(
    ctx: OperationContext,
    intent: Intent,
    resource: pb.Resource | None,
    report: Callable[[str], None],
) -> None:
    if resource is None:
        ctx.state.forget(intent.address)
        report(f"{intent.address}: interrupted delete had completed; recorded as destroyed")
    else:
        ctx.state.clear_intent(intent.address)
        report(f"{intent.address}: interrupted delete had not completed; still recorded")


def _settle_update(
    ctx: OperationContext,
    intent: Intent,
    resource: pb.Resource | None,
    desired: dict[str, DesiredResource],
    report: Callable[[str], None],
) -> None:
    prior = ctx.state.resources.get(intent.address)
    if prior is None:  # nothing recorded to finish (removed from state by hand)
        ctx.state.clear_intent(intent.address)
        return
    if resource is None:
        ctx.state.forget(intent.address)
        report(f"{intent.address}: interrupted update: {prior.id} no longer exists")
        return
    kind = KINDS[intent.kind]
    message = getattr(resource, kind.oneof_field)
    change = ResourceChange(
        intent.address, kind.name, Action.UPDATE, desired=desired.get(intent.address), prior=prior
    )
    record = _record(ctx, change, message, prior.idempotency_token)
    if record.attributes == prior.attributes:
        ctx.state.clear_intent(intent.address)
        report(f"{intent.address}: interrupted update had changed nothing; it runs again")
        return
    if change.desired is None:  # the config dropped it: the plan deletes it anyway
        record.dependencies = list(prior.dependencies)
    record.unfinished_update = list(intent.changed) or sorted(kind.config_fields)
    ctx.state.commit(record)
    report(
        f"{intent.address}: interrupted update left {record.id} half changed; recorded as it "
        f"is, and the plan applies the update again"
    )


def _settle_create(
    ctx: OperationContext,
    intent: Intent,
    resource: pb.Resource | None,
    desired: dict[str, DesiredResource],
    report: Callable[[str], None],
) -> None:
    if resource is None:
        # Nothing carries its token, yet the create may have made the resource before marking
        # it (S3: CreateBucket, then PutBucketTagging). While the config still wants it, the
        # intent stays: the next create reuses its token and tells the plugin it resumes.
        if not (
            intent.address in desired
            and interrupted_create_token(ctx.state, intent.address, intent.kind)
        ):
            ctx.state.clear_intent(intent.address)
        return
    kind = KINDS[intent.kind]
    message = getattr(resource, kind.oneof_field)
    change = ResourceChange(
        intent.address,
        kind.name,
        Action.CREATE,
        desired=desired.get(intent.address),
        prior=ctx.state.resources.get(intent.address),
    )
    record = _record(ctx, change, message, intent.idempotency_token)
    if intent.address in desired:
        ctx.state.commit(record)
        report(f"{intent.address}: adopted {record.id}, created by an interrupted run")
        return
    request = pb.DeleteRequest(id=message.id, private=message.private)
    _delete_quietly(ctx, intent.address, kind, request)
    ctx.state.clear_intent(intent.address)
    report(f"{intent.address}: deleted {message.id}, left over by an interrupted run")


__all__ = [
    "OperationContext",
    "attributes_to_message",
    "create",
    "delete",
    "interrupted_create_token",
    "recover_intents",
    "update",
]

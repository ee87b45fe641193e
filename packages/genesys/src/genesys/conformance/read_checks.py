"""Read-side checks on the resources the create phase made: batch read, discover, adopt, invoke."""

from __future__ import annotations

import json
from typing import Any

from genesys.conformance import kindrpc
from genesys.conformance.crud_checks import declared_samples
from genesys.conformance.kindrpc import check_name, has_rpc
from genesys.conformance.provider_checks import unknown_ref
from genesys.conformance.samples import FUNCTION_RESULT
from genesys.conformance.session import CheckFailed, Created, Session, expect
from genesys.kinds import KINDS
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, serverless_pb2
from genesys_plugin_sdk.batching import read_results

# ---------------------------------------------------------------------- batch read


def batch_read_checks(s: Session) -> None:
    """One ReadResources call for everything made plus an unknown id; one line per kind."""
    made = list(s.primary.values())
    refs = [pb.ResourceRef(kind=m.kind.enum, id=m.id, private=m.private) for m in made]
    refs.append(unknown_ref(s))
    results = s.check("provider: batch read (one ReadResources call)", lambda: _read(s, refs))
    for sample in declared_samples(s):
        kind = KINDS[sample.kind]
        if kind.name in s.missing:
            s.not_run([check_name(kind, "batch read")], s.missing[kind.name])
            continue
        index = made.index(s.primary[kind.name])
        check = lambda i=index, m=made[index]: _found(results, i, m)  # noqa: E731
        s.check(check_name(kind, "batch read"), check)
    s.check(
        "provider: batch read of an unknown id -> not_found",
        lambda: _not_found(results, len(made)),
    )
    if not made:
        s.not_run(["provider: batch read by idempotency token"], "no create succeeded")
        return
    s.check("provider: batch read by idempotency token", lambda: _read_by_token(s, made))


def _read(s: Session, refs: list[pb.ResourceRef]) -> dict[int, Any]:
    request = provider_pb2.ReadResourcesRequest(refs=refs)
    results: dict[int, Any] = {}
    for result in read_results(s.stream("provider", "ReadResources", request)):
        expect(result.index not in results, f"index {result.index} answered twice")
        results[result.index] = result
    return results


def _result(results: dict[int, Any] | None, index: int) -> Any:
    if results is None:
        raise CheckFailed("not run: ReadResources failed")
    if index not in results:
        raise CheckFailed(f"no result for index {index}")
    return results[index]


def _found(results: dict[int, Any] | None, index: int, made: Created) -> None:
    result = _result(results, index)
    expect(not result.not_found, "answered not_found for a resource that exists")
    expect(not result.HasField("error"), f"answered error: {result.error.message}")
    which = result.resource.WhichOneof("body")
    expect(which == made.kind.name, f"answered a {which or 'empty'} resource")
    got = getattr(result.resource, made.kind.name).id
    expect(got == made.id, f"answered id {got!r}, expected {made.id!r}")


def _not_found(results: dict[int, Any] | None, index: int) -> None:
    result = _result(results, index)
    if result.HasField("error"):
        raise CheckFailed(f"answered an error instead of not_found: {result.error.message}")
    expect(result.not_found, "did not answer not_found=true")


def _read_by_token(s: Session, made: list[Created]) -> None:
    """Crash recovery: a ref carrying only the create's token finds the resource."""
    refs = [pb.ResourceRef(kind=m.kind.enum, idempotency_token=m.token) for m in made]
    results = _read(s, refs)
    missed = []
    for index, m in enumerate(made):
        resource = results[index].resource if index in results else None
        body = resource.WhichOneof("body") if resource is not None else None
        if body is None or getattr(resource, body).id != m.id:
            missed.append(m.kind.name)
    expect(not missed, f"not found by token: {', '.join(missed)}")


# ---------------------------------------------------------------------- discover + adopt


def discover_adopt_checks(s: Session) -> None:
    for sample in declared_samples(s):
        kind = KINDS[sample.kind]
        made = s.primary.get(kind.name)
        for verb, check in (("discover", _discovered), ("adopt", _adopted)):
            if not has_rpc(kind, verb):
                continue
            if made is None:
                s.not_run([check_name(kind, verb)], s.missing[kind.name])
            else:
                s.check(check_name(kind, verb), lambda c=check, m=made: c(s, m))


def _discovered(s: Session, made: Created) -> None:
    ids = [r.id for r in kindrpc.discover(s, made.kind)]
    expect(made.id in ids, f"{made.id!r} is not among the {len(ids)} discovered")


def _adopted(s: Session, made: Created) -> None:
    adopted = kindrpc.adopt(s, made.kind, made.id)
    expect(adopted.id == made.id, f"adopt returned id {adopted.id!r}, expected {made.id!r}")


# ---------------------------------------------------------------------- invoke


def invoke_checks(s: Session) -> None:
    if "function" not in s.declared:
        return
    function = s.primary.get("function")
    if function is None:
        s.not_run([check_name(KINDS["function"], "invoke")], s.missing["function"])
    else:
        s.check(check_name(function.kind, "invoke"), lambda: _invoke(s, function))


def _invoke(s: Session, function: Created) -> None:
    request = serverless_pb2.InvokeFunctionRequest(
        id=function.id, private=function.private, payload=b"{}"
    )
    answer = s.call("serverless", "InvokeFunction", request)
    expect(not answer.function_error, f"function error: {answer.function_error}")
    try:
        payload = json.loads(answer.payload or b"null")
    except ValueError as err:
        raise CheckFailed(f"payload is not JSON: {answer.payload[:80]!r}") from err
    expect(payload == FUNCTION_RESULT, f"payload {payload!r}, expected {FUNCTION_RESULT!r}")

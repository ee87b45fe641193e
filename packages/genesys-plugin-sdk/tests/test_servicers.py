"""Servicers generated from per-kind handlers, and ReadResources, over a real gRPC server."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pytest
from genesys.provider.v1 import (
    common_pb2,
    compute_pb2,
    provider_pb2,
    provider_pb2_grpc,
    serverless_pb2,
    storage_pb2,
)
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.batching import read_results
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator
from genesys_plugin_sdk.handlers import KindFunctions, KindHandler
from genesys_plugin_sdk.reads import read_resources
from genesys_plugin_sdk.servicers import kind_servicer, servicers_for
from genesys_plugin_sdk.testing import serve_in_process

pb = common_pb2


class CloudBoom(Exception):
    """What a cloud SDK raises: a code the error table knows."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


TRANSLATOR = ErrorTranslator(
    ErrorTable(codes={"NoSuchThing": errors.NotFound, "SlowDown": errors.Throttled}),
    lambda exc: (
        CloudError(code=exc.code, message="cloud said no") if isinstance(exc, CloudBoom) else None
    ),
)


class Instances(KindHandler):
    """An in-memory 'cloud' of instances, with a token index like a real cloud's tags."""

    field = "instance"

    def __init__(self) -> None:
        self.items: dict[str, pb.Instance] = {}
        self.tokens: dict[str, str] = {}
        self.lock = threading.Lock()

    def create(self, config: pb.InstanceConfig, token: str) -> pb.Instance:
        with self.lock:
            if token in self.tokens:
                return self.items[self.tokens[token]]
            instance = pb.Instance(id=f"i-{len(self.items)}", name=config.name, state="running")
            self.items[instance.id] = instance
            self.tokens[token] = instance.id
            return instance

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        if "i-broken" in ids:
            raise CloudBoom("SlowDown")
        found: dict[str, Any] = {i: self.items[i] for i in ids if i in self.items}
        if "i-denied" in ids:
            found["i-denied"] = errors.PermissionDenied("no")
        if "i-odd" in ids:
            found["i-odd"] = CloudBoom("SlowDown")
        return found

    def find_by_token(self, token: str) -> str | None:
        return self.tokens.get(token)

    def update(self, request: compute_pb2.UpdateInstanceRequest) -> pb.Instance:
        current = self.get(request.id)
        current.name = request.config.name
        return current

    def delete(self, resource_id: str) -> None:
        if self.items.pop(resource_id, None) is None:
            raise CloudBoom("NoSuchThing")

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Instance]:
        for instance in sorted(self.items.values(), key=lambda i: i.id):
            if filters.get("name", instance.name) == instance.name:
                yield instance
        if filters.get("fail"):
            raise CloudBoom("SlowDown")

    def adopt(self, resource_id: str) -> pb.Instance:
        found = self.get(resource_id)
        found.image = "adopted"
        return found


def attachments() -> KindFunctions:
    made: dict[str, pb.VolumeAttachment] = {}

    def attach(request: storage_pb2.AttachVolumeRequest, token: str) -> pb.VolumeAttachment:
        rid = f"{request.volume_id}:{request.instance_id}"
        made[rid] = pb.VolumeAttachment(
            id=rid, volume_id=request.volume_id, instance_id=request.instance_id
        )
        return made[rid]

    return KindFunctions(
        field="volume_attachment",
        read_many_fn=lambda ids, privates: {i: made[i] for i in ids if i in made},
        create_fn=attach,
        delete_fn=lambda rid: made.pop(rid) and None,
    )


def invoke(request: serverless_pb2.InvokeFunctionRequest, context: Any) -> Any:
    return serverless_pb2.InvokeFunctionResponse(payload=b'{"echo": "%s"}' % request.id.encode())


class Provider(provider_pb2_grpc.ProviderServicer):
    def __init__(self, readers: list[Any]) -> None:
        self.readers = readers

    def ReadResources(self, request: Any, context: Any) -> Iterator[Any]:
        return read_resources(request, self.readers, TRANSLATOR)


@pytest.fixture
def served() -> Iterator[tuple[Any, Instances]]:
    instances = Instances()
    kinds = [instances, attachments()]
    services = servicers_for(kinds, extra={"InvokeFunction": invoke}, translate=TRANSLATOR)
    plugin = Plugin(name="t", version="1", provider=Provider(kinds), **services)
    with serve_in_process(plugin) as conn:
        yield conn, instances


def create_request(name: str, token: str) -> compute_pb2.CreateInstanceRequest:
    return compute_pb2.CreateInstanceRequest(
        config=pb.InstanceConfig(name=name), idempotency_token=token
    )


def test_every_verb_of_a_declared_kind(served: tuple[Any, Instances]) -> None:
    conn, _ = served
    made = conn.compute.CreateInstance(create_request("web", "tok-1"))
    assert conn.compute.CreateInstance(create_request("web", "tok-1")).id == made.id
    assert conn.compute.GetInstance(pb.GetRequest(id=made.id)).name == "web"
    changed = conn.compute.UpdateInstance(
        compute_pb2.UpdateInstanceRequest(
            id=made.id, config=pb.InstanceConfig(name="api"), changed=["name"]
        )
    )
    assert changed.name == "api"
    conn.compute.CreateInstance(create_request("db", "tok-2"))
    listed = conn.compute.ListInstances(pb.ListRequest(filters={"name": "db"}))
    assert [i.name for i in listed] == ["db"]
    assert len(list(conn.compute.DiscoverInstances(pb.DiscoverRequest()))) == 2
    assert conn.compute.AdoptInstance(pb.AdoptRequest(id=made.id)).image == "adopted"
    conn.compute.DeleteInstance(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound, match=f"instance {made.id} not found"):
        conn.compute.GetInstance(pb.GetRequest(id=made.id))


def test_cloud_errors_are_translated_in_unary_and_streaming_rpcs(
    served: tuple[Any, Instances],
) -> None:
    conn, _ = served
    with pytest.raises(errors.NotFound) as gone:
        conn.compute.DeleteInstance(pb.DeleteRequest(id="i-nope"))
    assert gone.value.provider_code == "NoSuchThing"
    conn.compute.CreateInstance(create_request("web", "tok-1"))
    stream = conn.compute.ListInstances(pb.ListRequest(filters={"fail": "yes"}))
    assert next(stream).name == "web"  # items before the failure arrive
    with pytest.raises(errors.Throttled) as throttled:
        next(stream)
    assert throttled.value.retry_after == 1.0


def test_attach_gets_the_whole_request_and_extras_are_served(
    served: tuple[Any, Instances],
) -> None:
    conn, _ = served
    attached = conn.storage.AttachVolume(
        storage_pb2.AttachVolumeRequest(volume_id="vol-1", instance_id="i-1", idempotency_token="t")
    )
    assert attached.id == "vol-1:i-1"
    assert conn.storage.GetVolumeAttachment(pb.GetRequest(id="vol-1:i-1")).volume_id == "vol-1"
    conn.storage.DetachVolume(pb.DeleteRequest(id="vol-1:i-1"))
    with pytest.raises(errors.NotFound):
        conn.storage.GetVolumeAttachment(pb.GetRequest(id="vol-1:i-1"))
    answer = conn.serverless.InvokeFunction(serverless_pb2.InvokeFunctionRequest(id="fn"))
    assert answer.payload == b'{"echo": "fn"}'


def test_undeclared_kinds_answer_unimplemented(served: tuple[Any, Instances]) -> None:
    conn, _ = served
    with pytest.raises(errors.Unimplemented):
        conn.storage.GetBucket(pb.GetRequest(id="b"))  # served service, undeclared kind
    with pytest.raises(errors.Unimplemented):
        conn.network.GetNetwork(pb.GetRequest(id="n"))  # service nobody declared a kind of


def test_verbs_a_handler_leaves_out_answer_unimplemented_saying_which() -> None:
    read_only = KindFunctions(field="bucket", read_many_fn=lambda ids, privates: {})
    plugin = Plugin(
        name="t",
        version="1",
        provider=provider_pb2_grpc.ProviderServicer(),
        storage=kind_servicer("storage", [read_only]),
    )
    with serve_in_process(plugin) as conn:
        with pytest.raises(errors.Unimplemented, match="create of a bucket is not offered"):
            conn.storage.CreateBucket(storage_pb2.CreateBucketRequest())
        with pytest.raises(errors.Unimplemented, match="list of a bucket"):
            list(conn.storage.DiscoverBuckets(pb.DiscoverRequest()))  # discover defaults to list
        with pytest.raises(errors.NotFound, match="bucket b not found"):
            conn.storage.AdoptBucket(pb.AdoptRequest(id="b"))  # adopt defaults to read_one


def test_read_resources_by_id_and_token_with_per_ref_outcomes(
    served: tuple[Any, Instances],
) -> None:
    conn, _ = served
    made = conn.compute.CreateInstance(create_request("web", "tok-1"))
    kind = pb.RESOURCE_KIND_INSTANCE
    refs = [
        pb.ResourceRef(kind=kind, id=made.id),
        pb.ResourceRef(kind=kind, idempotency_token="tok-1"),
        pb.ResourceRef(kind=kind, idempotency_token="never-used"),
        pb.ResourceRef(kind=kind, id="i-absent"),
        pb.ResourceRef(kind=kind, id="i-odd"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="b"),
    ]
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
    results = {r.index: r for r in read_results(pages)}
    assert results[0].resource.instance.name == "web"
    assert results[1].resource.instance.id == made.id
    assert results[2].not_found and results[3].not_found
    assert results[4].error.kind == pb.ERROR_KIND_THROTTLED  # translated per ref
    assert results[5].error.kind == pb.ERROR_KIND_UNIMPLEMENTED


def test_read_resources_fails_whole_on_permission_and_per_ref_on_batch_failure(
    served: tuple[Any, Instances],
) -> None:
    conn, _ = served
    kind = pb.RESOURCE_KIND_INSTANCE
    broken = [pb.ResourceRef(kind=kind, id="i-broken"), pb.ResourceRef(kind=kind, id="i-x")]
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=broken))
    assert {r.error.kind for r in read_results(pages)} == {pb.ERROR_KIND_THROTTLED}
    denied = [pb.ResourceRef(kind=kind, id="i-denied")]
    with pytest.raises(errors.PermissionDenied):
        list(conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=denied)))


def test_declaration_mistakes_fail_at_build_time() -> None:
    with pytest.raises(ValueError, match="two handlers"):
        kind_servicer("compute", [Instances(), Instances()])
    with pytest.raises(ValueError, match="served by 'compute', not 'storage'"):
        kind_servicer("storage", [Instances()])
    with pytest.raises(ValueError, match="no RPC 'Frobnicate'"):
        kind_servicer("compute", [], extra={"Frobnicate": invoke})
    with pytest.raises(ValueError, match="no resource service"):
        servicers_for([], extra={"Frobnicate": invoke})
    with pytest.raises(KeyError, match="unknown resource kind"):
        KindFunctions(field="spaceship", read_many_fn=lambda ids, privates: {})

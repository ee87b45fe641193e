"""ReadResources reads its kinds at once: a refresh of instances and buckets waits for the
slower kind, not for the sum of both; a fatal error of one kind still fails the whole call."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindFunctions
from genesys_plugin_sdk.reads import read_results


def _reader(field: str, read: Any) -> KindFunctions:
    return KindFunctions(field=field, read_many_fn=read)


def test_each_kind_is_read_while_the_others_are() -> None:
    # Each kind's read waits for the other's to have begun: read one after the other, the
    # barrier breaks (BrokenBarrierError after its timeout) instead of passing.
    both_reading = threading.Barrier(2, timeout=10)

    def instances(ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        both_reading.wait()
        return {i: pb.Instance(id=i, name=f"vm-{i}") for i in ids}

    def buckets(ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        both_reading.wait()
        return {i: pb.Bucket(id=i, name=i) for i in ids if i != "gone"}

    refs = [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="i-1"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="b-1"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="i-2"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="gone"),
    ]
    readers: list[Any] = [_reader("instance", instances), _reader("bucket", buckets)]
    results = {r.index: r for r in read_results(refs, readers)}
    assert sorted(results) == [0, 1, 2, 3]
    assert results[0].resource.instance.name == "vm-i-1"
    assert results[1].resource.bucket.name == "b-1"
    assert results[2].resource.instance.id == "i-2" and results[3].not_found


def test_a_fatal_error_of_one_kind_fails_the_call_while_another_reads() -> None:
    def denied(ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raise errors.PermissionDenied("not allowed to describe instances")

    def buckets(ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {i: pb.Bucket(id=i, name=i) for i in ids}

    refs = [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="i-1"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="b-1"),
    ]
    readers: list[Any] = [_reader("instance", denied), _reader("bucket", buckets)]
    with pytest.raises(errors.PermissionDenied, match="describe instances"):
        list(read_results(refs, readers))

"""Batch-read helpers, tags and filters, paging, the client cache, schema plumbing, kinds."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache
from genesys_plugin_sdk.kinds import KIND_SPECS, kind_spec, wrap
from genesys_plugin_sdk.paging import paginate
from genesys_plugin_sdk.reads import ReadPool, read_each, read_in_chunks, read_one
from genesys_plugin_sdk.schema import (
    PriceList,
    SchemaFacts,
    Setting,
    endpoint_settings,
    kind_schema,
    number_setting,
    provider_schema,
    settings_dict,
)
from genesys_plugin_sdk.tags import (
    client_token,
    label_token,
    match_tag_filters,
    split_filters,
    tag_changes,
    user_tags,
)
from google.protobuf import struct_pb2


def test_read_in_chunks_asks_per_chunk_and_keeps_what_exists() -> None:
    asked: list[list[str]] = []

    def fetch(chunk: list[str]) -> list[pb.Subnet]:
        asked.append(chunk)
        return [pb.Subnet(id=i) for i in chunk if i != "s-3"]

    found = read_in_chunks([f"s-{n}" for n in range(5)] + ["s-0"], fetch, chunk_size=2)
    assert sorted(found) == ["s-0", "s-1", "s-2", "s-4"]
    assert [len(c) for c in asked] == [2, 2, 1]  # duplicates asked once


def test_read_each_runs_in_parallel_and_sorts_outcomes() -> None:
    pool = ReadPool(max_workers=4, name="test-read")
    barrier = threading.Barrier(4, timeout=5)  # only passes if 4 reads run at the same time

    def read(rid: str) -> Any:
        barrier.wait()
        if rid == "gone":
            return None
        if rid == "deleted":
            raise errors.NotFound("deleted")
        if rid == "broken":
            raise KeyError("cloud")
        return pb.Bucket(id=rid)

    try:
        found = read_each(
            pool,
            ["b1", "gone", "deleted", "broken"],
            read,
            translate=lambda exc: errors.Unavailable(str(exc)),
        )
    finally:
        pool.close()
    assert found["b1"].id == "b1"
    assert isinstance(found["broken"], errors.Unavailable)
    assert set(found) == {"b1", "broken"}
    # close() does not wait for stuck reads, but idle workers leave promptly.
    deadline = time.monotonic() + 5
    while any(t.name.startswith("test-read") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "read pool threads outlived close()"
        time.sleep(0.01)


def test_read_one_names_the_kind() -> None:
    class Reader:
        label = "load balancer"

        def read_many(self, ids: list[str], privates: Any) -> dict[str, Any]:
            return {"bad": errors.PermissionDenied("no")} if ids == ["bad"] else {}

    with pytest.raises(errors.NotFound, match="load balancer lb-1 not found"):
        read_one(Reader(), "lb-1")
    with pytest.raises(errors.InvalidArgument) as empty:
        read_one(Reader(), "")
    assert empty.value.attribute_path == "id"
    with pytest.raises(errors.PermissionDenied):
        read_one(Reader(), "bad")


def test_tokens_fit_cloud_limits() -> None:
    assert client_token("abc") == "abc"
    long = "x" * 100
    assert len(client_token(long)) == 64 and client_token(long) == client_token(long)
    assert label_token("run-1_a") == "run-1_a"
    hashed = label_token("Run:1/ä")
    assert len(hashed) == 63 and hashed.isalnum() and hashed == hashed.lower()


def test_tag_helpers() -> None:
    tags = {"genesys:token": "t", "genesys-role": "igw", "team": "a", "Name": "web"}
    assert user_tags(tags, drop=["Name"]) == {"team": "a"}
    assert tag_changes({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == (
        {"b": "3", "c": "4"},
        [],
    )
    assert tag_changes({"a": "1"}, {}) == ({}, ["a"])


def test_filters_split_match_and_refuse_unknown_keys() -> None:
    own, tags = split_filters({"name": "a,b", "tag:team": "x"}, known=["name"])
    assert own == {"name": ["a", "b"]} and tags == {"team": ["x"]}
    assert match_tag_filters({"tag:team": "x,y"}, {"team": "y"}, ["name"])
    assert not match_tag_filters({"tag:team": "x"}, {}, ["name"])
    with pytest.raises(errors.InvalidArgument) as unknown:
        split_filters({"colour": "red"}, known=["name"])
    assert unknown.value.attribute_path == "filters.colour"
    assert "known: name, tag:<key>" in unknown.value.message


def test_paginate_follows_tokens_and_stops_on_repeats() -> None:
    pages = {None: ([1, 2], "p2"), "p2": ([3], "p3"), "p3": ([4], "")}
    assert list(paginate(lambda token: pages[token])) == [1, 2, 3, 4]
    looping = {None: ([1], "same"), "same": ([2], "same")}
    assert list(paginate(lambda token: looping[token])) == [1, 2]


def test_client_cache_makes_each_client_once_under_races() -> None:
    cache = ClientCache()
    made: list[str] = []

    def make() -> object:
        time.sleep(0.02)  # slow SDK client construction: racers must wait, not build again
        made.append("client")
        return object()

    got: list[object] = []
    threads = [
        threading.Thread(target=lambda: got.append(cache.get(("s3", "eu"), make))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len({id(g) for g in got}) == 1
    assert cache.fact("zone", lambda: "eu-1a") == "eu-1a"
    assert cache.fact("zone", lambda: "other") == "eu-1a"
    cache.clear()
    assert len(cache) == 0 and cache.fact("zone", lambda: "other") == "other"


def test_kind_table_matches_the_protocol() -> None:
    assert len(KIND_SPECS) == len(pb.ResourceKind.keys()) - 1  # all but UNSPECIFIED
    assert kind_spec(pb.RESOURCE_KIND_CERTIFICATE).rpcs.get("update") is None
    assert kind_spec("volume_attachment").rpcs["create"] == "AttachVolume"
    assert kind_spec("security_group").service == "network"
    assert wrap("subnet", pb.Subnet(id="s")).subnet.id == "s"
    with pytest.raises(KeyError):
        kind_spec(999)


def test_schema_from_facts() -> None:
    facts = SchemaFacts(
        force_new={"instance": {"image"}},
        required={"instance": {"image"}},
        settings=[Setting("project", "string", "the project")],
        kinds=["instance", "database"],
    )
    instance = {a.name: a for a in kind_schema("instance", facts).attributes}
    assert instance["image"].force_new and instance["image"].required
    assert instance["security_group_ids"].type == "list"
    assert instance["tags"].type == "map" and instance["size"].type == "enum"
    assert instance["public_ip"].computed and "private" not in instance
    schema = provider_schema(
        facts,
        translations={"instance.size": {"small": "e2-small"}},
        prices=PriceList("2026-11-01", "r1", [("instance:e2-small", 0.02, "hour")]),
    )
    assert [k.kind for k in schema.kinds] == [pb.RESOURCE_KIND_INSTANCE, pb.RESOURCE_KIND_DATABASE]
    database = {a.name: a for a in schema.kinds[1].attributes}
    assert database["password"].sensitive
    assert schema.prices[0].entries[0].usd == 0.02
    assert schema.translations[0].entries["small"] == "e2-small"


def test_settings_are_checked() -> None:
    settings = struct_pb2.Struct()
    settings.update({"project": "p", "wait_timeout": 30})
    request = provider_pb2.ConfigureRequest(settings=settings)
    raw = settings_dict(request, ["project", "wait_timeout"], provider="gcp")
    assert number_setting(raw, "wait_timeout", 900) == 30.0
    assert number_setting(raw, "poll_interval", 2) == 2.0
    with pytest.raises(errors.InvalidArgument) as unknown:
        settings_dict(request, ["project"], provider="gcp")
    assert unknown.value.attribute_path == "settings.wait_timeout"
    with pytest.raises(errors.InvalidArgument):
        number_setting({"x": True}, "x", 1)
    assert settings_dict(provider_pb2.ConfigureRequest(), [], provider="gcp") == {}


def test_endpoints_merge_the_setting_and_the_request_and_are_checked() -> None:
    settings = struct_pb2.Struct()
    settings.update({"endpoints": {"ec2": "http://127.0.0.1:1", "s3": "http://a"}})
    request = provider_pb2.ConfigureRequest(settings=settings, endpoints={"s3": "https://b"})
    raw = settings_dict(request, ["endpoints"], provider="aws")
    assert endpoint_settings(request, raw) == {"ec2": "http://127.0.0.1:1", "s3": "https://b"}
    with pytest.raises(errors.InvalidArgument) as unknown:
        endpoint_settings(request, raw, known=["ec2"])
    assert unknown.value.attribute_path == "endpoints.s3"
    bad = provider_pb2.ConfigureRequest(endpoints={"ec2": "ftp://x"})
    with pytest.raises(errors.InvalidArgument, match="must be an http") as not_http:
        endpoint_settings(bad, {})
    assert not_http.value.attribute_path == "endpoints.ec2"

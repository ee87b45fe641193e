"""Buckets (directories, versions), volumes (sparse files) and attachments, over real gRPC."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results
from genesys_provider_local import objects
from genesys_provider_local.ops import _STAT_EACH_UP_TO
from genesys_provider_local.runtime import Runtime
from genesys_provider_local.settings import parse_settings
from genesys_provider_local.storage import BucketOps

from .conftest import configure_request, leftovers

GIB = 1024**3


def create_bucket(conn, name="site-assets", token="", **config):
    request = storage_pb2.CreateBucketRequest(
        config=pb.BucketConfig(name=name, **config), idempotency_token=token
    )
    return conn.storage.CreateBucket(request)


def test_bucket_is_a_directory_with_versions_kept(conn, root):
    bucket = create_bucket(conn, versioning=True, tags={"team": "web"})
    directory = root / "buckets" / "site-assets"
    assert bucket.id == "site-assets"
    assert bucket.endpoint == directory.as_uri()
    assert directory.is_dir() and stat.S_IMODE(directory.stat().st_mode) == 0o700

    objects.put_object(directory, "docs/index.html", b"v1")
    objects.put_object(directory, "docs/index.html", b"v2")
    objects.put_object(directory, "docs/index.html", b"v3")
    assert (directory / "docs" / "index.html").read_bytes() == b"v3"
    assert objects.versions(directory, "docs/index.html") == [1, 2]
    assert objects.get_object(directory, "docs/index.html", 1) == b"v1"

    conn.storage.DeleteBucket(pb.DeleteRequest(id=bucket.id))
    assert not directory.exists()
    assert leftovers(root) == []
    with pytest.raises(errors.NotFound):
        conn.storage.GetBucket(pb.GetRequest(id=bucket.id))
    with pytest.raises(errors.NotFound):
        conn.storage.DeleteBucket(pb.DeleteRequest(id=bucket.id))


def test_versioning_off_keeps_no_history_and_update_switches_it(conn, root):
    bucket = create_bucket(conn, name="plain")
    directory = root / "buckets" / "plain"
    objects.put_object(directory, "a.txt", b"1")
    objects.put_object(directory, "a.txt", b"2")
    assert objects.versions(directory, "a.txt") == []

    request = storage_pb2.UpdateBucketRequest(
        id=bucket.id,
        config=pb.BucketConfig(name="plain", versioning=True, public_access=True),
        changed=["versioning", "public_access"],
    )
    updated = conn.storage.UpdateBucket(request)
    assert updated.versioning and updated.public_access
    assert stat.S_IMODE(directory.stat().st_mode) == 0o755
    objects.put_object(directory, "a.txt", b"3")
    assert objects.get_object(directory, "a.txt", 1) == b"2"
    assert conn.storage.GetBucket(pb.GetRequest(id="plain")).versioning


def test_bucket_create_is_idempotent_by_token_and_names_are_unique(conn, root):
    first = create_bucket(conn, token="tok-1")
    again = create_bucket(conn, token="tok-1")
    assert again.id == first.id
    assert len(list(conn.storage.ListBuckets(pb.ListRequest()))) == 1
    with pytest.raises(errors.AlreadyExists):
        create_bucket(conn, token="tok-2")


def test_bucket_name_is_checked(conn):
    with pytest.raises(errors.InvalidArgument) as caught:
        create_bucket(conn, name="Bad_Name")
    assert caught.value.attribute_path == "config.name"


def test_update_refuses_force_new_attributes(conn):
    create_bucket(conn)
    request = storage_pb2.UpdateBucketRequest(
        id="site-assets", config=pb.BucketConfig(name="other"), changed=["name"]
    )
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.storage.UpdateBucket(request)
    assert caught.value.attribute_path == "config.name"


def test_directory_made_by_hand_is_discovered_and_adopted(conn, root):
    (root / "buckets" / "handmade").mkdir(parents=True)
    (root / "buckets" / "handmade" / "file.txt").write_text("x")
    found = {b.id for b in conn.storage.DiscoverBuckets(pb.DiscoverRequest())}
    assert found == {"handmade"}
    with pytest.raises(errors.AlreadyExists):
        create_bucket(conn, name="handmade")
    adopted = conn.storage.AdoptBucket(pb.AdoptRequest(id="handmade"))
    assert adopted.endpoint == (root / "buckets" / "handmade").as_uri()
    assert conn.storage.GetBucket(pb.GetRequest(id="handmade")).name == "handmade"
    with pytest.raises(errors.NotFound):
        conn.storage.AdoptBucket(pb.AdoptRequest(id="nothing-here"))


def test_volume_is_a_sparse_file_that_grows_but_never_shrinks(conn, root):
    config = pb.VolumeConfig(name="data", size_gb=2, volume_class="ssd")
    volume = conn.storage.CreateVolume(storage_pb2.CreateVolumeRequest(config=config))
    path = root / "volumes" / f"{volume.id}.img"
    assert path.stat().st_size == 2 * GIB
    assert path.stat().st_blocks * 512 < 1024 * 1024  # sparse: nothing written
    assert volume.provider_type == "local.sparse-file" and volume.state == "available"

    grow = pb.VolumeConfig(name="data", size_gb=3, volume_class="ssd")
    request = storage_pb2.UpdateVolumeRequest(id=volume.id, config=grow, changed=["size_gb"])
    assert conn.storage.UpdateVolume(request).size_gb == 3
    assert path.stat().st_size == 3 * GIB
    shrink = storage_pb2.UpdateVolumeRequest(
        id=volume.id, config=pb.VolumeConfig(name="data", size_gb=1), changed=["size_gb"]
    )
    with pytest.raises(errors.InvalidArgument):
        conn.storage.UpdateVolume(shrink)

    conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    assert not path.exists()
    assert leftovers(root) == []


def test_attach_links_the_volume_into_the_instance(conn, root):
    volume = conn.storage.CreateVolume(
        storage_pb2.CreateVolumeRequest(config=pb.VolumeConfig(name="d", size_gb=1))
    )
    instances = [
        conn.compute.CreateInstance(
            compute_pb2.CreateInstanceRequest(config=pb.InstanceConfig(name=n, size=pb.SIZE_SMALL))
        )
        for n in ("a", "b")
    ]
    attach = storage_pb2.AttachVolumeRequest(volume_id=volume.id, instance_id=instances[0].id)
    attachment = conn.storage.AttachVolume(attach)
    assert attachment.device == "/dev/sdf" and attachment.state == "attached"
    link = root / "instances" / instances[0].id / "volumes" / "sdf"
    assert os.readlink(link) == str(root / "volumes" / f"{volume.id}.img")
    assert conn.storage.AttachVolume(attach).id == attachment.id  # same pair: idempotent
    got = conn.storage.GetVolume(pb.GetRequest(id=volume.id))
    assert got.state == "in-use" and got.attached_instance_id == instances[0].id

    elsewhere = storage_pb2.AttachVolumeRequest(volume_id=volume.id, instance_id=instances[1].id)
    with pytest.raises(errors.FailedPrecondition):
        conn.storage.AttachVolume(elsewhere)
    with pytest.raises(errors.FailedPrecondition):  # in use
        conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))

    conn.storage.DetachVolume(pb.DeleteRequest(id=attachment.id))
    assert not link.exists()
    with pytest.raises(errors.NotFound):
        conn.storage.DetachVolume(pb.DeleteRequest(id=attachment.id))
    with pytest.raises(errors.NotFound):
        conn.storage.GetVolumeAttachment(pb.GetRequest(id=attachment.id))
    assert conn.storage.GetVolume(pb.GetRequest(id=volume.id)).state == "available"
    for instance in instances:
        conn.compute.DeleteInstance(pb.DeleteRequest(id=instance.id))
    conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    assert leftovers(root) == []


def test_batch_read_finds_buckets_alike_by_stat_per_name_and_by_one_scan(conn, root):
    """A page of a batch read stats each name (its cost must not grow with the directory);
    a request for very many names scans the directory once: both answer the same."""
    ids = [create_bucket(conn, name=name).id for name in ("kept-a", "kept-b", "gone")]
    shutil.rmtree(root / "buckets" / "gone")  # deleted outside of Genesys
    request = provider_pb2.ReadResourcesRequest(
        refs=[pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id=i) for i in ids]
    )
    answers = list(read_results(conn.provider.ReadResources(request)))
    assert [a.not_found for a in answers] == [False, False, True]

    runtime = Runtime()
    runtime.configure(parse_settings(configure_request(root))[0])
    buckets = BucketOps(runtime)
    few = ["kept-a", "kept-b", "gone"]
    many = few + [f"never-made-{i}" for i in range(_STAT_EACH_UP_TO)]
    assert buckets.present("buckets", few) == {"kept-a", "kept-b"}
    assert buckets.present("buckets", many) == {"kept-a", "kept-b"}
    runtime.close()

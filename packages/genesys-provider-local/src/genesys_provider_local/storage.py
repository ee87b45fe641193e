"""StorageService: buckets are directories, volumes are sparse files (attachments.py attaches).

Bucket <name> is <root>/buckets/<name>/ (id = name); objects are its files; versioning keeps
history under .versions/ (see objects.py); public_access makes the directory world-readable
(0755) instead of private (0700); encryption, lifecycle and website are recorded, not applied
(files are stored in plain text). Deleting a bucket deletes its objects too.

Volume <id> is <root>/volumes/<id>.img, a sparse file of size_gb GiB; it can grow in place,
never shrink.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local import objects, tables, validation
from genesys_provider_local.fs import make_dir, remove_path
from genesys_provider_local.ops import KindOps, struct
from genesys_provider_local.registry import FAILED, READY, Row

GIB = 1024**3


class BucketOps(KindOps[pb.Bucket]):
    kind = pb.RESOURCE_KIND_BUCKET

    def directory(self, name: str) -> Path:
        return self.path("buckets", name)

    def new_id(self, config: Any) -> str:
        return str(config.name)

    def reserve(self, rid: str, config: pb.BucketConfig) -> None:
        if self.directory(rid).exists():
            raise errors.AlreadyExists(
                f"bucket {rid!r} already exists on disk ({self.directory(rid)}); "
                "import it instead of creating it"
            )

    def _describe(self, bucket: pb.Bucket, directory: Path) -> None:
        bucket.region = "local"
        bucket.endpoint = directory.as_uri()
        bucket.encryption_algorithm = "recorded-only" if bucket.encryption else ""
        bucket.provider_data.CopyFrom(
            struct(
                path=str(directory),
                versions_dir=objects.VERSIONS_DIR if bucket.versioning else None,
                encryption="recorded only: files are stored in plain text"
                if bucket.encryption
                else None,
                mode="0755" if bucket.public_access else "0700",
            )
        )

    def _apply(self, bucket: pb.Bucket, directory: Path) -> None:
        directory.chmod(0o755 if bucket.public_access else 0o700)
        objects.set_versioning(directory, bucket.versioning)
        self._describe(bucket, directory)

    def build(self, rid: str, config: pb.BucketConfig) -> tuple[pb.Bucket, dict[str, Any]]:
        directory = make_dir(self.directory(rid))
        bucket = pb.Bucket(
            id=rid,
            name=config.name,
            versioning=config.versioning,
            encryption=config.encryption,
            public_access=config.public_access,
            lifecycle=config.lifecycle,
            website=config.website,
            tags=config.tags,
        )
        self._apply(bucket, directory)
        return bucket, {}

    def destroy(self, rid: str, message: pb.Bucket | None) -> None:
        remove_path(self.directory(rid), self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        return row.body if self.directory(row.id).is_dir() else None

    def observe_many(self, rows: list[Row]) -> list[bytes | None]:
        present = self.present("buckets", [row.id for row in rows])
        return [row.body if row.status == FAILED or row.id in present else None for row in rows]

    def on_update(
        self, rid: str, message: pb.Bucket, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        self._apply(message, self.directory(rid))
        return aux

    def _unregistered(self) -> Iterator[pb.Bucket]:
        parent = self.path("buckets")
        if not parent.is_dir():
            return
        registry = self.rt.registry
        for directory in sorted(parent.iterdir()):
            if directory.is_dir() and registry.get(directory.name) is None:
                bucket = pb.Bucket(id=directory.name, name=directory.name)
                bucket.versioning = objects.versioning_enabled(directory)
                bucket.public_access = bool(directory.stat().st_mode & 0o004)
                self._describe(bucket, directory)
                yield bucket

    def discover_extra(self) -> Iterator[pb.Bucket]:
        """Directories under <root>/buckets that no create made (e.g. copied in by hand)."""
        return self._unregistered()

    def adopt_extra(self, rid: str) -> pb.Bucket | None:
        directory = self.directory(rid)
        if not directory.is_dir() or validation.problems("bucket", pb.BucketConfig(name=rid)):
            return None
        bucket = next((b for b in self._unregistered() if b.id == rid), None)
        if bucket is None:
            return None
        # Registering is what makes Get/Delete work from now on; the directory is untouched.
        row = Row(rid, self.kind, rid, None, READY, bucket.SerializeToString())
        self.rt.registry.insert(row)
        return bucket


class VolumeOps(KindOps[pb.Volume]):
    kind = pb.RESOURCE_KIND_VOLUME

    def file(self, rid: str) -> Path:
        return self.path("volumes", f"{rid}.img")

    def build(self, rid: str, config: pb.VolumeConfig) -> tuple[pb.Volume, dict[str, Any]]:
        path = self.file(rid)
        make_dir(path.parent)
        with open(path, "wb") as handle:
            handle.truncate(config.size_gb * GIB)  # sparse: no block is written
        volume = pb.Volume(
            id=rid,
            name=config.name,
            size_gb=config.size_gb,
            volume_class=config.volume_class,
            provider_type=tables.VOLUME_TYPES[config.volume_class or "standard"],
            encrypted=config.encrypted,
            zone=config.zone,
            state="available",
            tags=config.tags,
            provider_data=struct(path=str(path), encryption="recorded only"),
        )
        return volume, {}

    def destroy(self, rid: str, message: pb.Volume | None) -> None:
        remove_path(self.file(rid), self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        return row.body if self.file(row.id).is_file() else None

    def observe_many(self, rows: list[Row]) -> list[bytes | None]:
        present = self.present("volumes", [f"{row.id}.img" for row in rows])
        return [
            row.body if row.status == FAILED or f"{row.id}.img" in present else None for row in rows
        ]

    def on_update(
        self, rid: str, message: pb.Volume, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        path = self.file(rid)
        current = path.stat().st_size
        wanted = message.size_gb * GIB
        if wanted < current:
            raise errors.InvalidArgument(
                f"a volume cannot shrink ({current // GIB} GiB -> {message.size_gb} GiB)",
                attribute_path="config.size_gb",
            )
        if wanted > current:
            os.truncate(path, wanted)
        message.provider_type = tables.VOLUME_TYPES[message.volume_class or "standard"]
        return aux

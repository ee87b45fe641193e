"""What validate says about a database Tencent cannot run: the engine, and not a version
check made as if the engine were PostgreSQL."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys_provider_tencent.validation import validate


def database(engine: int, version: str) -> pb.Resource:
    return pb.Resource(database=pb.Database(name="app-db", engine=engine, version=version))


def test_an_engine_tencent_does_not_run_is_an_error_about_the_engine_only() -> None:
    found = validate(database(pb.DATABASE_ENGINE_SQLITE, "3"), 0)
    assert [(d.attribute_path, d.summary) for d in found] == [
        ("engine", "the tencent provider offers postgres, mysql and mongodb databases")
    ]


def test_an_unknown_postgres_version_is_named_with_the_offered_ones() -> None:
    (found,) = validate(database(pb.DATABASE_ENGINE_POSTGRES, "3"), 0)
    assert found.attribute_path == "version"
    assert found.summary.startswith("PostgreSQL 3 is not offered; one of ")

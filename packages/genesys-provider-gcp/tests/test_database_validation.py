"""What validate says about a database Cloud SQL cannot run: the engine, once, and not a
version check made as if the engine were postgres."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys_provider_gcp.planning import validate


def database(engine: int, version: str) -> pb.Resource:
    return pb.Resource(database=pb.Database(name="app-db", engine=engine, version=version))


def test_an_engine_cloud_sql_does_not_run_is_one_error_about_the_engine() -> None:
    found = list(validate(database(pb.DATABASE_ENGINE_SQLITE, "3"), 0))
    assert [(d.attribute_path, d.summary) for d in found] == [
        ("engine", "Cloud SQL runs postgres and mysql only")
    ]


def test_an_unknown_postgres_version_is_named_with_the_offered_ones() -> None:
    (found,) = validate(database(pb.DATABASE_ENGINE_POSTGRES, "3"), 0)
    assert found.attribute_path == "version"
    assert found.summary.startswith("postgres 3 is not offered by Cloud SQL; one of 11, 12")

"""The translation tables: each size is the S5 type (and PostgreSQL spec) closest in vCPU and
memory to the seed's AWS size, checked against the shapes the emulator's CVM sells, and every
alias and runtime names something the emulator's services accept."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys_emulators.tencent.cvm import IMAGES, INSTANCE_TYPES
from genesys_emulators.tencent.postgres import SPECS
from genesys_emulators.tencent.scf import RUNTIMES
from genesys_provider_tencent import tables

AWS_SHAPES = {
    pb.SIZE_SMALL: (2, 2),
    pb.SIZE_MEDIUM: (2, 4),
    pb.SIZE_LARGE: (2, 8),
    pb.SIZE_XLARGE: (4, 16),
}  # t3.small, medium, large, xlarge: vCPU, GiB


def _distance(shape: tuple[int, int], wanted: tuple[int, int]) -> int:
    return abs(shape[0] - wanted[0]) * 4 + abs(shape[1] - wanted[1])


def test_instance_types_are_the_closest_s5_shapes() -> None:
    for size, wanted in AWS_SHAPES.items():
        chosen = tables.instance_type_for(size)
        best = min(INSTANCE_TYPES, key=lambda t: _distance(INSTANCE_TYPES[t], wanted))
        assert INSTANCE_TYPES[chosen] == INSTANCE_TYPES[best] == wanted, (size, chosen)
    assert tables.instance_type_for(pb.SIZE_MEDIUM, "SA3.LARGE8") == "SA3.LARGE8"  # override
    assert tables.size_of_instance_type("S5.MEDIUM4") == pb.SIZE_MEDIUM


def test_database_specs_exist_and_grow_with_size() -> None:
    shapes = [SPECS[tables.database_spec_for(size)] for size in AWS_SHAPES]
    assert shapes == sorted(shapes) and len(set(shapes)) == len(shapes)
    for spec, shape in tables.DATABASE_SPEC_SHAPES.items():
        assert SPECS[spec] == shape


def test_aliases_runtimes_and_prices_cover_the_tables() -> None:
    assert {tables.image_id_for(alias) for alias in tables.IMAGE_ALIASES} <= set(IMAGES)
    assert set(tables.RUNTIMES.values()) <= set(RUNTIMES)
    for size in AWS_SHAPES:
        assert tables.instance_type_for(size) in tables.INSTANCE_HOURLY
        assert tables.database_spec_for(size) in tables.DATABASE_HOURLY
    assert tables.PRICES_AS_OF == "2024-11-01" and tables.PRICES_REGION == "ap-guangzhou"

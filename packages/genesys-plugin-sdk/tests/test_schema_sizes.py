"""Size words for translation tables: every protocol size has one, UNSPECIFIED none."""

from __future__ import annotations

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.schema import SIZE_WORDS, by_size_word


def test_every_size_has_its_word() -> None:
    assert SIZE_WORDS == {
        pb.SIZE_SMALL: "small",
        pb.SIZE_MEDIUM: "medium",
        pb.SIZE_LARGE: "large",
        pb.SIZE_XLARGE: "xlarge",
    }


def test_a_size_table_keyed_by_words() -> None:
    table = {pb.SIZE_SMALL: "S5.MEDIUM2", pb.SIZE_XLARGE: "S5.LARGE16"}
    assert by_size_word(table) == {"small": "S5.MEDIUM2", "xlarge": "S5.LARGE16"}
    with pytest.raises(KeyError):  # "unspecified" is no row of a translation table
        by_size_word({pb.SIZE_UNSPECIFIED: "x"})

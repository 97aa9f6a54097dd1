"""Read models from rows: by keyword, and by position for the large reads, whose order is checked."""
import msgspec
import pytest

from flexpool.db.rows import in_order, many


class Pair(msgspec.Struct, frozen=True):
    left: int
    right: str


def test_a_large_read_is_built_by_position_when_the_query_selects_the_fields_in_order():
    rows = [{"left": 1, "right": "a"}, {"left": 2, "right": "b"}]
    assert in_order(Pair, rows) == many(Pair, rows) == [Pair(1, "a"), Pair(2, "b")]
    assert in_order(Pair, []) == []


def test_a_query_that_drifted_from_its_model_is_refused_not_misread():
    with pytest.raises(LookupError, match="in order"):
        in_order(Pair, [{"right": "a", "left": 1}])

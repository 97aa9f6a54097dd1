"""Where a body's error is: the one place that reads msgspec's message (it has no structured path) is pinned
here, so an upgrade of msgspec that words it otherwise fails this test, not a client."""
from datetime import datetime
from typing import Annotated

import msgspec
import pytest

from api.input import Input, field_problem


class Block(Input):
    starts_at: datetime
    note: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class Roster(Input):
    """A body like the API's (bounded, as tests/api/test_input_bounds.py asks of every Input)."""

    name: Annotated[str, msgspec.Meta(max_length=100)]
    blocks: Annotated[list[Block], msgspec.Meta(max_length=10)] = []
    places: int = 1


def problem(body: bytes) -> tuple[str, str]:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(body, type=Roster, strict=True)
    return field_problem(caught.value)


def test_msgspec_names_the_place_of_a_wrong_type():
    assert problem(b'{"name": "x", "places": "2"}') == ("places", "Expected `int`, got `str`")
    assert problem(b'{"name": "x", "blocks": [{"startsAt": 5}]}') == ("blocks[0].startsAt", "Expected `datetime`, got `int`")


def test_the_whole_body_and_a_missing_field():
    assert problem(b'[]') == ("body", "Expected `object`, got `array`")
    assert problem(b'{}') == ("body", "Object missing required field `name`")


def test_an_unknown_field_is_named_itself():
    assert problem(b'{"name": "x", "colour": 1}') == ("colour", "unknown field")
    assert problem(b'{"name": "x", "blocks": [{"startsAt": "2026-12-01T07:00:00+01:00", "x": 1}]}') \
        == ("blocks[0].x", "unknown field")


def test_our_own_checks_name_their_field_inside_the_object():
    assert problem(b'{"name": "  "}') == ("name", "must not be blank")
    assert problem(b'{"name": "x", "blocks": [{"startsAt": "2026-12-01T07:00:00+01:00", "note": "a\\u202eb"}]}') \
        == ("blocks[0].note", "contains control, bidirectional-override or zero-width characters")
    assert problem(b'{"name": "x", "blocks": [{"startsAt": "9999-12-01T07:00:00+01:00"}]}') \
        == ("blocks[0].startsAt", "must lie between the years 1900 and 2100")

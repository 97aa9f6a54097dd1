"""Bad input never hurts: every text a client sends is bounded, normalised and cleaned; every date sane."""
import msgspec
import pytest

import api.routes  # noqa: F401 - every request shape is defined once the routes are imported
from api.input import Input


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def unbounded(t, path: str):
    """Paths of strings, lists and maps without a maximum length inside a msgspec type."""
    if isinstance(t, msgspec.inspect.StrType):
        if t.max_length is None and not t.pattern:
            yield path
    elif isinstance(t, (msgspec.inspect.ListType, msgspec.inspect.SetType, msgspec.inspect.FrozenSetType)):
        if t.max_length is None:
            yield path + "[]"
        yield from unbounded(t.item_type, path + "[]")
    elif isinstance(t, msgspec.inspect.DictType):
        if t.max_length is None:
            yield path + "{}"
        yield from unbounded(t.key_type, path + "{key}")
        yield from unbounded(t.value_type, path + "{}")
    elif isinstance(t, msgspec.inspect.UnionType):
        for member in t.types:
            yield from unbounded(member, path)
    elif isinstance(t, msgspec.inspect.Metadata):
        yield from unbounded(t.type, path)


def test_every_text_and_list_a_client_sends_has_a_maximum_length():
    problems = []
    for cls in subclasses(Input):
        info = msgspec.inspect.type_info(cls)
        for field in info.fields:
            if isinstance(field.type, msgspec.inspect.StructType):
                continue  # checked as its own class
            problems += list(unbounded(field.type, f"{cls.__name__}.{field.encode_name}"))
    assert not problems, problems

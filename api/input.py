"""What every request body goes through after msgspec has checked its shape: text is normalised and
cleaned, dates and instants stay within years a care rota can mean.

Normalised: Unicode NFC (so "é" typed two ways is one name), surrounding whitespace trimmed, line ends
to \\n. Refused (422 naming the field): control characters, bidirectional overrides and zero-width
characters (they make a name display as something else in another organisation's export), line breaks
outside free-text fields, text that is only whitespace, and dates outside 1900-2100 (PostgreSQL would
store 9999-12-31 as infinity-like edge values that break arithmetic elsewhere).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

import msgspec

from flexpool.domain.text import InvalidField, clean

if TYPE_CHECKING:
    from litestar.datastructures import MultiDict

FREE_TEXT = {"description", "reason", "basis", "note"}  # fields where a line break is fine
YEARS = (1900, 2100)


def clean_text(value: str, field: str) -> str:
    return clean(value, field, multiline=field in FREE_TEXT)


def check_year(value: date | datetime, field: str) -> None:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise InvalidField(field, f"must lie between the years {YEARS[0]} and {YEARS[1]}")


class Input(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Base of every request body."""

    def __post_init__(self) -> None:
        for field in self.__struct_fields__:
            value = getattr(self, field)
            name = self.__struct_encode_fields__[self.__struct_fields__.index(field)]
            if isinstance(value, str):
                setattr(self, field, clean_text(value, name))
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                setattr(self, field, [clean_text(v, name) for v in value])
            elif isinstance(value, (date, datetime)):
                check_year(value, name)


INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
INSTANT_PARAMETERS = {"from", "to"}  # every instant a query takes is one of these


def query_problems(params: MultiDict[str]) -> list[dict[str, str]]:
    """Instants in a query string must carry an offset, as in bodies (RFC 3339): `from=2026-12-01T10:00`
    would otherwise mean the server's zone to one endpoint and fail in another."""
    out = []
    for name, value in params.multi_items():
        if name in INSTANT_PARAMETERS and not INSTANT.match(value):
            out.append({"key": name, "source": "query",
                        "message": "an RFC 3339 instant with its offset, e.g. 2026-12-01T10:00:00+01:00"})
        elif INSTANT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue  # the parameter's own parsing says what is wrong
            if moment.tzinfo is None:
                out.append({"key": name, "source": "query",
                            "message": "an instant needs its offset, e.g. 2026-12-01T10:00:00+01:00"})
            elif not YEARS[0] <= moment.year <= YEARS[1]:
                out.append({"key": name, "source": "query",
                            "message": f"must lie between the years {YEARS[0]} and {YEARS[1]}"})
    return out


def strict_body_problems(body: bytes, annotation: object) -> None:
    """Decode the body strictly against its declared type: a number is not a boolean, a string not a number.
    Raises Litestar's ValidationException (422 naming the field), or lets a malformed body through to
    Litestar's own decoding (400)."""
    from litestar.exceptions import ValidationException

    try:
        msgspec.json.decode(body, type=annotation, strict=True)
    except msgspec.ValidationError as exc:
        field, message = field_problem(exc)
        raise ValidationException(f"{field}: {message}", extra=[{"key": field, "message": message,
                                                                 "source": "body"}]) from None
    except (msgspec.DecodeError, RecursionError):
        return


_AT = " - at `"  # msgspec ends every validation message with where it happened: "... - at `$.shifts[0].start`"


def field_problem(exc: msgspec.ValidationError) -> tuple[str, str]:
    """The field a body's error is about (`shifts[0].startsAt`, or `body` for the whole) and what is wrong.

    msgspec gives the place only inside its message (no structured path), in one documented form, which
    is read here and nowhere else (tests/unit/test_input.py pins it). A check of our own (InvalidField, from
    a Struct's __post_init__) travels as the error's cause and names its field inside that object."""
    text, _, where = str(exc).partition(_AT)
    path = where[where.rfind("$") + 1:].rstrip("`").lstrip(".") if where else ""
    cause = exc.__cause__
    if isinstance(cause, InvalidField):
        return _join(path, cause.field), cause.message
    if text.startswith(_UNKNOWN):  # name the unknown field itself, not the object holding it
        return _join(path, text[len(_UNKNOWN):].strip("`")), "unknown field"
    return path or "body", text or "invalid"


_UNKNOWN = "Object contains unknown field "


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field

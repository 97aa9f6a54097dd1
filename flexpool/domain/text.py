"""Text a person typed, as FlexPool keeps it: NFC, trimmed, free of characters that hide or reorder text."""
from __future__ import annotations

import re
import unicodedata

# C0/C1 controls but tab and newline, bidi embeddings/overrides/isolates, zero-width characters, BOM,
# interlinear annotation characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                       "\ufeff\ufff9-\ufffb]")


class InvalidField(ValueError):
    """A value refused by a check of our own, with the field it belongs to. A ValueError, so that msgspec
    reports it from a Struct's __post_init__ with the path of the object (and keeps it as the cause)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"`{field}` {message}")
        self.field = field
        self.message = message


def clean(value: str, field: str, *, multiline: bool = False) -> str:
    """Raises InvalidField; returns the normalised text."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if "\t" in text or FORBIDDEN.search(text):
        raise InvalidField(field, "contains control, bidirectional-override or zero-width characters")
    if "\n" in text and not multiline:
        raise InvalidField(field, "must be one line")
    if value and not text:
        raise InvalidField(field, "must not be blank")
    return text

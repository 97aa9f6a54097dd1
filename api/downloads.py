"""`Content-Disposition` for downloads, per RFC 6266: an ASCII `filename` any client understands, and
`filename*=UTF-8''...` (RFC 8187) with the real name, so "Stichting ’s Heeren Loo" or a name with a
quote still downloads under its own name."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def attachment(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("_.") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"

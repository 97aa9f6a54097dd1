"""A spreadsheet as HR and rostering systems export it, read into a header and rows of cells.

CSV: UTF-8 with or without a byte-order mark, `;` or `,` (whichever the header line uses), quoted as Excel
does. XLSX: the first worksheet; date cells arrive as dates, times as times, numbers as numbers.
Empty rows are skipped; row numbers are those a person sees in the spreadsheet (the header is row 1).
"""
from __future__ import annotations

import csv
import io

from flexpool.domain.cells import Cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX this service can read; the message says why."""


def read(content: bytes, content_type: str) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    if content_type.startswith(XLSX) or content[:2] == b"PK":
        return _xlsx(content)
    return _csv(content)


def _csv(content: bytes) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("the file is not UTF-8 text (save it as 'CSV UTF-8')") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows: list[list[Cell]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _split(rows)


def _xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    import openpyxl  # only here: reading spreadsheets is the one thing it is needed for

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise UnreadableFile("the file is not a readable XLSX workbook") from None
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return _split(rows)


def _split(rows: list[list[Cell]]) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    if not rows:
        raise UnreadableFile("the file is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2)
            if any(c is not None and str(c).strip() for c in row)]
    return header, body


def template(columns: list[str], example: list[str]) -> bytes:
    """An empty file to fill in: the header, and one example row to replace (Dutch Excel CSV)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(columns)
    w.writerow(example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")

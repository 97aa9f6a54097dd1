"""The per-shift specification as CSV that opens correctly in Excel with Dutch settings:
UTF-8 with a byte-order mark, semicolons, decimal commas, dd-mm-jjjj dates, CRLF line ends.

Names come from other organisations: a cell that a spreadsheet would run as a formula (starting with
=, +, -, @, |, % per defusedcsv; tab or carriage return per OWASP) is written as text with a leading
apostrophe, so a hostile name can never run in another organisation's finance department."""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from defusedcsv import csv

from flexpool.domain.statements import Statement
from flexpool.exports.money import euros

HEADER = ["Regel", "Soort", "Datum", "Medewerker", "Locatie", "Functie", "Gepland (min)", "Gewerkt (min)",
          "Tarief per uur", "ORT (min)", "ORT bedrag", "Basisbedrag", "Bedrag", "Corrigeert regel"]


def render(st: Statement) -> bytes:
    out = io.StringIO()
    w = _TextSafeWriter(csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL))
    w.writerow(["Verrekenoverzicht", f"{st.month:%m-%Y}", "Uitlener", st.lender.name, "Inlener", st.borrower.name])
    w.writerow(HEADER)
    for line in st.lines:
        w.writerow([line.position, line.kind, f"{line.work_date:%d-%m-%Y}", line.worker_name, line.site_name,
                    line.function, line.planned_minutes, line.worked_minutes, euros(line.tariff_cents, ","),
                    sum(p.minutes for p in line.ort), euros(line.ort_cents, ","), euros(line.base_cents, ","),
                    euros(line.amount_cents, ","), line.corrects_line_id or ""])
    t = st.totals
    w.writerow(["Totaal excl. btw", "", "", "", "", "", "", t.minutes, "", "", "", "", euros(t.amount_cents, ","), ""])
    w.writerow([f"Btw {st.vat.percent}% ({st.vat.category})", "", "", "", "", "", "", "", "", "", "", "",
                euros(t.vat_cents, ","), st.vat.exemption_reason or ""])
    w.writerow(["Totaal te betalen", "", "", "", "", "", "", "", "", "", "", "", euros(t.total_cents, ","), ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _TextSafeWriter:
    """defusedcsv covers the formula characters; a leading tab or carriage return (OWASP) as well."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: Sequence[object]) -> None:
        self.writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("\t", "\r") else c for c in row])

"""The statement as an Excel workbook (xlsxwriter): a header block, the lines, and totals."""
from __future__ import annotations

import io
from datetime import datetime, time

import xlsxwriter

from flexpool.domain.statements import Statement

COLUMNS = [("Regel", 6), ("Soort", 16), ("Datum", 11), ("Medewerker", 24), ("Locatie", 20), ("Functie", 20),
           ("Gepland (min)", 13), ("Gewerkt (min)", 13), ("Tarief/uur", 11), ("ORT (min)", 10), ("ORT", 11),
           ("Basis", 11), ("Bedrag", 12), ("Corrigeert regel", 38)]


def render(st: Statement) -> bytes:
    buffer = io.BytesIO()
    # Text is text: a name starting with "=" must never become a formula, nor a URL a link.
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    ws = wb.add_worksheet("Verrekenoverzicht")
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    euro = wb.add_format({"num_format": "€ #,##0.00"})
    euro_bold = wb.add_format({"num_format": "€ #,##0.00", "bold": True})
    day = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write(0, 0, f"Verrekenoverzicht {st.month:%m-%Y}", title)
    header = [("Uitlener", st.lender.name), ("KvK uitlener", st.lender.kvk_number or ""),
              ("IBAN uitlener", st.lender.iban or ""), ("Inlener", st.borrower.name),
              ("KvK inlener", st.borrower.kvk_number or ""), ("Btw", f"{st.vat.percent}% ({st.vat.category})"),
              ("Vrijstelling", st.vat.exemption_reason or ""), ("Waadi", st.waadi), ("Kenmerk", st.id)]
    for i, (label, value) in enumerate(header, start=2):
        ws.write(i, 0, label, bold)
        ws.write(i, 1, value)
    top = len(header) + 3
    for col, (name, width) in enumerate(COLUMNS):
        ws.write(top, col, name, bold)
        ws.set_column(col, col, width)
    row = top
    for line in st.lines:
        row += 1
        ws.write_number(row, 0, line.position)
        ws.write(row, 1, line.kind)
        ws.write_datetime(row, 2, datetime.combine(line.work_date, time()), day)
        ws.write(row, 3, line.worker_name)
        ws.write(row, 4, line.site_name)
        ws.write(row, 5, line.function)
        ws.write_number(row, 6, line.planned_minutes)
        ws.write_number(row, 7, line.worked_minutes)
        ws.write_number(row, 8, line.tariff_cents / 100, euro)
        ws.write_number(row, 9, sum(p.minutes for p in line.ort))
        ws.write_number(row, 10, line.ort_cents / 100, euro)
        ws.write_number(row, 11, line.base_cents / 100, euro)
        ws.write_number(row, 12, line.amount_cents / 100, euro)
        ws.write(row, 13, line.corrects_line_id or "")
    t = st.totals
    # Totals are the exact cents of the statement, not a spreadsheet formula that could round differently.
    for offset, (label, cents) in enumerate((("Totaal excl. btw", t.amount_cents), ("Btw", t.vat_cents),
                                             ("Totaal te betalen", t.total_cents)), start=2):
        ws.write(row + offset, 11, label, bold)
        ws.write_number(row + offset, 12, cents / 100, euro_bold)
    ws.write(row + 2, 7, t.minutes, bold)
    wb.close()
    return buffer.getvalue()

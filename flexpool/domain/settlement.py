"""Settlement arithmetic (verrekening) in integer cents: lines, statements, VAT, positions, transfers.

A line's amount is computed once from the exact fraction and rounded half up; its parts (base and each
ORT band) are shown with the cents shared out so they add up to the amount exactly. Totals are sums of
lines; VAT is computed once per statement on that sum, rounded half up.
"""
from __future__ import annotations

import math
from fractions import Fraction

import msgspec

from flexpool.domain.tariffs import OrtMinutes


def round_half_up(x: Fraction) -> int:
    """Half up, away from zero for negatives too (corrections): 2.5 → 3, −2.5 → −3."""
    sign = -1 if x < 0 else 1
    ax = abs(x)
    return sign * int((ax.numerator * 2 + ax.denominator) // (2 * ax.denominator))


class OrtPart(msgspec.Struct, frozen=True, rename="camel"):
    label: str
    percent: int
    minutes: int
    amount_cents: int


class LineAmount(msgspec.Struct, frozen=True, rename="camel"):
    base_cents: int
    ort: tuple[OrtPart, ...]
    amount_cents: int


def _share_out(total: int, exact: list[Fraction]) -> list[int]:
    """Integers that add up to `total`, each as close as possible to its exact share (largest remainder)."""
    floors = [math.floor(x) for x in exact]
    rest = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:max(rest, 0)]:
        floors[i] += 1
    return floors


def work_line(tariff_cents_per_hour: int, worked_minutes: int, paid_ort: list[OrtMinutes]) -> LineAmount:
    """Base for the worked minutes plus ORT per band on top."""
    base = Fraction(tariff_cents_per_hour * worked_minutes, 60)
    bands = [Fraction(tariff_cents_per_hour * o.minutes * o.percent, 6000) for o in paid_ort]
    amount = round_half_up(base + sum(bands, Fraction(0)))
    parts = _share_out(amount, [base, *bands])
    return LineAmount(base_cents=parts[0],
                      ort=tuple(OrtPart(o.label, o.percent, o.minutes, c) for o, c in zip(paid_ort, parts[1:], strict=True)),
                      amount_cents=amount)


def late_cancellation_line(tariff_cents_per_hour: int, planned_minutes: int, percent: int = 50) -> int:
    return round_half_up(Fraction(tariff_cents_per_hour * planned_minutes * percent, 6000))


class Vat(msgspec.Struct, frozen=True):
    category: str          # S (standard) or E (exempt), as in EN 16931
    percent: int
    exemption_reason: str | None = None
    exemption_code: str | None = None  # VATEX code (EN 16931 BT-121) where one fits the documented basis




def vat_cents(amount_cents: int, vat: Vat) -> int:
    return round_half_up(Fraction(amount_cents * vat.percent, 100))


class StatementTotals(msgspec.Struct, frozen=True):
    minutes: int
    amount_cents: int
    vat_cents: int
    total_cents: int
    line_count: int


def totals(lines: list[tuple[int, int]], vat: Vat) -> StatementTotals:
    """`lines` as (minutes, amount_cents)."""
    amount = sum(a for _, a in lines)
    v = vat_cents(amount, vat)
    return StatementTotals(minutes=sum(m for m, _ in lines), amount_cents=amount, vat_cents=v,
                           total_cents=amount + v, line_count=len(lines))


class Position(msgspec.Struct, frozen=True):
    organisation_id: str
    receivable_cents: int
    payable_cents: int

    @property
    def net_cents(self) -> int:
        return self.receivable_cents - self.payable_cents


class Transfer(msgspec.Struct, frozen=True):
    from_organisation_id: str
    to_organisation_id: str
    amount_cents: int


def positions(statements: list[tuple[str, str, int]], organisations: list[str]) -> list[Position]:
    """`statements` as (lender, borrower, total_cents): the lender receives, the borrower pays."""
    rec = {o: 0 for o in organisations}
    pay = {o: 0 for o in organisations}
    for lender, borrower, total in statements:
        rec[lender] = rec.get(lender, 0) + total
        pay[borrower] = pay.get(borrower, 0) + total
        pay.setdefault(lender, 0)
        rec.setdefault(borrower, 0)
    return [Position(o, rec[o], pay[o]) for o in sorted(rec)]


def transfers(nets: dict[str, int]) -> list[Transfer]:
    """At most (organisations − 1) payments that settle every net position: the largest debtor pays the
    largest creditor until one of them is square."""
    creditors = sorted(((n, o) for o, n in nets.items() if n > 0), reverse=True)
    debtors = sorted(((-n, o) for o, n in nets.items() if n < 0), reverse=True)
    owed = [n for n, _ in debtors]  # what each debtor still has to pay
    due = [n for n, _ in creditors]  # what each creditor still has to receive
    out: list[Transfer] = []
    i = j = 0
    while i < len(owed) and j < len(due):
        amount = min(owed[i], due[j])
        out.append(Transfer(debtors[i][1], creditors[j][1], amount))
        owed[i] -= amount
        due[j] -= amount
        if owed[i] == 0:
            i += 1
        if due[j] == 0:
            j += 1
    return out




"""The rules of an import: which columns mean what, and how Dutch spreadsheets write dates, times, numbers and
yes/no. Pure: cells in, typed records and every row's problems out (a person fixes a file once, not once per
error).

Columns are matched on their name without case, spaces, hyphens or underscores, in Dutch or English; the
README lists them. Dates: 31-12-2026, 31/12/2026, 2026-12-31 or a spreadsheet date cell. Times: 7:00, 07:00,
7.00 or a time cell; an end before the start is the next day (a night). Hours: 32 or 32,5.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from flexpool.domain.catalogue import Catalogue
from flexpool.domain.cells import Cell
from flexpool.domain.text import clean

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

WORKER_COLUMNS: dict[str, tuple[str, ...]] = {
    "employeeNumber": ("personeelsnummer", "personeelsnr", "medewerkernummer", "employeenumber", "employeeno",
                       "personnelnumber"),
    "email": ("email", "emailadres", "mail"),
    "name": ("naam", "name", "volledigenaam", "fullname"),
    "function": ("functie", "function"),
    "contractHoursPerWeek": ("contracturen", "urenperweek", "contracthoursperweek", "hoursperweek",
                             "contracthours"),
    "dateOfBirth": ("geboortedatum", "dateofbirth", "birthdate"),
    "postcode": ("postcode", "zip", "postalcode"),
    "skills": ("bekwaamheden", "skills", "vaardigheden"),
    "pool": ("flexpool", "pool", "optedin", "indepool"),
    "vogValidUntil": ("voggeldigtot", "vogvaliduntil", "vog"),
}
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "employeeNumber": WORKER_COLUMNS["employeeNumber"],
    "email": WORKER_COLUMNS["email"],
    "date": ("datum", "date", "dag"),
    "start": ("begintijd", "starttijd", "start", "van", "begin", "starttime"),
    "end": ("eindtijd", "end", "tot", "einde", "endtime"),
}
WORKER_TEMPLATE = (["personeelsnummer", "e-mail", "naam", "functie", "contracturen", "geboortedatum", "postcode",
                    "bekwaamheden", "flexpool", "vog geldig tot"],
                   ["10234", "anna.jansen@example.nl", "Anna Jansen", "verzorgende-ig", "28", "14-03-1990",
                    "3511 AB", "medicatie, bhv", "ja", "31-12-2028"])
ROSTER_TEMPLATE = (["personeelsnummer", "e-mail", "datum", "begintijd", "eindtijd"],
                   ["10234", "", "01-12-2026", "07:00", "15:30"])

Problem = tuple[int, str, str]  # (row, column, message)
T = TypeVar("T")


class WorkerRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One row of a workers import, read and checked: who (matched on personnel number, else e-mail), their
    work, the person, and the pool."""

    row: int
    employee_number: str | None = None
    email: str
    name: str
    function: str
    skills: tuple[str, ...] = ()
    contract_minutes_per_week: int
    date_of_birth: date | None = None
    postcode: str | None = None
    opted_in: bool | None = None
    vog_valid_until: date | None = None

    @property
    def key(self) -> str:
        return self.employee_number or self.email.lower()


class RosterRecord(msgspec.Struct, frozen=True):
    row: int
    employee_number: str | None
    email: str | None
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> str:
        return self.employee_number or (self.email or "").lower()


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name.strip().lower())


def columns(header: list[str], known: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[Problem]]:
    """Which column index holds which field; unknown columns are reported, not guessed."""
    index, problems = {}, []
    for i, raw in enumerate(header):
        if not raw:
            continue
        field = next((f for f, names in known.items() if _norm(raw) in names or _norm(raw) == _norm(f)), None)
        if field is None:
            problems.append((1, raw, f"unknown column; known are: {', '.join(known)}"))
        elif field in index:
            problems.append((1, raw, f"a second column for {field}"))
        else:
            index[field] = i
    return index, problems


def _cell(row: list[Cell], index: dict[str, int], field: str) -> Cell:
    i = index.get(field)
    value = row[i] if i is not None and i < len(row) else None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _RowReader:
    """Reads one row's cells by field, collecting every problem of the row instead of stopping at the first,
    so a file comes back with all its errors at once."""

    def __init__(self, number: int, row: list[Cell], index: dict[str, int]) -> None:
        self.number, self.row, self.index = number, row, index
        self.problems: list[Problem] = []

    def cell(self, field: str) -> Cell:
        return _cell(self.row, self.index, field)

    def take(self, field: str, parse: Callable[[Any], T], required: bool = False) -> T | None:
        value = self.cell(field)
        if value is None:
            if required:
                self.problems.append((self.number, field, "required"))
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problems.append((self.number, field, str(exc).strip("`").replace("` ", " ")))
            return None


DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")


def parse_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = DATE.match(text)
    try:
        result = date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError("a date as 31-12-2026") from None
    if not 1900 <= result.year <= 2100:
        raise ValueError("a date between 1900 and 2100")
    return result


def parse_time(value: Cell) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, (int, float)) and 0 <= value < 1:  # a spreadsheet's fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    m = TIME.match(str(value).strip())
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise ValueError("a time as 07:00")
    return time(0, 0) if int(m.group(1)) == 24 else time(int(m.group(1)), int(m.group(2)))


def parse_hours(value: Cell) -> float:
    try:
        hours = float(str(value).replace(",", ".")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise ValueError("hours as a number, e.g. 28 or 28,5") from None
    if not 0 <= hours <= 60:
        raise ValueError("between 0 and 60 hours a week")
    return hours


YES, NO = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}, {"nee", "n", "no", "false", "onwaar", "0"}


def parse_yes_no(value: Cell) -> bool:
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("ja or nee")


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_workers(header: list[str], rows: list[tuple[int, list[Cell]]],
                  catalogue: Catalogue) -> tuple[list[WorkerRecord], list[Problem]]:
    index, problems = columns(header, WORKER_COLUMNS)
    for required in ("email", "name", "function", "contractHoursPerWeek"):
        if required not in index:
            problems.append((1, required, "this column is missing"))
    if problems:
        return [], problems
    functions = {**{c: c for c in catalogue.functions}, **{f.label.lower(): c for c, f in catalogue.functions.items()}}
    skills = {**{c: c for c in catalogue.skills}, **{s.label.lower(): c for c, s in catalogue.skills.items()}}
    records: list[WorkerRecord] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        found: dict[str, Any] = {}
        reader = _RowReader(number, row, index)
        take = reader.take
        found["email"] = take("email", lambda v: _email(v), True)
        found["name"] = take("name", lambda v: _text(v, "name", 200), True)
        found["function"] = take("function", lambda v: _choice(v, functions, "function"), True)
        hours = take("contractHoursPerWeek", parse_hours, True)
        found["employee_number"] = take("employeeNumber", lambda v: _text(_number_text(v), "employeeNumber", 40))
        found["date_of_birth"] = take("dateOfBirth", parse_date)
        found["postcode"] = take("postcode", lambda v: _text(v, "postcode", 16))
        found["skills"] = take("skills", lambda v: tuple(_choice(s, skills, "skill")
                                                         for s in re.split(r"[,;/]", str(v)) if s.strip())) or ()
        found["opted_in"] = take("pool", parse_yes_no)
        found["vog_valid_until"] = take("vogValidUntil", parse_date)
        if reader.problems or hours is None:
            problems += reader.problems
            continue
        record = WorkerRecord(row=number, contract_minutes_per_week=round(hours * 60), **found)
        for key in filter(None, (record.employee_number and f"#{record.employee_number}", record.email.lower())):
            if key in seen:
                problems.append((number, "employeeNumber" if key.startswith("#") else "email",
                                 f"the same person as row {seen[key]}"))
            seen[key] = number
        records.append(record)
    return records, problems


def parse_roster(header: list[str], rows: list[tuple[int, list[Cell]]]) -> tuple[list[RosterRecord], list[Problem]]:
    index, problems = columns(header, ROSTER_COLUMNS)
    if "employeeNumber" not in index and "email" not in index:
        problems.append((1, "employeeNumber", "a column personeelsnummer or e-mail is needed"))
    for required in ("date", "start", "end"):
        if required not in index:
            problems.append((1, required, "this column is missing"))
    if problems:
        return [], problems
    records = []
    for number, row in rows:
        reader = _RowReader(number, row, index)
        day = reader.take("date", parse_date, required=True)
        start = reader.take("start", parse_time, required=True)
        end = reader.take("end", parse_time, required=True)
        employee = reader.cell("employeeNumber")
        email = reader.cell("email")
        if employee is None and email is None:
            reader.problems.append((number, "employeeNumber", "personeelsnummer or e-mail is required"))
        if reader.problems or day is None or start is None or end is None:
            problems += reader.problems
            continue
        try:
            starts_at, ends_at = local_block(day, start, end)
        except ValueError as exc:
            problems.append((number, "start", str(exc)))
            continue
        records.append(RosterRecord(number, _number_text(employee) if employee is not None else None,
                                    str(email).strip() if email is not None else None, starts_at, ends_at))
    return records, problems


def local_block(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A block on the clock of Europe/Amsterdam; an end at or before the start is the next day. A time that
    does not exist on the day (the spring DST gap) is refused; an ambiguous one (autumn) is the first."""
    starts_at = _existing(datetime.combine(day, start, tzinfo=AMSTERDAM))
    end_day = day + timedelta(days=1) if end <= start else day
    ends_at = _existing(datetime.combine(end_day, end, tzinfo=AMSTERDAM))
    return starts_at, ends_at


def _existing(moment: datetime) -> datetime:
    round_trip = moment.astimezone(ZoneInfo("UTC")).astimezone(AMSTERDAM)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValueError(f"{moment:%d-%m-%Y %H:%M} does not exist (the clocks go forward that night)")
    return moment


def roster_problems(records: list[RosterRecord]) -> list[Problem]:
    """Within the file: blocks of one worker must not overlap and last at most 24 hours."""
    problems: list[Problem] = []
    by_worker: dict[str, list[RosterRecord]] = {}
    for r in records:
        if r.ends_at - r.starts_at > timedelta(hours=24):
            problems.append((r.row, "end", "a roster block lasts at most 24 hours"))
        by_worker.setdefault(r.key, []).append(r)
    for blocks in by_worker.values():
        ordered = sorted(blocks, key=lambda b: b.starts_at)
        for a, b in pairwise(ordered):
            if b.starts_at < a.ends_at:
                problems.append((b.row, "start", f"overlaps row {a.row} of the same person"))
    return problems


def _email(value: Cell) -> str:
    text = clean(str(value), "email")
    if len(text) > 320 or not EMAIL.match(text):
        raise ValueError("not an e-mail address")
    return text


def _text(value: Cell, field: str, longest: int) -> str:
    text = clean(str(value), field)
    if len(text) > longest:
        raise ValueError(f"at most {longest} characters")
    return text


def _number_text(value: Cell) -> str:
    """A personnel number a spreadsheet turned into 10234.0 is 10234 again."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(value: Cell, known: dict[str, str], what: str) -> str:
    code = known.get(str(value).strip().lower())
    if code is None:
        raise ValueError(f"unknown {what}; one of: {', '.join(sorted(set(known.values())))}")
    return code

"""What a cell of an imported spreadsheet can hold: CSV gives text, XLSX also numbers, dates and times."""
from datetime import date, datetime, time

Cell = str | int | float | date | datetime | time | None

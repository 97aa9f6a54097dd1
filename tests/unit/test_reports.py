"""The reports' arithmetic: the fill rate over shifts as published, and loans from the month's statements."""
from datetime import UTC, datetime, timedelta

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from flexpool.domain.reports import fill_figures

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)


class Published(msgspec.Struct, frozen=True):
    status: str
    places: int
    places_filled: int
    published_at: datetime
    filled_at: datetime | None


def test_cancelled_shifts_do_not_count_against_the_fill_rate():
    rows = [Published("filled", 2, 2, T0, T0 + timedelta(minutes=30)),
            Published("filled", 1, 1, T0, T0 + timedelta(minutes=90)),
            Published("open", 3, 1, T0, None),
            Published("cancelled", 1, 0, T0, None)]
    figures = fill_figures(rows)
    assert (figures.published, figures.filled, figures.cancelled) == (4, 2, 1)
    assert figures.fill_rate == round(2 / 3, 4) and figures.median_minutes_to_fill == 60


def test_nothing_published_has_no_rate():
    assert fill_figures([]).fill_rate is None and fill_figures([]).median_minutes_to_fill is None


@given(st.lists(st.tuples(st.sampled_from(["open", "filled", "cancelled"]), st.integers(1, 5), st.integers(0, 5)),
                max_size=30))
def test_the_rate_lies_between_nothing_and_everything(shifts):
    rows = [Published(s, places, min(filled, places), T0, T0 + timedelta(minutes=5) if filled >= places else None)
            for s, places, filled in shifts]
    figures = fill_figures(rows)
    assert figures.filled + figures.cancelled <= figures.published
    assert figures.fill_rate is None or 0 <= figures.fill_rate <= 1

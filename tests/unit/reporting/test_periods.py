"""Period arithmetic in Europe/Istanbul: named periods, ranges, year boundaries, bucket tiling."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from services.reporting.domain.periods import (
    PeriodError,
    bucket_span,
    buckets_of,
    decompose,
    local_day,
    parse_period,
    period_between,
)


@pytest.mark.parametrize("text, start, end, kind", [
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "half"),
    ("2026-h2", date(2026, 7, 1), date(2026, 12, 31), "half"),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
    ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "quarter"),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "month"),
    ("2026-01-15/2026-02-10", date(2026, 1, 15), date(2026, 2, 10), "range"),
    (" 2026-Q3 ", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
])
def test_named_periods_and_ranges(text, start, end, kind):
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)


def test_a_range_that_is_a_named_period_gets_its_name():
    assert period_between(date(2026, 7, 1), date(2026, 9, 30)).label == "2026-Q3"
    assert parse_period("2026-01-01/2026-12-31").label == "2026"
    assert period_between(date(2026, 7, 1), date(2026, 7, 31)).label == "2026-07"
    assert period_between(date(2026, 7, 2), date(2026, 7, 31)).label == "2026-07-02/2026-07-31"


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "2026-H3", "1999", "2100", "26", "abc", "", "2026-13",
                                  "2026-00", "2026-02-30/2026-03-01", "2026-03-01/2026-02-01", "2026-Q3/2026-Q4",
                                  "2026-1-1/2026-2-1", "2026-Q３"])
def test_wrong_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_period_instants_are_istanbul_midnights():
    period = parse_period("2026-Q3")
    assert period.start_instant.isoformat() == "2026-07-01T00:00:00+03:00"
    assert period.end_instant.isoformat() == "2026-10-01T00:00:00+03:00"
    assert period.end_instant.astimezone(timezone.utc).isoformat() == "2026-09-30T21:00:00+00:00"


@pytest.mark.parametrize("moment, day", [
    ("2026-12-31T22:30:00+00:00", date(2027, 1, 1)),    # New Year's night in Istanbul: next year's Q1
    ("2026-12-31T20:59:59Z", date(2026, 12, 31)),
    ("2026-12-31T23:59:59+03:00", date(2026, 12, 31)),
    ("2027-01-01T00:30:00+03:00", date(2027, 1, 1)),
    ("2026-03-31T21:00:00+00:00", date(2026, 4, 1)),    # Q1 -> Q2 boundary
    ("2026-06-30T20:59:00+00:00", date(2026, 6, 30)),   # H1 still
    ("2026-06-30T21:00:00+00:00", date(2026, 7, 1)),    # H2
    ("2026-09-30T23:30:00+03:00", date(2026, 9, 30)),
    ("2026-07-01T01:00:00+05:00", date(2026, 6, 30)),   # an offset east of Istanbul
    ("2026-05-14T10:00:00", date(2026, 5, 14)),         # no offset: UTC
])
def test_local_day_of_a_moment(moment, day):
    assert local_day(moment) == day


def test_local_day_in_the_period_at_year_boundaries():
    new_year = local_day("2025-12-31T21:00:00+00:00")
    assert new_year == date(2026, 1, 1)
    assert parse_period("2026-Q1").start <= new_year <= parse_period("2026-Q1").end
    last = local_day("2026-12-31T20:59:59+00:00")
    assert parse_period("2026-H2").start <= last <= parse_period("2026-H2").end
    assert local_day(datetime(2026, 12, 31, 21, 0, tzinfo=timezone.utc)) == date(2027, 1, 1)


def test_buckets_of_a_day():
    assert buckets_of(date(2026, 9, 30)) == ["Y:2026", "H:2026-H2", "Q:2026-Q3", "M:2026-09", "D:2026-09-30"]
    assert buckets_of(date(2027, 1, 1)) == ["Y:2027", "H:2027-H1", "Q:2027-Q1", "M:2027-01", "D:2027-01-01"]


def test_decompose_uses_the_largest_buckets():
    assert decompose(date(2026, 1, 1), date(2026, 12, 31)) == ["Y:2026"]
    assert decompose(date(2025, 1, 1), date(2026, 9, 30)) == ["Y:2025", "H:2026-H1", "Q:2026-Q3"]
    assert decompose(date(2026, 7, 1), date(2026, 9, 30)) == ["Q:2026-Q3"]
    tiles = decompose(date(2025, 12, 30), date(2026, 2, 2))
    assert tiles == ["D:2025-12-30", "D:2025-12-31", "M:2026-01", "D:2026-02-01", "D:2026-02-02"]
    assert decompose(date(2026, 3, 1), date(2026, 8, 31)) == ["M:2026-03", "Q:2026-Q2", "M:2026-07", "M:2026-08"]


def test_decompose_tiles_every_range_exactly():
    rng = random.Random(11)
    for _ in range(300):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 900))
        end = start + timedelta(days=rng.randrange(0, 800))
        day = start
        for tile in decompose(start, end):
            first, last = bucket_span(tile)
            assert first == day
            day = last + timedelta(days=1)
        assert day == end + timedelta(days=1)

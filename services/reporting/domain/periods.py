"""Reporting periods in the platform's zone (Europe/Istanbul) and the calendar buckets behind them.

A period is a range of local calendar days, both ends included: `2026` (a year),
`2026-H2` (a half), `2026-Q3` (a quarter), `2026-07` (a month), or any
`from`/`to` pair of dates. A meeting belongs to the period of its local start
date; a membership counts as at the end of the period's last local day.

Projections keep their counters in calendar buckets (`Y:2026`, `H:2026-H2`,
`Q:2026-Q3`, `M:2026-07`, `D:2026-07-14`): every event adds to the five
buckets of its day, so the figures of a named period are read from one bucket
and those of any range from the few maximal buckets that tile it (`decompose`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from shared.config import PLATFORM_ZONE as ZONE

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
LEVELS = ("Y", "H", "Q", "M", "D")

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """The text is not a period this service understands."""


@dataclass(frozen=True)
class Period:
    label: str
    start: date          # first local day, included
    end: date            # last local day, included
    kind: str            # year, half, quarter, month, range

    @property
    def start_instant(self) -> datetime:
        return datetime.combine(self.start, time.min, ZONE)

    @property
    def end_instant(self) -> datetime:
        """The first instant after the period (exclusive end)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, ZONE)

    def to_dict(self) -> dict:
        return {"label": self.label, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "kind": self.kind, "timezone": "Europe/Istanbul"}


def _year(text: str) -> int:
    year = int(text)
    if not EARLIEST.year <= year <= LATEST.year:
        raise PeriodError(f"year {year} is outside {EARLIEST.year}–{LATEST.year}")
    return year


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str) -> Period:
    """`2026`, `2026-H2`, `2026-Q3`, `2026-07` or `2026-01-01/2026-06-30`."""
    if not isinstance(text, str):
        raise PeriodError("a period is a string such as 2026-Q3")
    value = text.strip()
    if m := _YEAR.match(value):
        year = _year(m.group(1))
        return Period(str(year), date(year, 1, 1), date(year, 12, 31), "year")
    if m := _HALF.match(value):
        year, half = _year(m.group(1)), int(m.group(2))
        return Period(f"{year}-H{half}", date(year, 1 + 6 * (half - 1), 1), _month_end(year, 6 * half), "half")
    if m := _QUARTER.match(value):
        year, quarter = _year(m.group(1)), int(m.group(2))
        return Period(f"{year}-Q{quarter}", date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), "quarter")
    if m := _MONTH.match(value):
        year, month = _year(m.group(1)), int(m.group(2))
        return Period(f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month), "month")
    if m := _RANGE.match(value):
        return period_between(_date(m.group(1), "from"), _date(m.group(2), "to"))
    raise PeriodError(f"{value[:40]!r} is not a period: use 2026, 2026-H2, 2026-Q3, 2026-07 or "
                      "2026-01-01/2026-06-30")


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{name} {text[:20]!r} is not a date (YYYY-MM-DD)") from None


def period_between(start: date, end: date) -> Period:
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise PeriodError(f"dates must lie between {EARLIEST} and {LATEST}")
    if end < start:
        raise PeriodError(f"the period ends ({end}) before it starts ({start})")
    named = _named(start, end)
    if named is not None:
        return named
    return Period(f"{start.isoformat()}/{end.isoformat()}", start, end, "range")


def _named(start: date, end: date) -> Period | None:
    """A range that is exactly a year, half, quarter or month gets that period's name."""
    tiles = decompose(start, end)
    if len(tiles) == 1 and not tiles[0].startswith("D:"):
        return parse_period(tiles[0].split(":", 1)[1])
    return None


def local_day(value) -> date:
    """The Europe/Istanbul calendar day of an ISO 8601 time (with offset; UTC if none) or a datetime."""
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZONE).date()


# -- buckets ------------------------------------------------------------------------

def buckets_of(day: date) -> list[str]:
    """The five buckets a day adds to, largest first."""
    half = 1 if day.month <= 6 else 2
    quarter = (day.month - 1) // 3 + 1
    return [f"Y:{day.year}", f"H:{day.year}-H{half}", f"Q:{day.year}-Q{quarter}", f"M:{day.year}-{day.month:02d}",
            f"D:{day.isoformat()}"]


def _span(level: str, day: date) -> tuple[date, date] | None:
    """The bucket of `level` that starts on `day`, if one does."""
    if level == "D":
        return day, day
    if day.day != 1:
        return None
    if level == "M":
        return day, _month_end(day.year, day.month)
    if level == "Q" and day.month in (1, 4, 7, 10):
        return day, _month_end(day.year, day.month + 2)
    if level == "H" and day.month in (1, 7):
        return day, _month_end(day.year, day.month + 5)
    if level == "Y" and day.month == 1:
        return day, date(day.year, 12, 31)
    return None


def _name(level: str, start: date) -> str:
    if level == "Y":
        return f"Y:{start.year}"
    if level == "H":
        return f"H:{start.year}-H{1 if start.month == 1 else 2}"
    if level == "Q":
        return f"Q:{start.year}-Q{(start.month - 1) // 3 + 1}"
    if level == "M":
        return f"M:{start.year}-{start.month:02d}"
    return f"D:{start.isoformat()}"


def decompose(start: date, end: date) -> list[str]:
    """The fewest buckets that tile [start, end] exactly (largest buckets first at each step)."""
    tiles, day = [], start
    while day <= end:
        for level in LEVELS:
            span = _span(level, day)
            if span is not None and span[1] <= end:
                tiles.append(_name(level, day))
                day = span[1] + timedelta(days=1)
                break
    return tiles


def bucket_span(bucket: str) -> tuple[date, date]:
    level, name = bucket.split(":", 1)
    if level == "D":
        day = date.fromisoformat(name)
        return day, day
    period = parse_period(name)
    return period.start, period.end

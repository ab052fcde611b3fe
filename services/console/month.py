"""A month of meetings as a calendar grid: weeks from Monday (as Turkish calendars print them), each day with the
meetings that start on it in Europe/Istanbul, the days of the neighbouring months filling the first and last
week. Pure: the page gives it the month and the meetings; it knows nothing of HTTP."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.config import PLATFORM_ZONE

from .formats import parse_when

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the events API's range of times


@dataclass
class Day:
    day: date
    in_month: bool
    meetings: list = field(default_factory=list)


@dataclass
class MonthGrid:
    first: date
    weeks: list[list[Day]]

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def last(self) -> date:
        return date(self.first.year, self.first.month, calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def previous(self) -> str | None:
        year, month = (self.first.year, self.first.month - 1) if self.first.month > 1 else (self.first.year - 1, 12)
        return f"{year:04d}-{month:02d}" if year >= FIRST_YEAR else None

    @property
    def next(self) -> str | None:
        year, month = (self.first.year, self.first.month + 1) if self.first.month < 12 else (self.first.year + 1, 1)
        return f"{year:04d}-{month:02d}" if year <= LAST_YEAR else None


def parse_month(text: str | None, today: date) -> date:
    """`2026-12` as its first day; anything else (absent, malformed, out of range) is this month."""
    match = MONTH.match(text or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def local_day(value) -> date | None:
    """The Europe/Istanbul day of an API time (UTC in the API's answers)."""
    moment = parse_when(value)
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(PLATFORM_ZONE)
        return moment.date()
    return moment if isinstance(moment, date) else None


def month_grid(first: date, meetings: list[dict]) -> MonthGrid:
    by_day: dict[date, list[dict]] = {}
    for meeting in sorted(meetings, key=lambda m: m["starts_at"]):
        by_day.setdefault(local_day(meeting["starts_at"]), []).append(meeting)
    weeks = [[Day(day, day.month == first.month, by_day.get(day, [])) for day in week]
             for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)]
    return MonthGrid(first, weeks)

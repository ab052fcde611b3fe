"""The periods a reporting page offers (`2026-Q4`, `2026-H2`, `2026`), in the API's own labels, and the one a
page opens on: the quarter of today in the platform's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext

from shared.config import PLATFORM_ZONE

YEARS_BACK = 2  # the programme runs a few years: its past years stay reachable, and the next one is offered


@dataclass(frozen=True)
class PeriodChoice:
    label: str  # the API's period parameter
    title: str  # what the picker shows, in the page's language


def today() -> date:
    return datetime.now(PLATFORM_ZONE).date()


def current_quarter(on: date | None = None) -> str:
    on = on or today()
    return f"{on.year}-Q{(on.month - 1) // 3 + 1}"


def choices(on: date | None = None) -> list[tuple[int, list[PeriodChoice]]]:
    """Per year, newest first: its four quarters, two halves and the whole year."""
    on = on or today()
    years = []
    for year in range(on.year + 1, on.year - YEARS_BACK - 1, -1):
        options = [PeriodChoice(f"{year}-Q{q}", gettext("Quarter %(n)s of %(year)s", n=q, year=year)) for q in (1, 2, 3, 4)]
        options += [PeriodChoice(f"{year}-H{h}", gettext("Half %(n)s of %(year)s", n=h, year=year)) for h in (1, 2)]
        options.append(PeriodChoice(str(year), gettext("The year %(year)s", year=year)))
        years.append((year, options))
    return years

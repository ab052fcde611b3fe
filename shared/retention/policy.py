"""A retention policy: the categories of personal data a service holds, each with its period and legal basis.

Periods are whole months, configurable per category from the environment
(`TVP_RETENTION_<CATEGORY>_MONTHS`), so a data controller can shorten or lengthen one without a release;
the defaults and their reasons are in docs/privacy.md.
"""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Mapping

# `due(uow, cutoff)` -> keys of the items whose retention ended before `cutoff`;
# `anonymise(uow, key, principal, cause)` -> whether it anonymised the item (False: gone or changed meanwhile).
Due = Callable[[Any, datetime], list[str]]
Anonymise = Callable[[Any, str, Any, Any], bool]


@dataclass(frozen=True)
class Category:
    name: str
    data: str  # which personal data, in words
    starts: str  # when the period starts running
    months: int  # the default retention period
    basis: str  # the legal basis for keeping it that long, and for erasing it then
    action: str  # what a run does to a due item
    due: Due
    anonymise: Anonymise

    @property
    def variable(self) -> str:
        return f"TVP_RETENTION_{self.name.upper()}_MONTHS"

    def describe(self) -> dict:
        return {
            "category": self.name,
            "data": self.data,
            "starts": self.starts,
            "period_months": self.months,
            "basis": self.basis,
            "action": self.action,
            "configured_by": self.variable,
        }


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def configured(categories: list[Category], environ: Mapping[str, str] | None = None) -> list[Category]:
    """The categories with the periods the environment sets (a bad value is refused, not ignored)."""
    environ = os.environ if environ is None else environ
    result = []
    for category in categories:
        raw = (environ.get(category.variable) or "").strip()
        if not raw:
            result.append(category)
            continue
        if not raw.isdigit():
            raise ValueError(f"{category.variable} must be a whole number of months, not {raw!r}")
        result.append(replace(category, months=int(raw)))
    return result

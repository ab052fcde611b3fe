"""Event types on their way out: which version replaces them and until when they are still described.

A type of a published AsyncAPI document may leave the document only after its sunset
(the compatibility gate, compatibility.py, holds that line); until then the document marks
its message `deprecated: true` with `x-sunset` and `x-successor`. Internal types stop being
produced at once (consumers, `tvp replay` and rebuilds read them through their upcasters,
upcasting.py); a public type keeps being produced on its own topic until its sunset
(public.py), because other chambers' software cannot be upcast from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import events
from .public import DEPRECATION_MONTHS


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` later (the last day of that month if it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Deprecation:
    successor: str
    since: date  # the day the successor was first produced

    @property
    def sunset(self) -> date:
        """The last day the deprecated type must still be described (and, if public, produced)."""
        return months_after(self.since, DEPRECATION_MONTHS)


DEPRECATED: dict[str, Deprecation] = {
    events.SCHEDULED_V1: Deprecation(successor=events.SCHEDULED, since=date(2026, 11, 29)),
}

"""The events service's own reading of time; the platform's rules are shared/clock.py."""
from __future__ import annotations

from datetime import date, datetime, timezone

# Meetings lie in this century: a time outside it is a typing error, not a plan.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


def parse_date(text: str | None) -> date | None:
    """A seat's term date: `YYYY-MM-DD` or a full ISO time (its local date)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None

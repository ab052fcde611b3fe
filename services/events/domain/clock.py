"""Time on the platform: stored in UTC, shown in Europe/Istanbul with its offset."""
from __future__ import annotations

from datetime import date, datetime, timezone

from shared.config import PLATFORM_ZONE

EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # stored dates come back naive from some drivers: they are UTC
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(PLATFORM_ZONE)


def local_iso(moment: datetime | None) -> str | None:
    return None if moment is None else local(moment).isoformat()


def local_date(moment: datetime) -> date:
    return local(moment).date()


def parse_date(text: str | None) -> date | None:
    """A seat's term date: `YYYY-MM-DD` or a full ISO time (its local date)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None

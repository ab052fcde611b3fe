"""Time on the platform, one rule for all three services.

- Stored as BSON dates in UTC, to the millisecond (what BSON keeps), so that what a write
  answers is what a later read shows.
- Written by the API (and in event payloads) as ISO 8601 with the offset of the platform
  zone, Europe/Istanbul (`+03:00`): the zone of every user of the platform.
- Read from a client as ISO 8601; a time without an offset is Europe/Istanbul time.
- Calendar dates (a term start, an expenditure's date) are `YYYY-MM-DD`, not times.

Named clock, not time, so that it never shadows the standard library module.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from .config import PLATFORM_ZONE

__all__ = [
    "PLATFORM_ZONE",
    "as_utc",
    "local",
    "local_date",
    "local_iso",
    "parse_moment",
    "to_millis",
    "today",
    "utc_now",
]


def to_millis(moment: datetime) -> datetime:
    """In UTC to the millisecond, as BSON keeps it."""
    moment = as_utc(moment)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    """Now, to the millisecond (what BSON keeps), so a response shows what a later read shows."""
    return to_millis(datetime.now(timezone.utc))


def today() -> date:
    """The platform's calendar day (Europe/Istanbul)."""
    return datetime.now(PLATFORM_ZONE).date()


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC, because that is how stored dates come back
    from a client without tz_aware."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local(moment: datetime) -> datetime:
    """The moment in the platform zone; in UTC before the zone had whole-minute offsets (local mean
    time, before 1910), because ISO 8601 / RFC 3339 offsets have no seconds."""
    shown = as_utc(moment).astimezone(PLATFORM_ZONE)
    offset = shown.utcoffset()
    return shown if offset is None or offset.seconds % 60 == 0 else as_utc(moment)


def local_date(moment: datetime) -> date:
    """The platform's calendar day of a moment."""
    return local(moment).date()


def local_iso(moment: datetime | str | None, timespec: str | None = None) -> str | None:
    """ISO 8601 in the platform zone with its offset; None stays None. By default to the second, or to
    the millisecond when the moment has one (all that BSON keeps). A string is read and written again,
    so that documents stored before timestamps were BSON dates show the same way."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = parse_moment(moment)
    shown = local(moment)
    return shown.isoformat(timespec=timespec or ("milliseconds" if shown.microsecond else "seconds"))


def parse_moment(text: str) -> datetime:
    """An ISO 8601 time as aware UTC; without an offset it is Europe/Istanbul time.
    A ValueError names what is wrong."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PLATFORM_ZONE)
    return moment.astimezone(timezone.utc)

"""Meetings as iCalendar (RFC 5545) files: one meeting's `.ics` and the public feed.

`meeting_ics(meeting)` is the one call for a stored meeting document (the API's
`calendar.ics`, the notification mails' attachment). The public feed
(service_layer/calendars.py) builds its entries with `entry_of_public_view` from the
public view only (service_layer/public.py), so it shows nothing the public meetings
topic does not.

- UID `<meeting id>@<TVP_CALENDAR_DOMAIN>`: stable for the meeting's life, so a calendar
  that imported it once updates the same entry.
- SEQUENCE: the meeting's `reschedules` count, plus one once cancelled, so every change a
  calendar must take over (new times, the cancellation) carries a higher number.
- DTSTAMP: the meeting's last change (`updated_at`), so the same meeting gives the same
  bytes until it changes.
- Times are written in Europe/Istanbul with its VTIMEZONE built from zoneinfo.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from icalendar import Calendar, Event

from shared.clock import as_utc, local

PRODID = "-//Thrace Productivity Platform//Events//EN"
DEFAULT_DOMAIN = "events.tvp.invalid"


@dataclass(frozen=True)
class CalendarSettings:
    """Where calendar entries say they come from: TVP_CALENDAR_DOMAIN (the UIDs' domain) and
    TVP_CALENDAR_MEETING_URL (a link per meeting, `{id}` replaced by the meeting's id; unset: no URL)."""
    domain: str = DEFAULT_DOMAIN
    meeting_url: str | None = None

    @classmethod
    def from_environment(cls) -> CalendarSettings:
        return cls(domain=os.environ.get("TVP_CALENDAR_DOMAIN") or DEFAULT_DOMAIN,
                   meeting_url=os.environ.get("TVP_CALENDAR_MEETING_URL") or None)


@dataclass(frozen=True)
class Entry:
    """One VEVENT: what a calendar shows of a meeting."""
    meeting_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    sequence: int
    changed_at: datetime
    location: str | None = None
    description: str | None = None


def calendar_sequence(meeting: dict) -> int:
    """How many times the meeting's calendar entry changed: each reschedule, and its cancellation."""
    return int(meeting.get("reschedules") or 0) + (1 if meeting.get("status") == "cancelled" else 0)


def _joined(*parts: str | None) -> str | None:
    shown = [p for p in parts if p]
    return ", ".join(dict.fromkeys(shown)) or None


def entry_of_meeting(meeting: dict, host_name: str | None = None) -> Entry:
    """The full entry, for those who may see the meeting: venue address, description and host."""
    venue = meeting.get("venue") or {}
    host = host_name and f"Ev sahibi / Host: {host_name}"
    description = "\n\n".join(part for part in (meeting.get("description"), host) if part) or None
    return Entry(meeting["_id"], meeting["title"], meeting["starts_at"], meeting["ends_at"],
                 meeting["status"] == "cancelled", calendar_sequence(meeting), meeting["updated_at"],
                 location=_joined(venue.get("address"), venue.get("city"), meeting.get("province")),
                 description=description)


def entry_of_public_view(view: dict, meeting: dict) -> Entry:
    """The entry from the public view's fields only (no description, no address); `meeting` gives only
    the calendar's own bookkeeping (SEQUENCE, DTSTAMP), never content."""
    return Entry(view["id"], view["title"], datetime.fromisoformat(view["starts_at"]),
                 datetime.fromisoformat(view["ends_at"]), view["status"] == "cancelled",
                 calendar_sequence(meeting), meeting["updated_at"],
                 location=_joined(view.get("city"), view.get("province")))


def _event(entry: Entry, settings: CalendarSettings) -> Event:
    event = Event()
    event.add("uid", f"{entry.meeting_id}@{settings.domain}")
    event.add("dtstamp", as_utc(entry.changed_at))
    event.add("sequence", entry.sequence)
    event.add("dtstart", local(entry.starts_at))
    event.add("dtend", local(entry.ends_at))
    event.add("summary", entry.title)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    if settings.meeting_url:
        event.add("url", settings.meeting_url.replace("{id}", entry.meeting_id))
    return event


def calendar_bytes(entries: Iterable[Entry], name: str | None = None,
                   settings: CalendarSettings | None = None) -> bytes:
    """A VCALENDAR of the entries, with the VTIMEZONE of every zone they use."""
    settings = settings or CalendarSettings.from_environment()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    entries = list(entries)
    for entry in entries:
        calendar.add_component(_event(entry, settings))
    # The zone's rules over the years the entries span (a year of margin), not since 1970: a short VTIMEZONE.
    years = [local(e.starts_at).year for e in entries] or [datetime.now().year]
    calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def meeting_ics(meeting: dict, host_name: str | None = None, settings: CalendarSettings | None = None) -> bytes:
    """One stored meeting as an `.ics` file (the API's calendar.ics, the mails' attachment)."""
    return calendar_bytes([entry_of_meeting(meeting, host_name)], settings=settings)

"""The `.ics` a meeting mail carries, behind one small interface: `meeting_calendar(meeting) -> bytes`.

The calendar feature (issue 12 item 2) owns the real builder; until it is merged this module writes a minimal
RFC 5545 event (UTC times, stable UID, SEQUENCE, STATUS) so that mails can carry one. `meeting` is the stored
meeting document (times as aware datetimes).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

MeetingCalendar = Callable[[dict], bytes]

PRODID = "-//Thrace Productivity Platform//events//EN"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str | None) -> str:
    """RFC 5545 TEXT escaping."""
    return (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw, out = line.encode(), []
    while len(raw) > 75:
        cut = 75 if not out else 74
        while cut and (raw[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = raw[cut:]
    out.append(raw.decode())
    return "\r\n ".join(out)


def minimal_calendar(meeting: dict) -> bytes:
    venue = meeting.get("venue") or {}
    place = ", ".join(p for p in (venue.get("address"), venue.get("city"), meeting.get("province")) if p)
    cancelled = meeting.get("status") == "cancelled"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting['_id']}@tvp.events",
        f"DTSTAMP:{_utc(meeting.get('updated_at') or meeting['starts_at'])}",
        f"SEQUENCE:{int(meeting.get('reschedules') or 0)}",
        f"DTSTART:{_utc(meeting['starts_at'])}",
        f"DTEND:{_utc(meeting['ends_at'])}",
        f"SUMMARY:{_text(meeting.get('title'))}",
        *([f"LOCATION:{_text(place)}"] if place else []),
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def meeting_calendar() -> MeetingCalendar:
    """The builder to use: the calendar feature's when it is there, else the minimal one above."""
    try:
        from . import calendar  # type: ignore[attr-defined]  # noqa: PLC0415 - merged from wip/calendars
    except ImportError:
        return minimal_calendar
    build = getattr(calendar, "meeting_ics", None)
    return build if callable(build) else minimal_calendar

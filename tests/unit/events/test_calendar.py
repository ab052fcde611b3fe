"""Meetings as .ics files (adapters/calendar.py, service_layer/calendars.py): parsed by icalendar and by an
independent parser (vobject), with the zone, the stable UID, SEQUENCE per reschedule and cancellations."""
from __future__ import annotations

from datetime import timedelta

import icalendar
import vobject

from services.events.adapters.calendar import CalendarSettings, meeting_ics
from services.events.service_layer import calendars, meetings
from services.events.service_layer.commands import CancelMeeting, Register, RescheduleMeeting, ScheduleMeeting

from .fakes import ADMIN, CAUSE, fake_uow, later, organisation, person

SETTINGS = CalendarSettings(domain="calendar.test", meeting_url="https://tvp.test/meetings/{id}")


def uow_with_meeting(**extra):
    uow = fake_uow(organisations=[organisation()], people=[person("p1", full_name="Ayşe Yılmaz")])
    starts = later(days=12).replace(hour=7, minute=0, second=0)
    command = ScheduleMeeting(kind="workshop", title="Kaynak verimliliği çalıştayı", host_organisation_id="chamber-1",
                              starts_at=starts, ends_at=starts + timedelta(hours=3),
                              venue={"city": "Lüleburgaz", "address": "Organize Sanayi Bölgesi, Salon 2"},
                              description="Gündem: enerji etütleri", **extra)
    return uow, meetings.schedule(uow, command, ADMIN, CAUSE)


def both_parsers(body: bytes):
    """The file as icalendar and as vobject read it; each raises on what it cannot parse."""
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"), validate=True)


def event_of(body: bytes):
    parsed, _ = both_parsers(body)
    [event] = parsed.walk("VEVENT")
    return event


def test_a_meeting_is_an_rfc5545_file_both_parsers_read_in_istanbul_time():
    uow, meeting = uow_with_meeting()
    body = meeting_ics(meeting, host_name="Kırklareli TSO", settings=SETTINGS)
    parsed, other = both_parsers(body)
    [zone] = parsed.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Istanbul"
    [event] = parsed.walk("VEVENT")
    assert event["UID"] == f"{meeting['_id']}@calendar.test" and event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED" and event["SUMMARY"] == "Kaynak verimliliği çalıştayı"
    assert event["DTSTART"].params["TZID"] == "Europe/Istanbul"
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=3)
    assert event.decoded("DTSTART") == meeting["starts_at"] and event.decoded("DTEND") == meeting["ends_at"]
    assert event["LOCATION"] == "Organize Sanayi Bölgesi, Salon 2, Lüleburgaz, Kırklareli"
    assert "Kırklareli TSO" in event["DESCRIPTION"] and "Gündem: enerji etütleri" in event["DESCRIPTION"]
    assert event["URL"] == f"https://tvp.test/meetings/{meeting['_id']}"
    assert event.decoded("DTSTAMP") == meeting["updated_at"].replace(microsecond=0)
    assert other.vevent.uid.value == event["UID"] and other.vevent.dtstart.value == meeting["starts_at"]
    assert other.vevent.location.value == event["LOCATION"]
    # The same meeting, unchanged, gives the same bytes (a calendar app's conditional fetch).
    assert meeting_ics(meeting, host_name="Kırklareli TSO", settings=SETTINGS) == body


def test_each_reschedule_raises_the_sequence_and_a_cancellation_once_more_with_the_same_uid():
    uow, meeting = uow_with_meeting()
    first = event_of(meeting_ics(meeting, settings=SETTINGS))
    for n in (1, 2):
        starts = later(days=20 + n)
        meeting = meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], starts, starts + timedelta(hours=2)),
                                      ADMIN, CAUSE)
        moved = event_of(meeting_ics(meeting, settings=SETTINGS))
        assert moved["SEQUENCE"] == n and moved["UID"] == first["UID"]
        assert moved.decoded("DTSTART") == starts
    meeting = meetings.cancel(uow, CancelMeeting(meeting["_id"], "salon kapalı"), ADMIN, CAUSE)
    cancelled = event_of(meeting_ics(meeting, settings=SETTINGS))
    assert (cancelled["STATUS"], cancelled["SEQUENCE"], cancelled["UID"]) == ("CANCELLED", 3, first["UID"])
    assert "salon kapalı" not in meeting_ics(meeting, settings=SETTINGS).decode()


def test_the_public_feed_shows_only_the_public_view_and_no_person():
    uow, meeting = uow_with_meeting(capacity=20)
    meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    meetings.register(uow, Register(meeting["_id"], participant={
        "full_name": "Mehmet Öztürk", "email": "mehmet@example.org", "gender": "male",
        "organisation_name": "Öztürk Tekstil", "organisation_kind": "company"}), ADMIN, CAUSE)
    starts = later(days=30)
    cancelled = meetings.schedule(uow, ScheduleMeeting(kind="training", title="İSG eğitimi",
                                                       host_organisation_id="chamber-1", starts_at=starts,
                                                       ends_at=starts + timedelta(hours=1)), ADMIN, CAUSE)
    meetings.cancel(uow, CancelMeeting(cancelled["_id"], "eğitmen hasta: Ayşe Yılmaz"), ADMIN, CAUSE)
    body = calendars.public_calendar(uow)
    text = body.decode("utf-8")
    parsed, _ = both_parsers(body)
    events = {e["SUMMARY"]: e for e in parsed.walk("VEVENT")}
    assert set(events) == {"Kaynak verimliliği çalıştayı", "İSG eğitimi"}
    assert events["İSG eğitimi"]["STATUS"] == "CANCELLED"
    assert events["Kaynak verimliliği çalıştayı"]["LOCATION"] == "Lüleburgaz, Kırklareli"
    for private in ("Ayşe", "Mehmet", "example.org", "Öztürk", "Organize Sanayi", "Gündem", "eğitmen hasta",
                    "DESCRIPTION", "ATTENDEE", "ORGANIZER"):
        assert private not in text, private


def test_the_public_feed_leaves_out_meetings_that_ended_over_a_year_ago():
    uow, recent = uow_with_meeting()
    long_ago = later(days=-400)
    meetings.schedule(uow, ScheduleMeeting(kind="workshop", title="Eski", host_organisation_id="chamber-1",
                                           starts_at=long_ago, ends_at=long_ago + timedelta(hours=1)), ADMIN, CAUSE)
    parsed, _ = both_parsers(calendars.public_calendar(uow))
    assert [e["SUMMARY"] for e in parsed.walk("VEVENT")] == ["Kaynak verimliliği çalıştayı"]


def test_the_public_feed_is_built_again_only_when_a_meeting_changed(monkeypatch):
    uow, meeting = uow_with_meeting()
    built = []
    real = calendars.calendar_bytes
    monkeypatch.setattr(calendars, "calendar_bytes", lambda *a, **k: built.append(1) or real(*a, **k))
    first = calendars.public_calendar(uow)
    assert calendars.public_calendar(uow) == first and len(built) == 1
    starts = later(days=40)
    meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], starts, starts + timedelta(hours=1)), ADMIN, CAUSE)
    moved = calendars.public_calendar(uow)
    assert len(built) == 2 and event_of(moved)["SEQUENCE"] == 1

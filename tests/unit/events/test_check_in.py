"""Check-in by code: the codes (domain/check_in.py), the use case (meetings.check_in) and the migration that
gives older registrations theirs (service_layer/check_in_codes.py)."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from services.events.domain import check_in as codes
from services.events.service_layer import meetings
from services.events.service_layer.check_in_codes import issue_missing_codes
from services.events.service_layer.commands import CancelRegistration, CheckIn, Register, ScheduleMeeting
from shared.errors import Conflict, Forbidden, Unprocessable

from .fakes import ADMIN, CAUSE, chamber_admin, fake_uow, later, organisation, person

PARTICIPANT = {"full_name": "Mehmet Öztürk", "gender": "male", "organisation_name": "Öztürk Tekstil",
               "organisation_kind": "company"}


def test_codes_use_an_alphabet_without_look_alikes_and_are_unique_in_a_meeting():
    assert not set("01ILOUV") & set(codes.ALPHABET) and len(codes.ALPHABET) == 29
    drawn = itertools.cycle("2222222223")  # a draw that repeats itself must still end with a new code
    first = codes.new_code(set(), lambda alphabet: next(drawn))
    second = codes.new_code({first}, lambda alphabet: next(drawn))
    assert first != second and len(first) == codes.LENGTH
    meeting = {"registrations": [{"id": f"r{n}", "status": s} for n, s in
                                 enumerate(["confirmed", "waitlisted", "confirmed", "cancelled"])],
               "check_in_codes": {"r2": "ABCDEFGH"}}
    issued = codes.missing_codes(meeting)
    assert list(issued) == ["r0"] and issued["r0"] != "ABCDEFGH"
    assert codes.normalise(" abcd-efgh\n") == "ABCDEFGH" and codes.shown("ABCDEFGH") == "ABCD-EFGH"
    assert codes.registration_with_code(meeting, "abcd efgh") == "r2"
    assert codes.registration_with_code(meeting, "ABCDEFGX") is None


def started_meeting(uow):
    """A workshop that began an hour ago (platform admins may record it), with two confirmed participants."""
    starts = later(days=0, hours=-1)
    meeting = meetings.schedule(uow, ScheduleMeeting(kind="workshop", title="Yalın üretim",
                                                     host_organisation_id="chamber-1", starts_at=starts,
                                                     ends_at=starts + timedelta(hours=3), capacity=2), ADMIN, CAUSE)
    _, first = meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    _, second = meetings.register(uow, Register(meeting["_id"], participant=PARTICIPANT), ADMIN, CAUSE)
    return uow.meetings.get(meeting["_id"]), first, second


@pytest.fixture
def uow():
    return fake_uow(organisations=[organisation(), organisation("chamber-2")], people=[person("p1")])


def test_confirmed_registrations_get_a_code_in_the_same_write_and_a_promoted_one_when_promoted(uow):
    meeting, first, second = started_meeting(uow)
    stored = meeting["check_in_codes"]
    assert set(stored) == {first["id"], second["id"]} and len(set(stored.values())) == 2
    _, waiting = meetings.register(uow, Register(meeting["_id"], participant=dict(PARTICIPANT, full_name="Can Er")),
                                   ADMIN, CAUSE)
    assert waiting["status"] == "waitlisted" and waiting["id"] not in uow.meetings.get(meeting["_id"])["check_in_codes"]
    meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], second["id"]), ADMIN, CAUSE)
    assert waiting["id"] in uow.meetings.get(meeting["_id"])["check_in_codes"]


def test_check_in_by_code_records_attendance_once_and_a_second_scan_changes_nothing(uow):
    meeting, first, _ = started_meeting(uow)
    code = meeting["check_in_codes"][first["id"]]
    uow.events.clear()
    _, registration, recorded = meetings.check_in(uow, CheckIn(meeting["_id"], codes.shown(code).lower()),
                                                  ADMIN, CAUSE)
    assert recorded and registration["attended"] and registration["id"] == first["id"]
    assert [e.type for e in uow.events] == ["tr.tvp.events.meeting.attendance_recorded.v1"]
    version = uow.meetings.get(meeting["_id"])["version"]
    _, again, recorded = meetings.check_in(uow, CheckIn(meeting["_id"], code), ADMIN, CAUSE)
    assert not recorded and again["attended_at"] == registration["attended_at"]
    assert uow.meetings.get(meeting["_id"])["version"] == version and len(uow.events) == 1


def test_check_in_refuses_an_unknown_code_a_cancelled_registration_and_another_chamber(uow):
    meeting, first, second = started_meeting(uow)
    with pytest.raises(Unprocessable) as unknown:
        meetings.check_in(uow, CheckIn(meeting["_id"], "ZZZZ-ZZZZ"), ADMIN, CAUSE)
    assert unknown.value.errors == {"code": ["unknown code for this meeting"]}
    code = meeting["check_in_codes"][second["id"]]
    meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], second["id"]), ADMIN, CAUSE)
    with pytest.raises(Conflict, match="cancelled, not confirmed"):
        meetings.check_in(uow, CheckIn(meeting["_id"], code), ADMIN, CAUSE)
    with pytest.raises(Forbidden):
        meetings.check_in(uow, CheckIn(meeting["_id"], meeting["check_in_codes"][first["id"]]),
                          chamber_admin("chamber-2"), CAUSE)


def test_check_in_before_the_start_is_refused_as_attendance_is(uow):
    starts = later(days=3)
    meeting = meetings.schedule(uow, ScheduleMeeting(kind="workshop", title="Sonra", host_organisation_id="chamber-1",
                                                     starts_at=starts, ends_at=starts + timedelta(hours=1)),
                                ADMIN, CAUSE)
    meeting, registration = meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    with pytest.raises(Conflict, match="from the meeting's start"):
        meetings.check_in(uow, CheckIn(meeting["_id"], meeting["check_in_codes"][registration["id"]]), ADMIN, CAUSE)


def test_the_migration_gives_older_confirmed_registrations_codes_once_and_keeps_existing_ones(uow):
    meeting, first, second = started_meeting(uow)
    kept = meeting["check_in_codes"][first["id"]]
    del uow.meetings.docs[meeting["_id"]]["check_in_codes"][second["id"]]  # as stored before codes existed
    assert issue_missing_codes(uow) == 1
    stored = uow.meetings.get(meeting["_id"])["check_in_codes"]
    assert stored[first["id"]] == kept and stored[second["id"]] != kept
    assert issue_missing_codes(uow) == 0

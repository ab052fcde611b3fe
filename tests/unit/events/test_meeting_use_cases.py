"""The meeting use cases (service_layer/meetings.py) against in-memory repositories: the events they write,
their refusals, and the bus's answer to a lost race."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.events.bootstrap import COMMANDS
from services.events.service_layer import meetings
from services.events.service_layer.commands import (
    CancelMeeting,
    CancelRegistration,
    CheckIn,
    CloseMeeting,
    RecordAttendance,
    RecordDecision,
    Register,
    RescheduleMeeting,
    ScheduleMeeting,
)
from shared.auth import Principal
from shared.clock import local_iso
from shared.concurrency import Precondition
from shared.contracts import events as contract
from shared.contracts.public import MEETING_PUBLISHED
from shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from shared.messaging.outbox import ConcurrencyConflict
from shared.retention.runner import RunRetention
from shared.service_layer.messagebus import MessageBus

from .fakes import ADMIN, CAUSE, chamber_admin, fake_uow, later, organisation, person, seat

OFFICER = Principal("officer-1", "programme_officer")


def workshop(host="chamber-1", starts=None, **extra) -> ScheduleMeeting:
    starts = starts or later()
    return ScheduleMeeting(kind="workshop", title="Resource efficiency", host_organisation_id=host,
                           starts_at=starts, ends_at=starts + timedelta(hours=3), **extra)


def board_meeting(starts=None) -> ScheduleMeeting:
    starts = starts or later()
    return ScheduleMeeting(kind="board_meeting", title="Board", host_organisation_id="chamber-1", starts_at=starts,
                           ends_at=starts + timedelta(hours=2))


def membership(**extra):
    """A uow with an active chamber, two of its people seated on the board and one not seated."""
    return fake_uow(organisations=[organisation()],
                    people=[person("p1"), person("p2", gender="male"), person("p3")],
                    seats=[seat("s1", "p1"), seat("s2", "p2")], **extra)


def scheduled(uow, command=None, principal=ADMIN) -> dict:
    meeting = meetings.schedule(uow, command or workshop(), principal, CAUSE)
    uow.events.clear()
    uow.meetings.public.clear()
    return meeting


def started(uow, command=None) -> dict:
    """A meeting that began an hour ago (platform admins record past meetings)."""
    starts = later(days=0, hours=-1)
    command = command or workshop(starts=starts)
    return scheduled(uow, command)


# -- schedule ------------------------------------------------------------------------------

def test_schedule_writes_the_meeting_its_event_and_its_public_view():
    uow = membership()
    meeting = meetings.schedule(uow, workshop(capacity=20, themes=("energy_efficiency",)), ADMIN, CAUSE)
    assert uow.types() == [contract.SCHEDULED]
    data = uow.events[0].data
    assert (data["id"], data["title"], data["host"]["id"], data["sequence"], data["capacity"], data["themes"]) == (
        meeting["_id"], "Resource efficiency", "chamber-1", None, 20, ["energy_efficiency"])
    assert (meeting["version"], meeting["status"], meeting["province"]) == (1, "scheduled", "Kırklareli")
    assert [e.type for e in uow.meetings.public] == [MEETING_PUBLISHED]
    assert uow.meetings.public[0].data["changes"] == ["scheduled"]


def test_schedule_of_a_board_meeting_numbers_it_and_invites_the_seated_members():
    uow = membership()
    meeting = meetings.schedule(uow, board_meeting(), ADMIN, CAUSE)
    assert uow.types() == [contract.SCHEDULED] + [contract.REGISTRATION_CREATED] * 2
    assert uow.events[0].data["sequence"] == 1
    invited = [e.data for e in uow.events[1:]]
    assert {(d["person_id"], d["source"], d["status"], d["seat_id"]) for d in invited} == {
        ("p1", "invitation", "confirmed", "s1"), ("p2", "invitation", "confirmed", "s2")}
    assert {d["gender"] for d in invited} == {"female", "male"}
    assert len(meeting["registrations"]) == 2


@pytest.mark.parametrize("principal,command,error", [
    (OFFICER, workshop(), Forbidden),
    (chamber_admin(), board_meeting(), Forbidden),
    (chamber_admin("other-chamber"), workshop(), Forbidden),
    (ADMIN, workshop(host="unknown"), Unprocessable),
    (ADMIN, workshop(host="suspended-1"), Unprocessable),
    (chamber_admin(), workshop(starts=later(days=-2)), Unprocessable),
    (ADMIN, ScheduleMeeting(kind="workshop", title="x", host_organisation_id="chamber-1", starts_at=later(),
                            ends_at=later(days=9)), Unprocessable),
    (ADMIN, ScheduleMeeting(kind="working_group_meeting", title="x", host_organisation_id="chamber-1",
                            starts_at=later(), ends_at=later(hours=1)), Unprocessable),
], ids=["officer", "chamber-admin-governance", "other-host", "unknown-host", "suspended-host", "past",
        "ends-before-start", "working-group-without-body"])
def test_schedule_refusals(principal, command, error):
    uow = membership()
    uow.member_organisations.docs["suspended-1"] = organisation("suspended-1", status="suspended")
    with pytest.raises(error):
        meetings.schedule(uow, command, principal, CAUSE)
    assert uow.events == [] and uow.meetings.docs == {}


def test_a_meeting_cannot_be_placed_before_one_whose_number_is_final():
    uow = membership()
    held = scheduled(uow, board_meeting(starts=later(days=-5)))
    uow.meetings.docs[held["_id"]]["final_sequence"] = 1
    with pytest.raises(Conflict):
        meetings.schedule(uow, board_meeting(starts=later(days=-6)), ADMIN, CAUSE)
    meetings.schedule(uow, board_meeting(starts=later(days=-4)), ADMIN, CAUSE)
    assert uow.events[0].data["sequence"] == 2


# -- reschedule, cancel, close -----------------------------------------------------------------

def test_reschedule_moves_the_meeting_and_names_the_previous_times():
    uow = membership()
    meeting = scheduled(uow)
    starts = later(days=20)
    moved = meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], starts, starts + timedelta(hours=1)), ADMIN,
                                CAUSE)
    assert uow.types() == [contract.RESCHEDULED]
    data = uow.events[0].data
    assert (data["previous_starts_at"], data["starts_at"]) == (local_iso(meeting["starts_at"]), local_iso(starts))
    assert (moved["starts_at"], moved["version"]) == (starts, 2)
    assert uow.meetings.public[0].data["changes"] == ["rescheduled"]


def test_reschedule_refusals():
    uow = membership()
    meeting = scheduled(uow)
    with pytest.raises(NotFound):
        meetings.reschedule(uow, RescheduleMeeting("nope", later(), later(hours=1)), ADMIN, CAUSE)
    with pytest.raises(Forbidden):
        meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], later(), later(hours=1)),
                            chamber_admin("other-chamber"), CAUSE)
    with pytest.raises(PreconditionFailed):
        meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], later(), later(hours=1),
                                                   Precondition(versions=frozenset({7}))), ADMIN, CAUSE)
    with pytest.raises(Unprocessable):
        meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], later(), later(hours=-1)), ADMIN, CAUSE)
    meetings.cancel(uow, CancelMeeting(meeting["_id"], "no room"), ADMIN, CAUSE)
    with pytest.raises(Conflict):
        meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], later(), later(hours=1)), ADMIN, CAUSE)


def test_rescheduling_a_board_meeting_withdraws_invitations_of_those_no_longer_seated():
    uow = membership()
    meeting = scheduled(uow, board_meeting())
    uow.member_seats.docs["s2"].update(status="ended", ended_on="2021-01-01")
    meetings.reschedule(uow, RescheduleMeeting(meeting["_id"], later(days=11), later(days=11, hours=1)), ADMIN,
                        CAUSE)
    assert uow.types() == [contract.RESCHEDULED, contract.REGISTRATION_CANCELLED]
    assert (uow.events[1].data["person_id"], uow.events[1].data["previous_status"]) == ("p2", "confirmed")


def test_cancel_records_the_reason_and_refuses_twice():
    uow = membership()
    meeting = scheduled(uow)
    cancelled = meetings.cancel(uow, CancelMeeting(meeting["_id"], "venue flooded", Precondition(
        versions=frozenset({1}))), chamber_admin(), CAUSE)
    assert uow.types() == [contract.CANCELLED]
    assert uow.events[0].data["reason"] == "venue flooded"
    assert (cancelled["status"], cancelled["cancellation"]["by"]) == ("cancelled", "admin-of-chamber-1")
    with pytest.raises(Conflict):
        meetings.cancel(uow, CancelMeeting(meeting["_id"], "again"), ADMIN, CAUSE)


def test_close_fixes_attendance_and_the_quorum_of_a_board_meeting():
    uow = membership()
    meeting = started(uow, board_meeting(starts=later(days=0, hours=-1)))
    p1 = next(r for r in meeting["registrations"] if r["person_id"] == "p1")
    meetings.record_attendance(uow, RecordAttendance(meeting["_id"], p1["id"]), ADMIN, CAUSE)
    held = meetings.close(uow, CloseMeeting(meeting["_id"]), ADMIN, CAUSE)
    assert uow.types() == [contract.ATTENDANCE_RECORDED, contract.HELD]
    data = uow.events[1].data
    assert (data["sequence"], data["quorum"], data["registrations"]) == (
        1, {"seated": 2, "present": 1, "required": 2, "met": False}, 2)
    assert data["attendance"]["attendances"] == 1
    assert (held["status"], held["final_sequence"], held["seated_people"]) == ("held", 1, ["p1", "p2"])
    assert uow.meetings.public[-1].data["attendance"]["attendances"] == 1


def test_close_refusals():
    uow = membership()
    upcoming = scheduled(uow)
    with pytest.raises(Conflict):
        meetings.close(uow, CloseMeeting(upcoming["_id"]), ADMIN, CAUSE)  # not started
    with pytest.raises(Forbidden):
        meetings.close(uow, CloseMeeting(upcoming["_id"]), OFFICER, CAUSE)
    with pytest.raises(NotFound):
        meetings.close(uow, CloseMeeting("nope"), ADMIN, CAUSE)


# -- registrations ---------------------------------------------------------------------------

def test_register_a_member_person_and_an_outside_participant_with_a_waiting_list():
    uow = membership()
    meeting = scheduled(uow, workshop(capacity=1))
    _, first = meetings.register(uow, Register(meeting["_id"], person_id="p1"), chamber_admin(), CAUSE)
    participant = {"full_name": "Can Demir", "gender": "male", "organisation_name": "Ergene Kimya",
                   "organisation_kind": "company", "size_class": "small", "province": "Tekirdağ"}
    _, second = meetings.register(uow, Register(meeting["_id"], participant=participant), ADMIN, CAUSE)
    assert uow.types() == [contract.REGISTRATION_CREATED] * 2
    one, two = (e.data for e in uow.events)
    assert (one["person_id"], one["status"], one["organisation"]["id"], one["gender"]) == (
        "p1", "confirmed", "chamber-1", "female")
    assert (two["registrant"], two["status"], two["waitlist_position"], two["organisation"]["is_sme"]) == (
        "participant", "waitlisted", 1, True)
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")


@pytest.mark.parametrize("command,principal,error", [
    (Register("m", person_id="nobody"), ADMIN, Unprocessable),
    (Register("m", person_id="erased"), ADMIN, Unprocessable),
    (Register("m", person_id="p1"), chamber_admin("other-chamber"), Forbidden),
    (Register("nope", person_id="p1"), ADMIN, NotFound),
    (Register("m", participant={"full_name": "X", "gender": "male", "organisation_id": "unknown-org"}), ADMIN,
     Unprocessable),
], ids=["unknown-person", "erased-person", "other-chamber", "unknown-meeting", "unknown-organisation"])
def test_register_refusals(command, principal, error):
    uow = membership()
    uow.member_people.docs["erased"] = person("erased", full_name=None, erased=True)
    scheduled(uow, workshop())
    meeting_id = next(iter(uow.meetings.docs))
    if command.meeting_id == "m":
        command = Register(meeting_id, command.person_id, command.participant)
    with pytest.raises(error):
        meetings.register(uow, command, principal, CAUSE)
    assert uow.events == []


def test_the_same_person_cannot_register_twice():
    uow = membership()
    meeting = scheduled(uow)
    meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    with pytest.raises(Conflict):
        meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)


def test_cancel_registration_promotes_the_first_on_the_waiting_list():
    uow = membership()
    meeting = scheduled(uow, workshop(capacity=1))
    _, first = meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    _, second = meetings.register(uow, Register(meeting["_id"], person_id="p2"), ADMIN, CAUSE)
    uow.events.clear()
    meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], first["id"], "ill"), ADMIN, CAUSE)
    assert uow.types() == [contract.REGISTRATION_CANCELLED]
    data = uow.events[0].data
    assert (data["registration_id"], data["reason"], data["promoted_registration_id"]) == (first["id"], "ill",
                                                                                          second["id"])
    stored = {r["id"]: r["status"] for r in uow.meetings.get(meeting["_id"])["registrations"]}
    assert stored == {first["id"]: "cancelled", second["id"]: "confirmed"}
    with pytest.raises(Conflict):
        meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], first["id"]), ADMIN, CAUSE)
    with pytest.raises(NotFound):
        meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], "nope"), ADMIN, CAUSE)
    with pytest.raises(Forbidden):
        meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], second["id"]),
                                     chamber_admin("other-chamber"), CAUSE)


# -- attendance and decisions -----------------------------------------------------------------

def test_record_attendance_once_the_meeting_started():
    uow = membership()
    meeting = started(uow)
    _, registration = meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    uow.events.clear()
    _, attended = meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN,
                                             CAUSE)
    assert uow.types() == [contract.ATTENDANCE_RECORDED]
    assert (uow.events[0].data["person_id"], uow.events[0].data["seated"], attended["attended"]) == (
        "p3", False, True)
    assert uow.meetings.public == []  # attendance alone changes nothing public
    with pytest.raises(Conflict):
        meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN, CAUSE)
    with pytest.raises(Unprocessable):
        meetings.record_attendance(uow, RecordAttendance(meeting["_id"], "nope"), ADMIN, CAUSE)


def test_attendance_is_refused_before_the_start():
    uow = membership()
    meeting = scheduled(uow)
    _, registration = meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    with pytest.raises(Conflict):
        meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN, CAUSE)


def test_attendance_completes_the_snapshot_of_a_person_invited_before_their_details_arrived():
    uow = membership()
    meeting = started(uow)
    _, registration = meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    stored = uow.meetings.docs[meeting["_id"]]
    stored["registrations"][0].update(gender=None, organisation={"id": "chamber-1", "key": "chamber-1"})
    meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN, CAUSE)
    data = uow.events[-1].data
    assert (data["gender"], data["organisation"]["kind"]) == ("female", "chamber")


def test_record_decision_needs_the_quorum_of_a_board_meeting():
    uow = membership()
    meeting = started(uow, board_meeting(starts=later(days=0, hours=-1)))
    with pytest.raises(Conflict):
        meetings.record_decision(uow, RecordDecision(meeting["_id"], "Approve the budget"), ADMIN, CAUSE)
    for registration in meeting["registrations"]:
        meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN, CAUSE)
    with pytest.raises(Unprocessable):
        meetings.record_decision(uow, RecordDecision(meeting["_id"], "x", {"for": 3, "against": 0, "abstain": 0}),
                                 ADMIN, CAUSE)
    uow.events.clear()
    _, decision = meetings.record_decision(
        uow, RecordDecision(meeting["_id"], "Approve the budget", {"for": 2, "against": 0, "abstain": 0}), ADMIN,
        CAUSE)
    assert uow.types() == [contract.DECISION_RECORDED]
    data = uow.events[0].data
    year = meeting["starts_at"].year
    assert (data["number"], data["n"], data["sequence"], data["quorum"]["met"]) == (f"{year}/1-1", 1, 1, True)
    assert decision["text"] == "Approve the budget"


def test_record_decision_refusals():
    uow = membership()
    meeting = scheduled(uow)
    with pytest.raises(Conflict):  # not started
        meetings.record_decision(uow, RecordDecision(meeting["_id"], "x"), ADMIN, CAUSE)
    with pytest.raises(Forbidden):
        meetings.record_decision(uow, RecordDecision(meeting["_id"], "x"), OFFICER, CAUSE)


# -- through the bus ------------------------------------------------------------------------------

class LosingOnce:
    """A meetings repository whose first save loses a race, as when another writer got there first."""

    def __init__(self, uow):
        self.uow = uow
        self.saves = 0
        original = uow.meetings.save

        def save(*args, **kwargs):
            self.saves += 1
            if self.saves == 1:
                raise ConcurrencyConflict("moved on")
            return original(*args, **kwargs)

        uow.meetings.save = save

    def __call__(self, session=None):
        return self.uow


def test_the_bus_runs_a_command_again_after_a_lost_race_and_answers_412_when_it_named_a_version():
    uow = membership()
    meeting = scheduled(uow)
    factory = LosingOnce(uow)
    bus = MessageBus("events", factory, COMMANDS, {})
    cancelled = bus.handle(CancelMeeting(meeting["_id"], "rain"), ADMIN, CAUSE)
    assert (cancelled["status"], factory.saves) == ("cancelled", 2)
    other = scheduled(uow)
    factory.saves = 0
    with pytest.raises(PreconditionFailed):
        bus.handle(CancelMeeting(other["_id"], "rain", Precondition(versions=frozenset({1}))), ADMIN, CAUSE)


def test_every_command_has_its_use_case():
    assert set(COMMANDS) == {ScheduleMeeting, RescheduleMeeting, CancelMeeting, CloseMeeting, Register,
                             CancelRegistration, RecordAttendance, CheckIn, RecordDecision, RunRetention}

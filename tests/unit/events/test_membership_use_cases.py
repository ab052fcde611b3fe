"""The handlers of the members' events (service_layer/membership_handlers.py) against in-memory repositories:
the membership view they keep, the invitations they update, and their idempotence."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.events.bootstrap import EVENTS, bus
from services.events.service_layer import meetings, membership_handlers
from services.events.service_layer.commands import ScheduleMeeting
from shared.contracts import REGISTRY, members
from shared.contracts import events as contract
from shared.messaging.outbox import ConcurrencyConflict
from shared.service_layer.messagebus import system_principal

from .fakes import ADMIN, CAUSE, MembersEvents, fake_uow, later, organisation

WORKER = system_principal("events")


def handle(uow, *events):
    for event in events:
        EVENTS[event.type](uow, event, WORKER, CAUSE)


def board_meeting(uow, starts=None) -> dict:
    starts = starts or later()
    meeting = meetings.schedule(uow, ScheduleMeeting(kind="board_meeting", title="Board",
                                                     host_organisation_id="chamber-1", starts_at=starts,
                                                     ends_at=starts + timedelta(hours=2)), ADMIN, CAUSE)
    uow.events.clear()
    return meeting


def test_organisation_events_keep_the_latest_version_whatever_the_order():
    stream, uow = MembersEvents(), fake_uow()
    chamber, registered = stream.organisation("Çerkezköy TSO", province="Tekirdağ")
    approved = stream.membership(chamber)
    handle(uow, approved, registered)  # a replay brings the registration back after the approval
    stored = uow.member_organisations.get(chamber)
    assert (stored["status"], stored["name"], stored["version"]) == ("active", "Çerkezköy TSO", 2)
    handle(uow, approved)
    assert uow.member_organisations.get(chamber)["version"] == 2
    assert uow.events == []  # a view of another service's aggregate announces nothing


def test_person_events_and_erasure_which_is_final():
    stream, uow = MembersEvents(), fake_uow()
    person_id, registered = stream.person("chamber-1", "Ayşe Yılmaz")
    erased = stream.erase(person_id, "chamber-1")
    handle(uow, registered)
    assert uow.member_people.get(person_id)["full_name"] == "Ayşe Yılmaz"
    handle(uow, erased)
    stored = uow.member_people.get(person_id)
    assert (stored["full_name"], stored["email"], stored["erased"], stored["gender"]) == (None, None, True, "female")
    updated = stream.event("tr.tvp.members.person.updated.v1", person_id, dict(registered.data, full_name="Yeni",
                                                                                     changed=["full_name"]))
    handle(uow, updated)
    assert uow.member_people.get(person_id)["full_name"] is None


def test_an_erasure_replayed_after_later_events_still_holds():
    stream, uow = MembersEvents(), fake_uow()
    person_id, registered = stream.person("chamber-1")
    erased = stream.erase(person_id, "chamber-1")
    uow.member_people.docs[person_id] = {"_id": person_id, "organisation_id": "chamber-1", "full_name": "Ayşe",
                                         "email": "a@example.org", "erased": False, "version": 5}
    handle(uow, erased)
    stored = uow.member_people.get(person_id)
    assert (stored["full_name"], stored["email"], stored["erased"], stored["version"]) == (None, None, True, 5)


def test_a_new_seat_invites_its_holder_to_the_upcoming_meetings_of_the_body():
    stream = MembersEvents()
    uow = fake_uow(organisations=[organisation()])
    upcoming = board_meeting(uow)
    past = board_meeting(uow, starts=later(days=-3))
    person_id, registered = stream.person("chamber-1")
    seat_id, assigned = stream.seat("board", person_id, "chamber-1")
    handle(uow, registered, assigned)
    assert uow.types() == [contract.REGISTRATION_CREATED]
    data = uow.events[0].data
    assert (data["id"], data["person_id"], data["seat_id"], data["source"]) == (upcoming["_id"], person_id, seat_id,
                                                                                 "invitation")
    assert uow.meetings.get(past["_id"])["registrations"] == []
    handle(uow, assigned)  # redelivered: the seat is at that version already, nothing more happens
    assert uow.types() == [contract.REGISTRATION_CREATED]


def test_an_ended_seat_withdraws_the_invitation():
    stream = MembersEvents()
    uow = fake_uow(organisations=[organisation()])
    meeting = board_meeting(uow)
    person_id, registered = stream.person("chamber-1")
    seat_id, assigned = stream.seat("board", person_id, "chamber-1")
    handle(uow, registered, assigned, stream.end_seat(seat_id, "board", person_id, "chamber-1"))
    assert uow.types() == [contract.REGISTRATION_CREATED, contract.REGISTRATION_CANCELLED]
    [registration] = uow.meetings.get(meeting["_id"])["registrations"]
    assert (registration["status"], uow.member_seats.get(seat_id)["status"]) == ("cancelled", "ended")


def test_a_seat_handler_lets_a_lost_race_propagate_for_the_consumer_to_retry():
    stream = MembersEvents()
    uow = fake_uow(organisations=[organisation()])
    board_meeting(uow)
    person_id, registered = stream.person("chamber-1")
    _, assigned = stream.seat("board", person_id, "chamber-1")

    def moved_on(*args, **kwargs):
        raise ConcurrencyConflict("moved on")

    uow.meetings.save = moved_on
    with pytest.raises(ConcurrencyConflict):
        with uow.atomic():  # the consumer's batch transaction
            handle(uow, registered, assigned)
    assert uow.member_seats.docs == {} and uow.member_people.docs == {}


def test_the_event_table_covers_what_the_service_subscribes_to():
    assert set(EVENTS) == {members.ORGANISATION_REGISTERED, members.ORGANISATION_UPDATED,
                           members.ORGANISATION_MEMBERSHIP_CHANGED, members.PERSON_REGISTERED,
                           members.PERSON_UPDATED, members.PERSON_ERASED, members.SEAT_ASSIGNED, members.SEAT_ENDED}
    assert EVENTS is membership_handlers.HANDLERS
    tables = bus(None, None, None)  # no connection: only the tables are read
    assert tables.subscriptions(REGISTRY) == sorted([members.ORGANISATIONS, members.PEOPLE, members.SEATS])

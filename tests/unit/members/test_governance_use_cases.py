"""Bodies and seats use cases against in-memory repositories."""
from datetime import date

import pytest

from services.members.service_layer import bodies, organisations, people, seats
from services.members.service_layer.commands import (
    AssignSeat,
    ChangeMembership,
    CreateWorkingGroup,
    EndSeat,
    ErasePerson,
    GetBody,
    GetBodyHistory,
    GetSeat,
    ListBodies,
    RegisterOrganisation,
    RegisterPerson,
)
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.errors import Conflict, NotFound, PreconditionFailed, Unprocessable

from .fakes import OFFICER, fake_uow, run

START = date(2026, 1, 1)


def seated_world(uow, status="active"):
    """An organisation (approved unless `status` says otherwise) with two people."""
    org, _ = run(uow, organisations.register_organisation,
                 RegisterOrganisation({"name": "Keşan TSO", "kind": "chamber", "province": "Edirne"}))
    if status != "applicant":
        run(uow, organisations.change_membership, ChangeMembership(org["_id"], "approve"))
    ids = [run(uow, people.register_person, RegisterPerson({"organisation_id": org["_id"], "full_name": name,
                                                            "email": f"{n}@kesan.tr"}))[0]["_id"]
           for n, name in enumerate(["Ayşe Yılmaz", "Mehmet Demir"])]
    return org["_id"], ids


def test_working_groups_are_created_without_events_and_codes_are_unique():
    uow = fake_uow()
    created, events = run(uow, bodies.create_working_group, CreateWorkingGroup("wg_energy", "Energy WG"))
    assert events == [] and created["kind"] == "working_group" and created["created_by"] == "admin-1"
    with pytest.raises(Conflict):
        run(uow, bodies.create_working_group, CreateWorkingGroup("wg_energy", "Again"))
    with pytest.raises(Conflict, match="standard"):
        run(uow, bodies.create_working_group, CreateWorkingGroup("board", "Board"))


def test_the_standard_bodies_appear_when_missing():
    uow = fake_uow()
    listed = bodies.list_bodies(uow, ListBodies(), OFFICER)
    assert {b["_id"] for b in listed["items"]} == {"board", "advisory_board"}
    assert seats.body_with_seats(fake_uow(), GetBody("advisory_board"), OFFICER)["seats"] == []
    with pytest.raises(NotFound):
        seats.body_with_seats(uow, GetBody("wg_nothing"), OFFICER)


def test_assign_writes_seat_assigned_and_touches_the_holders():
    uow = fake_uow()
    org, (ayse, _) = seated_world(uow)
    seat, events = run(uow, seats.assign_seat, AssignSeat("board", ayse, "chair", START, date(2028, 12, 31)))
    [event] = events
    assert event.type == contract.SEAT_ASSIGNED
    assert {k: event.data[k] for k in ("id", "body", "person_id", "organisation_id", "role", "term_start",
                                       "term_end")} == {
        "id": seat["_id"], "body": "board", "person_id": ayse, "organisation_id": org, "role": "chair",
        "term_start": "2026-01-01", "term_end": "2028-12-31"}
    assert (seat["person_name"], seat["organisation_name"], seat["version"]) == ("Ayşe Yılmaz", "Keşan TSO", 1)
    # Serialisation with suspensions and erasures: both holders were written.
    assert "seats_checked_at" in uow.organisations.docs[org] and "seats_checked_at" in uow.people.docs[ayse]


def test_assign_refusals_write_nothing():
    uow = fake_uow()
    org, (ayse, mehmet) = seated_world(uow)
    run(uow, seats.assign_seat, AssignSeat("board", ayse, "chair", START))
    written = len(uow.events)
    with pytest.raises(Conflict, match="chair"):
        run(uow, seats.assign_seat, AssignSeat("board", mehmet, "chair", START))
    with pytest.raises(Conflict, match="already holds"):
        run(uow, seats.assign_seat, AssignSeat("board", ayse, "member", START))
    with pytest.raises(Unprocessable):
        run(uow, seats.assign_seat, AssignSeat("board", "nobody", "member", START))
    with pytest.raises(Unprocessable):
        run(uow, seats.assign_seat, AssignSeat("board", mehmet, "member", START, date(2025, 1, 1)))
    with pytest.raises(NotFound):
        run(uow, seats.assign_seat, AssignSeat("wg_none", mehmet, "member", START))
    applicant_org, (applicant, _) = seated_world(uow, "applicant")
    with pytest.raises(Conflict, match="applicant"):
        run(uow, seats.assign_seat, AssignSeat("board", applicant, "member", START))
    assert len(uow.events) == written + 3  # only the second world's registrations
    assert all(not e.type.endswith("seat.assigned.v1") for e in uow.events[written:])


def test_the_unique_indexes_decide_when_the_checks_were_passed_meanwhile():
    uow = fake_uow()
    _, (ayse, mehmet) = seated_world(uow)
    run(uow, seats.assign_seat, AssignSeat("board", ayse, "chair", START))
    uow.seats.active = lambda selector: []  # as if the other chair was seated after this read
    with pytest.raises(Conflict, match="already has a chair"):
        run(uow, seats.assign_seat, AssignSeat("board", mehmet, "chair", START))


def test_a_holder_that_changed_status_meanwhile_refuses_the_seat():
    uow = fake_uow()
    _, (ayse, _) = seated_world(uow)
    uow.people.guard_seats = lambda aggregate_id, now: False  # erased between the read and the guard
    with pytest.raises(Conflict, match="changed status"):
        run(uow, seats.assign_seat, AssignSeat("board", ayse, "member", START))
    assert uow.seats.docs == {}


def test_end_writes_seat_ended_once():
    uow = fake_uow()
    _, (ayse, _) = seated_world(uow)
    seat, _ = run(uow, seats.assign_seat, AssignSeat("board", ayse, "member", START))
    ended, events = run(uow, seats.end_seat, EndSeat("board", seat["_id"], date(2026, 6, 30), "moved away",
                                                      Precondition(versions=frozenset({1}))))
    [event] = events
    assert (event.type, event.data["ended_on"], event.data["reason"], event.data["actor"]) == (
        contract.SEAT_ENDED, "2026-06-30", "moved away", "admin-1")
    assert (ended["status"], ended["version"], ended["person_name"]) == ("ended", 2, "Ayşe Yılmaz")
    with pytest.raises(Conflict, match="already ended"):
        run(uow, seats.end_seat, EndSeat("board", seat["_id"]))


def test_end_refusals():
    uow = fake_uow()
    _, (ayse, _) = seated_world(uow)
    seat, _ = run(uow, seats.assign_seat, AssignSeat("board", ayse, "member", START))
    with pytest.raises(PreconditionFailed):
        run(uow, seats.end_seat, EndSeat("board", seat["_id"], precondition=Precondition(versions=frozenset({3}))))
    with pytest.raises(Unprocessable):
        run(uow, seats.end_seat, EndSeat("board", seat["_id"], date(2025, 12, 31)))
    with pytest.raises(NotFound):
        run(uow, seats.end_seat, EndSeat("advisory_board", seat["_id"]))


def test_reads_body_with_seats_history_and_seat_show_names_null_once_erased():
    uow = fake_uow()
    _, (ayse, mehmet) = seated_world(uow)
    member, _ = run(uow, seats.assign_seat, AssignSeat("board", mehmet, "member", START))
    chair, _ = run(uow, seats.assign_seat, AssignSeat("board", ayse, "chair", date(2026, 2, 1)))
    run(uow, people.erase_person, ErasePerson(ayse))
    now = seats.body_with_seats(uow, GetBody("board"), OFFICER)
    assert [s["_id"] for s in now["seats"]] == [member["_id"]] and now["name_tr"] == "Yönetim Kurulu"
    history = seats.body_history(uow, GetBodyHistory(code="board"), OFFICER)
    assert [(s["_id"], s["person_name"]) for s in history["items"]] == [(member["_id"], "Mehmet Demir"),
                                                                       (chair["_id"], None)]
    ended = seats.body_history(uow, GetBodyHistory(code="board", status="ended"), OFFICER)
    assert [s["_id"] for s in ended["items"]] == [chair["_id"]]
    shown = seats.get_seat(uow, GetSeat("board", chair["_id"]), OFFICER)
    assert (shown["status"], shown["organisation_name"]) == ("ended", "Keşan TSO")
    with pytest.raises(NotFound):
        seats.get_seat(uow, GetSeat("advisory_board", chair["_id"]), OFFICER)

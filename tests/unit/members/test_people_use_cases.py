"""People use cases against in-memory repositories: registration, changes, erasure and the event-log scrub."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.members.service_layer import organisations, people, seats
from services.members.service_layer.commands import (
    AssignSeat,
    ChangeMembership,
    ErasePerson,
    GetPerson,
    ListPeople,
    RegisterOrganisation,
    RegisterPerson,
    UpdatePerson,
)
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable

from .fakes import OFFICER, chamber_admin, fake_uow, run


def organisation(uow, status="active", tax_number="1234567890"):
    found, _ = run(uow, organisations.register_organisation,
                   RegisterOrganisation({"name": "Keşan TSO", "kind": "chamber", "province": "Edirne",
                                         "tax_number": tax_number}))
    if status != "applicant":
        run(uow, organisations.change_membership, ChangeMembership(found["_id"], "approve"))
    if status == "withdrawn":
        run(uow, organisations.change_membership, ChangeMembership(found["_id"], "withdraw"))
    return found["_id"]


def person(uow, organisation_id, **fields):
    details = {"organisation_id": organisation_id, "full_name": "Ayşe Yılmaz", "email": "ayse@kesan.tr",
               "phone": "+90 284 123 45 67", **fields}
    return run(uow, people.register_person, RegisterPerson(details))[0]


def test_register_writes_person_registered_and_shows_consents_to_its_chamber_only():
    uow = fake_uow()
    org = organisation(uow)
    granted = datetime(2026, 1, 5, tzinfo=timezone.utc)
    found, events = run(uow, people.register_person, RegisterPerson(
        {"organisation_id": org, "full_name": "Ayşe Yılmaz", "email": "Ayse@Kesan.tr",
         "consents": [{"purpose": "newsletter", "granted_at": granted}]}), chamber_admin(org))
    [event] = events
    assert event.type == contract.PERSON_REGISTERED
    assert (event.data["id"], event.data["organisation_id"], event.data["email"]) == (found["_id"], org,
                                                                                      "Ayse@Kesan.tr")
    assert found["consents"][0]["purpose"] == "newsletter" and "email_key" not in found
    assert "consents" not in people.get_person(uow, GetPerson(found["_id"]), OFFICER)


def test_register_refusals():
    uow = fake_uow()
    org = organisation(uow)
    with pytest.raises(Forbidden):
        run(uow, people.register_person, RegisterPerson(
            {"organisation_id": org, "full_name": "A", "email": "a@x.tr"}), chamber_admin("another"))
    with pytest.raises(Unprocessable):
        person(uow, "no-such-organisation")
    person(uow, org)
    with pytest.raises(Conflict, match="e-mail"):
        person(uow, org, email="AYSE@kesan.tr")  # the same address, other case
    with pytest.raises(Conflict, match="withdrawn"):
        person(uow, organisation(uow, "withdrawn", tax_number="1111111111"))
    future = datetime.now(timezone.utc) + timedelta(days=2)
    with pytest.raises(Unprocessable):
        person(uow, org, email="b@x.tr", consents=[{"purpose": "newsletter", "granted_at": future}])


def test_update_writes_person_updated_with_what_changed():
    uow = fake_uow()
    found = person(uow, organisation(uow))
    changed, events = run(uow, people.update_person, UpdatePerson(
        found["_id"], {"title": "Genel Sekreter", "phone": None}, Precondition(versions=frozenset({1}))))
    [event] = events
    assert (event.type, sorted(event.data["changed"]), event.data["title"]) == (
        contract.PERSON_UPDATED, ["phone", "title"], "Genel Sekreter")
    assert "phone" not in changed and changed["version"] == 2
    assert run(uow, people.update_person, UpdatePerson(found["_id"], {"title": "Genel Sekreter"}))[1] == []


def test_update_refusals():
    uow = fake_uow()
    org = organisation(uow)
    found = person(uow, org)
    person(uow, org, email="other@kesan.tr")
    with pytest.raises(Forbidden):
        run(uow, people.update_person, UpdatePerson(found["_id"], {"title": "X"}), chamber_admin("another"))
    with pytest.raises(PreconditionFailed):
        run(uow, people.update_person, UpdatePerson(found["_id"], {"title": "X"}, Precondition(versions=frozenset())))
    with pytest.raises(Conflict):
        run(uow, people.update_person, UpdatePerson(found["_id"], {"email": "OTHER@kesan.tr"}))
    with pytest.raises(Unprocessable):
        run(uow, people.update_person, UpdatePerson(found["_id"], {"full_name": None}))
    with pytest.raises(NotFound):
        run(uow, people.update_person, UpdatePerson("nope", {"title": "X"}))


def test_erasure_removes_identifying_data_ends_seats_and_scrubs_outbox_and_log():
    uow = fake_uow()
    org = organisation(uow)
    found = person(uow, org)
    seat, _ = run(uow, seats.assign_seat, AssignSeat("board", found["_id"], "chair", date(2026, 1, 1)))
    stored = uow.people.docs[found["_id"]]
    stored["outbox"] = [{"type": contract.PERSON_REGISTERED, "data": {"full_name": "Ayşe Yılmaz", "email": "a"}}]
    uow.event_log.docs["e1"] = {"_id": "e1", "key": found["_id"], "topic": contract.PEOPLE,
                                "event": {"data": {"full_name": "Ayşe Yılmaz", "organisation_id": org}}}
    _, events = run(uow, people.erase_person, ErasePerson(found["_id"]), chamber_admin(org))
    assert [e.type for e in events] == [contract.PERSON_ERASED, contract.SEAT_ENDED]
    assert events[0].data == {"id": found["_id"], "organisation_id": org, "at": events[0].data["at"]}
    assert (events[1].data["id"], events[1].data["reason"]) == (seat["_id"], "person erased")
    stored = uow.people.docs[found["_id"]]
    assert stored["status"] == "erased" and not {"full_name", "email", "phone", "email_key"} & set(stored)
    assert stored["outbox"][0]["data"]["full_name"] is None
    assert uow.event_log.docs["e1"]["event"]["data"] == {"full_name": None, "organisation_id": org, "email": None,
                                                         "phone": None, "title": None, "consents": None}
    with pytest.raises(NotFound):
        people.get_person(uow, GetPerson(found["_id"]), OFFICER)
    with pytest.raises(NotFound):  # erasing twice: already gone
        run(uow, people.erase_person, ErasePerson(found["_id"]))


def test_erasure_refusals_write_nothing():
    uow = fake_uow()
    found = person(uow, organisation(uow))
    written = len(uow.events)
    with pytest.raises(Forbidden):
        run(uow, people.erase_person, ErasePerson(found["_id"]), chamber_admin("another"))
    with pytest.raises(PreconditionFailed):
        run(uow, people.erase_person, ErasePerson(found["_id"], Precondition(versions=frozenset({5}))))
    assert len(uow.events) == written and uow.people.docs[found["_id"]]["status"] == "active"


def test_the_worker_scrub_touches_only_erased_people_and_is_idempotent():
    uow = fake_uow()
    org = organisation(uow)
    kept, gone = person(uow, org), person(uow, org, email="gone@kesan.tr")
    for key in (kept["_id"], gone["_id"]):
        uow.event_log.docs[key] = {"_id": key, "key": key, "topic": contract.PEOPLE,
                                   "event": {"data": {"full_name": "Ayşe Yılmaz"}}}
    run(uow, people.erase_person, ErasePerson(gone["_id"]))
    uow.event_log.docs[gone["_id"]]["event"]["data"]["full_name"] = "logged after the erasure"
    assert people.scrub_erased_from_event_log(uow, [kept["_id"], gone["_id"]]) == 1
    assert people.scrub_erased_from_event_log(uow, [kept["_id"], gone["_id"]]) == 1  # again: same outcome
    assert uow.event_log.docs[gone["_id"]]["event"]["data"]["full_name"] is None
    assert uow.event_log.docs[kept["_id"]]["event"]["data"]["full_name"] == "Ayşe Yılmaz"
    assert people.scrub_erased_from_event_log(uow, []) == 0


def test_list_people_chamber_admins_see_their_own_only():
    uow = fake_uow()
    org, other = organisation(uow), organisation(uow, tax_number="1111111111")
    person(uow, org, full_name="Zeynep Kaya", email="z@k.tr")
    person(uow, org, full_name="Ali Çelik", email="ali@k.tr")
    person(uow, other, full_name="Ayşe Demir", email="ayse@o.tr")
    own = people.list_people(uow, ListPeople(), chamber_admin(org))
    assert [p["full_name"] for p in own["items"]] == ["Ali Çelik", "Zeynep Kaya"] and own["total"] == 2
    with pytest.raises(Forbidden):
        people.list_people(uow, ListPeople(organisation_id=other), chamber_admin(org))
    assert people.list_people(uow, ListPeople(q="celik"), OFFICER)["total"] == 1
    assert people.list_people(uow, ListPeople(organisation_id=other), OFFICER)["total"] == 1
    with pytest.raises(Forbidden):
        people.get_person(uow, GetPerson(own["items"][0]["_id"]), chamber_admin(other))

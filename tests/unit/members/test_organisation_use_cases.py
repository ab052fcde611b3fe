"""Organisation use cases against in-memory repositories: events written, refusals, the seats a suspension ends."""
from datetime import date

import pytest

from services.members.service_layer import organisations, people, seats
from services.members.service_layer.commands import (
    AssignSeat,
    ChangeMembership,
    GetMembershipHistory,
    GetOrganisation,
    ListOrganisations,
    RegisterOrganisation,
    RegisterPerson,
    UpdateOrganisation,
)
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.contracts import public
from shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable

from .fakes import ADMIN, OFFICER, chamber_admin, fake_uow, run

CHAMBER = {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne", "tax_number": "1234567890"}


def registered(uow, **fields):
    found, _ = run(uow, organisations.register_organisation, RegisterOrganisation({**CHAMBER, **fields}))
    return found


def active(uow, **fields):
    found = registered(uow, **fields)
    return run(uow, organisations.change_membership, ChangeMembership(found["_id"], "approve"))[0]


def test_register_writes_organisation_registered_with_derived_fields():
    uow = fake_uow()
    found, events = run(uow, organisations.register_organisation,
                        RegisterOrganisation({**CHAMBER, "kind": "company", "size_class": "small"}))
    assert (found["status"], found["region"], found["is_sme"], found["version"]) == ("applicant", "TR21", True, 1)
    assert "name_folded" not in found and "status_history" not in found
    [event] = events
    assert event.type == contract.ORGANISATION_REGISTERED
    assert (event.data["id"], event.data["tax_number"], event.data["status"]) == (found["_id"], "1234567890",
                                                                                 "applicant")
    assert uow.organisations.docs[found["_id"]]["status_history"][0]["actor"] == ADMIN.subject


def test_register_refuses_a_company_without_size_class_and_a_taken_tax_number():
    uow = fake_uow()
    with pytest.raises(Unprocessable):
        run(uow, organisations.register_organisation, RegisterOrganisation({**CHAMBER, "kind": "company"}))
    registered(uow)
    with pytest.raises(Conflict, match="tax number"):
        registered(uow, name="Başka")
    assert len(uow.organisations.docs) == 1


def test_update_writes_updated_with_the_changed_fields_and_the_public_view_once_a_member():
    uow = fake_uow()
    found = active(uow)
    changed, events = run(uow, organisations.update_organisation,
                          UpdateOrganisation(found["_id"], {"website": "https://kesantso.org.tr"}, Precondition(
                              versions=frozenset({found["version"]}))))
    assert changed["version"] == found["version"] + 1
    [event] = events
    assert (event.type, event.data["changed"], event.data["website"]) == (
        contract.ORGANISATION_UPDATED, ["website"], "https://kesantso.org.tr")
    [published] = uow.organisations.public[-1:]
    assert published.type == public.ORGANISATION_PUBLISHED and published.data["changes"] == ["updated"]


def test_update_with_nothing_changed_writes_nothing():
    uow = fake_uow()
    found = registered(uow)
    same, events = run(uow, organisations.update_organisation,
                       UpdateOrganisation(found["_id"], {"name": found["name"]}))
    assert events == [] and same["version"] == found["version"]


def test_update_refusals():
    uow = fake_uow()
    found = registered(uow)
    with pytest.raises(Forbidden):
        run(uow, organisations.update_organisation, UpdateOrganisation(found["_id"], {"name": "X"}),
            chamber_admin("another"))
    with pytest.raises(PreconditionFailed):
        run(uow, organisations.update_organisation,
            UpdateOrganisation(found["_id"], {"name": "Yeni"}, Precondition(versions=frozenset({99}))))
    with pytest.raises(NotFound):
        run(uow, organisations.update_organisation, UpdateOrganisation("nope", {"name": "Yeni"}))
    other = registered(uow, tax_number="1111111111")
    with pytest.raises(Conflict):
        run(uow, organisations.update_organisation, UpdateOrganisation(other["_id"], {"tax_number": "1234567890"}))
    with pytest.raises(Unprocessable):
        run(uow, organisations.update_organisation, UpdateOrganisation(found["_id"], {"name": None}))
    assert uow.events[-1].type == contract.ORGANISATION_REGISTERED  # no refusal wrote anything


def test_a_chamber_admin_edits_its_own_organisation():
    uow = fake_uow()
    found = registered(uow)
    changed, _ = run(uow, organisations.update_organisation, UpdateOrganisation(found["_id"], {"district": "Keşan"}),
                     chamber_admin(found["_id"]))
    assert changed["district"] == "Keşan"


def test_approval_writes_membership_changed_and_the_first_public_view():
    uow = fake_uow()
    found = registered(uow)
    approved, events = run(uow, organisations.change_membership, ChangeMembership(found["_id"], "approve", "ok"))
    [event] = events
    assert event.type == contract.ORGANISATION_MEMBERSHIP_CHANGED
    assert (event.data["action"], event.data["previous_status"], event.data["status"], event.data["reason"],
            event.data["actor"]) == ("approve", "applicant", "active", "ok", ADMIN.subject)
    assert approved["status"] == "active"
    [published] = uow.organisations.public
    assert published.data["member_since"] is not None and published.data["changes"] == ["membership_changed"]


def test_suspension_ends_the_seats_of_the_organisations_people_in_the_same_unit_of_work():
    uow = fake_uow()
    organisation = active(uow)
    person, _ = run(uow, people.register_person, RegisterPerson({"organisation_id": organisation["_id"],
                                                                 "full_name": "Ayşe", "email": "a@x.tr"}))
    seat, _ = run(uow, seats.assign_seat, AssignSeat("board", person["_id"], "member", date(2026, 1, 1)))
    suspended, events = run(uow, organisations.change_membership, ChangeMembership(organisation["_id"], "suspend"))
    assert [e.type for e in events] == [contract.ORGANISATION_MEMBERSHIP_CHANGED, contract.SEAT_ENDED]
    ended = events[1]
    assert (ended.data["id"], ended.data["reason"]) == (seat["_id"], "organisation suspended")
    assert ended.causationid == events[0].id  # the seat ended because of the suspension
    assert uow.seats.docs[seat["_id"]]["status"] == "ended"


def test_a_failing_seat_end_rolls_the_suspension_back():
    uow = fake_uow()
    organisation = active(uow)
    uow.seats.docs["s1"] = {"_id": "s1", "body": "board", "person_id": "p1", "organisation_id": organisation["_id"],
                            "role": "member", "term_start": "2026-01-01", "status": "active", "version": 1}

    def moved_on(*args, **kwargs):
        raise RuntimeError("the seat's write failed")

    uow.seats.save = moved_on
    with pytest.raises(RuntimeError):
        run(uow, organisations.change_membership, ChangeMembership(organisation["_id"], "suspend"))
    assert uow.organisations.docs[organisation["_id"]]["status"] == "active"
    assert uow.types()[-1] == contract.ORGANISATION_MEMBERSHIP_CHANGED and len(uow.events) == 2  # register, approve


def test_membership_refusals():
    uow = fake_uow()
    found = registered(uow)
    with pytest.raises(Forbidden):
        run(uow, organisations.change_membership, ChangeMembership(found["_id"], "approve"),
            chamber_admin(found["_id"]))
    with pytest.raises(Conflict):
        run(uow, organisations.change_membership, ChangeMembership(found["_id"], "reinstate"))
    with pytest.raises(Unprocessable):
        run(uow, organisations.change_membership, ChangeMembership(found["_id"], "promote"))
    with pytest.raises(PreconditionFailed):
        run(uow, organisations.change_membership,
            ChangeMembership(found["_id"], "approve", precondition=Precondition(versions=frozenset({7}))))
    withdrawn, _ = run(uow, organisations.change_membership, ChangeMembership(found["_id"], "withdraw"),
                       chamber_admin(found["_id"]))
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(Conflict):
        run(uow, organisations.update_organisation, UpdateOrganisation(found["_id"], {"name": "Geri"}))


def test_reads_list_filter_get_and_history():
    uow = fake_uow()
    kesan = active(uow)
    registered(uow, name="Çorlu TSO", province="Tekirdağ", tax_number="2222222222")
    every = organisations.list_organisations(uow, ListOrganisations(1, 20), OFFICER)
    assert [o["name"] for o in every["items"]] == ["Çorlu TSO", "Keşan TSO"] and every["total"] == 2
    assert "name_folded" not in every["items"][0]
    by_q = organisations.list_organisations(uow, ListOrganisations(1, 20, {"q": "corlu"}), OFFICER)
    assert [o["name"] for o in by_q["items"]] == ["Çorlu TSO"]
    by_status = organisations.list_organisations(uow, ListOrganisations(1, 20, {"status": "active"}), OFFICER)
    assert [o["_id"] for o in by_status["items"]] == [kesan["_id"]]
    by_province = organisations.list_organisations(uow, ListOrganisations(1, 20, sort="-province"), OFFICER)
    assert [o["province"] for o in by_province["items"]] == ["Tekirdağ", "Edirne"]
    by_name_down = organisations.list_organisations(uow, ListOrganisations(1, 20, sort="-name"), OFFICER)
    assert [o["name"] for o in by_name_down["items"]] == ["Keşan TSO", "Çorlu TSO"]
    assert organisations.get_organisation(uow, GetOrganisation(kesan["_id"]), OFFICER)["version"] == 2
    history = organisations.membership_history(uow, GetMembershipHistory(kesan["_id"]), OFFICER)
    assert [h["action"] for h in history["history"]] == ["apply", "approve"] and history["status"] == "active"
    with pytest.raises(NotFound):
        organisations.get_organisation(uow, GetOrganisation("nope"), OFFICER)

"""The reads of the events service (service_layer/views.py) against in-memory repositories."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.events.service_layer import meetings, views
from services.events.service_layer.commands import RecordDecision, Register, ScheduleMeeting
from shared.auth import Principal
from shared.errors import Forbidden, NotFound

from .fakes import ADMIN, CAUSE, chamber_admin, fake_uow, later, organisation, person, seat

AUDITOR = Principal("auditor-1", "auditor")
PAGE = {"page": 1, "page_size": 20}


def schedule(uow, kind="workshop", host="chamber-1", starts=None, title="Resource efficiency") -> dict:
    starts = starts or later()
    return meetings.schedule(uow, ScheduleMeeting(kind=kind, title=title, host_organisation_id=host,
                                                  starts_at=starts, ends_at=starts + timedelta(hours=2)), ADMIN, CAUSE)


@pytest.fixture
def uow():
    return fake_uow(organisations=[organisation(), organisation("company-1", kind="company", name="Ergene Kimya",
                                                                size_class="small", province="Tekirdağ")],
                    people=[person("p1"), person("p2", organisation_id="company-1", full_name="Burak Kaya")],
                    seats=[seat("s1", "p1"), seat("s2", "p2", organisation_id="company-1")])


def test_list_meetings_filters_sorts_and_presents(uow):
    board = schedule(uow, "board_meeting", starts=later(days=5), title="Board")
    schedule(uow, starts=later(days=3), title="Energy audit")
    schedule(uow, host="company-1", starts=later(days=4), title="Symbiosis")
    found = views.list_meetings(uow, dict(PAGE), AUDITOR)
    assert (found["total"], [m["title"] for m in found["items"]]) == (3, ["Energy audit", "Symbiosis", "Board"])
    shown = found["items"][2]
    assert (shown["id"], shown["sequence"], shown["numbered_title"], shown["host_name"],
            shown["invitations_count"]) == (board["_id"], 1, "1st Board Meeting", "Kırklareli TSO", 2)
    assert shown["quorum"] == {"seated": 2, "present": 0, "required": 2, "met": False}
    assert [m["title"] for m in views.list_meetings(uow, dict(PAGE, q="ENERGY"), AUDITOR)["items"]] == [
        "Energy audit"]
    assert views.list_meetings(uow, dict(PAGE, host="company-1"), AUDITOR)["total"] == 1
    assert views.list_meetings(uow, dict(PAGE, **{"from": later(days=4, hours=-1)}), AUDITOR)["total"] == 2


def test_get_meeting_and_its_decisions(uow):
    meeting = schedule(uow, starts=later(days=0, hours=-1))
    meetings.record_decision(uow, RecordDecision(meeting["_id"], "Adopt the plan"), ADMIN, CAUSE)
    assert views.get_meeting(uow, {"meeting_id": meeting["_id"]}, AUDITOR)["version"] == 2
    assert [d["text"] for d in views.list_decisions(uow, {"meeting_id": meeting["_id"]}, AUDITOR)] == [
        "Adopt the plan"]
    with pytest.raises(NotFound):
        views.get_meeting(uow, {"meeting_id": "nope"}, AUDITOR)
    with pytest.raises(NotFound):
        views.list_decisions(uow, {"meeting_id": "nope"}, AUDITOR)


def test_registrations_a_chamber_admin_sees_are_its_own_people(uow):
    meeting = schedule(uow, host="company-1")
    _, own = meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    _, other = meetings.register(uow, Register(meeting["_id"], person_id="p2"), ADMIN, CAUSE)
    everyone = views.list_registrations(uow, dict(PAGE, meeting_id=meeting["_id"]), AUDITOR)
    assert {r["full_name"] for r in everyone["items"]} == {"Ayşe Yılmaz", "Burak Kaya"}
    assert {r["organisation"]["name"] for r in everyone["items"]} == {"Kırklareli TSO", "Ergene Kimya"}
    mine = views.list_registrations(uow, dict(PAGE, meeting_id=meeting["_id"]), chamber_admin())
    assert [r["id"] for r in mine["items"]] == [own["id"]]
    query = {"meeting_id": meeting["_id"], "registration_id": other["id"]}
    assert views.get_registration(uow, query, AUDITOR)[1]["person_id"] == "p2"
    with pytest.raises(Forbidden):
        views.get_registration(uow, query, chamber_admin())
    with pytest.raises(NotFound):
        views.get_registration(uow, dict(query, registration_id="nope"), AUDITOR)


def test_an_erased_person_is_shown_without_name(uow):
    meeting = schedule(uow)
    _, registration = meetings.register(uow, Register(meeting["_id"], person_id="p1"), ADMIN, CAUSE)
    uow.member_people.docs["p1"].update(full_name=None, email=None, erased=True)
    [shown] = views.present_registrations(uow, [registration], ADMIN)
    assert (shown["full_name"], shown["email"], shown["erased"]) == (None, None, True)


def test_member_organisations_and_whether_they_may_host(uow):
    uow.member_organisations.docs["applicant-1"] = organisation("applicant-1", status="applicant")
    found = views.list_member_organisations(uow, dict(PAGE, kind="chamber"), AUDITOR)
    assert [(o["id"], o["may_host"]) for o in found["items"]] == [("applicant-1", False), ("chamber-1", True)]
    company = views.get_member_organisation(uow, {"organisation_id": "company-1"}, AUDITOR)
    assert (company["is_sme"], company["version"], company["may_host"]) == (True, 2, True)
    with pytest.raises(NotFound):
        views.get_member_organisation(uow, {"organisation_id": "nope"}, AUDITOR)

"""Registrations, waiting list, attendance and the final attendance summary."""
from __future__ import annotations

import pytest

from .conftest import future, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"


def outsider(name="Mehmet Demir", gender="male", company="Demir Metal", size="small", province="tekirdag", **extra):
    return {"participant": {"full_name": name, "gender": gender, "organisation_name": company,
                            "organisation_kind": "company", "size_class": size, "province": province, **extra}}


@pytest.fixture
def workshop(events_client, token, active_chamber):
    def make(capacity=None, days=10, **extra):
        host = active_chamber()
        body = meeting_body(host, starts=future(days=days), **({"capacity": capacity} if capacity else {}), **extra)
        response = events_client.post(API, json=body, headers=token())
        assert response.status_code == 201, response.json
        return response.json
    return make


def register(client, token, meeting_id, body, role=("platform_admin",)):
    return client.post(f"{API}/{meeting_id}/registrations", json=body, headers=token(*role))


def test_member_person_and_outsider_register(events_client, token, workshop, stream, feed):
    meeting = workshop()
    company, registered = stream.organisation("Lüle Tekstil", kind="company", province="Kırklareli",
                                              size_class="medium")
    person_id, person = stream.person(company, "Zeynep Kaya", "female", "zeynep@lule.example")
    feed(registered, person)
    response = register(events_client, token, meeting["id"], {"person_id": person_id})
    assert response.status_code == 201, response.json
    registration = response.json
    assert registration["status"] == "confirmed" and registration["full_name"] == "Zeynep Kaya"
    assert registration["organisation"] == {"id": company, "key": company, "name": "Lüle Tekstil", "kind": "company",
                                            "size_class": "medium", "province": "Kırklareli", "is_sme": True,
                                            "member": True}
    response = register(events_client, token, meeting["id"], outsider(email="m@demir.example"))
    assert response.status_code == 201, response.json
    assert response.json["organisation"]["key"].startswith("ext-")
    assert response.json["organisation"]["province"] == "Tekirdağ"
    # twice: 409
    assert register(events_client, token, meeting["id"], {"person_id": person_id}).status_code == 409
    assert register(events_client, token, meeting["id"], outsider(email="M@DEMIR.example")).status_code == 409
    assert register(events_client, token, meeting["id"], outsider(name="MEHMET DEMİR")).status_code == 409
    got = events_client.get(f"{API}/{meeting['id']}", headers=token()).json
    assert got["registrations_count"] == 2


@pytest.mark.parametrize("body, field", [
    ({}, "_schema"),
    ({"person_id": "p", "participant": {"full_name": "x", "gender": "male", "organisation_id": "o"}}, "_schema"),
    ({"participant": {"full_name": "x", "gender": "robot", "organisation_id": "o"}}, "participant"),
    ({"participant": {"full_name": "x", "gender": "male", "organisation_name": "Acme",
                      "organisation_kind": "company", "province": "Edirne"}}, "participant"),
    ({"participant": {"full_name": "x", "gender": "male"}}, "participant"),
    ({"person_id": "unknown-person"}, "person_id"),
    ({"participant": {"full_name": "x", "gender": "male", "organisation_id": "unknown-org"}}, "participant"),
])
def test_bad_registrations_are_422(events_client, token, workshop, body, field):
    meeting = workshop()
    response = register(events_client, token, meeting["id"], body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_waitlist_is_promoted_in_order(events_client, token, workshop, db):
    meeting = workshop(capacity=2)
    ids = []
    for n in range(5):
        response = register(events_client, token, meeting["id"], outsider(name=f"Person {n}", company=f"Firm {n}"))
        assert response.status_code == 201
        ids.append(response.json["id"])
        expected = ("confirmed", None) if n < 2 else ("waitlisted", n - 1)
        assert (response.json["status"], response.json["waitlist_position"]) == expected
    got = events_client.get(f"{API}/{meeting['id']}", headers=token()).json
    assert (got["registrations_count"], got["waitlist_count"]) == (2, 3)
    # a waitlisted one leaves: nobody is promoted
    response = events_client.delete(f"{API}/{meeting['id']}/registrations/{ids[3]}", headers=token())
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    # a confirmed one leaves: the first waiting (ids[2]) takes the place, then ids[4]
    events_client.delete(f"{API}/{meeting['id']}/registrations/{ids[0]}", headers=token())
    events_client.delete(f"{API}/{meeting['id']}/registrations/{ids[1]}", headers=token())
    listing = events_client.get(f"{API}/{meeting['id']}/registrations", query_string={"status": "confirmed"},
                                headers=token()).json
    assert sorted(r["id"] for r in listing["items"]) == sorted([ids[2], ids[4]])
    assert events_client.delete(f"{API}/{meeting['id']}/registrations/{ids[0]}", headers=token()).status_code == 409
    assert events_client.delete(f"{API}/{meeting['id']}/registrations/nope", headers=token()).status_code == 404
    cancelled = [e for e in db.meetings.find_one({"_id": meeting["id"]})["outbox"]
                 if e["type"].endswith("registration_cancelled.v1")]
    assert [e["data"]["promoted_registration_id"] for e in cancelled] == [None, ids[2], ids[4]]


def test_attendance_window_and_summary(events_client, token, workshop, stream, feed, db):
    future_meeting = workshop()
    r = register(events_client, token, future_meeting["id"], outsider()).json
    response = events_client.post(f"{API}/{future_meeting['id']}/attendance", json={"registration_id": r["id"]},
                                  headers=token())
    assert response.status_code == 409 and "from the meeting's start" in response.json["message"]

    meeting = workshop(days=-1, themes=["industrial_symbiosis"], capacity=3)  # being held (recorded by an admin)
    company, registered = stream.organisation("Trakya Döküm", kind="company", province="Tekirdağ",
                                              size_class="micro")
    person_id, person = stream.person(company, "Elif Şahin", "female")
    feed(registered, person)
    regs = [register(events_client, token, meeting["id"], {"person_id": person_id}).json,
            register(events_client, token, meeting["id"], outsider()).json,
            register(events_client, token, meeting["id"], outsider("Ali Veli", "male", "Veli Gıda", "large",
                                                                   "Edirne")).json,
            register(events_client, token, meeting["id"], outsider("Can Ak", "undisclosed", "Ak Ltd", "small")).json]
    assert [r["status"] for r in regs] == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    attend = lambda rid: events_client.post(f"{API}/{meeting['id']}/attendance",  # noqa: E731
                                            json={"registration_id": rid}, headers=token())
    for registration in regs[:3]:
        assert attend(registration["id"]).status_code == 201
    assert attend(regs[0]["id"]).status_code == 409  # twice
    assert attend(regs[3]["id"]).status_code == 409  # waitlisted
    assert attend("nope").status_code == 422
    # an attended registration cannot be cancelled
    assert events_client.delete(f"{API}/{meeting['id']}/registrations/{regs[0]['id']}",
                                headers=token()).status_code == 409
    response = events_client.post(f"{API}/{meeting['id']}/close", headers=token())
    assert response.status_code == 200
    summary = response.json["attendance_summary"]
    assert summary["attendances"] == 3 and response.json["attendance_count"] == 3
    assert summary["by_gender"] == {"female": 1, "male": 2}
    assert summary["by_province"] == {"Edirne": 1, "Tekirdağ": 2}
    assert summary["by_organisation_kind"] == {"company": 3}
    assert summary["by_size_class"] == {"large": 1, "micro": 1, "small": 1}
    assert summary["distinct_organisations"] == 3 and summary["distinct_smes"] == 2
    assert attend(regs[1]["id"]).status_code == 409  # after closing
    [held] = [e for e in db.meetings.find_one({"_id": meeting["id"]})["outbox"] if e["type"].endswith("held.v1")]
    assert held["data"]["attendance"]["distinct_smes"] == 2
    text = str(held["data"])
    assert "Elif" not in text and "Mehmet" not in text and "Demir Metal" not in text and "@" not in text


def test_attendance_refused_for_a_cancelled_meeting(events_client, token, workshop):
    meeting = workshop(days=-1)
    registration = register(events_client, token, meeting["id"], outsider()).json
    assert events_client.post(f"{API}/{meeting['id']}/cancel", json={"reason": "flood"},
                              headers=token()).status_code == 200
    response = events_client.post(f"{API}/{meeting['id']}/attendance", json={"registration_id": registration["id"]},
                                  headers=token())
    assert response.status_code == 409 and "cancelled" in response.json["message"]
    assert register(events_client, token, meeting["id"], outsider("Other", company="Other")).status_code == 409


def test_chamber_admin_registers_its_own_people(events_client, token, workshop, stream, feed):
    meeting = workshop()
    chamber, registered = stream.organisation("Keşan TSO", province="Edirne")
    person_id, person = stream.person(chamber, "Hasan Öz", "male")
    foreign_org, foreign_registered = stream.organisation("Edirne TSO", province="Edirne")
    foreign_person, foreign = stream.person(foreign_org, "Aylin Er", "female")
    feed(registered, person, foreign_registered, foreign)
    admin = ("chamber_admin", chamber)
    assert register(events_client, token, meeting["id"], {"person_id": person_id}, admin).status_code == 201
    assert register(events_client, token, meeting["id"], {"person_id": foreign_person}, admin).status_code == 403
    assert register(events_client, token, meeting["id"], {"person_id": foreign_person},
                    ("auditor",)).status_code == 403
    listing = events_client.get(f"{API}/{meeting['id']}/registrations", headers=token(*admin)).json
    assert listing["total"] == 1


def test_decisions_of_a_capacity_building_meeting(events_client, token, workshop):
    meeting = workshop()
    response = events_client.post(f"{API}/{meeting['id']}/decisions", json={"text": "x"}, headers=token())
    assert response.status_code == 409  # not started
    held = workshop(days=-1)
    response = events_client.post(f"{API}/{held['id']}/decisions", json={"text": "Next workshop in May"},
                                  headers=token())
    assert response.status_code == 201 and response.json["number"].endswith("/1")

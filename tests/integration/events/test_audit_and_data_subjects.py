"""The events service's audit trail (actors of requests and of its worker) and its access requests."""
from __future__ import annotations

import json

import pytest

from services.events.adapters.documents import AGGREGATE_COLLECTIONS

from ...support.relay import relay_all
from .conftest import future, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"
ACCESS_REQUESTED = "tr.tvp.events.data_subject.access_requested.v1"
WORKER = {"sub": "tvp.events.worker", "role": "system", "org": None}


def _meeting(client, token, host, subject="admin-ayla", **extra):
    response = client.post(API, json=meeting_body(host, **extra), headers=token("platform_admin", None, subject))
    assert response.status_code == 201, response.json
    return response.json


def _register(client, token, meeting_id, body, subject="admin-ayla", role="platform_admin", org=None):
    response = client.post(f"{API}/{meeting_id}/registrations", json=body, headers=token(role, org, subject))
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def attended(events_client, token, stream, feed, active_chamber):
    """A member person who registered for a workshop being held and attended, and waits for a full one."""
    host = active_chamber()
    company, registered = stream.organisation("Lüle Tekstil", kind="company", province="Kırklareli",
                                              size_class="medium")
    person_id, person = stream.person(company, "Zeynep Kaya", "female", "zeynep@lule.example")
    feed(registered, person)
    held = _meeting(events_client, token, host, starts=future(days=-1), title="Endüstriyel simbiyoz çalıştayı")
    registration = _register(events_client, token, held["id"], {"person_id": person_id},
                             subject="chamber-lule", role="chamber_admin", org=company)
    response = events_client.post(f"{API}/{held['id']}/attendance", json={"registration_id": registration["id"]},
                                  headers=token("platform_admin", None, "admin-ayla"))
    assert response.status_code == 201, response.json
    full = _meeting(events_client, token, host, capacity=1, title="Enerji verimliliği eğitimi")
    _register(events_client, token, full["id"], {"participant": {
        "full_name": "Mehmet Demir", "gender": "male", "organisation_name": "Demir Metal",
        "organisation_kind": "company", "size_class": "small", "province": "Tekirdağ"}})
    waiting = _register(events_client, token, full["id"], {"person_id": person_id})
    assert waiting["status"] == "waitlisted"
    return {"person_id": person_id, "company": company, "held": held, "full": full,
            "registration": registration, "waiting": waiting}


def test_an_access_request_answers_registrations_attendances_and_waitlist(events_client, token, attended):
    person_id, company = attended["person_id"], attended["company"]
    response = events_client.get(f"/api/v1/data-subjects/{person_id}", headers=token("chamber_admin", company))
    assert response.status_code == 200, response.json
    held = response.json["holds"]
    assert response.json["service"] == "events"
    assert held["person"]["full_name"] == "Zeynep Kaya" and held["person"]["organisation_id"] == company
    assert [(r["meeting"]["id"], r["meeting"]["title"], r["status"]) for r in held["registrations"]] == [
        (attended["held"]["id"], "Endüstriyel simbiyoz çalıştayı", "confirmed"),
        (attended["full"]["id"], "Enerji verimliliği eğitimi", "waitlisted")]
    assert held["registrations"][0]["meeting"]["starts_at"] == attended["held"]["starts_at"]
    [attendance] = held["attendances"]
    assert attendance["registration_id"] == attended["registration"]["id"] and attendance["attended_at"]
    assert [(w["meeting"]["id"], w["position"]) for w in held["waitlist"]] == [(attended["full"]["id"], 1)]
    assert "Mehmet Demir" not in json.dumps(response.json, ensure_ascii=False)  # another person's registration


def test_access_requests_are_refused_to_others_and_recorded(events_client, token, attended, active_chamber):
    person_id = attended["person_id"]
    path = f"/api/v1/data-subjects/{person_id}"
    assert events_client.get(path, headers=token("chamber_admin", active_chamber("Edirne TSO", "Edirne"))
                             ).status_code == 403
    assert events_client.get(path, headers=token("programme_officer")).status_code == 403
    assert events_client.get(path, headers=token("auditor")).status_code == 403
    assert events_client.get("/api/v1/data-subjects/unknown-person", headers=token()).status_code == 404
    assert events_client.get(path, headers=token("platform_admin", None, "admin-ayla")).status_code == 200
    trail = events_client.get("/api/v1/audit", query_string={"aggregate": f"person/{person_id}"},
                              headers=token("auditor")).json
    assert [(e["type"], e["actor"]["sub"]) for e in trail["items"]] == [(ACCESS_REQUESTED, "admin-ayla")]


def test_requests_and_the_worker_are_the_actors_of_the_events_they_cause(events_client, token, attended, stream,
                                                                         feed, active_chamber, servers, db):
    # A seat assigned in members reaches the worker, which invites the new member to the upcoming board meeting.
    host = active_chamber("Tekirdağ TSO", "Tekirdağ")
    board = _meeting(events_client, token, host, kind="advisory_board_meeting", title="Danışma Kurulu")
    newcomer, person = stream.person(host, "Yeni Üye", "female")
    _, seat = stream.seat("advisory_board", newcomer, host)
    feed(person, seat)
    relay_all(db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap)

    def trail(meeting_id):
        return events_client.get("/api/v1/audit", query_string={"aggregate": f"meeting/{meeting_id}"},
                                 headers=token("auditor")).json["items"]

    invited = trail(board["id"])
    assert [(e["type"].split(".")[-2], e["actor"]) for e in invited] == [
        ("registration_created", WORKER),
        ("scheduled", {"sub": "admin-ayla", "role": "platform_admin", "org": None})]
    held = trail(attended["held"]["id"])
    assert [(e["type"].split(".")[-2], e["actor"]["sub"], e["version"]) for e in held] == [
        ("attendance_recorded", "admin-ayla", 3), ("registration_created", "chamber-lule", 2),
        ("scheduled", "admin-ayla", 1)]
    assert held[1]["actor"] == {"sub": "chamber-lule", "role": "chamber_admin", "org": attended["company"]}
    assert "Zeynep" not in json.dumps(held, ensure_ascii=False)

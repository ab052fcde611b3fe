"""The events' retention policy on the embedded database: outside participants' contact data after the meeting."""
from __future__ import annotations

import pytest

from .conftest import future, meeting_body
from .test_registrations_api import API, outsider, register

pytestmark = pytest.mark.integration

RETENTION = "/api/v1/retention"


@pytest.fixture
def workshop(events_client, token, active_chamber):
    def make(days=10):
        response = events_client.post(API, json=meeting_body(active_chamber(), starts=future(days=days)),
                                      headers=token())
        assert response.status_code == 201, response.json
        return response.json
    return make


def test_participants_lose_name_and_email_after_the_meeting_and_the_meeting_keeps_its_counts(
        events_client, token, workshop, stream, feed, db, monkeypatch):
    monkeypatch.setenv("TVP_RETENTION_PARTICIPANT_CONTACTS_MONTHS", "0")  # due as soon as the meeting ended
    upcoming = workshop()
    kept = register(events_client, token, upcoming["id"], outsider("Ali Veli", email="ali@veli.example")).json
    past = workshop(days=-1)  # started yesterday, ended three hours later
    company, registered = stream.organisation("Trakya Döküm", kind="company", province="Tekirdağ", size_class="micro")
    person_id, person = stream.person(company, "Elif Şahin", "female")
    feed(registered, person)
    member = register(events_client, token, past["id"], {"person_id": person_id}).json
    gone = register(events_client, token, past["id"], outsider(email="m@demir.example")).json
    for registration in (member, gone):
        assert events_client.post(f"{API}/{past['id']}/attendance", json={"registration_id": registration["id"]},
                                  headers=token()).status_code == 201
    closed = events_client.post(f"{API}/{past['id']}/close", headers=token()).json
    stored_before = db.meetings.find_one({"_id": past["id"]}, {"outbox": 0})

    dry = events_client.post(f"{RETENTION}/run", json={"dry_run": True}, headers=token())
    assert dry.status_code == 200, dry.json
    assert [(c["category"], c["count"]) for c in dry.json["categories"]] == [("participant_contacts", 1)]
    assert db.meetings.find_one({"_id": past["id"]}, {"outbox": 0}) == stored_before

    run = events_client.post(f"{RETENTION}/run", json={"dry_run": False}, headers=token())
    assert [(c["category"], c["count"]) for c in run.json["categories"]] == [("participant_contacts", 1)]
    stored = db.meetings.find_one({"_id": past["id"]})
    [participant] = [r for r in stored["registrations"] if r["id"] == gone["id"]]
    assert participant["participant"]["full_name"] is None and participant["participant"]["email"] is None
    assert participant["participant"]["organisation_name"] == "Demir Metal"
    [before] = [r for r in stored_before["registrations"] if r["id"] == gone["id"]]
    assert {k: v for k, v in participant.items() if k != "participant"} == {
        k: v for k, v in before.items() if k != "participant"}  # gender, province, organisation: what is counted
    assert stored["version"] == stored_before["version"]  # no event: meeting events never carried the names
    shown = events_client.get(f"{API}/{past['id']}", headers=token()).json
    assert shown["attendance_summary"] == closed["attendance_summary"]
    shown = {r["id"]: r for r in events_client.get(f"{API}/{past['id']}/registrations", headers=token()).json["items"]}
    assert (shown[gone["id"]]["full_name"], shown[gone["id"]]["email"]) == (None, None)
    assert shown[member["id"]]["full_name"] == "Elif Şahin"  # a member's person: members' erasure decides
    [still] = events_client.get(f"{API}/{upcoming['id']}/registrations", headers=token()).json["items"]
    assert (still["id"], still["email"]) == (kept["id"], "ali@veli.example")

    again = events_client.post(f"{RETENTION}/run", json={"dry_run": False}, headers=token())
    assert again.json["categories"][0]["count"] == 0
    log = events_client.get(f"{RETENTION}/log", headers=token("auditor")).json
    assert [(e["count"], e["dry_run"]) for e in log["items"]] == [(0, False), (1, False), (1, True)]
    assert "demir" not in str(log).lower()


def test_the_events_policy(events_client, token):
    policy = events_client.get(f"{RETENTION}/policy", headers=token("programme_officer")).json
    assert policy["service"] == "events"
    [category] = policy["categories"]
    assert category["category"] == "participant_contacts" and category["period_months"] == 12
    assert events_client.post(f"{RETENTION}/run", json={}, headers=token("auditor")).status_code == 403

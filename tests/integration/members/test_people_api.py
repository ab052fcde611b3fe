"""People, consents and erasure through the HTTP API."""
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.integration

PEOPLE = "/api/v1/people"
CONSENTS = [{"purpose": "newsletter", "granted_at": "2026-03-01T10:00:00+03:00", "text_version": "v2",
             "source": "web_form"},
            {"purpose": "event_photos", "granted_at": "2026-03-01T10:00:00"}]


def test_register_person_with_consents(api):
    org = api.organisation()
    response = api.post(PEOPLE, {"organisation_id": org["id"], "full_name": "Ayşe Yılmaz", "email": "ayse@example.com",
                                 "title": "Genel Sekreter", "phone": "+90 288 214 12 34", "gender": "female",
                                 "consents": CONSENTS})
    assert response.status_code == 201, response.json
    person = response.json
    assert person["version"] == 1 and person["status"] == "active" and response.headers["ETag"] == '"1"'
    assert [c["purpose"] for c in person["consents"]] == ["newsletter", "event_photos"]
    # Without an offset the time is Istanbul time: 10:00 there is 07:00 UTC (shown in Istanbul time).
    granted = datetime.fromisoformat(person["consents"][1]["granted_at"])
    assert granted == datetime(2026, 3, 1, 7, tzinfo=timezone.utc) and granted.utcoffset() == timedelta(hours=3)
    [event] = api.events("people", person["id"])
    assert event["type"] == "tr.tvp.members.person.registered.v1"
    assert {k: event["data"][k] for k in ("id", "organisation_id", "gender")} == {
        "id": person["id"], "organisation_id": org["id"], "gender": "female"}
    # The consents travel on the internal topic (the events service mails only under one), without their source.
    assert [(c["purpose"], c["withdrawn_at"]) for c in event["data"]["consents"]] == [
        ("newsletter", None), ("event_photos", None)]
    assert event["data"]["consents"][1]["granted_at"] == "2026-03-01T10:00:00+03:00"
    assert all(set(c) == {"purpose", "granted_at", "withdrawn_at", "text_version"} for c in event["data"]["consents"])


def test_consents_are_read_only_by_the_own_organisation_and_platform_admins(api):
    org, other = api.organisation(), api.organisation()
    person = api.person(org["id"], consents=CONSENTS)
    path = f"{PEOPLE}/{person['id']}"
    assert len(api.get(path).json["consents"]) == 2
    assert len(api.get(path, role="chamber_admin", org=org["id"]).json["consents"]) == 2
    for role in ("programme_officer", "auditor"):
        seen = api.get(path, role=role)
        assert seen.status_code == 200 and "consents" not in seen.json and seen.json["full_name"] == "Ayşe Yılmaz"
        assert all("consents" not in p for p in api.get(PEOPLE, role=role).json["items"])
    assert api.get(path, role="chamber_admin", org=other["id"]).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"organisation_id": "missing"}, "organisation_id"),
    ({"email": "nope"}, "email"),
    ({"gender": "robot"}, "gender"),
    ({"phone": "call me"}, "phone"),
    ({"full_name": 5}, "full_name"),
    ({"consents": [{"purpose": "a"}, {"purpose": "A "}]}, "consents"),
    ({"consents": [{"purpose": "a", "granted_at": "2999-01-01T00:00:00+00:00"}]}, "consents"),
    ({"consents": [{"purpose": "a", "granted_at": "2026-02-30T10:00:00+03:00"}]}, "consents"),
    ({"consents": [{"purpose": "a", "granted_at": "2026-03-01T10:00:00+03:00",
                    "withdrawn_at": "2026-02-01T10:00:00+03:00"}]}, "consents"),
    ({"consents": [{"purpose": "a", "extra": True}]}, "consents"),
    ({"organisation": "x"}, "organisation"),
])
def test_bad_people_are_422(api, body, field):
    org = api.organisation()
    response = api.post(PEOPLE, {"organisation_id": org["id"], "full_name": "Ali Veli", "email": "ali@example.com",
                                 **body})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert api.db.people.count_documents({}) == 0


def test_one_person_per_email_per_organisation_and_none_for_withdrawn_organisations(api):
    org, other = api.organisation(), api.organisation()
    api.person(org["id"], email="Ali@Example.com")
    again = api.post(PEOPLE, {"organisation_id": org["id"], "full_name": "Ali V", "email": "ali@example.com"})
    assert again.status_code == 409 and "email" in again.json["errors"]
    assert api.post(PEOPLE, {"organisation_id": other["id"], "full_name": "Ali V",
                             "email": "ali@example.com"}).status_code == 201
    gone = api.organisation(status="withdrawn")
    assert api.post(PEOPLE, {"organisation_id": gone["id"], "full_name": "Ali V",
                             "email": "ali@example.com"}).status_code == 409


def test_patch_person_with_if_match(api):
    org = api.organisation()
    person = api.person(org["id"], phone="+90 284 000 00 00")
    path = f"{PEOPLE}/{person['id']}"
    changed = api.patch(path, {"title": "Uzman", "phone": None, "consents": [{"purpose": "newsletter"}]},
                        headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == "Uzman" and changed.json["phone"] is None and changed.json["version"] == 2
    assert changed.json["consents"][0]["granted_at"]
    assert api.patch(path, {"title": "Başka"}, headers={"If-Match": '"1"'}).status_code == 412
    assert api.patch(path, {"full_name": None}).status_code == 422
    assert api.patch(path, {"organisation_id": "x"}).status_code == 422
    updated = api.events("people", person["id"])[1]
    assert updated["type"] == "tr.tvp.members.person.updated.v1"
    assert sorted(updated["data"]["changed"]) == ["consents", "phone", "title"]


def test_list_people(api):
    org, other = api.organisation(), api.organisation()
    api.person(org["id"], full_name="Şükrü Öztürk")
    api.person(org["id"], full_name="Zeynep Kaya")
    api.person(other["id"], full_name="Mehmet Şahin")
    assert api.get(PEOPLE).json["total"] == 3
    assert api.get(PEOPLE, query_string={"organisation_id": org["id"]}).json["total"] == 2
    found = api.get(PEOPLE, query_string={"q": "sukru ozturk"}).json
    assert [p["full_name"] for p in found["items"]] == ["Şükrü Öztürk"]


def test_erasure_removes_identifying_data_ends_seats_and_announces_it(api):
    org = api.organisation(status="active")
    person = api.person(org["id"], full_name="Elif Arslan", email="elif@example.com", phone="+90 288 111 22 33",
                        gender="female", consents=CONSENTS)
    seat = api.seat(person["id"], body="advisory_board").json
    # A copy of the registration already logged by the relay (as if published).
    api.db.event_log.insert_one({"_id": "logged-1", "topic": "tvp.members.people", "key": person["id"],
                                 "event": {"data": {"full_name": "Elif Arslan", "email": "elif@example.com",
                                                    "phone": "+90 288 111 22 33", "title": None}}})
    response = api.delete(f"{PEOPLE}/{person['id']}", headers={"X-Correlation-Id": "erase-1"})
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"{PEOPLE}/{person['id']}").status_code == 404
    assert api.delete(f"{PEOPLE}/{person['id']}").status_code == 404
    assert api.patch(f"{PEOPLE}/{person['id']}", {"title": "x"}).status_code == 404
    stored = api.db.people.find_one({"_id": person["id"]})
    for name in ("full_name", "email", "phone", "title", "consents", "gender", "email_key", "name_folded"):
        assert name not in stored
    assert stored["status"] == "erased" and stored["organisation_id"] == org["id"]
    registered, erased = stored["outbox"]
    assert registered["data"]["full_name"] is None and registered["data"]["email"] is None
    assert erased["type"] == "tr.tvp.members.person.erased.v1" and erased["aggregateversion"] == 2
    assert erased["data"]["id"] == person["id"] and erased["data"]["organisation_id"] == org["id"]
    assert api.db.event_log.find_one({"_id": "logged-1"})["event"]["data"] == {
        "full_name": None, "email": None, "phone": None, "title": None, "consents": None}
    ended = api.events("seats", seat["id"])[-1]
    assert ended["type"] == "tr.tvp.members.seat.ended.v1" and ended["data"]["reason"] == "person erased"
    assert ended["correlationid"] == "erase-1" and ended["causationid"] == erased["id"]
    assert api.get("/api/v1/bodies/advisory_board").json["seats"] == []
    history = api.get("/api/v1/bodies/advisory_board/history").json["items"]
    assert history[0]["person_id"] == person["id"] and history[0]["person_name"] is None
    assert "Elif" not in str(api.get(PEOPLE).json)
    # The address is free again.
    assert api.post(PEOPLE, {"organisation_id": org["id"], "full_name": "Elif Arslan",
                             "email": "elif@example.com"}).status_code == 201


def test_erasure_precondition(api):
    person = api.person(api.organisation()["id"])
    assert api.delete(f"{PEOPLE}/{person['id']}", headers={"If-Match": '"9"'}).status_code == 412
    assert api.get(f"{PEOPLE}/{person['id']}").status_code == 200
    assert api.delete(f"{PEOPLE}/{person['id']}", headers={"If-Match": '"1"'}).status_code == 204

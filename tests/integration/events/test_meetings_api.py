"""The meetings API through the Flask test client, with the membership view fed by members' events."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ...support.outbox import internal
from .conftest import future, iso, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"


def events_of(db, meeting_id):
    stored = db.meetings.find_one({"_id": meeting_id})
    return internal(stored.get("outbox", []))


def test_schedule_a_workshop_hosted_by_an_active_chamber(events_client, token, active_chamber, db):
    host = active_chamber()
    body = meeting_body(host, themes=["resource_efficiency", "energy_efficiency"], capacity=30,
                        venue={"city": "Lüleburgaz", "province": "kirklareli", "address": "TSO Hall"})
    response = events_client.post(API, json=body, headers={**token(), "X-Correlation-Id": "corr-1"})
    assert response.status_code == 201, response.json
    meeting = response.json
    assert meeting["status"] == "scheduled" and meeting["sequence"] is None and meeting["quorum"] is None
    assert meeting["venue"]["province"] == "Kırklareli" and meeting["province"] == "Kırklareli"
    assert meeting["starts_at"].endswith("+03:00")
    assert response.headers["ETag"] == '"1"'
    [event] = events_of(db, meeting["id"])
    assert event["type"] == "tr.tvp.events.meeting.scheduled.v2" and event["correlationid"] == "corr-1"
    assert event["data"]["location"] == {"city": "Lüleburgaz", "address": "TSO Hall", "province": "Kırklareli",
                                         "province_source": "venue"}
    assert "venue" not in event["data"] and "province" not in event["data"]
    assert event["subject"] == f"meeting/{meeting['id']}" and event["data"]["themes"] == body["themes"]

    got = events_client.get(f"{API}/{meeting['id']}", headers=token("auditor"))
    assert got.status_code == 200 and got.json["registrations_count"] == 0


def test_times_are_shown_in_istanbul_whatever_offset_was_sent(events_client, token, active_chamber):
    host = active_chamber()
    starts = future().astimezone(__import__("datetime").timezone.utc)
    response = events_client.post(API, json=meeting_body(host, starts=starts), headers=token())
    assert response.status_code == 201
    istanbul = __import__("zoneinfo").ZoneInfo("Europe/Istanbul")
    assert response.json["starts_at"] == starts.astimezone(istanbul).isoformat()


def test_a_time_without_offset_is_istanbul_time_as_in_every_service(events_client, token, active_chamber):
    starts = future()
    body = meeting_body(active_chamber(), starts=starts)
    body["starts_at"] = starts.replace(tzinfo=None).isoformat()  # the wall clock in Istanbul, no offset
    response = events_client.post(API, json=body, headers=token())
    assert response.status_code == 201, response.json
    assert response.json["starts_at"] == iso(starts) and response.json["starts_at"].endswith("+03:00")


@pytest.mark.parametrize("status_action, reason", [(None, "applicant"), ("suspend", "suspended"),
                                                   ("withdraw", "withdrawn")])
def test_host_must_be_an_active_member(events_client, token, stream, feed, status_action, reason):
    organisation_id, registered = stream.organisation()
    events = [registered]
    if status_action:
        events.append(stream.membership(organisation_id))
        events.append(stream.membership(organisation_id, status_action))
    feed(*events)
    response = events_client.post(API, json=meeting_body(organisation_id), headers=token())
    assert response.status_code == 422
    assert reason in response.json["message"] or reason in str(response.json["errors"])


def test_unknown_host_is_named(events_client, token):
    response = events_client.post(API, json=meeting_body("nobody"), headers=token())
    assert response.status_code == 422 and "not a member organisation known" in response.json["message"]
    assert "host_organisation_id" in response.json["errors"]


@pytest.mark.parametrize("change, field", [
    ({"kind": "party"}, "kind"),
    ({"themes": ["astrology"]}, "themes"),
    ({"starts_at": "2026-05-14T25:00:00"}, "starts_at"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": "10"}, "capacity"),
    ({"colour": "blue"}, "colour"),
    ({"venue": {"province": "Atlantis"}}, "venue"),
    ({"body": "advisory_board"}, "body"),
    ({"starts_at": "9999-12-31T23:59:59+14:00"}, "starts_at"),
])
def test_bad_input_is_422_naming_the_field(events_client, token, active_chamber, change, field):
    host = active_chamber()
    response = events_client.post(API, json={**meeting_body(host), **change}, headers=token())
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_a_meeting_that_ends_before_it_starts_is_refused(events_client, token, active_chamber, db):
    host = active_chamber()
    starts = future()
    body = meeting_body(host, starts=starts)
    body["ends_at"] = iso(starts - timedelta(hours=1))
    response = events_client.post(API, json=body, headers=token())
    assert response.status_code == 422 and "ends_at" in response.json["errors"]
    assert db.meetings.count_documents({}) == 0


def test_only_admins_record_past_meetings(events_client, token, active_chamber):
    host = active_chamber()
    past = meeting_body(host, starts=future(days=-30))
    assert events_client.post(API, json=past, headers=token("chamber_admin", host)).status_code == 422
    assert events_client.post(API, json=past, headers=token()).status_code == 201


def test_roles(events_client, token, active_chamber):
    host, other = active_chamber(), active_chamber("Tekirdağ TSO", "Tekirdağ")
    assert events_client.post(API, json=meeting_body(host)).status_code == 401
    assert events_client.post(API, json=meeting_body(host), headers={"Authorization": "Bearer x"}).status_code == 401
    assert events_client.post(API, json=meeting_body(host), headers=token("auditor")).status_code == 403
    assert events_client.post(API, json=meeting_body(host), headers=token("programme_officer")).status_code == 403
    assert events_client.post(API, json=meeting_body(host), headers=token("chamber_admin", other)).status_code == 403
    assert events_client.post(API, json=meeting_body(host, kind="board_meeting"),
                              headers=token("chamber_admin", host)).status_code == 403
    response = events_client.post(API, json=meeting_body(host), headers=token("chamber_admin", host))
    assert response.status_code == 201
    meeting_id = response.json["id"]
    assert events_client.post(f"{API}/{meeting_id}/cancel", json={"reason": "x"},
                              headers=token("chamber_admin", other)).status_code == 403
    assert events_client.get(API, headers=token("auditor")).status_code == 200


def test_transitions(events_client, token, active_chamber, db):
    host = active_chamber()
    meeting = events_client.post(API, json=meeting_body(host), headers=token()).json
    mid = meeting["id"]
    # closing before the start: 409, nothing changes
    response = events_client.post(f"{API}/{mid}/close", headers=token())
    assert response.status_code == 409
    new_start = future(days=20)
    response = events_client.post(f"{API}/{mid}/reschedule", json={
        "starts_at": iso(new_start), "ends_at": iso(new_start + timedelta(hours=2))}, headers=token())
    assert response.status_code == 200 and response.json["starts_at"] == iso(new_start)
    assert response.json["version"] == 2
    # stale If-Match
    response = events_client.post(f"{API}/{mid}/cancel", json={"reason": "storm"},
                                  headers={**token(), "If-Match": '"1"'})
    assert response.status_code == 412
    response = events_client.post(f"{API}/{mid}/cancel", json={"reason": "storm"},
                                  headers={**token(), "If-Match": '"2"'})
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert response.json["cancellation"]["reason"] == "storm"
    for action, payload in (("cancel", {"reason": "again"}), ("close", None),
                            ("reschedule", {"starts_at": iso(new_start),
                                            "ends_at": iso(new_start + timedelta(hours=1))})):
        response = events_client.post(f"{API}/{mid}/{action}", json=payload, headers=token())
        assert response.status_code == 409, (action, response.json)
    types = [e["type"].split(".")[-2] for e in events_of(db, mid)]
    assert types == ["scheduled", "rescheduled", "cancelled"]


def test_held_meeting_cannot_be_cancelled_or_closed_twice(events_client, token, active_chamber):
    host = active_chamber()
    meeting = events_client.post(API, json=meeting_body(host, starts=future(days=-1)), headers=token()).json
    mid = meeting["id"]
    response = events_client.post(f"{API}/{mid}/close", headers=token())
    assert response.status_code == 200 and response.json["status"] == "held"
    assert events_client.post(f"{API}/{mid}/close", headers=token()).status_code == 409
    assert events_client.post(f"{API}/{mid}/cancel", json={"reason": "x"}, headers=token()).status_code == 409


def test_unknown_meeting_is_404(events_client, token):
    assert events_client.get(f"{API}/nope", headers=token()).status_code == 404
    assert events_client.post(f"{API}/nope/close", headers=token()).status_code == 404
    assert events_client.post(f"{API}/nope/registrations", json={"person_id": "x"},
                              headers=token()).status_code in (404, 422)


def test_list_filters_and_pagination(events_client, token, active_chamber):
    host, other = active_chamber(), active_chamber("Tekirdağ TSO", "Tekirdağ")
    ids = []
    for n in range(5):
        body = meeting_body(host if n % 2 else other, kind="training" if n < 2 else "workshop",
                            starts=future(days=5 + n), themes=["digitalisation"] if n == 4 else [])
        ids.append(events_client.post(API, json=body, headers=token()).json["id"])
    def listing(**params):
        response = events_client.get(API, query_string=params, headers=token("programme_officer"))
        assert response.status_code == 200, response.json
        return response.json
    assert listing()["total"] == 5
    assert listing(kind="training")["total"] == 2
    assert listing(host=host)["total"] == 2
    assert [m["id"] for m in listing(theme="digitalisation")["items"]] == [ids[4]]
    window = listing(**{"from": future(days=6).date().isoformat(), "to": future(days=7).date().isoformat()})
    assert [m["id"] for m in window["items"]] == ids[1:3]
    page = listing(page=2, page_size=2)
    assert page["total"] == 5 and [m["id"] for m in page["items"]] == ids[2:4]
    assert listing(status="held")["total"] == 0
    assert events_client.get(API, query_string={"page_size": 101}, headers=token()).status_code == 422
    assert events_client.get(API, query_string={"from": "yesterday"}, headers=token()).status_code == 422
    assert listing(q="TRAINING")["total"] == 2
    # Sorted by start (the default), latest first, or by title; the id breaks ties across pages.
    assert [m["id"] for m in listing(sort="-starts_at")["items"]] == ids[::-1]
    titles = [m["title"] for m in listing(sort="title")["items"]]
    assert titles == sorted(titles) and [m["title"] for m in listing(sort="-title")["items"]] == titles[::-1]
    assert events_client.get(API, query_string={"sort": "host"}, headers=token()).status_code == 422


def test_if_match_takes_lists_weak_tags_and_a_star_as_members_does(events_client, token, active_chamber):
    mid = events_client.post(API, json=meeting_body(active_chamber()), headers=token()).json["id"]
    new_start = future(days=21)
    times = {"starts_at": iso(new_start), "ends_at": iso(new_start + timedelta(hours=2))}
    stale = events_client.post(f"{API}/{mid}/reschedule", json=times, headers={**token(), "If-Match": '"7", "8"'})
    assert stale.status_code == 412
    listed = events_client.post(f"{API}/{mid}/reschedule", json=times, headers={**token(), "If-Match": '"0", W/"1"'})
    assert listed.status_code == 200 and listed.headers["ETag"] == '"2"'
    star = events_client.post(f"{API}/{mid}/cancel", json={"reason": "storm"}, headers={**token(), "If-Match": "*"})
    assert star.status_code == 200 and star.json["status"] == "cancelled"


def test_a_body_that_is_not_json_is_422_as_in_the_other_services(events_client, token, active_chamber):
    response = events_client.post(API, data="{not json", headers={**token(), "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json["errors"] == {"json": ["Invalid JSON body."]}

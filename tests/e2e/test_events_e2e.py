"""Members and events under gunicorn with their workers, talking over Kafka only.

Members approves a chamber and seats people on the advisory board; events
schedules an advisory board meeting hosted by it; the seated members are
invited, attend, quorum is met, a decision is numbered, the meeting is closed,
and every event on tvp.events.meetings is a valid CloudEvent of the contract.
"""
from __future__ import annotations

import json
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.envelope import CONTENT_TYPE

from ..support.kafka_read import read_topic, wait_for

pytestmark = pytest.mark.e2e

ISTANBUL = ZoneInfo("Europe/Istanbul")


class Api:
    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers

    def __call__(self, method: str, path: str, expect: int | None = None, correlation: str | None = None, **kwargs):
        headers = dict(self.headers)
        if correlation:
            headers["X-Correlation-Id"] = correlation
        response = requests.request(method, f"{self.base}/api/v1{path}", headers=headers, timeout=15, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response


def test_advisory_board_meeting_end_to_end(stack_factory, servers, token, run_id):
    stack = stack_factory("members", "events")
    members = Api(stack.url("members"), token())
    events = Api(stack.url("events"), token())

    chamber = members("POST", "/organisations", 201, json={"name": "Kırklareli TSO", "kind": "chamber",
                                                          "province": "KIRKLARELİ"}).json()
    members("POST", f"/organisations/{chamber['id']}/membership", 200, json={"action": "approve"})
    people = []
    for name, gender in (("Ayşe Yılmaz", "female"), ("Mehmet Kaya", "male"), ("Deniz Ak", "other")):
        people.append(members("POST", "/people", 201, json={
            "organisation_id": chamber["id"], "full_name": name,
            "email": f"{name.split()[0].lower()}@kirklarelitso.example",
            "gender": gender}).json())
    term_start = (datetime.now(ISTANBUL).date() - timedelta(days=30)).isoformat()
    for person, role in zip(people, ("chair", "vice_chair", "member"), strict=True):
        members("POST", "/bodies/advisory_board/seats", 201,
                json={"person_id": person["id"], "role": role, "term_start": term_start})

    # events learns of the approval and the seats from the members' stream only
    wait_for(lambda: events("GET", f"/member-organisations/{chamber['id']}").json().get("may_host"), 30)
    mongo = MongoClient(servers.mongo_uri)
    try:
        seats = mongo[f"t{run_id}_events"].member_seats
        wait_for(lambda: seats.count_documents({"body": "advisory_board", "status": "active",
                                                "organisation_id": chamber["id"]}) == 3, 30)
    finally:
        mongo.close()

    starts = datetime.now(ISTANBUL).replace(microsecond=0) - timedelta(minutes=30)  # being held now
    meeting = events("POST", "/meetings", 201, correlation=f"schedule-{run_id}", json={
        "kind": "advisory_board_meeting", "title": "Advisory Board Meeting", "host_organisation_id": chamber["id"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "venue": {"city": "Kırklareli", "province": "Kırklareli", "address": "Kırklareli TSO"},
        "themes": ["resource_efficiency", "industrial_symbiosis"]}).json()
    mid = meeting["id"]
    assert meeting["sequence"] == 1 and meeting["numbered_title"] == "1st Advisory Board Meeting"
    # Everyone seated on the advisory board is invited: our three (and any seated by earlier tests of the
    # session, since the topics are shared).
    invitations = events("GET", f"/meetings/{mid}/registrations", 200, params={"page_size": 100}).json()["items"]
    seated = len(invitations)
    assert {p["id"] for p in people} <= {r["person_id"] for r in invitations}
    assert {r["full_name"] for r in invitations} >= {p["full_name"] for p in people}
    assert meeting["invitations_count"] == seated
    assert meeting["quorum"] == {"seated": seated, "present": 0, "required": seated // 2 + 1, "met": False}

    # a decision before quorum is refused
    assert events("POST", f"/meetings/{mid}/decisions", json={"text": "Too early"}).status_code == 409
    for invitation in invitations:
        events("POST", f"/meetings/{mid}/attendance", 201, json={"registration_id": invitation["id"]})
    assert events("GET", f"/meetings/{mid}", 200).json()["quorum"]["met"] is True
    decision = events("POST", f"/meetings/{mid}/decisions", 201, json={
        "text": "The 2026 work plan on industrial symbiosis is adopted.",
        "votes": {"for": seated, "against": 0, "abstain": 0}}).json()
    assert decision["number"] == f"{starts.year}/1-1"
    closed = events("POST", f"/meetings/{mid}/close", 200, correlation=f"close-{run_id}").json()
    assert closed["status"] == "held"
    assert closed["quorum"] == {"seated": seated, "present": seated, "required": seated // 2 + 1, "met": True}
    by_gender = closed["attendance_summary"]["by_gender"]
    assert sum(by_gender.values()) == seated and all(by_gender.get(g, 0) >= 1 for g in ("female", "male", "other"))
    assert events("POST", f"/meetings/{mid}/close").status_code == 409

    # every event of the meeting reaches Kafka as a valid CloudEvent, in order, keyed by the meeting
    def held_arrived(records):
        return any(r.key == mid.encode() and b"meeting.held.v1" in r.value for r in records)
    records = [r for r in read_topic(servers.kafka_bootstrap, "tvp.events.meetings", until=held_arrived)
               if r.key == mid.encode()]
    assert records, "no event of the meeting reached Kafka"
    published = []
    for record in records:
        assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
        body = json.loads(record.value)
        event = REGISTRY.validate(body)  # envelope and payload against the contract
        assert event.source == "/tvp/events" and event.subject == f"meeting/{mid}"
        assert body["specversion"] == "1.0" and body["datacontenttype"] == "application/json"
        assert isinstance(body["time"], str) and datetime.fromisoformat(body["time"]).tzinfo is not None
        published.append(event)
    assert [e.aggregateversion for e in published] == list(range(1, len(published) + 1))
    kinds = [e.type.split(".")[-2] for e in published]
    assert kinds == ["scheduled"] + ["registration_created"] * seated + ["attendance_recorded"] * seated + [
        "decision_recorded", "held"]
    assert {e.correlationid for e in published[:1 + seated]} == {f"schedule-{run_id}"}
    assert published[-1].correlationid == f"close-{run_id}"
    held = published[-1].data
    assert held["sequence"] == 1 and held["quorum"]["met"] is True and held["attendance"]["attendances"] == seated
    assert len({e.id for e in published}) == len(published)
    text = " ".join(r.value.decode() for r in records)
    for person in people:
        assert person["full_name"] not in text and person["email"] not in text

    # erasure in members reaches the events service: the name goes, the counts stay
    members("DELETE", f"/people/{people[0]['id']}", expect=None)

    def erased():
        shown = events("GET", f"/meetings/{mid}/registrations", 200, params={"page_size": 100}).json()["items"]
        return next(r for r in shown if r["person_id"] == people[0]["id"])["full_name"] is None
    wait_for(erased, 30)
    assert events("GET", f"/meetings/{mid}/registrations", 200, params={"page_size": 100}).json()["total"] == seated
    after = events("GET", f"/meetings/{mid}", 200).json()
    assert after["attendance_count"] == seated and after["attendance_summary"]["by_gender"] == by_gender


def test_time_from_approval_to_host(stack_factory, token, run_id, capsys):
    """p50/p99 of the time from a chamber's approval in members to the events service accepting it as a host."""
    stack = stack_factory("members", "events")
    members = Api(stack.url("members"), token())
    events = Api(stack.url("events"), token())
    starts = datetime.now(ISTANBUL).replace(microsecond=0) + timedelta(days=30)
    samples = []
    for n in range(51):  # the first one also waits for the fresh worker to join its consumer group
        chamber = members("POST", "/organisations", 201, json={"name": f"Chamber {run_id} {n}", "kind": "chamber",
                                                              "province": "Tekirdağ"}).json()
        body = {"kind": "workshop", "title": f"Workshop {n}", "host_organisation_id": chamber["id"],
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}
        began = time.perf_counter()
        members("POST", f"/organisations/{chamber['id']}/membership", 200, json={"action": "approve"})
        while True:
            response = events("POST", "/meetings", json=body)
            if response.status_code == 201:
                break
            assert response.status_code == 422, response.text
            assert time.perf_counter() - began < 30, "the approval did not reach the events service in 30s"
            time.sleep(0.01)
        samples.append(time.perf_counter() - began)
    cold, samples = samples[0], sorted(samples[1:])
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(round(0.99 * len(samples))) - 1)]
    with capsys.disabled():
        print(f"\napproval -> accepted as host over {len(samples)} approvals: p50 {p50 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms, max {samples[-1] * 1000:.0f} ms "
              f"(first after a cold start: {cold * 1000:.0f} ms)")
    assert p99 < 10

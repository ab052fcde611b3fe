"""The events service's view of the membership, fed with the members' events through the consumer runtime."""
from __future__ import annotations

import random

import pytest

from ...support.outbox import internal
from .conftest import future, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"


def view(db):
    return {
        "organisations": {d["_id"]: {k: d.get(k) for k in ("name", "kind", "status", "size_class", "is_sme",
                                                             "province", "version")}
                          for d in db.member_organisations.find()},
        "people": {d["_id"]: {k: d.get(k) for k in ("organisation_id", "full_name", "gender", "erased", "version")}
                   for d in db.member_people.find()},
        "seats": {d["_id"]: {k: d.get(k) for k in ("body", "person_id", "status", "ended_on", "version")}
                  for d in db.member_seats.find()},
    }


def history(stream):
    chamber, registered = stream.organisation("Çerkezköy TSO", province="Tekirdağ")
    company, company_registered = stream.organisation("Ergene Kimya", kind="company", province="Tekirdağ",
                                                      size_class="small")
    person_a, a = stream.person(chamber, "Ayşe", "female")
    person_b, b = stream.person(company, "Burak", "male")
    seat_a, seat_a_assigned = stream.seat("advisory_board", person_a, chamber, role="chair")
    seat_b, seat_b_assigned = stream.seat("advisory_board", person_b, company)
    events = [registered, company_registered, stream.membership(chamber), a, b, seat_a_assigned, seat_b_assigned,
              stream.end_seat(seat_b), stream.membership(company), stream.erase(person_b, company),
              stream.membership(chamber, "suspend")]
    return events, {"chamber": chamber, "company": company, "a": person_a, "b": person_b, "seat_a": seat_a,
                    "seat_b": seat_b}


def test_in_order(feed, db, stream):
    events, ids = history(stream)
    feed(*events)
    state = view(db)
    assert state["organisations"][ids["chamber"]]["status"] == "suspended"
    assert state["organisations"][ids["company"]] == {"name": "Ergene Kimya", "kind": "company", "status": "active",
                                                      "size_class": "small", "is_sme": True, "province": "Tekirdağ",
                                                      "version": 2}
    assert state["people"][ids["a"]]["full_name"] == "Ayşe"
    assert state["people"][ids["b"]] == {"organisation_id": ids["company"], "full_name": None, "gender": "male",
                                         "erased": True, "version": 2}
    assert state["seats"][ids["seat_a"]]["status"] == "active"
    assert state["seats"][ids["seat_b"]]["status"] == "ended" and state["seats"][ids["seat_b"]]["ended_on"]
    assert not feed.dead


def test_duplicated_and_redelivered(feed, db, stream, events_client):
    events, _ = history(stream)
    feed(*events)
    expected = view(db)
    feed(*(events + events))  # whole stream again, and duplicates inside one batch
    for event in events:
        feed(event)  # one by one
    assert view(db) == expected
    assert db.processed_events.count_documents({}) == len(events)


def test_out_of_order_across_aggregates_and_replays(stream, events_client, settings_for):
    """Each aggregate's events stay in order, but aggregates interleave any way; the view ends the same."""
    from .conftest import Feeder
    events, _ = history(stream)
    reference = Feeder(events_client.application)
    reference(*events)
    expected = view(reference.db)
    rng = random.Random(7)
    for attempt in range(3):
        from services.events import create_app
        app = create_app(settings_for("events", mongo_db=f"{reference.db.name}_shuffle{attempt}"))
        feed = Feeder(app)
        queues: dict[str, list] = {}
        for event in events:
            queues.setdefault(event.aggregate_id, []).append(event)
        shuffled = []
        while queues:
            key = rng.choice(sorted(queues))
            shuffled.append(queues[key].pop(0))
            if not queues[key]:
                del queues[key]
        for event in shuffled:
            feed(event)
        # an old event coming back after newer ones (a replay of the log) changes nothing
        feed(events[0], events[3])
        assert view(feed.db) == expected


def test_erasure_before_registration_is_final(feed, db, stream):
    chamber, registered = stream.organisation()
    person_id, person = stream.person(chamber, "Gizli Kişi", "other")
    erased = stream.erase(person_id, chamber)
    feed(registered, erased)   # the erasure arrives first (another partition)
    feed(person)               # then the older registration: it must not bring the name back
    assert db.member_people.find_one({"_id": person_id})["full_name"] is None


def test_host_follows_membership(events_client, token, feed, stream):
    chamber, registered = stream.organisation("Edirne TSO", province="Edirne")
    body = meeting_body(chamber, starts=future())
    feed(registered)
    assert events_client.post(API, json=body, headers=token()).status_code == 422
    got = events_client.get(f"/api/v1/member-organisations/{chamber}", headers=token("auditor")).json
    assert got["status"] == "applicant" and got["may_host"] is False
    feed(stream.membership(chamber))
    assert events_client.post(API, json=body, headers=token()).status_code == 201
    assert events_client.get(f"/api/v1/member-organisations/{chamber}", headers=token()).json["may_host"] is True
    feed(stream.membership(chamber, "suspend"))
    response = events_client.post(API, json=body, headers=token())
    assert response.status_code == 422 and "suspended" in response.json["message"]
    assert events_client.get("/api/v1/member-organisations/nope", headers=token()).status_code == 404
    assert events_client.get("/api/v1/member-organisations", query_string={"status": "suspended"},
                             headers=token()).json["total"] == 1


def test_seat_before_its_person_still_invites(events_client, token, feed, stream, active_chamber):
    host = active_chamber()
    person_id = "p-late"
    _, seat = stream.seat("advisory_board", person_id, host)
    feed(seat)
    meeting = events_client.post(API, json=meeting_body(host, kind="advisory_board_meeting", starts=future(days=-1)),
                                 headers=token()).json
    [invitation] = events_client.get(f"{API}/{meeting['id']}/registrations", headers=token()).json["items"]
    assert invitation["person_id"] == person_id and invitation["gender"] is None
    _, person = stream.person(host, "Late Person", "female", person_id=person_id)
    feed(person)
    response = events_client.post(f"{API}/{meeting['id']}/attendance", json={"registration_id": invitation["id"]},
                                  headers=token())
    assert response.status_code == 201 and response.json["gender"] == "female"
    assert response.json["full_name"] == "Late Person"


def test_seat_changes_emit_registration_events_with_the_cause(events_client, token, feed, stream, active_chamber, db):
    host = active_chamber()
    meeting = events_client.post(API, json=meeting_body(host, kind="board_meeting"), headers=token()).json
    person_id, person = stream.person(host, "Seated Later", "male")
    seat_id, seat = stream.seat("board", person_id, host)
    feed(person, seat)
    outbox = internal(db.meetings.find_one({"_id": meeting["id"]})["outbox"])
    created = outbox[-1]
    assert created["type"] == "tr.tvp.events.meeting.registration_created.v1"
    assert created["data"]["source"] == "invitation" and created["data"]["seat_id"] == seat_id
    assert created["causationid"] == seat.id and created["correlationid"] == seat.correlationid
    feed(seat)  # redelivered: nothing more
    assert len(internal(db.meetings.find_one({"_id": meeting["id"]})["outbox"])) == len(outbox)


def test_garbage_is_dead_lettered(feed):
    from shared.messaging.consumer import Record
    feed.consumer.process([Record("tvp.members.people", 0, 1, b"k", b"not json"),
                           Record("tvp.members.people", 0, 2, b"k", b'{"specversion": "1.0"}')])
    assert len(feed.dead) == 2

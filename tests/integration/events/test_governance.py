"""Governance meetings: numbering, invitations from the seats view, quorum and numbered decisions."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ...support.outbox import internal
from .conftest import future, iso, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"


@pytest.fixture
def board(stream, feed, active_chamber):
    """An active host chamber and `n` people seated on the advisory board."""
    def make(n=4, body="advisory_board"):
        host = active_chamber()
        people = []
        for i in range(n):
            person_id, person = stream.person(host, f"Member {i}", "female" if i % 2 else "male")
            seat_id, seat = stream.seat(body, person_id, host, role="chair" if i == 0 else "member")
            feed(person, seat)
            people.append((person_id, seat_id))
        return host, people
    return make


def schedule(client, token, host, kind="advisory_board_meeting", days=10, **extra):
    response = client.post(API, json=meeting_body(host, kind=kind, starts=future(days=days), **extra), headers=token())
    assert response.status_code == 201, response.json
    return response.json


def registrations(client, token, meeting_id, **params):
    return client.get(f"{API}/{meeting_id}/registrations", query_string={"page_size": 100, **params},
                      headers=token()).json["items"]


def test_seated_members_are_invited_and_seat_changes_update_invitations(events_client, token, board, stream, feed):
    host, people = board(3)
    meeting = schedule(events_client, token, host)
    assert meeting["invitations_count"] == 3 and meeting["quorum"] == {"seated": 3, "present": 0, "required": 2,
                                                                       "met": False}
    invited = registrations(events_client, token, meeting["id"], source="invitation")
    assert sorted(r["person_id"] for r in invited) == sorted(p for p, _ in people)
    assert {r["role"] for r in invited} == {"chair", "member"}
    # a new seat before the meeting: invited; an ended seat: invitation withdrawn
    newcomer, person = stream.person(host, "New Member", "female")
    _, seat = stream.seat("advisory_board", newcomer, host)
    feed(person, seat, stream.end_seat(people[1][1]))
    got = events_client.get(f"{API}/{meeting['id']}", headers=token()).json
    assert got["invitations_count"] == 3 and got["quorum"]["seated"] == 3
    active = {r["person_id"] for r in registrations(events_client, token, meeting["id"], status="confirmed")}
    assert active == {people[0][0], people[2][0], newcomer}
    # a board seat does not concern the advisory board
    other, person = stream.person(host, "Board Only", "male")
    _, seat = stream.seat("board", other, host)
    feed(person, seat)
    assert events_client.get(f"{API}/{meeting['id']}", headers=token()).json["invitations_count"] == 3


def test_numbering_in_order_of_start_among_meetings_not_cancelled(events_client, token, board):
    host, _ = board(1)
    later = schedule(events_client, token, host, days=30)
    earlier = schedule(events_client, token, host, days=10)
    middle = schedule(events_client, token, host, days=20)
    seq = lambda m: events_client.get(f"{API}/{m['id']}", headers=token()).json["sequence"]  # noqa: E731
    assert (seq(earlier), seq(middle), seq(later)) == (1, 2, 3)
    got = events_client.get(f"{API}/{earlier['id']}", headers=token()).json
    assert got["numbered_title"] == "1st Advisory Board Meeting" and got["sequence_final"] is False
    events_client.post(f"{API}/{middle['id']}/cancel", json={"reason": "no agenda"}, headers=token())
    assert (seq(earlier), seq(middle), seq(later)) == (1, None, 2)
    start = future(days=5)
    events_client.post(f"{API}/{later['id']}/reschedule",
                       json={"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2))}, headers=token())
    assert (seq(later), seq(earlier)) == (1, 2)
    # another body counts on its own
    board_meeting = schedule(events_client, token, host, kind="board_meeting", days=40)
    assert seq(board_meeting) == 1 and board_meeting["body"] == "board"
    working_group = schedule(events_client, token, host, kind="working_group_meeting", body="wg_symbiosis")
    assert seq(working_group) == 1
    response = events_client.post(API, json=meeting_body(host, kind="working_group_meeting"), headers=token())
    assert response.status_code == 422 and "body" in response.json["errors"]


def test_numbers_are_final_once_held(events_client, token, board):
    host, _ = board(1)
    first = schedule(events_client, token, host, days=-20)
    second = schedule(events_client, token, host, days=-10)
    events_client.post(f"{API}/{second['id']}/close", headers=token())
    assert events_client.get(f"{API}/{second['id']}", headers=token()).json["sequence"] == 2
    # the first meeting is cancelled: the held one keeps its number, the next ones go on from it
    events_client.post(f"{API}/{first['id']}/cancel", json={"reason": "never took place"}, headers=token())
    assert events_client.get(f"{API}/{second['id']}", headers=token()).json["sequence"] == 2
    third = schedule(events_client, token, host, days=10)
    assert third["sequence"] == 3
    # nothing may be placed before a meeting whose number is final
    response = events_client.post(API, json=meeting_body(host, kind="advisory_board_meeting",
                                                         starts=future(days=-15)), headers=token())
    assert response.status_code == 409 and "final" in response.json["message"]


def test_quorum_decisions_and_close(events_client, token, board, db):
    host, people = board(4)
    meeting = schedule(events_client, token, host, days=-1)  # being held now
    mid = meeting["id"]
    invitations = {r["person_id"]: r["id"] for r in registrations(events_client, token, mid)}
    attend = lambda pid: events_client.post(f"{API}/{mid}/attendance",  # noqa: E731
                                            json={"registration_id": invitations[pid]}, headers=token())
    assert attend(people[0][0]).status_code == 201
    assert attend(people[1][0]).status_code == 201
    got = events_client.get(f"{API}/{mid}", headers=token()).json
    assert got["quorum"] == {"seated": 4, "present": 2, "required": 3, "met": False}
    response = events_client.post(f"{API}/{mid}/decisions", json={"text": "Adopt the work plan"}, headers=token())
    assert response.status_code == 409 and "quorum" in response.json["message"]
    assert attend(people[2][0]).status_code == 201
    response = events_client.post(f"{API}/{mid}/decisions", json={
        "text": "Adopt the 2026 work plan", "votes": {"for": 2, "against": 0, "abstain": 1}}, headers=token())
    assert response.status_code == 201, response.json
    year = meeting["starts_at"][:4]
    assert response.json["number"] == f"{year}/1-1" and response.json["votes"] == {"for": 2, "against": 0,
                                                                                   "abstain": 1}
    response = events_client.post(f"{API}/{mid}/decisions", json={
        "text": "Too many votes", "votes": {"for": 5, "against": 0, "abstain": 0}}, headers=token())
    assert response.status_code == 422
    response = events_client.post(f"{API}/{mid}/close", headers=token())
    assert response.status_code == 200
    assert response.json["quorum"] == {"seated": 4, "present": 3, "required": 3, "met": True}
    assert response.json["sequence_final"] is True
    response = events_client.post(f"{API}/{mid}/decisions", json={"text": "Thank the host"}, headers=token())
    assert response.status_code == 201 and response.json["number"] == f"{year}/1-2"
    decisions = events_client.get(f"{API}/{mid}/decisions", headers=token("auditor")).json
    assert [d["number"] for d in decisions] == [f"{year}/1-1", f"{year}/1-2"]
    outbox = internal(db.meetings.find_one({"_id": mid})["outbox"])
    [held] = [e for e in outbox if e["type"].endswith("held.v1")]
    assert held["data"]["quorum"]["met"] is True and held["data"]["sequence"] == 1
    assert [e["aggregateversion"] for e in outbox] == list(range(1, len(outbox) + 1))


def test_decision_without_quorum_after_close_is_refused(events_client, token, board):
    host, _ = board(2)
    meeting = schedule(events_client, token, host, days=-1)
    assert events_client.post(f"{API}/{meeting['id']}/close", headers=token()).json["quorum"]["met"] is False
    response = events_client.post(f"{API}/{meeting['id']}/decisions", json={"text": "x"}, headers=token())
    assert response.status_code == 409


def test_erasure_removes_identifying_data_and_keeps_counts(events_client, token, board, stream, feed, db):
    host, people = board(2)
    meeting = schedule(events_client, token, host, days=-1)
    mid = meeting["id"]
    for registration in registrations(events_client, token, mid):
        events_client.post(f"{API}/{mid}/attendance", json={"registration_id": registration["id"]}, headers=token())
    erased_id = people[0][0]
    feed(stream.erase(erased_id, host))
    shown = {r["person_id"]: r for r in registrations(events_client, token, mid)}
    assert shown[erased_id]["full_name"] is None and shown[erased_id]["email"] is None
    assert shown[erased_id]["erased"] is True and shown[people[1][0]]["full_name"] == "Member 1"
    assert db.member_people.find_one({"_id": erased_id})["full_name"] is None
    closed = events_client.post(f"{API}/{mid}/close", headers=token()).json
    assert closed["attendance_count"] == 2 and closed["quorum"]["present"] == 2
    assert closed["attendance_summary"]["by_gender"] == {"female": 1, "male": 1}
    # the erased person can no longer be registered
    other = schedule(events_client, token, host, kind="workshop", days=5)
    response = events_client.post(f"{API}/{other['id']}/registrations", json={"person_id": erased_id},
                                  headers=token())
    assert response.status_code == 422 and "erased" in response.json["message"]
    # no name of anyone in any meeting event
    text = str(db.meetings.find_one({"_id": mid})["outbox"])
    assert "Member" not in text

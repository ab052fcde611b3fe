"""Governance bodies and seats through the HTTP API."""
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration

BODIES = "/api/v1/bodies"


def test_board_and_advisory_board_exist_from_the_start(api):
    listed = api.get(BODIES).json
    assert {b["code"] for b in listed["items"]} == {"board", "advisory_board"} and listed["total"] == 2
    board = api.get(f"{BODIES}/board").json
    assert board["kind"] == "board" and board["name_tr"] == "Yönetim Kurulu" and board["seats"] == []
    assert api.get(f"{BODIES}/nope").status_code == 404


def test_standard_bodies_are_created_on_first_access_if_missing(api):
    api.db.bodies.delete_many({})
    assert api.get(f"{BODIES}/advisory_board").status_code == 200
    assert api.get(BODIES).json["total"] == 2


def test_working_groups(api):
    created = api.post(BODIES, {"code": "wg_symbiosis", "name": "Industrial Symbiosis Working Group",
                                "name_tr": "Endüstriyel Simbiyoz Çalışma Grubu"})
    assert created.status_code == 201 and created.json["kind"] == "working_group"
    assert api.post(BODIES, {"code": "wg_symbiosis", "name": "Again"}).status_code == 409
    assert api.post(BODIES, {"code": "board", "name": "Another board"}).status_code == 409
    for bad in ({"code": "Bad Code", "name": "x y"}, {"code": "wg", "name": "x y", "kind": "board"}, {"name": "x y"}):
        assert api.post(BODIES, bad).status_code == 422
    assert api.get(BODIES).json["total"] == 3


def test_seat_rules(api):
    active = api.organisation(status="active")
    chair, vice, member = (api.person(active["id"]) for _ in range(3))
    seated = api.seat(chair["id"], role="chair", term_start="2026-01-01", term_end="2027-12-31")
    assert seated.status_code == 201, seated.json
    assert seated.json["status"] == "active" and seated.json["version"] == 1 and seated.headers["ETag"] == '"1"'
    assert seated.json["person_name"] == chair["full_name"] and seated.json["organisation_name"] == active["name"]
    second_chair = api.seat(vice["id"], role="chair")
    assert second_chair.status_code == 409 and "role" in second_chair.json["errors"]
    twice = api.seat(chair["id"], role="member")
    assert twice.status_code == 409 and "person_id" in twice.json["errors"]
    assert api.seat(vice["id"], role="vice_chair").status_code == 201
    assert api.seat(member["id"], role="member").status_code == 201
    assert api.seat(chair["id"], body="advisory_board", role="chair").status_code == 201  # other body: fine
    board = api.get(f"{BODIES}/board").json
    assert [s["role"] for s in board["seats"]] == ["chair", "vice_chair", "member"]


@pytest.mark.parametrize("body, status, field", [
    ({"term_start": "2026-05-01", "term_end": "2026-04-30"}, 422, "term_end"),
    ({"term_start": "2026-02-30"}, 422, "term_start"),
    ({"term_start": "yesterday"}, 422, "term_start"),
    ({"role": "president"}, 422, "role"),
    ({"person_id": "ghost"}, 422, "person_id"),
    ({"seat_number": 4}, 422, "seat_number"),
])
def test_bad_seats(api, body, status, field):
    person = api.person(api.organisation(status="active")["id"])
    response = api.post(f"{BODIES}/board/seats", {"person_id": person["id"], "role": "member",
                                                  "term_start": "2026-01-01", **body})
    assert response.status_code == status, response.json
    assert field in response.json["errors"]
    assert api.db.seats.count_documents({}) == 0


@pytest.mark.parametrize("status", ["applicant", "suspended", "withdrawn"])
def test_only_people_of_active_organisations_hold_seats(api, status):
    org = api.organisation()
    person = api.person(org["id"])
    if status != "applicant":
        api.membership(org["id"], "approve")
        api.membership(org["id"], "suspend" if status == "suspended" else "withdraw")
    response = api.seat(person["id"])
    assert response.status_code == 409 and "person_id" in response.json["errors"]


def test_unknown_body_is_404(api):
    person = api.person(api.organisation(status="active")["id"])
    assert api.seat(person["id"], body="nope").status_code == 404


def test_ending_a_seat_and_the_history(api):
    org = api.organisation(status="active")
    first, second = api.person(org["id"]), api.person(org["id"])
    seat = api.seat(first["id"], role="chair", term_start="2025-01-01").json
    path = f"{BODIES}/board/seats/{seat['id']}"
    assert api.get(path).headers["ETag"] == '"1"'
    assert api.post(f"{path}/end", {"reason": "resigned"}, headers={"If-Match": '"5"'}).status_code == 412
    assert api.post(f"{path}/end", {"ended_on": "2024-12-31"}).status_code == 422
    ended = api.post(f"{path}/end", {"reason": "resigned", "ended_on": "2026-03-31"}, headers={"If-Match": '"1"'})
    assert ended.status_code == 200, ended.json
    assert (ended.json["status"], ended.json["ended_on"], ended.json["end_reason"], ended.json["version"]) == (
        "ended", "2026-03-31", "resigned", 2)
    assert api.post(f"{path}/end", {}).status_code == 409
    assert api.post(f"{BODIES}/advisory_board/seats/{seat['id']}/end", {}).status_code == 404
    assert api.seat(second["id"], role="chair", term_start="2026-04-01").status_code == 201
    history = api.get(f"{BODIES}/board/history").json
    assert [(s["person_id"], s["status"]) for s in history["items"]] == [(first["id"], "ended"),
                                                                         (second["id"], "active")]
    assert api.get(f"{BODIES}/board/history", query_string={"status": "ended"}).json["total"] == 1
    events = api.events("seats", seat["id"])
    assert [e["type"].split(".")[-2] for e in events] == ["assigned", "ended"]
    assert [e["aggregateversion"] for e in events] == [1, 2]
    assert events[1]["data"]["ended_on"] == "2026-03-31" and events[1]["data"]["person_id"] == first["id"]
    assert events[0]["data"]["organisation_id"] == org["id"] and events[0]["data"]["term_start"] == "2025-01-01"


def test_suspension_and_withdrawal_end_the_seats_each_with_its_event(api):
    org, other = api.organisation(status="active"), api.organisation(status="active")
    people = [api.person(org["id"]) for _ in range(2)]
    bystander = api.person(other["id"])
    seats = [api.seat(people[0]["id"], role="chair").json, api.seat(people[1]["id"]).json,
             api.seat(people[0]["id"], body="advisory_board").json, api.seat(bystander["id"]).json]
    response = api.membership(org["id"], "suspend", reason="dues unpaid", headers={"X-Correlation-Id": "susp-1"})
    assert response.status_code == 200
    changed = api.events("organisations", org["id"])[-1]
    for seat in seats[:3]:
        ended = api.events("seats", seat["id"])[-1]
        assert ended["type"] == "tr.tvp.members.seat.ended.v1" and ended["aggregateversion"] == 2
        assert ended["data"]["reason"] == "organisation suspended"
        assert ended["correlationid"] == "susp-1" and ended["causationid"] == changed["id"]
    assert len(api.events("seats", seats[3]["id"])) == 1
    assert [s["person_id"] for s in api.get(f"{BODIES}/board").json["seats"]] == [bystander["id"]]
    # Reinstated, the organisation's people may be seated again; withdrawing ends those seats too.
    api.membership(org["id"], "reinstate")
    again = api.seat(people[1]["id"], role="chair").json
    api.membership(org["id"], "withdraw")
    assert api.get(f"{BODIES}/board/seats/{again['id']}").json["end_reason"] == "organisation withdrawn"


def test_concurrent_chairs_one_wins(api):
    org = api.organisation(status="active")
    candidates = [api.person(org["id"]) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda p: api.seat(p["id"], role="chair").status_code, candidates))
    assert sorted(statuses) == [201] + [409] * 5
    assert api.db.seats.count_documents({"body": "board", "role": "chair", "status": "active"}) == 1

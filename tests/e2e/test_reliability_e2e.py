"""Reliability (v2) through gunicorn: commuting registrations never conflict, limits answer in JSON
(whoever answers, gunicorn or Flask), and Idempotency-Key holds under concurrent retries."""
from __future__ import annotations

import json
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from .test_events_fuzz import active_host

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def events_service(service_factory):
    return service_factory("events")


@pytest.fixture(scope="module")
def members_service(service_factory):
    return service_factory("members")


def _active_host(servers, database) -> str:
    return active_host(servers, database)["organisation_id"]


@pytest.mark.parametrize("keyed", [False, True], ids=["without keys", "with Idempotency-Keys"])
def test_50_different_people_registering_at_once_all_get_201_and_capacity_is_exact(events_service, servers, admin,
                                                                                   keyed):
    base, database = events_service
    host = _active_host(servers, database)
    starts = datetime.now(ZoneInfo("Europe/Istanbul")).replace(microsecond=0) + timedelta(days=7)
    meeting = requests.post(f"{base}/api/v1/meetings", headers=admin, timeout=10, json={
        "kind": "workshop", "title": "Enerji verimliliği atölyesi", "host_organisation_id": host, "capacity": 20,
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()})
    assert meeting.status_code == 201, meeting.text
    path = f"{base}/api/v1/meetings/{meeting.json()['id']}/registrations"

    def register(n: int) -> requests.Response:
        key = {"Idempotency-Key": f"register-{n}-{uuid.uuid4().hex}"} if keyed else {}
        return requests.post(path, headers={**admin, **key}, timeout=30, json={"participant": {
            "full_name": f"Katılımcı {n}", "gender": "female", "organisation_name": f"KOBİ {n}",
            "organisation_kind": "company", "size_class": "small", "province": "Tekirdağ",
            "email": f"p{n}@example.com"}})

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(register, range(50)))
    refused = {a.status_code: a.text for a in answers if a.status_code != 201}
    assert [a.status_code for a in answers] == [201] * 50, refused
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 30
    listed = requests.get(path, headers=admin, params={"page_size": 100}, timeout=10).json()
    assert listed["total"] == 50
    assert sorted(r["waitlist_position"] for r in listed["items"] if r["status"] == "waitlisted") == list(range(1, 31))


def test_concurrent_retries_with_one_idempotency_key_create_one_organisation(members_service, admin):
    base, database = members_service
    key = {"Idempotency-Key": "e2e-" + uuid.uuid4().hex}
    body = {"name": f"Lüleburgaz TSO {uuid.uuid4().hex[:6]}", "kind": "chamber", "province": "Kırklareli"}

    def post(_):
        return requests.post(f"{base}/api/v1/organisations", json=body, headers={**admin, **key}, timeout=30)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert {a.status_code for a in answers} <= {201, 409}
    created = [a for a in answers if a.status_code == 201]
    assert created and len({a.json()["id"] for a in created}) == 1
    later = post(None)
    assert later.status_code == 201 and later.headers["Idempotent-Replayed"] == "true"
    assert later.json() == created[0].json()
    found = requests.get(f"{base}/api/v1/organisations", params={"q": body["name"]}, headers=admin, timeout=10)
    assert found.json()["total"] == 1


def _raw(base: str, request: bytes) -> tuple[int, bytes, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head, body


# A URL over 8 KiB always makes a request line over gunicorn's 8190 bytes, so under gunicorn it is gunicorn
# that answers 414 (Flask's own 414, for other servers, is in tests/unit/shared/test_limits.py).
@pytest.mark.parametrize("what", ["body over 1 MiB", "JSON 1000 deep",
                                  "request line over gunicorn's limit", "one header over gunicorn's limit",
                                  "headers over 16 KiB (Flask)"])
def test_limits_answer_in_the_contract_json_through_gunicorn(members_service, admin, what):
    base, _ = members_service
    url = f"{base}/api/v1/organisations"
    expected = {"body over 1 MiB": 413, "JSON 1000 deep": 422,
                "request line over gunicorn's limit": 414, "one header over gunicorn's limit": 431,
                "headers over 16 KiB (Flask)": 431}[what]
    if what == "body over 1 MiB":
        response = requests.post(url, data=b'{"name": "' + b"x" * (1024 * 1024) + b'"}', timeout=30,
                                 headers={**admin, "Content-Type": "application/json"})
    elif what == "JSON 1000 deep":
        response = requests.post(url, data=b"[" * 1000 + b"]" * 1000, timeout=30,
                                 headers={**admin, "Content-Type": "application/json"})
    elif what == "headers over 16 KiB (Flask)":
        response = requests.get(url, headers={**admin, **{f"X-Pad-{i}": "v" * 4000 for i in range(5)}}, timeout=30)
    if what in ("request line over gunicorn's limit", "one header over gunicorn's limit"):
        host = base.removeprefix("http://")
        if what.startswith("request line"):
            request = f"GET /api/v1/organisations?q={'a' * 9000} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        else:
            request = f"GET /api/v1/organisations HTTP/1.1\r\nHost: {host}\r\nX-Big: {'v' * 9000}\r\n\r\n".encode()
        status, head, body = _raw(base, request)
        assert b"application/json" in head.lower()
        document = json.loads(body)
    else:
        status, document = response.status_code, response.json()
        assert response.headers["Content-Type"].startswith("application/json")
    assert status == expected and document["code"] == expected and document["status"] and document["message"]

"""Concurrent writers on one meeting: the optimistic lock keeps capacity, waiting list and versions right."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ...support.outbox import internal
from .conftest import meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"


def test_parallel_registrations_respect_capacity(events_client, token, active_chamber, db):
    host = active_chamber()
    meeting = events_client.post(API, json=meeting_body(host, capacity=4), headers=token()).json
    app = events_client.application
    headers = token()

    def register(n):
        client = app.test_client()
        return client.post(f"{API}/{meeting['id']}/registrations", headers=headers, json={"participant": {
            "full_name": f"Participant {n}", "gender": "female", "organisation_name": f"Firm {n}",
            "organisation_kind": "company", "size_class": "micro", "province": "Edirne"}})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(register, range(12)))
    assert [r.status_code for r in responses] == [201] * 12, [r.json for r in responses if r.status_code != 201]
    stored = db.meetings.find_one({"_id": meeting["id"]})
    statuses = [r["status"] for r in stored["registrations"]]
    assert statuses.count("confirmed") == 4 and statuses.count("waitlisted") == 8
    assert sorted(r["waitlist_position"] for r in stored["registrations"] if r["status"] == "waitlisted") == list(
        range(1, 9))
    assert stored["version"] == 13
    assert [e["aggregateversion"] for e in internal(stored["outbox"])] == list(range(1, 14))

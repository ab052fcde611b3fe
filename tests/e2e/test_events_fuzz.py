"""The events API under gunicorn: a valid OpenAPI document, and a bounded schemathesis run
(every operation reached, at least 500 cases; deeper with TVP_FUZZ_DEPTH, see tests/support/fuzz_depth.py) that
finds no 5xx and no response breaking the documented schema."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from openapi_spec_validator import validate
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.kafka import make_producer

from ..support.api_fuzz import fuzz_api
from ..support.fuzz_depth import at_least, examples, time_bound
from ..support.kafka_read import wait_for

# The API fuzzers keep the CPU busy (and each has a time bound): under pytest-xdist they run one after another on
# one worker (tests/support/parallel.py), beside the tests that mostly wait.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzzers")]

# Cases per operation and mode; every operation is reached (assert_clean). TVP_FUZZ_DEPTH searches deeper.
FUZZ_EXAMPLES = examples(10)
FUZZ_CASES = at_least(500)


@pytest.fixture(scope="module")
def events_service(service_factory):
    return service_factory("events")


def publish_membership(servers) -> dict:
    """A chamber, a person and a seat, published on the members' topics as members would."""
    org_id, person_id, seat_id = (uuid.uuid4().hex for _ in range(3))
    organisation = {"id": org_id, "name": "Fuzz TSO", "short_name": None, "kind": "chamber", "province": "Edirne",
                    "region": "TR21", "district": None, "tax_number": None, "nace_code": None, "size_class": None,
                    "is_sme": False, "employees": None, "email": None, "website": None, "status": "applicant"}
    events = [
        REGISTRY.build("tr.tvp.members.organisation.registered.v1", org_id, 1, organisation, "fuzz"),
        REGISTRY.build("tr.tvp.members.organisation.membership_changed.v1", org_id, 2, {
            **organisation, "status": "active", "action": "approve", "previous_status": "applicant",
            "reason": None, "actor": "fuzz", "at": "2026-01-01T00:00:00+00:00"}, "fuzz"),
        REGISTRY.build("tr.tvp.members.person.registered.v1", person_id, 1, {
            "id": person_id, "organisation_id": org_id, "full_name": "Fuzz Kişi", "email": "fuzz@example.com",
            "title": None, "phone": None, "gender": "female"}, "fuzz"),
        REGISTRY.build("tr.tvp.members.seat.assigned.v1", seat_id, 1, {
            "id": seat_id, "body": "board", "person_id": person_id, "organisation_id": org_id, "role": "member",
            "term_start": "2020-01-01", "term_end": None}, "fuzz"),
    ]
    producer = make_producer(servers.kafka_bootstrap)
    try:
        for event in events:
            producer.send(REGISTRY.spec(event.type).topic, key=event.aggregate_id.encode(),
                          value=event.to_json_bytes()).get(timeout=15)
    finally:
        producer.close()
    return {"organisation_id": org_id, "person_id": person_id, "seat_id": seat_id}


def active_host(servers, database) -> dict:
    """`publish_membership`, then wait until the events service (database `database`) sees the chamber active."""
    ids = publish_membership(servers)
    client = MongoClient(servers.mongo_uri)
    try:
        wait_for(lambda: client[database].member_organisations.find_one(
            {"_id": ids["organisation_id"], "status": "active"}), timeout_s=60)
    finally:
        client.close()
    return ids


def test_openapi_document_validates(events_service):
    base, _ = events_service
    spec = requests.get(f"{base}/api/v1/openapi.json", timeout=10)
    assert spec.status_code == 200
    validate(spec.json())
    assert requests.get(f"{base}/api/v1/docs", timeout=10).status_code == 200


def test_fuzz_finds_no_5xx_and_no_schema_breaking_response(events_service, servers, admin):
    base, database = events_service
    ids = publish_membership(servers)
    client = MongoClient(servers.mongo_uri)
    try:
        db = client[database]
        # The topics also hold what earlier tests published: wait for ours.
        wait_for(lambda: db.member_seats.find_one({"_id": ids["seat_id"]}) and db.member_organisations.find_one(
            {"_id": ids["organisation_id"], "status": "active"}), timeout_s=60)
    finally:
        client.close()
    # Real resources, so that generated requests also reach existing ids (not only 404s).
    starts = datetime.now(ZoneInfo("Europe/Istanbul")).replace(microsecond=0) - timedelta(hours=1)
    meeting = requests.post(f"{base}/api/v1/meetings", headers=admin, timeout=10, json={
        "kind": "board_meeting", "title": "Fuzzed Board Meeting", "host_organisation_id": ids["organisation_id"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()})
    assert meeting.status_code == 201, meeting.text
    registrations = requests.get(f"{base}/api/v1/meetings/{meeting.json()['id']}/registrations", headers=admin,
                                 params={"page_size": 100}, timeout=10).json()["items"]
    [invitation] = [r for r in registrations if r["person_id"] == ids["person_id"]]
    known = {"meeting_id": meeting.json()["id"], "registration_id": invitation["id"],
             "organisation_id": ids["organisation_id"]}
    report = fuzz_api(base, headers=admin, max_examples=FUZZ_EXAMPLES, known_path_parameters=known)
    print(report.summary())
    report.assert_clean(min_cases=FUZZ_CASES)
    assert report.seconds < time_bound(200)

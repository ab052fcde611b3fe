"""The members service as it runs: gunicorn web + worker, events read back from Kafka.

One members stack (web under gunicorn and the worker with its outbox relay) on a
fresh database serves this module: the end-to-end scenario, the OpenAPI checks
and the schemathesis run.
"""
from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from datetime import datetime

import pytest
import requests
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.envelope import CONTENT_TYPE

from ..support.api_fuzz import fuzz_api
from ..support.fuzz_depth import at_least, examples, time_bound
from ..support.kafka_read import read_key, read_topic, wait_for

# The API fuzzers keep the CPU busy (and each has a time bound): under pytest-xdist they run one after another on
# one worker (tests/support/parallel.py), beside the tests that mostly wait.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzzers")]

TOPICS = {"organisation": "tvp.members.organisations", "person": "tvp.members.people", "seat": "tvp.members.seats"}
# Cases per operation and mode; every operation is reached (assert_clean). TVP_FUZZ_DEPTH searches deeper.
FUZZ_EXAMPLES = examples(10)
FUZZ_CASES = at_least(500)


@pytest.fixture(scope="module")
def members(service_factory):
    return service_factory("members")


class Client:
    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers

    def call(self, method: str, path: str, expect: int, json_body=None, headers=None) -> requests.Response:
        response = requests.request(method, self.base + path, json=json_body, timeout=15,
                                    headers={**self.headers, **(headers or {})})
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response


def _check_cloud_event(record, event: dict) -> None:
    assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
    aggregate, aggregate_id = event["subject"].split("/", 1)
    assert record.key == aggregate_id.encode(), "record key = aggregate id"
    assert record.topic == TOPICS[aggregate]
    assert event["specversion"] == "1.0" and event["source"] == "/tvp/members"
    assert re.fullmatch(r"tr\.tvp\.members\.(organisation|person|seat)\.[a-z_]+\.v1", event["type"])
    assert event["type"].split(".")[3] == aggregate
    assert event["datacontenttype"] == "application/json" and event["dataschema"].endswith(event["type"])
    assert isinstance(event["aggregateversion"], int) and event["correlationid"] and event["causationid"]
    assert datetime.fromisoformat(event["time"]).utcoffset() is not None
    REGISTRY.validate(event)  # envelope and payload against the registered schema


def test_members_end_to_end_events_are_cloudevents_in_order(members, admin, servers, token):
    base, database = members
    api = Client(base, admin)
    corr = f"e2e-{uuid.uuid4().hex[:6]}"

    # Two chambers apply, are approved, register people who take seats.
    kesan = api.call("POST", "/api/v1/organisations", 201, {"name": "Keşan TSO", "kind": "chamber",
                                                            "province": "edirne"},
                     headers={"X-Correlation-Id": corr}).json()
    etag = api.call("GET", f"/api/v1/organisations/{kesan['id']}", 200).headers["ETag"]
    api.call("PATCH", f"/api/v1/organisations/{kesan['id']}", 200, {"employees": 14}, headers={"If-Match": etag})
    api.call("PATCH", f"/api/v1/organisations/{kesan['id']}", 412, {"employees": 15}, headers={"If-Match": etag})
    api.call("POST", f"/api/v1/organisations/{kesan['id']}/membership", 200, {"action": "approve"})
    tso = api.call("POST", "/api/v1/organisations", 201, {"name": "Kırklareli TSO", "kind": "chamber",
                                                          "province": "KIRKLARELİ"}).json()
    api.call("POST", f"/api/v1/organisations/{tso['id']}/membership", 200, {"action": "approve"})
    chamber = Client(base, token("chamber_admin", tso["id"]))
    chair = api.call("POST", "/api/v1/people", 201, {"organisation_id": kesan["id"], "full_name": "Ayşe Yılmaz",
                                                     "email": "ayse@kesantso.example", "gender": "female"}).json()
    member = chamber.call("POST", "/api/v1/people", 201, {"organisation_id": tso["id"], "full_name": "Mehmet Kaya",
                                                          "email": "mehmet@ktso.example", "gender": "male",
                                                          "consents": [{"purpose": "newsletter"}]}).json()
    chair_seat = api.call("POST", "/api/v1/bodies/advisory_board/seats", 201,
                          {"person_id": chair["id"], "role": "chair", "term_start": "2026-01-01"}).json()
    member_seat = api.call("POST", "/api/v1/bodies/advisory_board/seats", 201,
                           {"person_id": member["id"], "role": "member", "term_start": "2026-01-01"}).json()
    api.call("POST", "/api/v1/bodies/advisory_board/seats", 409,
             {"person_id": member["id"], "role": "chair", "term_start": "2026-01-01"})
    # Keşan is suspended (its chair loses the seat); the member is erased (and loses theirs).
    api.call("POST", f"/api/v1/organisations/{kesan['id']}/membership", 200,
             {"action": "suspend", "reason": "dues unpaid"}, headers={"X-Correlation-Id": f"{corr}-suspend"})
    chamber.call("DELETE", f"/api/v1/people/{member['id']}", 204)
    assert api.call("GET", "/api/v1/bodies/advisory_board", 200).json()["seats"] == []

    expected = {
        kesan["id"]: ["organisation.registered", "organisation.updated", "organisation.membership_changed",
                      "organisation.membership_changed"],
        tso["id"]: ["organisation.registered", "organisation.membership_changed"],
        chair["id"]: ["person.registered"],
        member["id"]: ["person.registered", "person.erased"],
        chair_seat["id"]: ["seat.assigned", "seat.ended"],
        member_seat["id"]: ["seat.assigned", "seat.ended"],
    }
    ours = set(expected)
    by_aggregate: dict[str, list] = defaultdict(list)
    for topic in TOPICS.values():
        wanted = {aid for aid, types in expected.items() if types[0].split(".")[0] in topic}

        def complete(records, wanted=wanted):
            seen = defaultdict(int)
            for r in records:
                seen[r.key.decode()] += 1
            return all(seen[aid] >= len(expected[aid]) for aid in wanted)
        for record in read_topic(servers.kafka_bootstrap, topic, until=complete, timeout_s=60):
            if record.key and record.key.decode() in ours:
                by_aggregate[record.key.decode()].append(record)

    # The erasure ends the person's key with a tombstone (null value) after person.erased, on the same partition.
    person_records = read_key(servers.kafka_bootstrap, TOPICS["person"], member["id"], count=3)
    assert [r.value is None for r in person_records] == [False, False, True]
    by_aggregate[member["id"]] = person_records

    all_ids = []
    for aggregate_id, types in expected.items():
        assert len({r.partition for r in by_aggregate[aggregate_id]}) == 1, "one aggregate, one partition"
        records = [r for r in by_aggregate[aggregate_id] if r.value is not None]
        events = [json.loads(r.value) for r in records]
        for record, event in zip(records, events, strict=True):
            _check_cloud_event(record, event)
        assert [".".join(e["type"].split(".")[3:5]) for e in events] == types
        assert [e["aggregateversion"] for e in events] == list(range(1, len(types) + 1))
        all_ids += [e["id"] for e in events]
    assert len(all_ids) == len(set(all_ids)), "event ids are unique"

    organisation_events = [json.loads(r.value) for r in by_aggregate[kesan["id"]]]
    assert organisation_events[0]["correlationid"] == corr
    registered = organisation_events[0]["data"]
    assert (registered["province"], registered["region"], registered["status"]) == ("Edirne", "TR21", "applicant")
    suspended = organisation_events[3]
    assert suspended["data"]["status"] == "suspended" and suspended["data"]["reason"] == "dues unpaid"
    assert suspended["data"]["name"] == "Keşan TSO" and suspended["data"]["is_sme"] is False
    seat_ended = json.loads(by_aggregate[chair_seat["id"]][1].value)
    assert seat_ended["correlationid"] == f"{corr}-suspend" and seat_ended["causationid"] == suspended["id"]
    assert seat_ended["data"]["reason"] == "organisation suspended"
    erased = json.loads(by_aggregate[member["id"]][1].value)
    assert erased["data"] == {"id": member["id"], "organisation_id": tso["id"], "at": erased["data"]["at"]}

    # The worker keeps an event log for replays; the erased person's data is gone from it too.
    client = MongoClient(servers.mongo_uri)
    try:
        log = client[database].event_log
        wait_for(lambda: log.count_documents({"key": member["id"]}) == 2, timeout_s=30)
        for entry in log.find({"key": member["id"]}):
            assert entry["event"]["data"].get("full_name") is None and entry["event"]["data"].get("email") is None
        assert client[database].people.find_one({"_id": member["id"]}).get("full_name") is None
    finally:
        client.close()


def test_openapi_document_is_valid(members):
    from openapi_spec_validator import validate

    base, _ = members
    document = requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    validate(document)
    paths = document["paths"]
    for path in ("/api/v1/organisations", "/api/v1/organisations/{organisation_id}",
                 "/api/v1/organisations/{organisation_id}/membership", "/api/v1/people",
                 "/api/v1/people/{person_id}", "/api/v1/bodies", "/api/v1/bodies/{code}",
                 "/api/v1/bodies/{code}/seats", "/api/v1/bodies/{code}/seats/{seat_id}/end"):
        assert path in paths
    assert requests.get(f"{base}/api/v1/docs", timeout=10).status_code == 200


def test_schemathesis_finds_no_server_error_and_no_schema_violation(members, admin):
    base, _ = members
    api = Client(base, admin)
    # Real resources, so that generated requests also reach existing ids (not only 404s).
    org = api.call("POST", "/api/v1/organisations", 201, {"name": "Fuzz A.Ş.", "kind": "company",
                                                          "province": "Tekirdağ", "size_class": "small"}).json()
    api.call("POST", f"/api/v1/organisations/{org['id']}/membership", 200, {"action": "approve"})
    person = api.call("POST", "/api/v1/people", 201, {"organisation_id": org["id"], "full_name": "Fuzz Kişi",
                                                      "email": "fuzz@example.com"}).json()
    seat = api.call("POST", "/api/v1/bodies/board/seats", 201,
                    {"person_id": person["id"], "role": "member", "term_start": "2026-01-01"}).json()
    known = {"organisation_id": org["id"], "person_id": person["id"], "code": "board", "seat_id": seat["id"]}
    report = fuzz_api(base, headers=admin, max_examples=FUZZ_EXAMPLES, known_path_parameters=known)
    print(report.summary())
    report.assert_clean(min_cases=FUZZ_CASES)
    assert report.seconds < time_bound(150)

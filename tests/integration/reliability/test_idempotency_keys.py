"""Idempotency-Key against the real embedded database, on the three services (contract, "Reliability (v2)")."""
from __future__ import annotations

import uuid

import pytest

from shared.adapters.idempotency import COLLECTION


def _org(name="Keşan TSO"):
    return {"name": name, "kind": "chamber", "province": "Edirne"}


def _key():
    return "retry-" + uuid.uuid4().hex


def test_the_same_key_and_body_answer_the_first_response_again_and_create_nothing(members_client, token):
    headers = {**token(), "Idempotency-Key": _key()}
    first = members_client.post("/api/v1/organisations", json=_org(), headers=headers)
    again = members_client.post("/api/v1/organisations", json=_org(), headers=headers)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers.get("Location") == first.headers.get("Location")
    db = members_client.application.extensions["tvp"].db
    assert db.organisations.count_documents({}) == 1


def test_the_same_key_with_another_body_path_or_method_is_422_naming_the_header(members_client, token):
    headers = {**token(), "Idempotency-Key": _key()}
    assert members_client.post("/api/v1/organisations", json=_org(), headers=headers).status_code == 201
    other_body = members_client.post("/api/v1/organisations", json=_org("Tekirdağ TSO"), headers=headers)
    other_path = members_client.post("/api/v1/people", json=_org(), headers=headers)
    for response in (other_body, other_path):
        assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]
    db = members_client.application.extensions["tvp"].db
    assert db.organisations.count_documents({}) == 1


def test_a_key_is_scoped_to_the_tokens_subject(members_client, token):
    key = _key()
    a, b = (members_client.post("/api/v1/organisations", json=_org(),
                                headers={**token(subject=subject), "Idempotency-Key": key}) for subject in "ab")
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]
    assert "Idempotent-Replayed" not in b.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ", "tab\there"])
def test_a_key_that_is_not_1_to_255_printable_ascii_is_422(members_client, token, key):
    response = members_client.post("/api/v1/organisations", json=_org(), headers={**token(), "Idempotency-Key": key})
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]
    assert members_client.application.extensions["tvp"].db.organisations.count_documents({}) == 0


def test_a_key_whose_first_request_still_runs_is_409(members_client, token):
    from shared.adapters.idempotency import IdempotencyRecords

    key = _key()
    records = IdempotencyRecords(members_client.application.extensions["tvp"].db)
    # what a request of the same subject that is still running leaves behind
    from shared.web.idempotency import fingerprint

    records.claim("running-subject", key, fingerprint("POST", "/api/v1/organisations", b'{"x":1}'))
    response = members_client.post("/api/v1/organisations", data=b'{"x":1}', content_type="application/json",
                                   headers={**token(subject="running-subject"), "Idempotency-Key": key})
    assert response.status_code == 409 and response.json["code"] == 409


def test_an_error_answer_is_not_kept_and_the_key_can_be_used_again(members_client, token):
    headers = {**token(), "Idempotency-Key": _key()}
    invalid = members_client.post("/api/v1/organisations", json={"name": "x"}, headers=headers)
    assert invalid.status_code == 422
    fixed = members_client.post("/api/v1/organisations", json={"name": "x"}, headers=headers)
    assert fixed.status_code == 422 and "Idempotent-Replayed" not in fixed.headers
    db = members_client.application.extensions["tvp"].db
    assert db[COLLECTION].count_documents({}) == 0


def test_the_key_is_stored_in_the_transaction_of_the_write(members_client, token):
    """A write that fails after the view (the key cannot be completed) leaves neither the write nor the key."""
    from shared.adapters import idempotency as adapter

    headers = {**token(), "Idempotency-Key": _key()}
    original = adapter.IdempotencyRecords.complete

    def complete_then_fail(self, subject, key, token_, response, session):
        original(self, subject, key, token_, response, session)
        raise RuntimeError("crash before the commit")

    adapter.IdempotencyRecords.complete = complete_then_fail
    try:
        members_client.application.config["PROPAGATE_EXCEPTIONS"] = False
        crashed = members_client.post("/api/v1/organisations", json=_org(), headers=headers)
    finally:
        adapter.IdempotencyRecords.complete = original
    assert crashed.status_code == 500
    db = members_client.application.extensions["tvp"].db
    assert db.organisations.count_documents({}) == 0 and db[COLLECTION].count_documents({"state": "done"}) == 0
    retried = members_client.post("/api/v1/organisations", json=_org(), headers=headers)
    assert retried.status_code == 201 and db.organisations.count_documents({}) == 1


def test_patch_with_if_match_and_a_key_replays_with_the_etag(members_client, token):
    created = members_client.post("/api/v1/organisations", json=_org(), headers=token()).json
    headers = {**token(), "Idempotency-Key": _key(), "If-Match": f'"{created["version"]}"'}
    path = f"/api/v1/organisations/{created['id']}"
    first = members_client.patch(path, json={"short_name": "KTSO"}, headers=headers)
    again = members_client.patch(path, json={"short_name": "KTSO"}, headers=headers)
    assert first.status_code == 200, first.json
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert members_client.get(path, headers=token()).json["version"] == first.json["version"]


def test_every_write_operation_of_every_service_documents_the_header(members_client, events_client,
                                                                     reporting_client):
    for client in (members_client, events_client, reporting_client):
        document = client.get("/api/v1/openapi.json").json
        writes = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()
                  if method in ("post", "put", "patch", "delete")]
        assert writes
        for path, method, operation in writes:
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            assert headers["Idempotency-Key"]["schema"]["maxLength"] == 255, (path, method)


def test_events_and_reporting_honour_the_key_the_same_way(events_client, reporting_client, token):
    for client, path, body in (
        (reporting_client, "/api/v1/expenditures",
         {"date": "2026-03-01", "budget_line": "travel", "amount": "100.00", "currency": "EUR",
          "description": "bus"}),
        (reporting_client, "/api/v1/reports", {"period": "2026-Q1", "kind": "interim"}),
    ):
        headers = {**token(), "Idempotency-Key": _key()}
        first = client.post(path, json=body, headers=headers)
        again = client.post(path, json=body, headers=headers)
        assert first.status_code == 201, first.json
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert again.json == first.json


def test_keys_are_kept_24_hours_by_a_ttl_index_and_an_expired_key_is_new_again(members_client):
    from datetime import timedelta

    from shared.adapters.idempotency import Claimed, IdempotencyRecords, Stored
    from shared.clock import utc_now

    db = members_client.application.extensions["tvp"].db
    ttl = [i for i in db[COLLECTION].list_indexes() if i["key"].to_dict() == {"expires_at": 1}]
    assert ttl and ttl[0]["expireAfterSeconds"] == 0
    records = IdempotencyRecords(db)
    first = records.claim("s", "k", "f")
    assert isinstance(first, Claimed)
    with db.client.start_session() as session, session.start_transaction():
        records.complete("s", "k", first.token, {"status": 201, "body": b"{}", "headers": {}}, session)
    assert isinstance(records.claim("s", "k", "f"), Stored)
    stored = db[COLLECTION].find_one({"_id": {"sub": "s", "key": "k"}})
    from shared.clock import as_utc

    assert as_utc(stored["expires_at"]) - utc_now() > timedelta(hours=23, minutes=59)
    assert isinstance(records.claim("s", "k", "other", now=utc_now() + timedelta(hours=24, seconds=1)), Claimed)


def test_a_claim_whose_lease_ran_out_is_taken_over_and_the_old_holder_cannot_commit(members_client):
    from datetime import timedelta

    from shared.adapters.idempotency import Claimed, IdempotencyRecords, LostClaim, Running
    from shared.clock import utc_now

    db = members_client.application.extensions["tvp"].db
    records = IdempotencyRecords(db)
    dead = records.claim("s", "k2", "f")
    assert isinstance(records.claim("s", "k2", "f"), Running)
    taken = records.claim("s", "k2", "f", now=utc_now() + timedelta(seconds=11))
    assert isinstance(taken, Claimed) and taken.token != dead.token
    with pytest.raises(LostClaim):
        with db.client.start_session() as session, session.start_transaction():
            records.complete("s", "k2", dead.token, {"status": 201, "body": b"", "headers": {}}, session)


def test_a_key_is_found_through_its_index_not_by_scanning_a_days_records(members_client, servers):
    """SecantusDB scans the whole collection for `{_id: {sub, key}}`; the records are looked up by `_id.key`,
    which its index answers (the soak's write rate fell as a day's records piled up)."""
    import statistics
    import time

    from pymongo import MongoClient

    from shared.adapters.idempotency import KEY_INDEX, IdempotencyRecords, by_key

    # The service's own client gives up after 3.5 s (its outage budget); the forced scan below may take longer
    # on a busy machine.
    client = MongoClient(servers.mongo_uri)
    db = client[members_client.application.extensions["tvp"].db.name]
    assert {"_id.key": 1} in [i["key"].to_dict() for i in db[COLLECTION].list_indexes() if i["name"] == KEY_INDEX]
    db[COLLECTION].insert_many([{"_id": {"sub": "s", "key": f"k{n}"}, "token": "t", "state": "done"}
                                for n in range(3_000)])
    records = IdempotencyRecords(db)

    def median_ms(lookup, times=5) -> float:
        taken = []
        for _ in range(times):
            started = time.perf_counter()
            lookup()
            taken.append(time.perf_counter() - started)
        return statistics.median(taken) * 1000

    guarded = by_key("s", "k1500", token="t", state="done")
    indexed = median_ms(lambda: records.collection.find_one(guarded))
    scanned = median_ms(lambda: records.collection.find_one(guarded, hint=[("$natural", 1)]))
    assert records.collection.find_one(guarded)["_id"] == {"sub": "s", "key": "k1500"}
    client.close()
    assert indexed * 5 < scanned, (indexed, scanned)


def test_concurrent_claims_of_one_key_in_their_transactions_give_one_claim_and_the_rest_running(members_client):
    """Each claim commits in a transaction of its own: one that meets another's uncommitted insert (a write
    conflict) or its committed record (a duplicate key) looks again and answers Running, never an error."""
    from concurrent.futures import ThreadPoolExecutor

    from shared.adapters.idempotency import Claimed, IdempotencyRecords, Running

    records = IdempotencyRecords(members_client.application.extensions["tvp"].db)
    key = _key()
    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(lambda _: records.claim("racer", key, "f"), range(8)))
    assert sum(isinstance(claim, Claimed) for claim in claims) == 1
    assert all(isinstance(claim, (Claimed, Running)) for claim in claims)

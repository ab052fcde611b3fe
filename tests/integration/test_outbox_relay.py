"""The outbox and its relay against real SecantusDB and Apache Kafka (and Tansu: both_brokers)."""
import signal
import uuid
from collections import defaultdict

import pytest
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.outbox import EVENT_LOG, Causation, Outbox, outbox_backlog
from shared.messaging.registry import InvalidEvent

from ..support.kafka_read import read_topic, wait_for
from ..support.workers import start_worker, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.both_brokers]

REGISTERED = "tr.tvp.members.organisation.registered.v1"
UPDATED = "tr.tvp.members.organisation.updated.v1"
TOPIC = "tvp.members.organisations"


def _payload(org_id, name="Çerkezköy TSO", status="applicant"):
    return {"id": org_id, "name": name, "kind": "chamber", "province": "Tekirdağ", "region": "TR21",
            "is_sme": False, "status": status}


@pytest.fixture
def members_db(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    yield client, client[f"t{run_id}_members"]
    client.close()


def test_invalid_event_stores_neither_state_nor_event(members_db):
    _, db = members_db
    outbox = Outbox(db, REGISTRY)
    with pytest.raises(InvalidEvent):
        outbox.insert("organisations", {"_id": "o1", "name": "x"},
                      [(REGISTERED, {"id": "o1", "kind": "not-a-kind"})], Causation("c"))
    assert db.organisations.count_documents({}) == 0


def test_failure_inside_a_multi_aggregate_change_leaves_neither(members_db):
    client, db = members_db
    outbox = Outbox(db, REGISTRY)
    db.create_collection("organisations")

    def change(session):
        outbox.insert("organisations", {"_id": "a"}, [(REGISTERED, _payload("a"))], Causation("c"), session=session)
        outbox.insert("organisations", {"_id": "b"}, [(REGISTERED, _payload("b"))], Causation("c"), session=session)
        raise RuntimeError("crash between the writes")

    with pytest.raises(RuntimeError):
        with client.start_session() as session:
            session.with_transaction(change)
    assert db.organisations.count_documents({}) == 0
    assert outbox_backlog(db, ["organisations"]) == 0


def _seed(db, count, updates_each=0):
    outbox, ids = Outbox(db, REGISTRY), []
    for n in range(count):
        org_id = uuid.uuid4().hex
        outbox.insert("organisations", {"_id": org_id}, [(REGISTERED, _payload(org_id))], Causation(f"seed-{n}"))
        for version in range(1, updates_each + 1):
            outbox.update("organisations", org_id, version, [(UPDATED, {**_payload(org_id, f"name {version}"),
                                                                        "changed": ["name"]})], Causation("u"))
        ids.append(org_id)
    return ids


def _expected_event_ids(db):
    return {e["id"] for d in db.organisations.find({}, {"outbox": 1}) for e in d.get("outbox", [])}


def _published(servers, wanted_ids):
    records = read_topic(servers.kafka_bootstrap, TOPIC,
                         until=lambda rs: wanted_ids <= {__import__("json").loads(r.value)["id"] for r in rs})
    return [__import__("json").loads(r.value) for r in records]


def test_relay_killed_mid_batch_loses_nothing(servers, members_db, key_dir, tmp_path, run_id):
    _, db = members_db
    _seed(db, 1200)  # a few batches of 200 on each side of the kill
    expected = _expected_event_ids(db)
    env = worker_env(servers, key_dir, tmp_path, {"members": db.name})
    env["TVP_RELAY_BATCH_SIZE"] = "200"
    worker = start_worker("members", env, tmp_path)
    try:
        wait_for(lambda: db[EVENT_LOG].estimated_document_count() >= 400, timeout_s=60, interval_s=0.01)
        worker.signal(signal.SIGKILL)
        worker.proc.wait(10)
        left = outbox_backlog(db, ["organisations"])
        assert 0 < left < len(expected), "the kill must land in the middle of the work"
    finally:
        worker.kill()
    worker = start_worker("members", env, tmp_path)
    try:
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=90)
    finally:
        worker.stop()
    published = {e["id"] for e in _published(servers, expected)}
    assert expected <= published
    assert {d["_id"] for d in db[EVENT_LOG].find({}, {"_id": 1})} == expected


def test_order_per_aggregate_holds_across_relay_restarts(servers, members_db, key_dir, tmp_path):
    _, db = members_db
    ids = set(_seed(db, 60, updates_each=9))
    expected = _expected_event_ids(db)
    env = worker_env(servers, key_dir, tmp_path, {"members": db.name})
    env["TVP_RELAY_BATCH_SIZE"] = "50"
    for sig in (signal.SIGKILL, signal.SIGTERM):
        worker = start_worker("members", env, tmp_path)
        try:
            wait_for(lambda: db[EVENT_LOG].estimated_document_count() >= len(expected) // 3, 60, 0.005)
        finally:
            worker.signal(sig)
            worker.proc.wait(15)
    worker = start_worker("members", env, tmp_path)
    try:
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=90)
    finally:
        worker.stop()
    seen, versions = set(), defaultdict(list)
    for event in _published(servers, expected):
        key = event["subject"].split("/", 1)[1]
        if key in ids and event["id"] not in seen:  # a consumer drops redeliveries by id
            seen.add(event["id"])
            versions[key].append(event["aggregateversion"])
    assert set(versions) == ids
    for key, got in versions.items():
        assert got == list(range(1, 11)), f"{key}: {got}"

"""`tvp replay` reads the event log through the upcasters: an event logged as meeting.scheduled.v1 goes out
again as v2 (same id, aggregate version and key), so consumers after a replay see only current versions."""
import json
from datetime import datetime, timezone

import pytest
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.contracts.events import MEETINGS, SCHEDULED, SCHEDULED_V1
from shared.messaging.kafka import make_producer
from shared.messaging.outbox import EVENT_LOG
from shared.messaging.relay import OutboxRelay

from ..support.kafka_read import read_topic

pytestmark = pytest.mark.integration

HOST = {"id": "org-1", "key": "org-1", "kind": "chamber", "size_class": None, "province": "Edirne",
        "is_sme": False, "member": True}


def test_replay_publishes_a_v1_event_of_the_log_as_its_current_version(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_events_replay"]
    v1 = REGISTRY.build(SCHEDULED_V1, "m-replay", 1, {
        "id": "m-replay", "kind": "workshop", "title": "Waste", "host_organisation_id": "org-1", "host": HOST,
        "province": "Tekirdağ", "starts_at": "2026-06-10T10:00:00+03:00", "ends_at": "2026-06-10T13:00:00+03:00",
        "venue": {"city": "Çorlu", "province": "Tekirdağ", "address": None}, "themes": [], "status": "scheduled"},
        correlation_id="c")
    db[EVENT_LOG].insert_one({"_id": v1.id, "topic": MEETINGS, "key": "m-replay", "event": v1.to_dict(),
                              "logged_at": datetime.now(timezone.utc)})
    relay = OutboxRelay(db, [], REGISTRY, lambda: make_producer(servers.kafka_bootstrap))
    try:
        assert relay.replay() == 1
    finally:
        relay.close()
        client.drop_database(db.name)
        client.close()
    records = read_topic(servers.kafka_bootstrap, MEETINGS,
                         until=lambda rs: any(json.loads(r.value)["id"] == v1.id for r in rs))
    [(key, sent)] = [(r.key, json.loads(r.value)) for r in records if json.loads(r.value)["id"] == v1.id]
    assert key == b"m-replay" and sent["aggregateversion"] == 1
    assert (sent["type"], sent["dataschema"]) == (SCHEDULED, f"urn:tvp:schema:{SCHEDULED}")
    assert sent["data"]["location"] == {"city": "Çorlu", "address": None, "province": "Tekirdağ",
                                        "province_source": "venue"}
    assert "venue" not in sent["data"] and "province" not in sent["data"]

"""Erased means gone from Kafka: on Apache Kafka, after an erasure and a compaction, no record of the person
topic carries the person's e-mail. The topic gets aggressive compaction settings (production's are in
shared/contracts/topics.py; the window they give is in docs/privacy.md, "Erasure and Kafka")."""
from __future__ import annotations

import time

import pytest
from kafka.admin import ConfigResource, ConfigResourceType

from services.members.adapters.documents import AGGREGATE_COLLECTIONS
from services.members.worker import SPEC
from shared.contracts.members import PEOPLE
from shared.messaging.kafka import make_admin, make_producer

from ..support.kafka_read import read_topic
from ..support.relay import relay_all
from .members.conftest import Api

pytestmark = pytest.mark.integration

AGGRESSIVE = {"cleanup.policy": "compact", "retention.ms": "-1", "segment.ms": "200",
              "min.cleanable.dirty.ratio": "0.001", "min.compaction.lag.ms": "0", "max.compaction.lag.ms": "1000",
              "delete.retention.ms": "200"}
WITHIN_S = 60


def publish(api: Api, bootstrap: str) -> None:
    relay_all(api.db, AGGREGATE_COLLECTIONS, bootstrap, after_publish=SPEC.after_publish)


def test_after_erasure_and_compaction_no_record_carries_the_email(private_broker, members_client, token):
    servers = private_broker
    if not servers.messaging.has_topic_configs:
        pytest.skip("Tansu does not compact; compaction is Apache Kafka's")
    admin = make_admin(servers.kafka_bootstrap)
    try:
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, PEOPLE, AGGRESSIVE)])
    finally:
        admin.close()

    api = Api(members_client, token)
    org = api.organisation()["id"]
    erased = api.person(org, full_name="Deniz Ak", email="deniz.ak@erased.example")
    api.person(org, full_name="Ece Bal", email="ece.bal@kept.example")  # not erased: compaction keeps it
    # Every person event carries the e-mail, and each is keyed by the person's id.
    assert api.patch(f"/api/v1/people/{erased['id']}", {"email": "deniz.ak2@erased.example"}).status_code == 200
    publish(api, servers.kafka_bootstrap)
    before = read_topic(servers.kafka_bootstrap, PEOPLE, lambda rs: len(rs) >= 3)
    carrying = [r for r in before if b"@erased.example" in (r.value or b"")]
    assert len(carrying) == 2 and {r.key for r in carrying} == {erased["id"].encode()}
    [partition] = {r.partition for r in carrying}

    assert api.delete(f"/api/v1/people/{erased['id']}").status_code == 204
    publish(api, servers.kafka_bootstrap)
    erased_at = time.monotonic()

    # Kafka never compacts the active segment and rolls a segment only when a record arrives after segment.ms:
    # other people's events do that in production; here, tombstones of unrelated keys on the same partition
    # (which every consumer skips) stand in for them.
    producer = make_producer(servers.kafka_bootstrap)
    remaining: list = []
    try:
        while time.monotonic() - erased_at < WITHIN_S:
            producer.send(PEOPLE, key=f"traffic-{time.monotonic_ns()}".encode(), value=None, partition=partition)
            producer.flush(timeout=10)
            records = read_topic(servers.kafka_bootstrap, PEOPLE, timeout_s=1.5)
            remaining = [r for r in records if b"erased.example" in (r.value or b"")]
            if not remaining and any(b"ece.bal@kept.example" in (r.value or b"") for r in records):
                break
            time.sleep(1.0)
    finally:
        producer.close(timeout=5)
    took = time.monotonic() - erased_at
    assert remaining == [], f"still on {PEOPLE} after {took:.0f}s: {[r.offset for r in remaining]}"
    assert took < WITHIN_S
    # Compaction keeps each key's latest record: the person not erased is still there, as registered.
    assert any(b"ece.bal@kept.example" in (r.value or b"") for r in records)
    print(f"erased person's e-mail gone from {PEOPLE} {took:.1f}s after the tombstone")

"""The consumer runtime against real Kafka and MongoDB: dedupe, dead letters, retries, shutdown."""
import json
import threading
import time

import pytest
from kafka import KafkaProducer
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.consumer import PROCESSED, EventConsumer, KafkaDeadLetter, run_consumer_loop
from shared.messaging.kafka import ensure_topics, make_consumer, make_producer

from ..support.kafka_read import read_topic, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.both_brokers]

REGISTERED = "tr.tvp.members.organisation.registered.v1"


def _event(org_id="o1", version=1, **overrides):
    data = {"id": org_id, "name": "Tekirdağ TSO", "kind": "chamber", "province": "Tekirdağ", "region": "TR21",
            "is_sme": False, "status": "applicant"}
    data.update(overrides)
    return REGISTRY.build(REGISTERED, org_id, version, data, correlation_id="corr")


class Harness:
    """A consumer loop on a topic of this test's own, with a handler that counts its effects."""

    def __init__(self, servers, db, client, run_id, handler=None):
        self.topic, self.dlq = f"test.in.{run_id}", f"test.dlq.{run_id}"
        self.servers, self.db = servers, db
        ensure_topics(servers.kafka_bootstrap, [self.topic, self.dlq], partitions=1, broker=servers.messaging)
        self.producer = KafkaProducer(bootstrap_servers=servers.kafka_bootstrap, acks="all")
        self.failures = 0

        def count(event, ctx):
            if handler:
                handler(event, ctx)
            ctx.db.effects.update_one({"_id": event.aggregate_id}, {"$inc": {"n": 1}}, upsert=True,
                                      session=ctx.session)
        self.dead_letter = KafkaDeadLetter(lambda: make_producer(servers.kafka_bootstrap), self.dlq, db, "test")
        self.runtime = EventConsumer(client, db, REGISTRY, {REGISTERED: count}, self.dead_letter,
                                     max_retries=3, retry_backoff_s=0.05)
        self.stop = threading.Event()
        self.kafka_consumer = make_consumer(servers.kafka_bootstrap, f"g.{run_id}", [self.topic])
        self.thread = threading.Thread(target=run_consumer_loop, args=(self.kafka_consumer, self.runtime, db,
                                                                       self.stop),
                                       kwargs={"lag_every_s": 0.5, "broker": servers.messaging})
        self.thread.start()

    def send(self, value: bytes, key=b"k"):
        self.producer.send(self.topic, key=key, value=value).get(timeout=10)

    def effects(self, aggregate_id):
        doc = self.db.effects.find_one({"_id": aggregate_id})
        return doc["n"] if doc else 0

    def close(self):
        self.stop.set()
        self.thread.join(20)
        self.producer.close()
        self.dead_letter.close()
        assert not self.thread.is_alive(), "the consumer loop must stop when asked"


@pytest.fixture
def harness_factory(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_consumer"]
    made = []

    def make(handler=None):
        made.append(Harness(servers, db, client, run_id, handler))
        return made[-1]
    yield make
    for harness in made:
        harness.close()
    client.close()


def test_same_event_three_times_has_its_effect_once(harness_factory):
    harness = harness_factory()
    event = _event("dup")
    for _ in range(3):
        harness.send(event.to_json_bytes())
    harness.send(_event("after").to_json_bytes())
    wait_for(lambda: harness.effects("after") == 1)
    assert harness.effects("dup") == 1
    assert harness.db[PROCESSED].count_documents({"_id": event.id}) == 1


def test_poison_records_go_to_the_dead_letter_topic_and_the_next_is_processed(harness_factory, servers):
    harness = harness_factory()
    unknown = {**_event("x").to_dict(), "type": "tr.tvp.members.organisation.teleported.v1"}
    invalid = {**_event("y").to_dict(), "data": {"id": "y", "kind": "spaceship"}}
    poison = [b"\xff not json", json.dumps(unknown).encode(), json.dumps(invalid).encode()]
    for value in poison:
        harness.send(value, key=b"poison")
    harness.send(_event("good").to_json_bytes())
    wait_for(lambda: harness.effects("good") == 1)
    dead = read_topic(servers.kafka_bootstrap, harness.dlq, until=lambda rs: len(rs) >= 3, timeout_s=20)
    assert [r.value for r in dead] == poison
    errors = [dict(r.headers)["tvp-dlq-error"].decode() for r in dead]
    assert "not JSON" in errors[0] and "unknown event type" in errors[1] and "payload" in errors[2]
    assert all(dict(r.headers)["tvp-dlq-topic"].decode() == harness.topic for r in dead)
    assert harness.db.dead_letters.count_documents({}) == 3


def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(harness_factory, servers):
    attempts = []

    def flaky(event, _ctx):
        if event.aggregate_id == "bad":
            attempts.append(time.monotonic())
            raise RuntimeError("cannot handle this one")
    harness = harness_factory(flaky)
    harness.send(_event("bad").to_json_bytes())
    harness.send(_event("fine").to_json_bytes())
    wait_for(lambda: harness.effects("fine") == 1)
    dead = read_topic(servers.kafka_bootstrap, harness.dlq, until=lambda rs: len(rs) >= 1, timeout_s=20)
    assert len(dead) == 1 and "failed 3 times" in dict(dead[0].headers)["tvp-dlq-error"].decode()
    assert harness.effects("bad") == 0  # its effects were rolled back every time
    assert len(attempts) >= 3


def test_offsets_are_committed_only_after_effects_are_stored(harness_factory, servers, run_id):
    harness = harness_factory()
    for n in range(20):
        harness.send(_event(f"o{n}").to_json_bytes())
    wait_for(lambda: harness.effects("o19") == 1)
    harness.close()
    from kafka import KafkaConsumer, TopicPartition
    probe = KafkaConsumer(bootstrap_servers=servers.kafka_bootstrap, group_id=f"g.{run_id}",
                          enable_auto_commit=False)
    try:
        committed = probe.committed(TopicPartition(harness.topic, 0))
    finally:
        probe.close(autocommit=False)
    assert committed == 20
    assert harness.db.effects.count_documents({}) == 20


def test_the_lag_it_records_reaches_zero_once_everything_is_consumed(harness_factory):
    """Lag from the log end (end_offsets on Apache Kafka, the fetch's high watermark on Tansu) minus the position."""
    from shared.messaging.consumer import RUNTIME_STATUS

    harness = harness_factory()
    for n in range(5):
        harness.send(_event(f"l{n}").to_json_bytes())
    wait_for(lambda: harness.effects("l4") == 1)
    status = wait_for(lambda: harness.db[RUNTIME_STATUS].find_one({"_id": "consumer", "lag": 0}), timeout_s=15)
    assert status["updated_at"] is not None

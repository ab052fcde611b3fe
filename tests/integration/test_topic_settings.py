"""Topic settings as production needs them, on Apache Kafka: what `tvp topics create` declares is what the
broker reports (DescribeConfigs), differences are reported and aligned, and an erasure ends the person's key
on the compacted person topic with a tombstone that consumers skip."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from kafka.admin import ConfigResource, ConfigResourceType
from pymongo import MongoClient

from infra.subscribe import Subscriber
from services.members.adapters.documents import AGGREGATE_COLLECTIONS
from services.members.worker import SPEC
from shared.contracts import REGISTRY, topics
from shared.contracts.members import PEOPLE, PERSON_ERASED, PERSON_REGISTERED
from shared.messaging.consumer import EventConsumer, KafkaDeadLetter
from shared.messaging.kafka import (
    describe_topic_configs,
    ensure_topics,
    make_admin,
    make_producer,
    topic_config_differences,
)

from ..support.kafka_read import read_key
from ..support.relay import relay_all
from .members.conftest import Api

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DECLARED = {t.name: t.configs() for t in topics.ALL_SETTINGS}


@pytest.fixture
def kafka_servers(servers):
    if not servers.messaging.has_topic_configs:
        pytest.skip("Tansu keeps no topic configs; these settings are checked on Apache Kafka")
    return servers


def describe(bootstrap: str, topic: str) -> dict:
    return describe_topic_configs(bootstrap, [topic])[topic]


def test_the_broker_reports_the_declared_settings_of_every_topic(kafka_servers):
    people = describe(kafka_servers.kafka_bootstrap, PEOPLE)
    assert people["cleanup.policy"] == "compact"
    assert (people["min.compaction.lag.ms"], people["max.compaction.lag.ms"]) == ("86400000", "604800000")
    assert (people["segment.ms"], people["delete.retention.ms"], people["retention.ms"]) == (
        "86400000", "86400000", "-1")
    assert describe(kafka_servers.kafka_bootstrap, topics.PUBLIC[0])["retention.ms"] == str(30 * 86_400_000)
    assert describe(kafka_servers.kafka_bootstrap, topics.DEAD_LETTER[0])["retention.ms"] == str(14 * 86_400_000)
    assert describe(kafka_servers.kafka_bootstrap, topics.INTERNAL[0])["cleanup.policy"] == "delete"
    assert topic_config_differences(kafka_servers.kafka_bootstrap, DECLARED) == []


def test_topics_are_created_in_one_request_with_their_configs_and_only_once(kafka_servers):
    names = [f"tvp.test{uuid.uuid4().hex[:8]}.v1" for _ in range(3)]
    configs = {names[0]: {"retention.ms": "123456789"}}
    created = ensure_topics(kafka_servers.kafka_bootstrap, names, 2, configs=configs, broker=kafka_servers.messaging)
    assert created == names
    assert ensure_topics(kafka_servers.kafka_bootstrap, names, 2, broker=kafka_servers.messaging) == []
    assert describe(kafka_servers.kafka_bootstrap, names[0])["retention.ms"] == "123456789"
    assert describe(kafka_servers.kafka_bootstrap, names[1])["retention.ms"] == str(7 * 86_400_000)  # Kafka's


def tvp_topics_create(servers, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infra.cli", "topics", "create", "--bootstrap",
                           servers.kafka_bootstrap, *args], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "TVP_BROKER": servers.broker, "HOME": str(ROOT)})


def test_topics_create_reports_and_aligns_a_topic_that_drifted(private_broker):
    servers = private_broker
    if not servers.messaging.has_topic_configs:
        pytest.skip("Tansu keeps no topic configs")
    admin = make_admin(servers.kafka_bootstrap)
    try:
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topics.PUBLIC[0], {"retention.ms": "3600000"})])
    finally:
        admin.close()

    checked = tvp_topics_create(servers, "--check")
    assert checked.returncode == 1, checked.stderr
    assert f"{topics.PUBLIC[0]}: retention.ms is 3600000, declared {30 * 86_400_000}" in checked.stdout
    assert "1 topic setting(s) differ" in checked.stderr
    assert describe(servers.kafka_bootstrap, topics.PUBLIC[0])["retention.ms"] == "3600000", "--check changes nothing"

    aligned = tvp_topics_create(servers)
    assert aligned.returncode == 0, aligned.stderr
    assert f"0 created, {len(topics.ALL)} already there" in aligned.stdout
    assert "1 setting(s) updated" in aligned.stdout
    assert topic_config_differences(servers.kafka_bootstrap, DECLARED) == []
    assert "every setting as declared" in tvp_topics_create(servers).stdout


def test_an_erasure_ends_the_person_on_kafka_with_a_tombstone_that_consumers_skip(servers, members_client, token,
                                                                                     run_id, tmp_path):
    api = Api(members_client, token)
    person = api.person(api.organisation()["id"], full_name="Deniz Ak")
    assert api.delete(f"/api/v1/people/{person['id']}").status_code == 204
    relay_all(api.db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap, after_publish=SPEC.after_publish)

    records = read_key(servers.kafka_bootstrap, PEOPLE, person["id"], count=3)
    assert [r.value is None for r in records] == [False, False, True], "registered, erased, then the tombstone"
    assert [REGISTRY.validate(json.loads(r.value)).type for r in records[:2]] == [
        PERSON_REGISTERED, PERSON_ERASED]
    assert len({r.partition for r in records}) == 1 and records[0].offset < records[1].offset < records[2].offset

    # The consumer runtime: the erasure is applied, the tombstone skipped, nothing dead-lettered.
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_tombstone"]
    erased = []
    dlq = KafkaDeadLetter(lambda: make_producer(servers.kafka_bootstrap), f"test.dlq.{run_id}", db, "test")
    runtime = EventConsumer(client, db, REGISTRY, {PERSON_ERASED: lambda e, ctx: erased.append(e.aggregate_id)}, dlq)
    try:
        runtime.process(records)
    finally:
        dlq.close()
        client.close()
    assert erased == [person["id"]] and dlq.count == 0
    assert runtime.skipped == 2  # the registration (no handler here) and the tombstone

    # tvp subscribe: the tombstone is neither printed nor counted as an invalid record.
    out = tmp_path / "people.ndjson"
    subscriber = Subscriber(PEOPLE, servers.kafka_bootstrap, f"t-{uuid.uuid4().hex[:6]}", from_beginning=True,
                            output=out, idle_timeout_s=1.5, broker=servers.messaging, stop=threading.Event())
    assert subscriber.run() == 0
    assert subscriber.invalid == 0
    printed = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(event and event["id"] for event in printed)
    assert [e["type"] for e in printed if e["subject"] == f"person/{person['id']}"] == [
        PERSON_REGISTERED, PERSON_ERASED]

"""SIGTERM: the worker finishes its batch, commits, leaves the group and exits cleanly."""
import signal
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from pymongo import MongoClient

from shared.contracts import REGISTRY

from ..support.kafka_read import read_topic, wait_for
from ..support.workers import start_worker, worker_env

pytestmark = pytest.mark.integration


def test_sigterm_commits_and_exits(servers, key_dir, tmp_path, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_events"]
    topic = "tvp.members.organisations"
    probe = KafkaConsumer(bootstrap_servers=servers.kafka_bootstrap, group_id=None)
    partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic)]
    probe.close()
    producer = KafkaProducer(bootstrap_servers=servers.kafka_bootstrap, acks="all")
    ids = [f"{run_id}-{n}" for n in range(30)]
    for org_id in ids:
        event = REGISTRY.build("tr.tvp.members.organisation.registered.v1", org_id, 1,
                               {"id": org_id, "name": "Edirne TSO", "kind": "chamber", "province": "Edirne",
                                "region": "TR21", "is_sme": False, "status": "applicant"}, "c")
        producer.send(topic, key=org_id.encode(), value=event.to_json_bytes())
    producer.flush()
    producer.close()
    env = worker_env(servers, key_dir, tmp_path, {"events": db.name})
    worker = start_worker("events", env, tmp_path)
    try:
        wait_for(lambda: db.member_organisations.count_documents({"_id": {"$in": ids}}) == len(ids), 60)
        started = time.monotonic()
        worker.signal(signal.SIGTERM)
        code = worker.proc.wait(20)
        stopped_in = time.monotonic() - started
    finally:
        worker.kill()
    assert code == 0
    assert stopped_in < 10
    assert "worker stopped" in (tmp_path / "events-worker.log").read_text()
    group = KafkaConsumer(bootstrap_servers=servers.kafka_bootstrap, group_id=env["TVP_EVENTS_GROUP"],
                          enable_auto_commit=False)
    try:
        committed = {tp: group.committed(tp) or 0 for tp in partitions}
    finally:
        group.close(autocommit=False)
    assert committed == end_offsets(servers, topic, partitions), "everything consumed was committed before leaving"
    client.close()


def end_offsets(servers, topic: str, partitions: list) -> dict:
    if servers.messaging.reliable_end_offsets:
        probe = KafkaConsumer(bootstrap_servers=servers.kafka_bootstrap, group_id=None)
        try:
            return probe.end_offsets(partitions)
        finally:
            probe.close()
    # Tansu: counted by reading the partitions, as its ListOffsets answer is unreliable.
    ends = {tp: 0 for tp in partitions}
    for record in read_topic(servers.kafka_bootstrap, topic, timeout_s=3):
        tp = TopicPartition(record.topic, record.partition)
        ends[tp] = max(ends[tp], record.offset + 1)
    return ends

"""How benchmarks/broker_faults.py counts: order violations along a topic, a step's figures, the quorum leader."""
from __future__ import annotations

import json
from collections import namedtuple

import pytest

from benchmarks.broker_faults import Step, Write, order_violations, step_figures
from infra import apache_kafka

Record = namedtuple("Record", "partition offset key value")


def record(partition: int, offset: int, key: str, version: int) -> Record:
    return Record(partition, offset, key.encode(), json.dumps({"aggregateversion": version}).encode())


def test_a_version_going_down_is_a_violation_and_a_repeated_one_is_not():
    records = [record(0, 0, "a", 1), record(0, 1, "a", 2), record(0, 2, "a", 2), record(0, 3, "a", 1),
               record(1, 0, "b", 1), record(1, 1, "b", 3)]
    assert order_violations(list(reversed(records))) == {"a": 1}


class FakeWatcher:
    def __init__(self, seen: dict):
        self.seen = seen

    def seen_at(self, write: Write):
        return self.seen.get((write.organisation, write.version))


def test_a_step_counts_its_writes_its_losses_and_when_the_pipeline_flowed_again():
    writes = [Write("old", 1, 9.0), Write("x", 1, 10.5), Write("y", 1, 11.0), Write("z", 1, 19.0)]
    watcher = FakeWatcher({("old", 1): 14.0, ("x", 1): 13.0, ("y", 1): 12.5, ("z", 1): 19.5})
    on_topic = {("old", 1), ("x", 1), ("z", 1)}   # y's event is missing on the topic: lost
    figures = step_figures(Step("kill", 10.0, 20.0), writes, watcher, on_topic, {"z": 2})
    # the write acknowledged before the step reached the view at 14.0, the first one after it at 12.5
    assert figures == {"writes_acknowledged": 3, "events_lost": 1, "order_violations": 2, "recovery_s": 4.0}


def test_the_active_controller_is_the_metadata_partitions_leader():
    quorum = {"topics": [{"topic_name": "__cluster_metadata",
                          "partitions": [{"partition_index": 0, "leader_id": 2, "current_voters": []}]}]}
    assert apache_kafka.quorum_leader(quorum) == 2
    with pytest.raises(apache_kafka.StartupError, match="no leader"):
        apache_kafka.quorum_leader({"topics": [{"topic_name": "__cluster_metadata",
                                                "partitions": [{"leader_id": -1}]}]})

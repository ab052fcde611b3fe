"""Reading topics back in tests."""
from __future__ import annotations

import json
import time

from kafka import KafkaConsumer


def read_topic(bootstrap: str, topic: str, until=lambda records: False, timeout_s: float = 30.0) -> list:
    """All records of `topic` from the beginning, until `until(records)` holds or the timeout passes."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", fetch_max_wait_ms=100)
    records, deadline = [], time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
            if until(records):
                break
    finally:
        consumer.close()
    return records


def events_of(records) -> list[dict]:
    """The events among `records`: tombstones (null values, after an erasure) are no events."""
    return [json.loads(r.value) for r in records if r.value is not None]


def wait_for(condition, timeout_s: float = 30.0, interval_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s")


def read_key(bootstrap: str, topic: str, key: str, count: int, timeout_s: float = 30.0) -> list:
    """The first `count` records of `topic` with `key`, in offset order (tombstones included)."""
    wanted = key.encode()
    records = read_topic(bootstrap, topic, lambda got: sum(r.key == wanted for r in got) >= count, timeout_s)
    return sorted((r for r in records if r.key == wanted), key=lambda r: r.offset)

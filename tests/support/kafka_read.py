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
    return [json.loads(r.value) for r in records]


def wait_for(condition, timeout_s: float = 30.0, interval_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s")

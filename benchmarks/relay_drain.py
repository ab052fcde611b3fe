"""How fast one service's relay publishes a backlog: events per second, and database commands per event.

Starts its own SecantusDB and broker (Apache Kafka where Java runs, else Tansu) on free
ports, writes a backlog of organisations with their `organisation.registered` events
into the outbox (as the members API does, one document each) and a second event on
every tenth of them, then lets one `OutboxRelay` publish it all, pass after pass, the
way a worker does. Prints events per second, passes, and the database's commands per
event (serverStatus opcounters). Then reads the topic back and checks the guarantees:
every event once, and each aggregate's events in version order.

This is the figure docs/scaling.md uses for "one relay per service".

    python -m benchmarks.relay_drain [--events 5000] [--batch 500]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections import defaultdict

from kafka import TopicPartition
from pymongo import MongoClient

from benchmarks.harness import embedded_platform
from shared.contracts import REGISTRY
from shared.contracts.members import ORGANISATION_REGISTERED, ORGANISATION_UPDATED, ORGANISATIONS
from shared.messaging.kafka import make_consumer, make_producer
from shared.messaging.outbox import Causation, Outbox, ensure_outbox_indexes
from shared.messaging.relay import OutboxRelay

COLLECTIONS = ["organisations", "people", "seats"]  # the members service's aggregates


def organisation(n: int) -> dict:
    return {"name": f"Relay Firma {n}", "kind": "company", "province": "Tekirdağ", "region": "TR21",
            "size_class": "small", "is_sme": True, "status": "applicant", "employees": 20}


def write_backlog(db, events: int) -> int:
    """Organisations with their events in the outbox, as the API writes them; returns the events written."""
    outbox, cause, written, n = Outbox(db, REGISTRY), Causation(uuid.uuid4().hex), 0, 0
    while written < events:
        doc_id = uuid.uuid4().hex
        data = {"id": doc_id, **organisation(n)}
        outbox.insert("organisations", {"_id": doc_id, **organisation(n)}, [(ORGANISATION_REGISTERED, data)], cause)
        written += 1
        if n % 10 == 0 and written < events:
            renamed = {**data, "employees": 21, "changed": ["employees"]}
            outbox.update("organisations", doc_id, 1, [(ORGANISATION_UPDATED, renamed)], cause)
            written += 1
        n += 1
        if n % 1000 == 0:
            print(f"  backlog: {written}/{events} events", flush=True)
    return written


def opcounters(client) -> dict:
    return client.admin.command("serverStatus").get("opcounters", {})


def read_back(bootstrap: str, expected: int, timeout_s: float = 60) -> list:
    consumer = make_consumer(bootstrap, None, [])
    partitions = [TopicPartition(ORGANISATIONS, p) for p in consumer.partitions_for_topic(ORGANISATIONS) or []]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records, deadline = [], time.monotonic() + timeout_s
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    consumer.close()
    return records


def check(records) -> tuple[int, int]:
    """(duplicates, aggregates out of order) among the records read back."""
    import json

    seen, versions, duplicates, disorder = set(), defaultdict(list), 0, set()
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        event = json.loads(record.value)
        duplicates += event["id"] in seen
        seen.add(event["id"])
        versions[record.key].append(event["aggregateversion"])
    for key, numbers in versions.items():
        if numbers != sorted(numbers):
            disorder.add(key)
    return duplicates, len(disorder)


def timed(relay: OutboxRelay, method: str) -> list[float]:
    """Wrap one of the relay's steps so its time adds up in the returned one-element list."""
    total, step = [0.0], getattr(relay, method)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - started
    setattr(relay, method, wrapper)
    return total


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500, help="the relay's batch size (TVP_RELAY_BATCH_SIZE)")
    args = parser.parse_args(argv)
    with embedded_platform("tvp-relay-") as platform:
        client = MongoClient(platform.mongo_uri, w="majority", journal=True)
        db = client.tvp_relay_bench
        ensure_outbox_indexes(db, COLLECTIONS)
        written = write_backlog(db, args.events)
        relay = OutboxRelay(db, COLLECTIONS, REGISTRY, lambda: make_producer(platform.kafka_bootstrap),
                            batch_size=args.batch)
        logging_s = timed(relay, "_record_published")
        reading_s = timed(relay, "_pending")
        before, passes, published = opcounters(client), 0, 0
        started = time.perf_counter()
        while count := relay.publish_pending():
            passes += 1
            published += count
            if passes % 5 == 0:
                print(f"  published {published}/{written}", flush=True)
        elapsed = time.perf_counter() - started
        after = opcounters(client)
        relay.close()
        commands = sum(after.get(k, 0) - before.get(k, 0) for k in after)
        records = read_back(platform.kafka_bootstrap, written)
        duplicates, disorder = check(records)
        print(f"\nrelay: {published} events in {elapsed:.1f} s = {published / elapsed:.0f} events/s "
              f"({passes} passes of up to {args.batch}); {commands / published:.2f} database commands per event")
        print(f"  of which reading the outboxes {reading_s[0]:.1f} s, the event log and pulls (one transaction per "
              f"pass) {logging_s[0]:.1f} s, producing and the broker's acks the rest")
        print(f"read back {len(records)} records: {duplicates} duplicates, {disorder} aggregates out of order")
        client.close()


if __name__ == "__main__":
    main()

"""SecantusDB's resident memory under the services' write shape, alone: `python -m benchmarks.database_memory`.

The soak saw the embedded database's RSS grow far beyond the data it holds. This
runs one SecantusDB (the flags `infra/embedded.py` gives it, plus any `--flag`
passed here) and, at a fixed rate, what a logical write of the platform does to
it: an idempotency claim (TTL-indexed), a `w: majority, j: true` transaction
writing the aggregate with its outbox and completing the claim, the relay's
poll by index, event-log insert and outbox pull in a transaction, a consumer's
transaction (processed-event lookup, projection upsert, processed record), and a
change stream on the database. Every --every seconds it prints RSS, the oplog's
entry count and the data the databases hold, so one flag at a time (a smaller
oplog, a smaller cache) tells which feature the growth follows.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pymongo import MongoClient, UpdateOne, WriteConcern
from pymongo.read_concern import ReadConcern

from infra.embedded import embedded_mongo, free_port, mongo_uri, wait_for_mongo
from shared.adapters.idempotency import COLLECTION, IdempotencyRecords, by_key, record_id

PAYLOAD = "x" * 300  # about the size of an organisation's fields
EVENT_DATA = "y" * 500  # about a CloudEvent's data and envelope


def _transaction(client: MongoClient, work) -> None:
    with client.start_session() as session:
        session.with_transaction(work, read_concern=ReadConcern("snapshot"),
                                 write_concern=WriteConcern("majority", j=True))


def api_write(client: MongoClient, n: int, retryable: bool = False) -> None:
    """POST with an Idempotency-Key: claim (in a transaction of its own, or with `retryable` as the retryable
    insert it was before issue 10 item 8), then the aggregate and the claim's completion in one transaction."""
    db = client.bench
    now = datetime.now(timezone.utc)
    key = uuid.uuid4().hex
    claim = {"_id": record_id("admin", key), "fingerprint": "f", "state": "running", "token": "t",
             "lease_until": now + timedelta(seconds=10), "expires_at": now + timedelta(hours=24)}
    if retryable:
        db[COLLECTION].insert_one(claim)
    else:
        _transaction(client, lambda s: db[COLLECTION].insert_one(claim, session=s))
    aggregate_id = str(uuid.uuid4())
    event = {"id": str(uuid.uuid4()), "type": "org.created", "subject": f"organisation/{aggregate_id}",
             "data": EVENT_DATA}

    def work(session) -> None:
        db.aggregates.insert_one({"_id": aggregate_id, "n": n, "payload": PAYLOAD, "version": 1,
                                  "outbox": [event], "outbox_pending": True}, session=session)
        db[COLLECTION].update_one(by_key("admin", key, token="t"),
                                       {"$set": {"state": "done", "response": {"status": 201, "body": PAYLOAD}},
                                        "$unset": {"lease_until": ""}}, session=session)
    _transaction(client, work)


def relay_pass(client: MongoClient, retryable: bool = False) -> int:
    """The outbox relay: pending aggregates by index, their events into the log and the outboxes pulled in one
    transaction (with `retryable`, the log insert as the retryable write it was before issue 10 item 8)."""
    db = client.bench
    batch = list(db.aggregates.find({"outbox_pending": True}, {"outbox": 1}).limit(500))
    if not batch:
        return 0
    events = [e for doc in batch for e in doc.get("outbox", [])]
    log_docs = [{"_id": e["id"], "event": e, "logged_at": datetime.now(timezone.utc)} for e in events]
    if events and retryable:
        db.event_log.insert_many(log_docs, ordered=False)
    ops = []
    for doc in batch:
        ids = [e["id"] for e in doc.get("outbox", [])]
        ops += [UpdateOne({"_id": doc["_id"]}, {"$pull": {"outbox": {"id": {"$in": ids}}}}),
                UpdateOne({"_id": doc["_id"], "outbox": {"$size": 0}}, {"$unset": {"outbox_pending": ""}})]

    def pull(session) -> None:
        if log_docs and not retryable:
            db.event_log.insert_many(log_docs, ordered=False, session=session)
        db.aggregates.bulk_write(ops, ordered=True, session=session)
    _transaction(client, pull)
    consume(client, events)
    return len(events)


def consume(client: MongoClient, events: list[dict]) -> None:
    """A consumer's batch: skip what was processed, project the rest, record them processed, one transaction."""
    db = client.bench

    def work(session) -> None:
        ids = [e["id"] for e in events]
        done = {d["_id"] for d in db.processed_events.find({"_id": {"$in": ids}}, {"_id": 1}, session=session)}
        fresh = [e for e in events if e["id"] not in done]
        for e in fresh:
            db.projection.update_one({"_id": e["subject"]}, {"$set": {"seen": e["id"], "data": EVENT_DATA}},
                                     upsert=True, session=session)
        if fresh:
            db.processed_events.insert_many([{"_id": e["id"], "type": e["type"], "processed_at":
                                              datetime.now(timezone.utc)} for e in fresh], session=session)
    _transaction(client, work)


def watch(client: MongoClient, stop: threading.Event, seen: list[int]) -> None:
    with client.bench.watch([{"$match": {"operationType": {"$in": ["insert", "update", "replace"]}}}],
                            max_await_time_ms=500) as stream:
        while not stop.is_set():
            if stream.try_next() is not None:
                seen[0] += 1


def rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def held_mb(client: MongoClient) -> tuple[float, int]:
    """The bench database's data plus indexes (MiB), and the oplog's entry count."""
    stats = client.bench.command("dbStats")
    return (stats["dataSize"] + stats["indexSize"]) / 2**20, client.local["oplog.rs"].estimated_document_count()


def run(seconds: float, rate: float, every: float, flags: list[str], say=print, retryable: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="tvp-dbmem-"))
    port = free_port()
    process = embedded_mongo(port, work / "db", work / "log")
    process.argv += flags
    process.start()
    try:
        wait_for_mongo(process, port)
        client = MongoClient(mongo_uri(port), uuidRepresentation="standard", w="majority", journal=True)
        IdempotencyRecords(client.bench).ensure_indexes()
        client.bench.aggregates.create_index("outbox_pending", sparse=True)
        stop, seen, written = threading.Event(), [0], [0]
        threading.Thread(target=watch, args=(client, stop, seen), daemon=True).start()

        def writer() -> None:
            started = time.monotonic()
            while not stop.is_set():
                due = started + written[0] / rate
                if (pause := due - time.monotonic()) > 0:
                    stop.wait(pause)
                api_write(client, written[0], retryable)
                written[0] += 1

        def relay() -> None:
            while not stop.is_set():
                if not relay_pass(client, retryable):
                    stop.wait(0.2)
        threads = [threading.Thread(target=writer, daemon=True), threading.Thread(target=relay, daemon=True)]
        for thread in threads:
            thread.start()
        samples, started = [], time.monotonic()
        while (elapsed := time.monotonic() - started) < seconds:
            time.sleep(min(every, seconds - elapsed))
            data, oplog = held_mb(client)
            samples.append({"t": round(time.monotonic() - started), "writes": written[0],
                            "rss_mb": round(rss_mb(process.proc.pid), 1), "data_mb": round(data, 1),
                            "oplog_entries": oplog})
            say(json.dumps(samples[-1]))
        stop.set()
        for thread in threads:
            thread.join(30)
        client.close()
        return {"flags": flags, "retryable": retryable, "rate": rate, "writes": written[0], "changes_seen": seen[0],
                "samples": samples}
    finally:
        process.stop()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.database_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="logical writes per second")
    parser.add_argument("--every", type=float, default=15.0, help="seconds between samples")
    parser.add_argument("--retryable", action="store_true",
                        help="the claim and the event-log insert as retryable writes, as before issue 10 item 8")
    parser.add_argument("flags", nargs="*", help="extra SecantusDB flags, after --, e.g. -- --oplog-max-entries 5000")
    args = parser.parse_args(argv)
    result = run(args.seconds, args.rate, args.every, args.flags, say=lambda line: print(line, flush=True),
                 retryable=args.retryable)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Figures for the foundation: event latency members → events, and POST throughput vs raw pymongo.

Starts its own SecantusDB, broker (Apache Kafka where Java runs, else Tansu) and the
three services under gunicorn on free ports (nothing on the default ports is touched),
then measures:

1. throughput: N POSTs through gunicorn (members web + its worker) with C client
   threads, against N raw pymongo inserts of the same documents with the same C
   threads, same server, same run. Prints the ratio;
2. latency: 200 organisation POSTs, one after the other, the three services running;
   for each, the time from the 201 to the organisation appearing in the events
   service's read model (seen through a change stream on that collection), and
   where that time goes, stage by stage, from the events' own timestamps;
3. throughput again with the three services consuming.

The last line is one JSON object: post_over_raw, all_consuming_over_raw, e2e_p50_ms,
e2e_p99_ms (docs/scaling.md).

    python -m benchmarks.platform_slice [--posts 200] [--writes 1000] [--threads 8] [--latency-only]
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from kafka import TopicPartition
from pymongo import MongoClient

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port
from infra.idempotent import IdempotentSession, new_key
from shared.contracts.members import ORGANISATION_REGISTERED, ORGANISATIONS
from shared.messaging.kafka import make_consumer


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def progress(label, done, total):
    if done % max(1, total // 10) == 0 or done == total:
        print(f"  {label}: {done}/{total}", flush=True)


def body(n):
    return {"name": f"Bench Firma {n}", "kind": "company", "size_class": "small", "province": "Tekirdağ",
            "employees": 20 + n % 50}


class RecordTimes:
    """When each record of a topic was created (its Kafka CreateTime: the relay's send) and read by a consumer
    of our own, keyed by the record's key (the aggregate id)."""

    def __init__(self, bootstrap: str, topic: str):
        self.created: dict[str, float] = {}
        self._consumer = make_consumer(bootstrap, None, [], fetch_max_wait_ms=10)
        partitions = [TopicPartition(topic, p) for p in self._consumer.partitions_for_topic(topic) or []]
        self._consumer.assign(partitions)
        self._consumer.seek_to_end(*partitions)
        for tp in partitions:
            self._consumer.position(tp)  # resolve "end" now, before the posts
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        while not self._stop.is_set():
            for records in self._consumer.poll(timeout_ms=100).values():
                for record in records:
                    if record.key is not None:
                        self.created.setdefault(record.key.decode(), record.timestamp / 1000)

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self._consumer.close()


def measure_latency(base, headers, client, bootstrap, posts):
    """Per organisation: the wall-clock times of each stage between its 201 and its row in events' read model,
    from the events' own timestamps: the record's CreateTime (relay sent it), the event log's `logged_at`
    (broker acknowledged it), events' `processed_at` (its consumer applied it), the change stream (visible)."""
    view = client.tvp_events.member_organisations
    arrivals, ready = {}, threading.Event()
    stop = threading.Event()

    def watch():
        with view.watch([{"$match": {"operationType": {"$in": ["insert", "update"]}}}]) as stream:
            ready.set()
            while not stop.is_set():
                change = stream.try_next()
                if change is not None:
                    arrivals.setdefault(change["documentKey"]["_id"], time.time())
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(10)
    records = RecordTimes(bootstrap, ORGANISATIONS)
    session, returned = IdempotentSession(), {}
    for n in range(posts):
        response = session.request("POST", f"{base}/api/v1/organisations", json=body(n), headers=headers, timeout=10)
        returned[response.json()["id"]] = time.time()
        progress("latency posts", n + 1, posts)
    deadline = time.monotonic() + 30
    while len(set(returned) & set(arrivals)) < posts and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    records.close()
    return stage_times(client, returned, records.created, arrivals), len(returned)


MEMBERS_DB = "tvp_members_full"  # phase 2's, apart from phase 1's organisations
STAGES = ("relay wake-up + outbox read", "produce + broker ack", "consumer fetch", "consumer transaction + commit")


def stage_times(client, returned, created, arrivals) -> dict[str, list[float]]:
    """{stage: [ms per organisation]} and "total"; a stage whose two ends straddle a clock tick may be a
    millisecond below zero (MongoDB and Kafka keep milliseconds): shown as is, the total never is."""
    logged, event_ids = {}, {}
    for doc in client[MEMBERS_DB].event_log.find(
            {"key": {"$in": list(returned)}, "event.type": ORGANISATION_REGISTERED}, {"key": 1, "logged_at": 1}):
        logged[doc["key"]] = doc["logged_at"].replace(tzinfo=timezone.utc).timestamp()
        event_ids[doc["key"]] = doc["_id"]
    processed = {doc["_id"]: doc["processed_at"].replace(tzinfo=timezone.utc).timestamp()
                 for doc in client.tvp_events.processed_events.find(
                     {"_id": {"$in": list(event_ids.values())}}, {"processed_at": 1})}
    stages: dict[str, list[float]] = {name: [] for name in (*STAGES, "total")}
    for key, answered in returned.items():
        marks = [answered, created.get(key), logged.get(key), processed.get(event_ids.get(key)), arrivals.get(key)]
        if arrivals.get(key) is None:
            continue
        # The change stream can fire before the client has read its 201 back; that is a latency of ~0.
        stages["total"].append(max(0.0, marks[-1] - answered) * 1000)
        if None in marks:
            continue
        for name, (start, end) in zip(STAGES, zip(marks, marks[1:], strict=False), strict=True):
            stages[name].append((end - start) * 1000)
    return stages


def measure_http(base, headers, writes, threads):
    # http.client rather than requests: the client shares the two cores with the server,
    # and should cost as little of them as the pymongo client of the baseline does.
    local = threading.local()
    host, port = base.removeprefix("http://").split(":")
    sent_headers = {**headers, "Content-Type": "application/json"}

    def post(n):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        started = time.perf_counter()
        # A key per write, as every client sends, so its cost on the server is in the figure; no retry: any
        # answer but 201 fails the measurement.
        local.conn.request("POST", "/api/v1/organisations", body=json.dumps(body(n)),
                           headers={**sent_headers, "Idempotency-Key": new_key()})
        response = local.conn.getresponse()
        payload = response.read()
        assert response.status == 201, payload
        return (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = list(pool.map(post, range(writes)))
    return writes / (time.perf_counter() - started), latencies


def measure_raw(client, db_name, writes, threads):
    collection = client[db_name].organisations

    def insert(n):
        now = datetime.now(timezone.utc)
        collection.insert_one({"_id": uuid.uuid4().hex, **body(n), "province": "Tekirdağ", "region": "TR21",
                               "is_sme": True, "status": "applicant", "name_folded": f"bench firma {n}",
                               "status_history": [{"status": "applicant", "at": now}], "created_at": now,
                               "updated_at": now, "version": 1})
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(insert, range(writes)))
    return writes / (time.perf_counter() - started)


def write_phase(client, platform, args) -> tuple[float, float]:
    """The write path alone (members web + its relay) against raw pymongo writes: (raw rate, POST rate)."""
    with ServiceStack(platform.env, platform.work / "log", {"members": free_port()}) as stack:
        base = stack.url("members")
        measure_http(base, platform.headers, 100, args.threads)  # warm up connections and code paths
        raw = measure_raw(client, "tvp_bench_raw", args.writes, args.threads)
        http_rate, http_latencies = measure_http(base, platform.headers, args.writes, args.threads)
    print(f"\nwrite throughput, {args.writes} documents, {args.threads} client threads, same server:")
    print(f"  raw pymongo insert_one                 {raw:8.0f} /s   (baseline)")
    print(f"  POST through gunicorn (members+relay)  {http_rate:8.0f} /s   "
          f"p50 {percentile(http_latencies, 50):.1f} ms   p99 {percentile(http_latencies, 99):.1f} ms")
    print(f"  ratio POST / raw                       {http_rate / raw:8.2f}")
    return raw, http_rate


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--latency-only", action="store_true", help="only the latency phase (for quick looks)")
    args = parser.parse_args(argv)
    with embedded_platform("tvp-bench-") as platform:
        headers, env, work = platform.headers, platform.env, platform.work
        client = MongoClient(platform.mongo_uri)
        raw = http_rate = float("nan")
        if not args.latency_only:
            raw, http_rate = write_phase(client, platform, args)
        # Phase 2: the whole platform; the events and reporting consumers share the same database server.
        ports = {s: free_port() for s in ("members", "events", "reporting")}
        env = {**env, "TVP_MEMBERS_DB": MEMBERS_DB}
        with ServiceStack(env, work / "log", ports) as stack:
            base = stack.url("members")
            # Warm up: wait until the events worker has joined its consumer group and caught up.
            warm = IdempotentSession().request("POST", f"{base}/api/v1/organisations", json=body(-1),
                                               headers=headers, timeout=10).json()
            deadline = time.monotonic() + 60
            while not client.tvp_events.member_organisations.find_one({"_id": warm["id"]}):
                if time.monotonic() > deadline:
                    raise SystemExit("the events worker never received the warm-up event")
                time.sleep(0.1)
            stages, posted = measure_latency(base, headers, client, platform.kafka_bootstrap, args.posts)
            latencies = stages["total"]
            print(f"\nPOST 201 → events read model, {len(latencies)}/{posted} organisations:")
            print(f"  p50 {percentile(latencies, 50):.1f} ms   p99 {percentile(latencies, 99):.1f} ms   "
                  f"max {max(latencies):.1f} ms   mean {statistics.mean(latencies):.1f} ms")
            print("  where the time goes (from the events' own timestamps; p50 / p99 ms):")
            for name in STAGES:
                values = stages[name]
                if values:
                    print(f"    {name:32s} {percentile(values, 50):6.1f} / {percentile(values, 99):6.1f}")
            full_rate = float("nan")
            if not args.latency_only:
                full_rate, _ = measure_http(base, headers, args.writes, args.threads)
                print(f"\nPOST throughput with all three services consuming: {full_rate:.0f} /s "
                      f"({full_rate / raw:.2f} of raw)")
        client.close()
    # The figures of issue 13 on one line, to compare from run to run (`make bench | tail -1`).
    def over_raw(rate):
        return None if math.isnan(rate / raw) else round(rate / raw, 3)  # a phase left out (--latency-only)
    print(json.dumps({"post_over_raw": over_raw(http_rate), "all_consuming_over_raw": over_raw(full_rate),
                      "e2e_p50_ms": round(percentile(latencies, 50), 1),
                      "e2e_p99_ms": round(percentile(latencies, 99), 1)}))


if __name__ == "__main__":
    main()

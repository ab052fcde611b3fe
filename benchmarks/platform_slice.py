"""Figures for the foundation: event latency members → events, and POST throughput vs raw pymongo.

Starts its own SecantusDB, Tansu and the three services under gunicorn on free
ports (nothing on the default ports is touched), then measures:

1. latency: 200 organisation POSTs, one after the other; for each, the time from
   the 201 to the organisation appearing in the events service's read model
   (seen through a change stream on that collection);
2. throughput: N POSTs through gunicorn with C client threads, against N raw
   pymongo inserts of the same documents with the same C threads, same server,
   same run. Prints the ratio.

    python -m benchmarks.platform_slice [--posts 200] [--writes 1000] [--threads 8]
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from pymongo import MongoClient

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port
from infra.idempotent import IdempotentSession, new_key


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def progress(label, done, total):
    if done % max(1, total // 10) == 0 or done == total:
        print(f"  {label}: {done}/{total}", flush=True)


def body(n):
    return {"name": f"Bench Firma {n}", "kind": "company", "size_class": "small", "province": "Tekirdağ",
            "employees": 20 + n % 50}


def measure_latency(base, headers, view, posts):
    arrivals, ready = {}, threading.Event()
    stop = threading.Event()

    def watch():
        with view.watch([{"$match": {"operationType": {"$in": ["insert", "update"]}}}]) as stream:
            ready.set()
            while not stop.is_set():
                change = stream.try_next()
                if change is not None:
                    arrivals.setdefault(change["documentKey"]["_id"], time.perf_counter())
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(10)
    session, returned = IdempotentSession(), {}
    for n in range(posts):
        response = session.request("POST", f"{base}/api/v1/organisations", json=body(n), headers=headers, timeout=10)
        returned[response.json()["id"]] = time.perf_counter()
        progress("latency posts", n + 1, posts)
    deadline = time.monotonic() + 30
    while len(set(returned) & set(arrivals)) < posts and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    # The change stream can fire before the client has read its 201 back; that is a latency of ~0.
    return [max(0.0, arrivals[i] - t) * 1000 for i, t in returned.items() if i in arrivals], len(returned)


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    with embedded_platform("tvp-bench-") as platform:
        headers, env, work = platform.headers, platform.env, platform.work
        client = MongoClient(platform.mongo_uri)
        # Phase 1: the write path alone (members web + its relay), against raw pymongo writes.
        with ServiceStack(env, work / "log", {"members": free_port()}) as stack:
            base = stack.url("members")
            measure_http(base, headers, 100, args.threads)  # warm up connections and code paths
            raw = measure_raw(client, "tvp_bench_raw", args.writes, args.threads)
            http_rate, http_latencies = measure_http(base, headers, args.writes, args.threads)
            print(f"\nwrite throughput, {args.writes} documents, {args.threads} client threads, same server:")
            print(f"  raw pymongo insert_one                 {raw:8.0f} /s   (baseline)")
            print(f"  POST through gunicorn (members+relay)  {http_rate:8.0f} /s   "
                  f"p50 {percentile(http_latencies, 50):.1f} ms   p99 {percentile(http_latencies, 99):.1f} ms")
            print(f"  ratio POST / raw                       {http_rate / raw:8.2f}")
        # Phase 2: the whole platform; the events and reporting consumers share the same database server.
        ports = {s: free_port() for s in ("members", "events", "reporting")}
        env = {**env, "TVP_MEMBERS_DB": "tvp_members_full"}
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
            latencies, posted = measure_latency(base, headers, client.tvp_events.member_organisations, args.posts)
            print(f"\nPOST 201 → events read model, {len(latencies)}/{posted} organisations:")
            print(f"  p50 {percentile(latencies, 50):.1f} ms   p99 {percentile(latencies, 99):.1f} ms   "
                  f"max {max(latencies):.1f} ms   mean {statistics.mean(latencies):.1f} ms")
            full_rate, _ = measure_http(base, headers, args.writes, args.threads)
            print(f"\nPOST throughput with all three services consuming: {full_rate:.0f} /s "
                  f"({full_rate / raw:.2f} of raw)")
        client.close()


if __name__ == "__main__":
    main()

"""Create-organisation throughput and latency of the members service through gunicorn.

Starts its own SecantusDB and Tansu on free ports and the members service (web
under gunicorn + worker with its outbox relay) on a fresh database, warms up,
then sends N `POST /api/v1/organisations` (each with its own valid VKN, so the
unique index is exercised) from C client threads, and reports throughput and
latency percentiles, and how long the relay took to publish all the events.

    python -m benchmarks.members_create [--posts 1000] [--threads 8] [--web-workers 2]
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from pymongo import MongoClient

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port
from infra.idempotent import IdempotentSession
from services.members.domain.tax_number import is_valid_vkn


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def vkn(n: int) -> str:
    body = f"{700_000_000 + n:09d}"
    return next(body + d for d in "0123456789" if is_valid_vkn(body + d))


def organisation(n: int) -> dict:
    return {"name": f"Bench Sanayi {n} A.Ş.", "kind": "company", "size_class": ("micro", "small", "medium")[n % 3],
            "province": ("tekirdag", "EDİRNE", "Kırklareli")[n % 3], "tax_number": vkn(n),
            "nace_code": "C25.62", "employees": 5 + n % 200, "email": f"info{n}@bench.example"}


def run(base: str, headers: dict, posts: int, threads: int, offset: int) -> tuple[float, list[float]]:
    local = threading.local()

    def post(n: int) -> float:
        if not hasattr(local, "session"):
            local.session = IdempotentSession()
        started = time.perf_counter()
        response = local.session.request("POST", f"{base}/api/v1/organisations", json=organisation(offset + n),
                                         headers=headers, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 201, response.text
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = list(pool.map(post, range(posts)))
    return posts / (time.perf_counter() - started), latencies


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    with embedded_platform("tvp-bench-members-") as platform:
        env = {**platform.env, "TVP_MEMBERS_DB": "bench_members"}
        with ServiceStack(env, platform.log_dir, {"members": free_port()}, web_workers=args.web_workers) as stack:
            base, headers = stack.url("members"), platform.headers
            run(base, headers, 50, args.threads, offset=1_000_000)  # warm-up: connections, indexes, caches
            throughput, latencies = run(base, headers, args.posts, args.threads, offset=0)
            posted_at = time.monotonic()
            client = MongoClient(platform.mongo_uri)
            while client.bench_members.organisations.count_documents({"outbox_pending": True}):
                if time.monotonic() - posted_at > 120:
                    break
                time.sleep(0.05)
            drained_s = time.monotonic() - posted_at
            published = client.bench_members.event_log.count_documents({})
            client.close()
        print(f"\nPOST /api/v1/organisations through gunicorn ({args.web_workers} workers x 4 threads), "
              f"{args.posts} requests, {args.threads} client threads:")
        print(f"  throughput  {throughput:7.0f} organisations/s")
        print(f"  latency     p50 {percentile(latencies, 50):.1f} ms   p95 {percentile(latencies, 95):.1f} ms   "
              f"p99 {percentile(latencies, 99):.1f} ms   max {max(latencies):.1f} ms   "
              f"mean {statistics.mean(latencies):.1f} ms")
        print(f"  relay       all {published} events published to Kafka {drained_s:.2f} s after the last 201")

if __name__ == "__main__":
    main()

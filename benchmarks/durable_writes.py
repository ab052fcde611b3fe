"""What durable acknowledgements cost: `POST /api/v1/organisations` throughput before and after, in one run.

"before": SecantusDB without `--sync-on-commit` and the services' client with `w=1&journal=false`
(acknowledged when applied in memory, as main was before issue 10).
"after": the product's default: SecantusDB with `--sync-on-commit` and `w: majority, j: true`
(shared/db.py). Both through gunicorn with the same members service, the same load and the same
broker, alternating (before, after, before, after …) so that a machine shared with other work
loads both alike; the medians' ratio after/before is what docs/reliability.md reports.

    python -m benchmarks.durable_writes [--rounds 3] [--posts 300] [--threads 8] [--web-workers 2]
"""
from __future__ import annotations

import argparse
import statistics

from benchmarks.harness import embedded_platform
from benchmarks.members_create import percentile, run
from infra import embedded
from infra.embedded import ServiceStack, free_port


def measure(platform, mongo_uri: str, db: str, posts: int, threads: int, web_workers: int) -> tuple[float, float]:
    env = {**platform.env, "TVP_MONGO_URI": mongo_uri, "TVP_MEMBERS_DB": db}
    with ServiceStack(env, platform.log_dir, {"members": free_port()}, web_workers=web_workers) as stack:
        run(stack.url("members"), platform.headers, 50, threads, offset=1_000_000)  # warm-up
        throughput, latencies = run(stack.url("members"), platform.headers, posts, threads, offset=0)
    return throughput, percentile(latencies, 95)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    runs: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    with embedded_platform("tvp-bench-durable-") as platform:  # its SecantusDB syncs on commit (the default)
        port = free_port()
        volatile = embedded.embedded_mongo(port, platform.work / "volatile-db", platform.log_dir,
                                           sync_on_commit=False).start()
        try:
            embedded.wait_for_mongo(volatile, port)
            for n in range(args.rounds):
                runs["before"].append(measure(platform, embedded.mongo_uri(port) + "&w=1&journal=false",
                                              f"bench_before_{n}", args.posts, args.threads, args.web_workers))
                runs["after"].append(measure(platform, platform.mongo_uri, f"bench_after_{n}",
                                             args.posts, args.threads, args.web_workers))
                print(f"round {n + 1}: before {runs['before'][-1][0]:.0f}/s, after {runs['after'][-1][0]:.0f}/s",
                      flush=True)
        finally:
            volatile.stop()
    before = statistics.median(r[0] for r in runs["before"]), statistics.median(r[1] for r in runs["before"])
    after = statistics.median(r[0] for r in runs["after"]), statistics.median(r[1] for r in runs["after"])
    print(f"\nPOST /api/v1/organisations, {args.rounds} rounds of {args.posts} requests each, {args.threads} client "
          f"threads, gunicorn {args.web_workers} workers (medians):")
    print(f"  before (w:1, no journal, no fsync)          {before[0]:7.0f} /s   p95 {before[1]:6.1f} ms")
    print(f"  after  (w:majority, j:true, sync-on-commit) {after[0]:7.0f} /s   p95 {after[1]:6.1f} ms")
    print(f"  ratio after/before {after[0] / before[0]:.2f}")


if __name__ == "__main__":
    main()

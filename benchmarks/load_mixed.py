"""Mixed-workload load test with locust: the highest request rate the three services hold with p99 < 250 ms.

Starts its own SecantusDB, broker (Apache Kafka, or Tansu without Java) and the three services under gunicorn
on free ports (127.0.0.1 only;
nothing on the default ports), seeds them with `tvp demo`'s data (infra/demo.py) plus a few hundred
organisations and some open meetings, then offers the mix of benchmarks/load_workload.py (80 % reads across
lists, details and indicators of the three services; 20 % writes, each with an Idempotency-Key) at rising
rates, ~30 s per step, until a step's p99 passes 250 ms (or it fails requests, or cannot deliver the rate).

Locust runs in a child process (benchmarks/load_locust.py): its gevent monkeypatching stays there. Prints one
line per step, then the verdict, the memory and CPU of each process kind (benchmarks/load_resources.py), and
writes the step table as CSV and a PNG chart under --out (default var/bench/).

    python -m benchmarks.load_mixed [--start 10] [--limit 400] [--factor 1.5] [--step-s 30] [--budget-s 240]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.harness import Platform, embedded_platform
from benchmarks.load_resources import ResourceSampler
from benchmarks.load_steps import P99_LIMIT_MS, Step, highest_passing, passes, ramp
from infra.demo import run_demo
from infra.embedded import ServiceStack, free_port
from infra.idempotent import IdempotentSession
from shared.config import PLATFORM_ZONE

SERVICES = ("members", "events", "reporting")
WARM_UP_S = 10.0


def seed_platform(stack: ServiceStack, platform: Platform, organisations: int, open_meetings: int) -> dict:
    """`tvp demo`'s platform, then `organisations` more (approved) and `open_meetings` future workshops."""
    urls = {name: stack.url(name) for name in SERVICES}
    token = platform.headers["Authorization"].removeprefix("Bearer ")
    demo = run_demo(urls, token, say=lambda line: print(f"  seed: {line}", flush=True))
    members, events = f"{urls['members']}/api/v1", f"{urls['events']}/api/v1"
    local = threading.local()  # a requests session is not meant to be shared between threads

    def call(method: str, url: str, body: dict | None = None) -> dict:
        if not hasattr(local, "session"):
            local.session = IdempotentSession()
        response = local.session.request(method, url, json=body, headers=platform.headers, timeout=30)
        if response.status_code not in (200, 201):
            raise SystemExit(f"seeding failed: {method} {url}: {response.status_code} {response.text[:200]}")
        return response.json()

    def organisation(n: int) -> str:
        created = call("POST", f"{members}/organisations", {
            "name": f"Trakya Sanayi {n} A.Ş.", "kind": "company", "size_class": ("micro", "small", "medium")[n % 3],
            "province": ("Tekirdağ", "Edirne", "Kırklareli", "İstanbul")[n % 4], "employees": 5 + n % 200})
        call("POST", f"{members}/organisations/{created['id']}/membership", {"action": "approve", "reason": "seed"})
        return created["id"]

    with ThreadPoolExecutor(8) as pool:
        organisation_ids = [o["id"] for o in demo["organisations"].values()] + list(pool.map(organisation,
                                                                                          range(organisations)))
    print(f"  seed: {organisations} more organisations, approved", flush=True)
    hosts = [o["id"] for o in demo["organisations"].values() if o["kind"] == "chamber"]
    first = datetime.now(PLATFORM_ZONE).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=30)
    open_ids = []
    for n in range(open_meetings):
        starts = first + timedelta(days=n)
        open_ids.append(call("POST", f"{events}/meetings", {
            "kind": "workshop", "title": f"Verimlilik Çalıştayı {n + 1}", "host_organisation_id": hosts[n % len(hosts)],
            "themes": ["resource_efficiency"], "capacity": 5000, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat()})["id"])
    print(f"  seed: {open_meetings} open workshops for registrations", flush=True)
    listed = [m["id"] for m in call("GET", f"{events}/meetings?page_size=100")["items"]]
    total = call("GET", f"{members}/organisations?page_size=1")["total"]
    seed = {"organisation_ids": organisation_ids, "person_ids": [p["id"] for p in demo["people"].values()],
            "meeting_ids": sorted(set(listed) | set(open_ids)), "open_meeting_ids": open_ids,
            "report_ids": [demo["report"]["id"]], "period": demo["period"],
            "organisation_pages": max(1, total // 20), "run": uuid.uuid4().hex[:8]}
    return {"seed": seed, "urls": urls, "token": token}


def run_steps(given_file: Path, rates: list[int], step_s: float, budget_s: float) -> tuple[list[dict], dict]:
    """The locust child, one step at a time; its STEP lines come back as dicts, printed as they arrive; with
    the requests it sent to each service."""
    # Steps past the budget are not offered: the whole run stays bounded on a slow machine.
    affordable = max(1, int((budget_s - WARM_UP_S) // (step_s + 4)))
    command = [sys.executable, "-m", "benchmarks.load_locust", "--seed", str(given_file), "--rates",
               ",".join(map(str, rates[:affordable])), "--step-s", str(step_s), "--warm-up-s", str(WARM_UP_S),
               "--p99-ms", str(P99_LIMIT_MS)]
    steps, sent = [], {}
    print(f"\n{'offered/s':>9} {'achieved/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'failures':>9}  "
          "slowest (p99)", flush=True)
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) \
            as child:
        for line in child.stdout:
            if line.startswith("SENT "):
                sent = json.loads(line[5:])
                continue
            if not line.startswith("STEP "):
                print(f"  locust: {line.rstrip()}", flush=True)
                continue
            step = json.loads(line[5:])
            steps.append(step)
            slowest = ", ".join(f"{name} {p99:.0f}" for name, p99 in step["slowest"])
            verdict = "" if passes(Step.from_dict(step)) else "   <- over the limit"
            print(f"{step['offered']:>9} {step['achieved']:>10.1f} {step['p50']:>7.0f} {step['p95']:>7.0f} "
                  f"{step['p99']:>7.0f} {step['failures']:>9}  {slowest}{verdict}", flush=True)
            for error in step["errors"]:
                print(f"          error: {error}", flush=True)
    if child.returncode:
        raise SystemExit(f"the locust process failed (exit {child.returncode})")
    return steps, sent


def write_table(steps: list[dict], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    table = out / "load_mixed.csv"
    fields = ["offered", "achieved", "requests", "failures", "p50", "p95", "p99"]
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(steps)
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4))
    achieved = [s["achieved"] for s in steps]
    for key in ("p50", "p95", "p99"):
        axes.plot(achieved, [s[key] for s in steps], marker="o", label=key)
    axes.axhline(P99_LIMIT_MS, color="red", linestyle="--", label=f"{P99_LIMIT_MS:.0f} ms")
    axes.set_xlabel("achieved requests/s (80 % reads, 20 % writes)")
    axes.set_ylabel("latency, ms")
    axes.set_title("Mixed load on the three services")
    axes.legend()
    chart = out / "load_mixed.png"
    figure.savefig(chart, dpi=100, bbox_inches="tight")
    pyplot.close(figure)
    return [table, chart]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start", type=int, default=10, help="offered requests/s of the first step")
    parser.add_argument("--limit", type=int, default=400, help="highest offered requests/s")
    parser.add_argument("--factor", type=float, default=1.5, help="each step offers this times the one before")
    parser.add_argument("--step-s", type=float, default=30.0)
    parser.add_argument("--budget-s", type=float, default=240.0, help="the load steps together stay under this")
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--open-meetings", type=int, default=30)
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers per service (default 2)")
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    started = time.monotonic()
    with embedded_platform("tvp-bench-load-") as platform:
        ports = {name: free_port() for name in SERVICES}
        with ServiceStack(platform.env, platform.log_dir, ports, web_workers=args.web_workers) as stack:
            print("seeding …", flush=True)
            given = seed_platform(stack, platform, args.organisations, args.open_meetings)
            given_file = platform.work / "load_seed.json"
            given_file.write_text(json.dumps(given), encoding="utf-8")
            print(f"seeded in {time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.2f} "
                  f"on {os.cpu_count()} cores", flush=True)
            sampler = ResourceSampler()
            sampler.start()
            steps, sent = run_steps(given_file, ramp(args.start, args.limit, args.factor), args.step_s, args.budget_s)
            sampler.stop()
            load_after = os.getloadavg()
    best = highest_passing([Step.from_dict(s) for s in steps])
    print("\nmemory and CPU during the load (CPU: % of one core, averaged over the steps):")
    for row in sampler.by_kind():
        print(f"  {row['kind']:<22} x{row['processes']:<2} peak RSS {row['peak_rss_mb']:>5} MB   "
              f"CPU {row['cpu_percent_each']:>5.1f} % each")
    for service in SERVICES:
        if sent.get(service):
            per_request = 1000 * sampler.cpu_s(f"{service} web worker") / sent[service]
            print(f"  {service} web: {per_request:.1f} ms of CPU per request ({sent[service]} requests)")
    if sent:
        # What one request of the mix costs the whole stack (the client aside), and the database's share of it.
        requests = sum(sent.values())
        stack_s = sum(row["cpu_s"] for row in sampler.by_kind() if row["kind"] != "locust client")
        print(f"  the whole stack: {1000 * stack_s / requests:.1f} ms of CPU per request, of which the database "
              f"{1000 * sampler.cpu_s('mongodb (SecantusDB)') / requests:.1f} ms")
    saved = write_table(steps, args.out)
    print(f"steps saved: {', '.join(str(p) for p in saved)}")
    print(f"load average after the run {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} "
          f"(1/5/15 min, {os.cpu_count()} cores); whole run {time.monotonic() - started:.0f} s")
    if best is None:
        print(f"highest rate with p99 < {P99_LIMIT_MS:.0f} ms: none (the first step already failed)")
    else:
        print(f"highest rate with p99 < {P99_LIMIT_MS:.0f} ms: {best.achieved:.0f} requests/s "
              f"(offered {best.offered:.0f}/s, p50 {best.p50:.0f} ms, p95 {best.p95:.0f} ms, p99 {best.p99:.0f} ms)")


if __name__ == "__main__":
    main()

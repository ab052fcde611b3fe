"""The locust side of benchmarks/load_mixed.py, run as its own process (importing locust monkeypatches the
process with gevent, so the harness, the services and the tests never import this module).

Offers the mixed workload (benchmarks/load_workload.py) at each rate in turn: every simulated user sends one
request per second (`constant_throughput(1)`), so N users offer N requests/s. After a short ramp the
statistics are reset and the step is measured; one JSON line per step on stdout (`STEP {...}`), which the
parent reads, and at the end the requests sent to each service (`SENT {...}`).

    python -m benchmarks.load_locust --seed seed.json --rates 20,40,80 --step-s 30
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter

import gevent
from locust import constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

from benchmarks.load_steps import Step, passes
from benchmarks.load_workload import Seed, draw

RAMP_S = 3.0
# Requests sent to each service over the whole run (warm-up and ramps included), for the parent's CPU per request.
SENT: Counter[str] = Counter()


class MixedUser(FastHttpUser):
    """One client of the platform; the three services' base URLs and the token are set before the run."""
    wait_time = constant_throughput(1)
    host = "http://127.0.0.1"   # unused: every request names its service's full URL
    seed: Seed
    urls: dict[str, str] = {}
    token = ""
    # Fail fast rather than queue: a request slower than this is a failure of the step anyway.
    network_timeout = 10.0
    connection_timeout = 5.0

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def one_request(self) -> None:
        request = draw(self.seed, self.rng)
        SENT[request.service] += 1
        headers = {"Authorization": f"Bearer {self.token}", **request.headers()}
        url = f"{self.urls[request.service]}/api/v1{request.path}"
        with self.client.request(request.method, url, name=request.name, json=request.json, headers=headers,
                                 catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


def measure(environment: Environment, rate: int, step_s: float) -> dict:
    """Offer `rate` requests/s, let the users settle, then measure `step_s` seconds."""
    runner = environment.runner
    runner.start(rate, spawn_rate=max(rate / RAMP_S, 1.0))
    gevent.sleep(RAMP_S + 1.0)
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(step_s)
    elapsed = time.monotonic() - started
    total = environment.stats.total
    slowest = sorted(environment.stats.entries.values(), key=lambda e: e.get_response_time_percentile(0.99),
                     reverse=True)[:3]
    return {"offered": rate, "achieved": round(total.num_requests / elapsed, 1), "requests": total.num_requests,
            "failures": total.num_failures, "p50": total.get_response_time_percentile(0.5),
            "p95": total.get_response_time_percentile(0.95), "p99": total.get_response_time_percentile(0.99),
            "slowest": [[e.name, e.get_response_time_percentile(0.99)] for e in slowest],
            "errors": [f"{e.name}: {e.error}"[:200] for e in list(environment.stats.errors.values())[:3]]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", required=True, help="JSON file: the seed, the services' URLs and a token")
    parser.add_argument("--rates", required=True, help="offered requests/s per step, comma-separated")
    parser.add_argument("--step-s", type=float, default=30.0)
    parser.add_argument("--warm-up-s", type=float, default=10.0)
    parser.add_argument("--p99-ms", type=float, default=250.0, help="stop after the first step above this p99")
    args = parser.parse_args(argv)
    given = json.loads(open(args.seed, encoding="utf-8").read())
    MixedUser.seed, MixedUser.urls, MixedUser.token = Seed.from_dict(given["seed"]), given["urls"], given["token"]
    environment = Environment(user_classes=[MixedUser], events=events)
    environment.create_local_runner()
    rates = [int(r) for r in args.rates.split(",")]
    try:
        # First requests pay for imports, connection pools and cold caches in every gunicorn worker: not measured.
        warm = measure(environment, rates[0], args.warm_up_s)
        print(f"warm-up: {warm['requests']} requests at {rates[0]}/s, p99 {warm['p99']:.0f} ms (not counted)",
              flush=True)
        for rate in rates:
            step = measure(environment, rate, args.step_s)
            print("STEP " + json.dumps(step), flush=True)
            if not passes(Step.from_dict(step), args.p99_ms):
                break   # past the knee: more load only queues
    finally:
        environment.runner.quit()
        print("SENT " + json.dumps(SENT), flush=True)


if __name__ == "__main__":
    main()

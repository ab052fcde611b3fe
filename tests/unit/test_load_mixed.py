"""How benchmarks/load_mixed.py judges its load steps, and what its mix offers (no locust imported here: its
gevent monkeypatching must stay out of the test processes)."""
from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks.load_resources import kind_of
from benchmarks.load_steps import Step, highest_passing, passes, ramp
from benchmarks.load_workload import MIX, Seed, draw

ROOT = Path(__file__).resolve().parents[2]
SEED = Seed(organisation_ids=["o1", "o2"], person_ids=["p1"], meeting_ids=["m1", "m2"], open_meeting_ids=["m2"],
            report_ids=["r1"], period="2026", organisation_pages=3, run="t")


def step(offered, p99, failures=0, requests=1000, achieved=None):
    return Step(offered=offered, achieved=offered if achieved is None else achieved, requests=requests,
                failures=failures, p50=p99 / 4, p95=p99 / 2, p99=p99)


def test_the_highest_rate_is_the_last_step_under_the_limit_before_the_first_over_it():
    steps = [step(25, 40), step(40, 60), step(65, 180), step(100, 400), step(160, 120)]
    assert highest_passing(steps).offered == 65


def test_a_step_over_the_p99_limit_fails_even_by_a_millisecond():
    assert passes(step(25, 250)) and not passes(step(25, 251))


def test_a_fast_step_with_failures_beyond_one_percent_does_not_pass():
    assert passes(step(25, 50, failures=10)) and not passes(step(25, 50, failures=11))
    assert highest_passing([step(25, 50), step(40, 50, failures=200)]).offered == 25


def test_a_step_that_could_not_deliver_its_rate_does_not_pass():
    assert not passes(step(100, 80, achieved=70)) and passes(step(100, 80, achieved=95))


def test_no_step_passing_gives_no_rate():
    assert highest_passing([step(25, 300), step(40, 100)]) is None
    assert highest_passing([]) is None
    assert not passes(step(25, 10, requests=0))


def test_the_offered_rates_rise_geometrically_in_steps_of_five_up_to_the_limit():
    assert ramp(25, 400, 1.6) == [25, 40, 65, 100, 165, 260]
    assert ramp(1, 12, 2.0) == [5, 10]


def test_the_mix_is_eighty_percent_reads_and_twenty_percent_writes_on_all_three_services():
    assert sum(weight for weight, _ in MIX) == 100
    rng = random.Random(7)
    drawn = [draw(SEED, rng) for _ in range(20_000)]
    writes = sum(request.is_write for request in drawn) / len(drawn)
    assert 0.19 < writes < 0.21
    services = Counter(request.service for request in drawn if not request.is_write)
    assert set(services) == {"members", "events", "reporting"}
    assert {request.name for request in drawn} >= {"GET /organisations", "GET /meetings/{id}", "GET /indicators",
                                                   "POST /organisations", "POST /meetings/{id}/registrations"}


def test_every_write_carries_its_own_idempotency_key_and_reads_none():
    rng = random.Random(3)
    writes = [r for r in (draw(SEED, rng) for _ in range(500)) if r.is_write]
    keys = [w.headers()["Idempotency-Key"] for w in writes]
    assert len(set(keys)) == len(keys) == len(writes) > 0
    assert all(not r.headers() for r in (draw(SEED, rng) for _ in range(200)) if not r.is_write)


def test_registrations_go_to_the_open_meetings_only():
    rng = random.Random(5)
    paths = {r.path for r in (draw(SEED, rng) for _ in range(2000)) if r.name == "POST /meetings/{id}/registrations"}
    assert paths == {"/meetings/m2/registrations"}


def test_the_benchmark_process_never_imports_locust_or_gevent():
    # In a fresh interpreter: whether this test process has them depends on what else ran in it.
    check = ("import sys, benchmarks.load_mixed, benchmarks.load_workload, benchmarks.load_steps; "
             "print(sorted(m for m in ('gevent', 'locust') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


class Process:
    """What benchmarks.load_resources.kind_of reads of a psutil.Process."""

    def __init__(self, *argv, parent=None):
        self.argv, self._parent = list(argv), parent

    def cmdline(self):
        return self.argv

    def parent(self):
        return self._parent

    def name(self):
        return self.argv[0].rsplit("/", 1)[-1]


def test_each_process_of_the_stack_is_named_by_its_kind():
    bench = Process("/venv/bin/python", "-m", "benchmarks.load_mixed")
    master = Process("/venv/bin/python", "/venv/bin/gunicorn", "-c", "gunicorn.conf.py",
                     "services.events:create_app()", parent=bench)
    worker = Process(*master.argv, parent=master)
    assert kind_of(master) == "events web master" and kind_of(worker) == "events web worker"
    assert kind_of(Process("/venv/bin/python", "-m", "services.reporting.worker", parent=bench)) == \
        "reporting worker"
    assert kind_of(Process("/work/var/bin/secantusdb", "--port", "1234", parent=bench)) == "mongodb (SecantusDB)"
    assert kind_of(Process("/work/var/bin/tansu", "broker", parent=bench)) == "broker"
    assert kind_of(Process("/venv/bin/python", "-m", "benchmarks.load_locust", parent=bench)) == "locust client"
    assert kind_of(Process("/usr/bin/sleep", "1", parent=bench)) == "sleep"

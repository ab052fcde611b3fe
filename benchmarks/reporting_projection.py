"""Reporting projections under load: 100,000 attendances.

Starts its own SecantusDB and Tansu on free ports (or uses TVP_MONGO_URI and
TVP_KAFKA_BOOTSTRAP), generates a programme's history — organisations and their
approvals, meetings with their attendances and final summaries — and prints:

1. projection throughput (events/s): the events published to Kafka and consumed by
   the real reporting worker process (runtime: validation, dedupe, one transaction per
   batch; reporting's batched projection); also the same batches applied in-process,
   without Kafka, for comparison;
2. indicator query time for periods (named ones are one bucket; a from/to range is tiled);
3. rebuild time from the journal, and that the rebuilt indicators are identical.

    python -m benchmarks.reporting_projection [--attendances 100000] [--meetings 1000] [--orgs 2000]
                                              [--mode kafka|inprocess|both]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pymongo import MongoClient

from infra import embedded
from shared.contracts import REGISTRY, topics
from shared.messaging.envelope import CONTENT_TYPE

ISTANBUL = timezone(timedelta(hours=3))
CB_KINDS = ["workshop", "training", "site_visit", "matchmaking", "conference"]
THEMES = ["resource_efficiency", "energy_efficiency", "industrial_symbiosis", "eco_efficiency",
          "green_transition", "waste_management", "renewable_energy", "digitalisation"]
PROVINCES = ["Edirne", "Kırklareli", "Tekirdağ", "İstanbul", "Bursa"]
GENDERS = ["female", "male", "male", "female", "undisclosed"]


def say(text: str) -> None:
    print(text, flush=True)


class History:
    """Event dicts as members and events publish them (validated again by the consumer runtime)."""

    def __init__(self, orgs: int, meetings: int, attendances: int, seed: int = 5):
        self.rng = random.Random(seed)
        self.versions: Counter = Counter()
        self.events: list[tuple[str, str, dict]] = []  # (topic, key, event)
        self.now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        self._organisations(orgs)
        self._meetings(meetings, attendances)

    def _event(self, type_: str, aggregate: str, aggregate_id: str, data: dict) -> None:
        self.versions[aggregate_id] += 1
        body = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/tvp/" + type_.split(".")[2],
                "type": type_, "subject": f"{aggregate}/{aggregate_id}", "time": self.now,
                "datacontenttype": "application/json", "dataschema": f"urn:tvp:schema:{type_}",
                "aggregateversion": self.versions[aggregate_id], "correlationid": "bench", "causationid": "bench",
                "data": data}
        self.events.append((REGISTRY.spec(type_).topic, aggregate_id, body))

    def _organisations(self, count: int) -> None:
        self.orgs = []
        for n in range(count):
            org_id = uuid.uuid4().hex
            kind = "chamber" if n < 20 else ("company" if n % 10 else self.rng.choice(["ngo", "university",
                                                                                      "public_body"]))
            size = self.rng.choice(["micro", "small", "small", "medium", "large"]) if kind == "company" else None
            data = {"id": org_id, "name": f"Organisation {n}", "short_name": None, "kind": kind,
                    "province": self.rng.choice(PROVINCES), "region": "TR21", "district": None, "tax_number": None,
                    "nace_code": None, "size_class": size, "is_sme": kind == "company" and size != "large",
                    "employees": None, "email": None, "website": None, "status": "applicant"}
            self._event("tr.tvp.members.organisation.registered.v1", "organisation", org_id, data)
            at = datetime(2025, 1, 1, 10, tzinfo=ISTANBUL) + timedelta(days=self.rng.randrange(0, 600))
            self._event("tr.tvp.members.organisation.membership_changed.v1", "organisation", org_id, {
                **data, "status": "active", "action": "approve", "previous_status": "applicant", "reason": None,
                "actor": "bench", "at": at.isoformat()})
            self.orgs.append({"id": org_id, "key": org_id, "kind": kind, "size_class": size,
                              "province": data["province"], "is_sme": data["is_sme"], "member": True})

    def _meetings(self, count: int, attendances: int) -> None:
        per, extra = divmod(attendances, count)
        start = datetime(2025, 1, 6, 10, tzinfo=ISTANBUL)
        for n in range(count):
            meeting_id = uuid.uuid4().hex
            governance = n % 10 == 0
            kind = "advisory_board_meeting" if governance else self.rng.choice(CB_KINDS)
            starts = start + timedelta(days=int(n * 660 / count), hours=self.rng.randrange(0, 8))
            host = self.orgs[self.rng.randrange(0, 20)]
            themes = self.rng.sample(THEMES, 2)
            data = {"id": meeting_id, "kind": kind, "title": f"{kind} {n}", "description": None,
                    "body": "advisory_board" if governance else None, "sequence": n // 10 + 1 if governance else None,
                    "host_organisation_id": host["id"], "host": host,
                    "location": {"city": None, "address": None, "province": host["province"],
                                 "province_source": "host"},
                    "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
                    "themes": themes, "capacity": None, "status": "scheduled"}
            self._event("tr.tvp.events.meeting.scheduled.v2", "meeting", meeting_id, data)
            attended = []
            for _ in range(per + (1 if n < extra else 0)):
                org = self.orgs[min(len(self.orgs) - 1, int(self.rng.paretovariate(1.2) * 20) % len(self.orgs))]
                gender = self.rng.choice(GENDERS)
                attended.append((org, gender))
                self._event("tr.tvp.events.meeting.attendance_recorded.v1", "meeting", meeting_id, {
                    "id": meeting_id, "registration_id": uuid.uuid4().hex, "registrant": "participant",
                    "person_id": None, "seated": False, "gender": gender, "province": org["province"],
                    "organisation": org, "at": starts.isoformat()})
            listed = sorted({o["key"]: o for o, _ in attended}.values(), key=lambda o: o["key"])
            summary = {"attendances": len(attended),
                       "by_gender": dict(Counter(g for _, g in attended)),
                       "by_province": dict(Counter(o["province"] for o, _ in attended)),
                       "by_organisation_kind": dict(Counter(o["kind"] for o, _ in attended)),
                       "by_size_class": dict(Counter(o["size_class"] or "none" for o, _ in attended)),
                       "distinct_organisations": len(listed), "distinct_smes": sum(o["is_sme"] for o in listed),
                       "organisations": listed, "smes": [o for o in listed if o["is_sme"]]}
            quorum = {"seated": 9, "present": 6, "required": 5, "met": True} if governance else None
            self._event("tr.tvp.events.meeting.held.v1", "meeting", meeting_id, {
                "id": meeting_id, "kind": kind, "title": data["title"], "body": data["body"],
                "sequence": data["sequence"], "host_organisation_id": host["id"], "province": host["province"],
                "themes": themes, "starts_at": data["starts_at"], "ends_at": data["ends_at"],
                "held_at": data["ends_at"], "registrations": len(attended), "attendance": summary,
                "quorum": quorum, "decisions": 0})


def records(history: History):
    from shared.messaging.consumer import Record
    return [Record(topic=topic, partition=0, offset=n, key=key.encode(),
                   value=json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode())
            for n, (topic, key, event) in enumerate(history.events)]


def settings(mongo_uri: str, bootstrap: str, db_name: str, var_dir: Path):
    from shared.config import load_settings
    return load_settings("reporting", mongo_uri=mongo_uri, kafka_bootstrap=bootstrap, mongo_db=db_name,
                         var_dir=var_dir, jwt_public_key_file=var_dir / "keys" / "jwt-public.pem",
                         jwt_private_key_file=var_dir / "keys" / "jwt-private.pem")


def in_process(history: History, mongo_uri: str, bootstrap: str, var_dir: Path, batch_size: int = 500):
    from services.reporting import create_app
    from shared.messaging.consumer import EventConsumer

    db_name = f"bench_rep_inproc_{uuid.uuid4().hex[:6]}"
    app = create_app(settings(mongo_uri, bootstrap, db_name, var_dir))
    ctx = app.extensions["tvp"]
    dead = []
    bus = app.extensions["tvp.bus"]
    consumer = EventConsumer(ctx.client, ctx.db, REGISTRY, bus.event_handlers(), lambda r, e: dead.append(e),
                             batch_handler=bus.batch_handler())
    batch = records(history)
    started = time.perf_counter()
    last = started
    for n in range(0, len(batch), batch_size):
        consumer.process(batch[n:n + batch_size])
        if time.perf_counter() - last > 5:
            last = time.perf_counter()
            done = n + batch_size
            say(f"  in-process: {done}/{len(batch)} events, {done / (last - started):.0f} events/s")
    seconds = time.perf_counter() - started
    assert not dead, dead[:3]
    return db_name, seconds


def via_kafka(history: History, mongo_uri: str, bootstrap: str, var_dir: Path, log_dir: Path):
    from services.reporting import create_app
    from shared.messaging.kafka import make_producer

    db_name = f"bench_rep_kafka_{uuid.uuid4().hex[:6]}"
    app = create_app(settings(mongo_uri, bootstrap, db_name, var_dir))
    db = app.extensions["tvp"].db
    run = uuid.uuid4().hex[:6]
    say(f"publishing {len(history.events)} events to Kafka …")
    producer = make_producer(bootstrap, linger_ms=20, batch_size=256 * 1024)
    futures = []
    for n, (topic, key, event) in enumerate(history.events):
        futures.append(producer.send(topic, key=key.encode(), headers=[("content-type", CONTENT_TYPE.encode())],
                                     value=json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()))
        if (n + 1) % 20000 == 0:
            say(f"  published {n + 1}")
    producer.flush(timeout=120)
    for future in futures[-10:]:
        future.get(timeout=60)
    producer.close()
    env = {"TVP_MONGO_URI": mongo_uri, "TVP_KAFKA_BOOTSTRAP": bootstrap, "TVP_VAR_DIR": str(var_dir),
           "TVP_REPORTING_DB": db_name, "TVP_REPORTING_GROUP": f"bench.{run}", "TVP_LOG_LEVEL": "WARNING",
           "TVP_JWT_PUBLIC_KEY_FILE": str(var_dir / "keys" / "jwt-public.pem"),
           "TVP_JWT_PRIVATE_KEY_FILE": str(var_dir / "keys" / "jwt-private.pem")}
    worker = embedded.ManagedProcess("reporting worker", [sys.executable, "-m", "services.reporting.worker"],
                                     log_dir / "bench-reporting-worker.log", env=env).start()
    total = len(history.events)
    try:
        say("reporting worker started; waiting for it to join its group and consume …")
        first_at, last_report = None, time.perf_counter()
        while True:
            if not worker.alive:
                raise RuntimeError(worker.died_message())
            state = db.projection_state.find_one({"_id": "projection"}) or {}
            done = state.get("seq", 0)
            now = time.perf_counter()
            if done and first_at is None:
                first_at, first_done = now, done
            if first_at and now - last_report > 5:
                last_report = now
                say(f"  worker: {done}/{total} events, {(done - first_done) / max(now - first_at, 1e-9):.0f} events/s")
            if done >= total:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - first_at
        return db_name, seconds, total - first_done
    finally:
        worker.stop()


def query_times(db, periods: list[str], repeat: int = 7) -> dict:
    from services.reporting.bootstrap import unit_of_work
    from services.reporting.domain.periods import parse_period
    from services.reporting.service_layer import indicators

    results = {}
    for label in periods:
        period = parse_period(label)
        indicators.compute(unit_of_work(db), period)  # warm
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            figures = indicators.compute(unit_of_work(db), period)
            samples.append((time.perf_counter() - began) * 1000)
        results[label] = (statistics.median(samples), max(samples), figures)
    return results


def values(figures: dict) -> dict:
    return {i["code"]: (i["value"], i["cumulative"], i["breakdowns"]) for i in figures["indicators"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attendances", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--mode", choices=["kafka", "inprocess", "both"], default="both")
    parser.add_argument("--batch", type=int, default=500, help="in-process batch size (the worker polls 500)")
    args = parser.parse_args(argv)

    from shared.auth import ensure_dev_keys
    from shared.messaging.kafka import ensure_topics

    workdir = Path(tempfile.mkdtemp(prefix="tvp-bench-reporting-"))
    var_dir, log_dir = workdir / "var", workdir / "log"
    ensure_dev_keys(var_dir / "keys" / "jwt-private.pem", var_dir / "keys" / "jwt-public.pem")
    started_servers = []
    try:
        mongo_uri, bootstrap = os.environ.get("TVP_MONGO_URI"), os.environ.get("TVP_KAFKA_BOOTSTRAP")
        if not mongo_uri:
            port = embedded.free_port()
            mongo = embedded.embedded_mongo(port, workdir / "mongodb", log_dir).start()
            started_servers.append(mongo)
            embedded.wait_for_mongo(mongo, port)
            mongo_uri = embedded.mongo_uri(port)
        if not bootstrap:
            port = embedded.free_port()
            kafka = embedded.embedded_kafka(port, log_dir).start()
            started_servers.append(kafka)
            embedded.wait_for_kafka(kafka, port)
            bootstrap = f"127.0.0.1:{port}"
        ensure_topics(bootstrap, topics.ALL, partitions=3)
        say(f"MongoDB {mongo_uri}, Kafka {bootstrap}")
        began = time.perf_counter()
        history = History(args.orgs, args.meetings, args.attendances)
        say(f"generated {len(history.events)} events ({args.orgs} organisations, {args.meetings} meetings, "
            f"{args.attendances} attendances) in {time.perf_counter() - began:.1f}s")
        names = []
        if args.mode in ("inprocess", "both"):
            say(f"1a. projection in-process (runtime + projection, batches of {args.batch}, no Kafka) …")
            name, seconds = in_process(history, mongo_uri, bootstrap, var_dir, args.batch)
            say(f"    {len(history.events)} events in {seconds:.1f}s = {len(history.events) / seconds:.0f} events/s")
            names.append(name)
        if args.mode in ("kafka", "both"):
            say("1b. projection by the reporting worker from Kafka …")
            name, seconds, counted = via_kafka(history, mongo_uri, bootstrap, var_dir, log_dir)
            say(f"    {counted} events in {seconds:.1f}s (from its first batch) = {counted / seconds:.0f} events/s")
            names.append(name)
        client = MongoClient(mongo_uri)
        dbs = [client[name] for name in names]
        db = dbs[-1]
        say("2. indicator query time (median and max of 7, after one warm-up) …")
        periods = ["2026-Q3", "2026-H1", "2025", "2025-03-15/2026-02-10"]
        timed = query_times(db, periods)
        for label, (median, worst, figures) in timed.items():
            oi4 = next(i for i in figures["indicators"] if i["code"] == "OI.4")
            oi5 = next(i for i in figures["indicators"] if i["code"] == "OI.5")
            say(f"    {label:<24} median {median:6.1f} ms, max {worst:6.1f} ms  (OI.4 {oi4['value']} / "
                f"cumulative {oi4['cumulative']}; OI.5 {oi5['value']} / {oi5['cumulative']})")
        if len(dbs) == 2:
            same = (values(query_times(dbs[0], ["2026-Q3"], 1)["2026-Q3"][2]) ==
                    values(query_times(dbs[1], ["2026-Q3"], 1)["2026-Q3"][2]))
            say(f"    in-process and worker projections agree: {same}")
        say("3. rebuild from the journal …")
        from services.reporting.entrypoints.rebuild_command import rebuild_projections
        before = {label: values(figures) for label, (_, _, figures) in timed.items()}
        result = rebuild_projections(mongo_uri, db.name, say=lambda text: say("    " + text))
        after = {label: values(query_times(db, [label], 1)[label][2]) for label in periods}
        say(f"    rebuild: {result['events']} events in {result['seconds']:.1f}s = "
            f"{result['events'] / result['seconds']:.0f} events/s; indicators identical: {before == after}")
        return 0 if before == after else 1
    finally:
        for process in reversed(started_servers):
            process.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

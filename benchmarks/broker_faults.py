"""Broker faults on a three-node Apache Kafka cluster under a steady write load through the API.

Starts SecantusDB, a three-node KRaft cluster (every node broker and voter; topics with replication
factor 3 and min.insync.replicas 2) and the three services under gunicorn with their workers, all on
127.0.0.1 and free ports. Writers create organisations and rename each twice through the members API
(three versions per aggregate) at a steady rate, while, in turn:

  kill -9 one broker (not the controller) · bring it back · kill -9 the active controller · bring it back

No service process is restarted. Per step it prints: writes acknowledged (201/200) in the step, events
lost (an acknowledged write whose event is missing on tvp.members.organisations, or whose version never
reached the events service's member view), order violations (a key's aggregateversion going down on
the topic) and the seconds until the pipeline flowed again: until every write acknowledged before the
step is in the events view and a write acknowledged after it is there too. At the end it checks the
consumer groups' lag on the topic is 0 and prints a table and one JSON line.

    python -m benchmarks.broker_faults [--rate 20] [--fault-seconds 15] [--quick]

--quick: one broker kill and its return (the short variant). Bounded: aborts after --budget seconds.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from kafka import KafkaConsumer, TopicPartition
from pymongo import MongoClient

from infra import apache_kafka, embedded
from infra.embedded import ServiceStack, free_port
from shared.auth import TokenIssuer, ensure_dev_keys
from shared.contracts import topics
from shared.messaging.kafka import ensure_topics, make_admin

TOPIC = "tvp.members.organisations"
EVENTS_DB = "tvp_faults_events"


def organisation(name: str) -> dict:
    return {"name": name, "kind": "company", "size_class": "small", "province": "Edirne", "employees": 20}


@dataclass
class Write:
    organisation: str
    version: int
    acked_at: float


@dataclass
class Step:
    name: str
    started_at: float
    ended_at: float = 0.0
    figures: dict = field(default_factory=dict)


class Load:
    """Writer threads: POST an organisation, PATCH its name twice; every acknowledged write is recorded."""

    def __init__(self, base: str, headers: dict, rate: float, threads: int = 2):
        self.base, self.headers, self.interval = base, headers, threads / rate
        self.threads, self.writes, self.errors = threads, [], defaultdict(int)
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def _ack(self, organisation: str, version: int) -> None:
        with self._lock:
            self.writes.append(Write(organisation, version, time.monotonic()))

    def _call(self, session, method, url, body):
        try:
            response = session.request(method, url, json=body, headers=self.headers, timeout=10)
        except requests.RequestException as exc:
            self.errors[type(exc).__name__] += 1
            return None
        if response.status_code not in (200, 201):
            self.errors[str(response.status_code)] += 1
            return None
        return response.json()

    def _run(self, worker: int) -> None:
        session, n = requests.Session(), 0
        while not self.stop.is_set():
            n += 1
            created = self._call(session, "POST", f"{self.base}/api/v1/organisations",
                                 organisation(f"Fault Firma {worker}-{n}"))
            if created:
                self._ack(created["id"], created["version"])
                for rename in (1, 2):
                    if self.stop.wait(self.interval):
                        return
                    changed = self._call(session, "PATCH", f"{self.base}/api/v1/organisations/{created['id']}",
                                         {"name": f"Fault Firma {worker}-{n} r{rename}"})
                    if changed:
                        self._ack(changed["id"], changed["version"])
            self.stop.wait(self.interval)

    def start(self) -> "Load":
        self._threads = [threading.Thread(target=self._run, args=(w,), daemon=True) for w in range(self.threads)]
        for thread in self._threads:
            thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(15)

    def acknowledged(self) -> list[Write]:
        with self._lock:
            return list(self.writes)


class ViewWatcher:
    """Polls the events service's member view: when each (organisation, version) first showed there."""

    def __init__(self, client: MongoClient):
        self.view = client[EVENTS_DB].member_organisations
        self.seen: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            now = time.monotonic()
            try:
                for doc in self.view.find({}, {"version": 1}):
                    versions = self.seen[doc["_id"]]
                    if not versions or versions[-1][0] < doc.get("version", 0):
                        versions.append((doc.get("version", 0), now))
            except Exception:   # the database is not under test; try again on the next tick
                continue

    def seen_at(self, write: Write) -> float | None:
        """When the view first held this write's version or a later one."""
        return next((at for version, at in self.seen.get(write.organisation, []) if version >= write.version), None)


def read_topic(bootstrap: str, topic: str, timeout_s: float = 60) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=10000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records, deadline = [], time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500, max_records=5000).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def group_lags(bootstrap: str, topic: str) -> dict[str, int]:
    """Each consumer group's lag on `topic` (end offset minus committed offset, summed over partitions)."""
    admin = make_admin(bootstrap, request_timeout_ms=10000)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        ends = consumer.end_offsets(partitions)
        lags = {}
        for group in admin.list_groups():
            name = group["group_id"] if isinstance(group, dict) else group[0]
            offsets = admin.list_group_offsets({name: None}).get(name, {})
            mine = {tp: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
            if mine:
                lags[name] = sum(ends[tp] - mine.get(tp, 0) for tp in partitions)
        return lags
    finally:
        consumer.close()
        admin.close()


def step_figures(step: Step, writes: list[Write], watcher: ViewWatcher, on_topic: dict, violations: dict) -> dict:
    """Figures of the writes acknowledged during `step`, and how long the pipeline took to flow again after it."""
    during = [w for w in writes if step.started_at <= w.acked_at < step.ended_at]
    lost = [w for w in during if (w.organisation, w.version) not in on_topic or watcher.seen_at(w) is None]
    before = [w for w in writes if w.acked_at < step.started_at]
    behind = [watcher.seen_at(w) for w in before]
    first_after = [s for s in (watcher.seen_at(w) for w in during) if s is not None]
    if not first_after:
        recovered = float("nan")   # nothing acknowledged during the step reached the view
    else:
        recovered = max([s for s in behind if s is not None and s > step.started_at] + [min(first_after)])
    return {"writes_acknowledged": len(during), "events_lost": len(lost),
            "order_violations": sum(n for key, n in violations.items() if key in {w.organisation for w in during}),
            "recovery_s": round(recovered - step.started_at, 1)}


def order_violations(records) -> dict[str, int]:
    """Per key, how often aggregateversion went down along the topic (a duplicate repeats, never goes down)."""
    highest, violations = {}, defaultdict(int)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        event = json.loads(record.value)
        key = record.key.decode()
        if event["aggregateversion"] < highest.get(key, 0):
            violations[key] += 1
        highest[key] = max(highest.get(key, 0), event["aggregateversion"])
    return violations


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="tvp-faults-"))
    started, deadline = time.monotonic(), time.monotonic() + args.budget
    log_dir = work / "log"
    mongo_port = free_port()
    mongo = embedded.embedded_mongo(mongo_port, work / "mongodb", log_dir).start()
    cluster = None
    try:
        embedded.wait_for_mongo(mongo, mongo_port)
        cluster = apache_kafka.KafkaCluster(work / "kafka", size=3).start()
        bootstrap = cluster.bootstrap
        print(f"SecantusDB :{mongo_port}, Apache Kafka ×3 {bootstrap} (logs in {log_dir}, "
              f"{time.monotonic() - started:.0f} s)", flush=True)
        ensure_topics(bootstrap, topics.ALL, partitions=3, replication_factor=3)
        private, public = work / "jwt-private.pem", work / "jwt-public.pem"
        ensure_dev_keys(private, public)
        headers = {"Authorization": "Bearer " + TokenIssuer(private.read_bytes()).issue("platform_admin",
                                                                                         subject="faults")}
        env = {"TVP_MONGO_URI": embedded.mongo_uri(mongo_port), "TVP_KAFKA_BOOTSTRAP": bootstrap,
               "TVP_VAR_DIR": str(work), "TVP_JWT_PUBLIC_KEY_FILE": str(public),
               "TVP_JWT_PRIVATE_KEY_FILE": str(private), "TVP_LOG_LEVEL": "WARNING",
               "TVP_MEMBERS_DB": "tvp_faults_members", "TVP_EVENTS_DB": EVENTS_DB,
               "TVP_REPORTING_DB": "tvp_faults_reporting"}
        client = MongoClient(embedded.mongo_uri(mongo_port))
        ports = {s: free_port() for s in ("members", "events", "reporting")}
        with ServiceStack(env, log_dir, ports, web_workers=1) as stack:
            base = stack.url("members")
            response = requests.post(f"{base}/api/v1/organisations", headers=headers, timeout=10,
                                     json=organisation("Warm-up"))
            if response.status_code != 201:
                raise SystemExit(f"the warm-up POST failed: {response.status_code} {response.text[:300]}")
            warm = response.json()
            while not client[EVENTS_DB].member_organisations.find_one({"_id": warm["id"]}):
                if time.monotonic() > deadline:
                    raise SystemExit("the events worker never received the warm-up event")
                time.sleep(0.2)
            print(f"services ready ({time.monotonic() - started:.0f} s); load {args.rate:g} writes/s", flush=True)
            watcher = ViewWatcher(client)
            watcher.thread.start()
            load = Load(base, headers, args.rate).start()
            steps: list[Step] = []

            def step(name: str, action) -> None:
                # A step begins when its action begins: a restart's own start-up time belongs to it.
                now = time.monotonic()
                if steps:
                    steps[-1].ended_at = now
                steps.append(Step(name, now))
                steps[-1].name = f"{name} {action()}".strip()
                print(f"  {time.monotonic() - started:5.0f} s  {steps[-1].name}", flush=True)
                time.sleep(min(args.fault_seconds, max(0.0, deadline - time.monotonic() - 60)))

            def kill(node_id: int):
                def action():
                    cluster.nodes[node_id - 1].kill()
                    return f"(node {node_id})"
                return action

            def restart(node_id: int):
                def action():
                    node = cluster.nodes[node_id - 1]
                    began = time.monotonic()
                    node.start()
                    embedded.wait_for_kafka(node, node.port, timeout_s=60)
                    return f"(node {node_id}, up in {time.monotonic() - began:.0f} s)"
                return action

            service_pids = {p.name: p.proc.pid for p in stack.processes}
            step("steady, no fault", lambda: "")
            controller = apache_kafka.active_controller(bootstrap)
            victim = next(n for n in (1, 2, 3) if n != controller)
            step("kill -9 broker", kill(victim))
            step("restart broker", restart(victim))
            if not args.quick:
                controller = apache_kafka.active_controller(bootstrap)
                step("kill -9 controller", kill(controller))
                step("restart controller", restart(controller))
            steps[-1].ended_at = time.monotonic()
            load.finish()
            # Drain: every acknowledged write downstream, or the budget's end.
            writes = load.acknowledged()
            while any(watcher.seen_at(w) is None for w in writes) and time.monotonic() < deadline - 20:
                time.sleep(0.5)
            time.sleep(0.5)
            watcher.stop.set()
            # The claim is recovery without a restart: every service process is the one started above.
            restarted = sorted(p.name for p in stack.processes
                               if not p.alive or service_pids.get(p.name) != p.proc.pid)
            records = read_topic(bootstrap, TOPIC)
            on_topic = {(r.key.decode(), json.loads(r.value)["aggregateversion"]) for r in records}
            violations = order_violations(records)
            try:
                lags = group_lags(bootstrap, TOPIC)
            except Exception as exc:   # the figures above stand without it
                lags = {"unknown": f"{type(exc).__name__}: {exc}"}
            for s in steps:
                s.figures = step_figures(s, writes, watcher, on_topic, violations)
            lost_total = sum(1 for w in writes if (w.organisation, w.version) not in on_topic
                             or watcher.seen_at(w) is None)
        client.close()
        return {"benchmark": "broker_faults", "nodes": 3, "replication_factor": 3, "min_insync_replicas": 2,
                "rate_per_s": args.rate, "writes_acknowledged": len(writes), "write_errors": dict(load.errors),
                "events_lost": lost_total, "order_violations": sum(violations.values()),
                "records_on_topic": len(records), "duplicates_on_topic": len(records) - len(on_topic),
                "group_lag_at_end": lags, "service_processes_restarted_or_dead": restarted,
                "steps": [{"step": s.name, **s.figures} for s in steps],
                "seconds": round(time.monotonic() - started, 1)}
    finally:
        if cluster is not None:
            cluster.stop()
        mongo.stop()
        shutil.rmtree(work, ignore_errors=True)


def print_table(result: dict) -> None:
    print(f"\n{'step':<40} {'acked':>6} {'lost':>5} {'order':>6} {'recovery':>9}")
    for s in result["steps"]:
        print(f"{s['step']:<40} {s['writes_acknowledged']:>6} {s['events_lost']:>5} {s['order_violations']:>6} "
              f"{s['recovery_s']:>8}s")
    print(f"{'whole run':<40} {result['writes_acknowledged']:>6} {result['events_lost']:>5} "
          f"{result['order_violations']:>6}")
    print(f"records on {TOPIC}: {result['records_on_topic']} ({result['duplicates_on_topic']} duplicates); "
          f"write errors: {result['write_errors'] or 'none'}; consumer lag at the end: {result['group_lag_at_end']}; "
          f"service processes restarted or dead: {result['service_processes_restarted_or_dead'] or 'none'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20, help="writes per second through the API")
    parser.add_argument("--fault-seconds", type=float, default=15, help="how long each step is watched")
    parser.add_argument("--quick", action="store_true", help="one broker kill and its return only")
    parser.add_argument("--budget", type=float, default=280, help="abort after this many seconds")
    args = parser.parse_args(argv)
    if not apache_kafka.java_available():
        print("Apache Kafka needs java and mvn", file=sys.stderr)
        return 2
    result = run(args)
    print_table(result)
    print(json.dumps(result))
    healthy = not result["service_processes_restarted_or_dead"]
    return 0 if result["events_lost"] == 0 and result["order_violations"] == 0 and healthy else 1


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of `tvp subscribe` reading a public topic from the beginning, against a plain kafka-python consumer.

Starts its own Tansu broker on a free port (nothing on the default ports is touched),
fills `tvp.public.meetings.v1` with N public meeting events (real payloads built and
validated by the registry, ~1 KB each, 3 partitions), then in the same run, alternating,
R rounds of:

- `tvp subscribe tvp.public.meetings.v1 --from-beginning --max-events N --output FILE`,
  the command as a user runs it (its own process: wall time includes start-up, imports,
  JSON parsing, de-duplication by id, writing NDJSON, fsync and offset commits);
- the same reader in-process (`infra.subscribe.Subscriber`), without process start-up;
- a plain kafka-python consumer (the README's few lines: `KafkaConsumer(topic,
  auto_offset_reset="earliest")`, no group) iterating over the N records, the same with
  `json.loads` of every value, and kafka-python with `tvp subscribe`'s fetch settings
  polling in batches and only counting (the ceiling of the client library here).

Prints events per second (median of the rounds).

    python -m benchmarks.subscribe_throughput [--events 50000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from infra import embedded
from infra.subscribe import Subscriber
from shared.contracts import REGISTRY
from shared.contracts import public as contract
from shared.messaging.kafka import ensure_topics, make_producer
from shared.messaging.relay import _send

TOPIC = contract.MEETINGS
ROOT = Path(__file__).resolve().parents[1]


def meeting(n: int) -> dict:
    return {"id": f"m{n}", "kind": "workshop", "title": f"Kaynak verimliliği atölyesi {n}", "body": None,
            "sequence": None, "host_organisation_id": f"o{n % 40}", "city": "Çorlu", "province": "Tekirdağ",
            "starts_at": "2026-10-01T10:00:00+03:00", "ends_at": "2026-10-01T16:00:00+03:00",
            "themes": ["resource_efficiency", "industrial_symbiosis"], "capacity": 40, "status": "held",
            "registrations": 31, "waitlisted": 2, "held_at": "2026-10-01T16:05:00+03:00",
            "attendance": {"attendances": 28, "by_gender": {"female": 13, "male": 14, "undisclosed": 1},
                           "by_province": {"Tekirdağ": 20, "Edirne": 5, "Kırklareli": 3},
                           "by_organisation_kind": {"company": 24, "chamber": 4},
                           "by_size_class": {"micro": 6, "small": 12, "medium": 6, "none": 4},
                           "distinct_organisations": 19, "distinct_smes": 15},
            "quorum": None, "decisions": 0, "changes": ["held"]}


def fill(bootstrap: str, count: int) -> int:
    producer = make_producer(bootstrap, linger_ms=20, batch_size=256 * 1024)
    size, futures = 0, []
    for n in range(count):
        event = REGISTRY.build(contract.MEETING_PUBLISHED, f"m{n}", 1 + n % 7, meeting(n),
                               correlation_id="bench").to_dict()
        size += len(json.dumps(event, ensure_ascii=False).encode())
        futures.append(_send(producer, TOPIC, event))
        if len(futures) >= 5000:
            producer.flush(timeout=60)
            [f.get(timeout=60) for f in futures]
            futures = []
    producer.flush(timeout=60)
    [f.get(timeout=60) for f in futures]
    producer.close(timeout=10)
    return size // count


def cli_subscribe(bootstrap: str, count: int, out: Path) -> float:
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "infra.cli", "subscribe", TOPIC, "--from-beginning",
                             "--group", f"bench-cli-{uuid.uuid4().hex[:6]}", "--max-events", str(count),
                             "--output", str(out), "--quiet", "--bootstrap", bootstrap],
                            capture_output=True, cwd=ROOT, timeout=600)
    elapsed = time.perf_counter() - began
    assert result.returncode == 0, result.stderr.decode()
    lines = sum(1 for _ in out.open("rb"))
    assert lines == count, f"tvp subscribe wrote {lines} of {count}"
    return elapsed


def inprocess_subscribe(bootstrap: str, count: int, out: Path) -> float:
    began = time.perf_counter()
    subscriber = Subscriber(TOPIC, bootstrap, f"bench-in-{uuid.uuid4().hex[:6]}", from_beginning=True,
                            output=out, max_events=count)
    subscriber.run()
    elapsed = time.perf_counter() - began
    assert subscriber.written == count
    return elapsed


def plain_consumer(bootstrap: str, count: int, parse: bool) -> float:
    from kafka import KafkaConsumer

    began = time.perf_counter()
    consumer = KafkaConsumer(TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False)
    seen = 0
    for record in consumer:
        if parse:
            json.loads(record.value)
        seen += 1
        if seen >= count:
            break
    elapsed = time.perf_counter() - began
    consumer.close()
    return elapsed


def plain_batches(bootstrap: str, count: int) -> float:
    """kafka-python with the fetch settings `tvp subscribe` uses, poll() in batches, records only counted."""
    from kafka import KafkaConsumer

    began = time.perf_counter()
    consumer = KafkaConsumer(TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, fetch_max_wait_ms=200, max_poll_records=2000)
    seen = 0
    while seen < count:
        seen += sum(len(records) for records in consumer.poll(timeout_ms=250).values())
    elapsed = time.perf_counter() - began
    consumer.close()
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tvp-bench-subscribe-"))
    port = embedded.free_port()
    kafka = embedded.embedded_kafka(port, workdir / "log").start()
    try:
        embedded.wait_for_kafka(kafka, port)
        bootstrap = f"127.0.0.1:{port}"
        ensure_topics(bootstrap, [TOPIC], partitions=3)
        print(f"filling {TOPIC} with {args.events} public meeting events …", flush=True)
        began = time.perf_counter()
        size = fill(bootstrap, args.events)
        print(f"  {args.events} events of ~{size} bytes in {time.perf_counter() - began:.1f}s", flush=True)
        results: dict[str, list[float]] = {"tvp subscribe (command, NDJSON to a file)": [],
                                           "tvp subscribe (in-process Subscriber)": [],
                                           "plain kafka-python consumer": [],
                                           "plain kafka-python consumer + json.loads": [],
                                           "plain kafka-python, poll() batches as tvp subscribe": []}
        for round_ in range(args.rounds):
            for name in results:
                out = workdir / f"out-{round_}-{len(results[name])}-{uuid.uuid4().hex[:4]}.ndjson"
                if name.startswith("tvp subscribe (command"):
                    elapsed = cli_subscribe(bootstrap, args.events, out)
                elif name.startswith("tvp subscribe (in-process"):
                    elapsed = inprocess_subscribe(bootstrap, args.events, out)
                elif name.startswith("plain kafka-python, poll()"):
                    elapsed = plain_batches(bootstrap, args.events)
                else:
                    elapsed = plain_consumer(bootstrap, args.events, parse=name.endswith("json.loads"))
                results[name].append(args.events / elapsed)
                print(f"  round {round_ + 1}: {name}: {args.events / elapsed:,.0f} events/s", flush=True)
        print(f"\n{args.events} events from the beginning of {TOPIC} (3 partitions, Tansu in memory), "
              f"median of {args.rounds} rounds, same run:")
        for name, rates in results.items():
            print(f"  {name:<45} {statistics.median(rates):>10,.0f} events/s")
        base = statistics.median(results["plain kafka-python consumer"])
        cli = statistics.median(results["tvp subscribe (command, NDJSON to a file)"])
        print(f"  tvp subscribe / plain consumer: {cli / base:.2f}")
        return 0
    finally:
        kafka.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

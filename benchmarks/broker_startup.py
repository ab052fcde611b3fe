"""Start-to-ready of Apache Kafka (infra/kafka/) against Tansu on this machine, and of `tvp up` with each.

Broker alone, per round, on free ports (nothing on the default ports is touched):

- Tansu: start the binary, ready when kafka-python's admin client lists topics; stop; again
  (cold and warm are the same thing for an in-memory broker, both are printed anyway);
- Apache Kafka cold: empty data directory, so format the KRaft storage, start, ready as above;
  then the platform's topics are created and a few hundred records written, and the node stops;
- Apache Kafka warm: the same data directory started again (recovery of the written logs).

With --tvp-up, also `tvp up` as `make run` runs it (after installation, so without `make install`),
on free ports in a scratch TVP_VAR_DIR: cold (first run) and warm (second run, same var dir), time
from the process start to its "ready in" line, for each broker. This is the figure of the startup
goal: all services ready within 15 s after installation.

The jars are fetched before timing (a first `ensure_kafka_jars` may take ~20 s and is not start-up).
TVP_KAFKA_JAVA_OPTS changes the JVM options of the broker, to compare settings.

    python -m benchmarks.broker_startup [--rounds 3] [--tvp-up]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from infra import apache_kafka, embedded


def _ready_after(process: embedded.ManagedProcess, port: int) -> float:
    started = time.monotonic()
    process.start()
    embedded.wait_for_kafka(process, port, timeout_s=120)
    return time.monotonic() - started


def _fill(bootstrap: str, records: int = 300) -> None:
    from kafka import KafkaProducer

    from shared.contracts import topics
    from shared.messaging.kafka import ensure_topics

    ensure_topics(bootstrap, topics.ALL, partitions=3)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for n in range(records):
            producer.send(topics.ALL[n % len(topics.ALL)], b"x" * 1000, key=str(n).encode())
        producer.flush(timeout=60)
    finally:
        producer.close()


def tansu_round(work: Path) -> tuple[float, float]:
    port = embedded.free_port()
    times = []
    for _ in ("cold", "warm"):
        broker = embedded.embedded_kafka(port, work / "log")
        try:
            times.append(_ready_after(broker, port))
        finally:
            broker.stop()
    return times[0], times[1]


def kafka_round(work: Path) -> tuple[float, float, float]:
    port, data_dir = embedded.free_port(), work / "kafka"
    node = apache_kafka.single_node(port, data_dir, work / "log")
    try:
        cold = _ready_after(node, port)
        assert node.formatted_now
        _fill(f"127.0.0.1:{port}")
    finally:
        stopping = time.monotonic()
        node.stop()
        stop = time.monotonic() - stopping
    node = apache_kafka.single_node(port, data_dir, work / "log")
    try:
        warm = _ready_after(node, port)
        assert not node.formatted_now
    finally:
        node.stop()
    return cold, warm, stop


def tvp_up_ready(var_dir: Path, broker: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_") or k == "TVP_KAFKA_JAVA_OPTS"}
    env.update(TVP_VAR_DIR=str(var_dir), TVP_BROKER=broker, TVP_EMBEDDED_MONGO_PORT=str(embedded.free_port()),
               TVP_EMBEDDED_KAFKA_PORT=str(embedded.free_port()), TVP_MEMBERS_PORT=str(embedded.free_port()),
               TVP_EVENTS_PORT=str(embedded.free_port()), TVP_REPORTING_PORT=str(embedded.free_port()),
               TVP_CONSOLE_PORT=str(embedded.free_port()), TVP_MAIL_CATCHER_PORT=str(embedded.free_port()))
    tvp = str(Path(sys.executable).with_name("tvp"))
    started = time.monotonic()
    proc = subprocess.Popen([tvp, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip())
            if "ready in" in line:
                return time.monotonic() - started
        raise RuntimeError("tvp up ended before it was ready: " + " | ".join(lines[-5:]))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(90)


def median(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tvp-up", action="store_true", help="also time `tvp up` with each broker")
    args = parser.parse_args()
    print(f"Apache Kafka {apache_kafka.kafka_version()}: fetching the jars if needed…", flush=True)
    apache_kafka.ensure_kafka_jars()
    print(f"JVM options: {' '.join(apache_kafka.java_options())}; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    tansu_cold, tansu_warm, kafka_cold, kafka_warm, kafka_stop = [], [], [], [], []
    for n in range(args.rounds):
        work = Path(tempfile.mkdtemp(prefix="tvp-bench-broker-"))
        try:
            cold, warm = tansu_round(work)
            tansu_cold.append(cold)
            tansu_warm.append(warm)
            cold, warm, stop = kafka_round(work)
            kafka_cold.append(cold)
            kafka_warm.append(warm)
            kafka_stop.append(stop)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"round {n + 1}: Tansu {tansu_cold[-1]:.2f}/{tansu_warm[-1]:.2f} s, Apache Kafka cold "
              f"{kafka_cold[-1]:.2f} s, warm {kafka_warm[-1]:.2f} s, stop {kafka_stop[-1]:.2f} s", flush=True)
    print("\nstart-to-ready, median of", args.rounds, "rounds")
    print(f"  Tansu          cold {median(tansu_cold)}   warm {median(tansu_warm)}")
    print(f"  Apache Kafka   cold {median(kafka_cold)}   warm {median(kafka_warm)}   "
          f"(cold includes formatting the storage)")
    print(f"  ratio Kafka/Tansu: cold {statistics.median(kafka_cold) / statistics.median(tansu_cold):.1f}x, "
          f"warm {statistics.median(kafka_warm) / statistics.median(tansu_warm):.1f}x")
    print(f"  Apache Kafka clean stop {median(kafka_stop)}")
    if args.tvp_up:
        print("\n`tvp up` from start to \"ready in\" (goal: 15 s)", flush=True)
        for broker in ("tansu", "kafka"):
            var_dir = Path(tempfile.mkdtemp(prefix=f"tvp-bench-up-{broker}-"))
            try:
                cold = tvp_up_ready(var_dir, broker)
                warm = tvp_up_ready(var_dir, broker)
            finally:
                shutil.rmtree(var_dir, ignore_errors=True)
            print(f"  TVP_BROKER={broker:<6} cold {cold:5.2f} s   warm {warm:5.2f} s", flush=True)


if __name__ == "__main__":
    main()

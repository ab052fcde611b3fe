"""Real MongoDB and Kafka for tests: the embedded servers, or testcontainers where Docker runs.

TVP_TEST_INFRA=embedded (default) starts SecantusDB and a broker on free ports: Apache Kafka from
infra/kafka/ where Java 17 and Maven are present, else Tansu (TVP_TEST_BROKER=kafka|tansu chooses);
TVP_TEST_INFRA=testcontainers starts mongo:7 (as a one-node replica set, for
transactions) and Apache Kafka in containers.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from infra import embedded
from shared.messaging.broker import Broker


def chosen_test_broker() -> str:
    """The embedded broker of the tests: TVP_TEST_BROKER=kafka|tansu; unset, Apache Kafka where Java is present."""
    return embedded.broker_kind(os.environ.get("TVP_TEST_BROKER"), "TVP_TEST_BROKER")


@dataclass
class Servers:
    mongo_uri: str
    kafka_bootstrap: str
    mongo: object = None   # ManagedProcess when embedded (tests may restart it)
    kafka: object = None
    kafka_port: int | None = None
    log_dir: Path | None = None
    broker: str = embedded.DEFAULT_BROKER   # which embedded broker `kafka` is
    kafka_data_dir: Path | None = None       # Apache Kafka's storage (Tansu keeps none)

    @property
    def broker_keeps_messages(self) -> bool:
        """A restart of Tansu forgets every message; Apache Kafka keeps them."""
        return self.messaging.keeps_messages

    @property
    def messaging(self) -> Broker:
        """What the platform's code is told about this broker (the services' TVP_BROKER setting)."""
        return Broker(self.broker)

    def restart_kafka(self) -> None:
        """Stop and start the embedded broker on the same port (Tansu loses its messages, Apache Kafka keeps them)."""
        self.stop_kafka()
        self.start_kafka()

    def stop_kafka(self) -> None:
        self.kafka.stop()

    def start_kafka(self) -> None:
        self.kafka = embedded.embedded_broker(self.broker, self.kafka_port, self.log_dir, self.kafka_data_dir).start()
        embedded.wait_for_kafka(self.kafka, self.kafka_port)


def private_data_dir(log_dir: Path) -> Path:
    """Where the private broker of `log_dir` keeps its messages: beside its log, named after it. Apache Kafka
    comes back with whatever that directory holds, so two private brokers must never share one (a shared
    `kafka-data` let each end-to-end module's fresh consumers read every earlier module's events)."""
    return log_dir.with_name(f"{log_dir.name}-data")


def start_private_kafka(servers: Servers, log_dir: Path) -> Servers:
    """A copy of `servers` with a broker of its own (of the same kind) on a free port, its storage empty."""
    port = embedded.free_port()
    data_dir = private_data_dir(log_dir)
    kafka = embedded.embedded_broker(servers.broker, port, log_dir, data_dir).start()
    try:
        embedded.wait_for_kafka(kafka, port)
    except BaseException:
        kafka.stop()
        raise
    return Servers(servers.mongo_uri, f"127.0.0.1:{port}", servers.mongo, kafka, port, log_dir, servers.broker,
                   data_dir)


def start_embedded(workdir: Path, broker: str) -> tuple[Servers, callable]:
    mongo, mongo_port, kafka, kafka_port = embedded.start_embedded_servers(workdir, broker)
    servers = Servers(embedded.mongo_uri(mongo_port), f"127.0.0.1:{kafka_port}", mongo, kafka, kafka_port,
                      workdir / "log", broker, workdir / "kafka")

    def stop():
        servers.kafka.stop()
        mongo.stop()
    return servers, stop


def start_testcontainers() -> tuple[Servers, callable]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.kafka import KafkaContainer

    mongo = DockerContainer("mongo:7").with_command("--replSet rs0 --bind_ip_all").with_exposed_ports(27017)
    mongo.start()
    wait_for_logs(mongo, "Waiting for connections", timeout=60)
    mongo.exec(["mongosh", "--quiet", "--eval", "try { rs.status() } catch (e) { rs.initiate() }"])
    host, port = mongo.get_container_host_ip(), mongo.get_exposed_port(27017)
    kafka = KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft()
    kafka.start()
    servers = Servers(f"mongodb://{host}:{port}/?directConnection=true", kafka.get_bootstrap_server())

    def stop():
        kafka.stop()
        mongo.stop()
    return servers, stop


def uses_testcontainers() -> bool:
    return os.environ.get("TVP_TEST_INFRA", "embedded") == "testcontainers"


def start_servers(broker: str | None = None) -> tuple[Servers, callable, Path]:
    """MongoDB and a broker (`broker`, default `chosen_test_broker()`; testcontainers: always Apache Kafka)."""
    workdir = Path(tempfile.mkdtemp(prefix="tvp-test-"))
    if uses_testcontainers():
        servers, stop = start_testcontainers()
    else:
        servers, stop = start_embedded(workdir, broker or chosen_test_broker())

    def stop_and_clean():
        stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return servers, stop_and_clean, workdir


def create_platform_topics(servers: Servers, partitions: int = 3) -> list[str]:
    """Every topic of the contract, with its declared settings, as `tvp up` creates them."""
    from shared.contracts import topics
    from shared.messaging.kafka import ensure_topics

    return ensure_topics(servers.kafka_bootstrap, topics.ALL, partitions,
                         configs={t.name: t.configs() for t in topics.ALL_SETTINGS}, broker=servers.messaging)

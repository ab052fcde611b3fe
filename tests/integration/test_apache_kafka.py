"""Apache Kafka from infra/kafka/: one node keeps its messages across a restart; three nodes replicate.

Runs wherever Java and Maven are (CI has both); the first run fetches the jars once.
"""
from __future__ import annotations

import pytest
from kafka import KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

from infra import apache_kafka, embedded
from shared.messaging.kafka import ensure_topics, make_admin

from ..support.kafka_read import read_topic, wait_for
from ..support.servers import start_private_kafka

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not apache_kafka.java_available(), reason="Apache Kafka needs java and mvn")]


def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        for value in values:
            producer.send(topic, value, key=b"same-aggregate")
        producer.flush(timeout=30)
    finally:
        producer.close()


def test_one_node_formats_once_and_keeps_its_messages_across_a_restart(tmp_path):
    port = embedded.free_port()
    data_dir, values = tmp_path / "kafka", [f"message {n}".encode() for n in range(5)]
    node = apache_kafka.single_node(port, data_dir, tmp_path / "log").start()
    try:
        embedded.wait_for_kafka(node, port)
        assert node.formatted_now
        ensure_topics(f"127.0.0.1:{port}", ["tvp.test.kept.v1"], partitions=3)
        produce(f"127.0.0.1:{port}", "tvp.test.kept.v1", values)
    finally:
        node.stop()
    assert node.proc.returncode in (0, 143), "a clean stop (SIGTERM), not the kill after the timeout"

    again = apache_kafka.single_node(port, data_dir, tmp_path / "log").start()
    try:
        embedded.wait_for_kafka(again, port)
        assert not again.formatted_now, "a restart must not format the storage again"
        records = read_topic(f"127.0.0.1:{port}", "tvp.test.kept.v1", until=lambda r: len(r) >= len(values))
        assert [r.value for r in records] == values
    finally:
        again.stop()


def test_three_nodes_replicate_every_partition_with_two_in_sync_replicas_required(tmp_path):
    cluster = apache_kafka.KafkaCluster(tmp_path, size=3).start()
    try:
        assert apache_kafka.cluster_size(cluster.bootstrap) == 3
        ensure_topics(cluster.bootstrap, ["tvp.test.replicated.v1"], partitions=3, replication_factor=3)
        produce(cluster.bootstrap, "tvp.test.replicated.v1", [b"a", b"b", b"c"])
        admin = make_admin(cluster.bootstrap)
        try:
            def partitions():
                return admin.describe_topics(["tvp.test.replicated.v1"])[0]["partitions"]
            assert len(partitions()) == 3
            assert all(sorted(p["replica_nodes"]) == [1, 2, 3] for p in partitions()), partitions()
            # A follower joins the in-sync set once it has fetched up to the leader: soon, not at once.
            wait_for(lambda: all(sorted(p["isr_nodes"]) == [1, 2, 3] for p in partitions()), timeout_s=30)
            configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "tvp.test.replicated.v1")],
                                             config_filter="all")
        finally:
            admin.close()
        assert configs["topic"]["tvp.test.replicated.v1"]["min.insync.replicas"]["value"] == "2"
        records = read_topic(cluster.bootstrap, "tvp.test.replicated.v1", until=lambda r: len(r) >= 3)
        assert [r.value for r in records] == [b"a", b"b", b"c"]
    finally:
        cluster.stop()
    assert all(node.proc.returncode in (0, 143) for node in cluster.nodes)


def test_a_cluster_id_starting_with_a_dash_is_formatted(tmp_path):
    """One random id in 64 starts with "-"; the storage tool must take it as the id, not as an option."""
    node = apache_kafka.single_node(embedded.free_port(), tmp_path / "kafka", tmp_path / "log")
    node.cluster_id = "-" + apache_kafka.new_cluster_id()[1:]
    node._write_properties()
    node._format(apache_kafka.find_java(), node._classpath())
    assert f"cluster.id={node.cluster_id}" in (node.settings.log_dir / "meta.properties").read_text()


def test_private_brokers_of_one_session_share_no_messages(servers, tmp_path_factory):
    """Each end-to-end module starts a private broker from a fresh `kafka-log` directory of the session; Apache
    Kafka comes back with what its storage holds, so a second private broker must start empty: otherwise a
    module's fresh consumer groups (reading from the earliest offset) project earlier modules' events."""
    if servers.broker != "kafka":
        pytest.skip("the session's broker is not Apache Kafka")
    first = start_private_kafka(servers, tmp_path_factory.mktemp("kafka-log"))
    try:
        ensure_topics(first.kafka_bootstrap, ["tvp.test.private.v1"], partitions=1)
        produce(first.kafka_bootstrap, "tvp.test.private.v1", [b"an earlier module's event"])
    finally:
        first.kafka.stop()
    second = start_private_kafka(servers, tmp_path_factory.mktemp("kafka-log"))
    try:
        assert second.kafka.formatted_now, "the second private broker came back with the first one's storage"
        admin = make_admin(second.kafka_bootstrap)
        try:
            assert "tvp.test.private.v1" not in admin.list_topics()
        finally:
            admin.close()
    finally:
        second.kafka.stop()

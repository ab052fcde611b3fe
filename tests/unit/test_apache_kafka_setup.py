"""What infra/apache_kafka.py decides before any JVM runs: the broker choice, the node settings, the fetch errors."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from infra import apache_kafka, embedded


def test_the_broker_choice_defaults_to_apache_kafka_where_java_is_and_refuses_anything_unknown(monkeypatch):
    monkeypatch.setattr(apache_kafka, "java_available", lambda: True)
    assert embedded.broker_kind(None) == "kafka"
    assert embedded.broker_kind("  ") == "kafka"
    monkeypatch.setattr(apache_kafka, "java_available", lambda: False)
    assert embedded.broker_kind(None) == "tansu"
    assert embedded.broker_kind(" Kafka ") == "kafka"
    assert embedded.broker_kind("tansu") == "tansu"
    with pytest.raises(embedded.StartupError, match="TVP_TEST_BROKER='redpanda': choose one of kafka, tansu"):
        embedded.broker_kind("redpanda", "TVP_TEST_BROKER")


def test_tvp_up_falls_back_to_tansu_with_one_line_when_java_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    said = []
    assert embedded.choose_broker(None, said.append) == "tansu"
    assert len(said) == 1 and "no `java` was found" in said[0] and "using Tansu instead" in said[0]


def test_tvp_up_falls_back_to_tansu_when_the_jars_cannot_be_fetched(tmp_path, monkeypatch):
    _fake_mvn(tmp_path / "bin", "[ERROR] Could not transfer artifact org.apache.kafka:kafka_2.13", 1)
    (tmp_path / "bin" / "java").symlink_to(apache_kafka.find_java())
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/bin")
    monkeypatch.setenv("TVP_KAFKA_DIST_DIR", str(tmp_path / "dist"))
    said = []
    assert embedded.choose_broker("", said.append) == "tansu"
    assert len(said) == 1 and "offline?" in said[0]


def test_an_explicit_broker_is_kept_even_where_apache_kafka_would_fail(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    said = []
    assert embedded.choose_broker("kafka", said.append) == "kafka"  # its start then says what is missing
    assert embedded.choose_broker("tansu", said.append) == "tansu"
    assert said == []


def test_the_pinned_release_is_a_kafka_4_and_names_the_jar_folder():
    version = apache_kafka.kafka_version()
    assert version.split(".")[0] == "4", "Kafka 4 is the first without ZooKeeper and runs on Java 17"
    assert apache_kafka.dist_dir().name == version


def test_a_three_node_setting_lists_every_voter_and_asks_two_in_sync_replicas(tmp_path):
    settings = apache_kafka.NodeSettings(2, 9100, 9200, {1: 9201, 2: 9200, 3: 9202}, tmp_path / "node-2",
                                         replication_factor=3, min_insync_replicas=2)
    props = settings.properties()
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9201,2@127.0.0.1:9200,3@127.0.0.1:9202"
    assert props["process.roles"] == "broker,controller"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9100,CONTROLLER://127.0.0.1:9200"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9100"
    assert props["log.dirs"] == str(tmp_path / "node-2" / "data")
    for key in ("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor"):
        assert props[key] == "3", key
    assert props["min.insync.replicas"] == props["transaction.state.log.min.isr"] == "2"


def test_a_single_node_is_its_own_only_voter(tmp_path):
    node = apache_kafka.single_node(9100, tmp_path / "kafka", tmp_path / "log", controller_port=9101)
    assert node.settings.voters == {1: 9101}
    assert node.settings.properties()["offsets.topic.replication.factor"] == "1"
    assert node.log_file == tmp_path / "log" / "kafka.log"
    assert not node.formatted


def _fake_mvn(bin_dir: Path, output: str, code: int) -> None:
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"
    mvn.write_text(f"#!/bin/sh\ncat <<'OUT'\n{output}\nOUT\nexit {code}\n")
    mvn.chmod(mvn.stat().st_mode | stat.S_IEXEC)


def test_an_unreachable_maven_central_is_one_clear_line_and_leaves_no_half_copied_folder(tmp_path, monkeypatch):
    _fake_mvn(tmp_path / "bin", "[ERROR] Failed to execute goal on project tvp-apache-kafka: Could not resolve "
              "dependencies: Could not transfer artifact org.apache.kafka:kafka_2.13:pom:4.1.1 from/to central: "
              "java.net.UnknownHostException: repo.maven.apache.org\n[ERROR] \n[ERROR] For more information", 1)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("TVP_KAFKA_DIST_DIR", str(tmp_path / "dist"))
    with pytest.raises(embedded.StartupError) as raised:
        apache_kafka.ensure_kafka_jars()
    message = str(raised.value)
    assert message.startswith(f"cannot fetch Apache Kafka {apache_kafka.kafka_version()} from Maven Central")
    assert "\n" not in message
    assert [p.name for p in (tmp_path / "dist").iterdir()] == [".fetch.lock"]


def test_a_fetch_that_copies_no_broker_jar_is_refused(tmp_path, monkeypatch):
    _fake_mvn(tmp_path / "bin", "", 0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("TVP_KAFKA_DIST_DIR", str(tmp_path / "dist"))
    with pytest.raises(embedded.StartupError, match="copied no kafka_2.13 jar"):
        apache_kafka.ensure_kafka_jars()
    assert not apache_kafka.dist_dir().exists()


def test_without_maven_the_error_says_what_to_install_or_use_instead(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("TVP_KAFKA_DIST_DIR", str(tmp_path / "dist"))
    with pytest.raises(embedded.StartupError, match=r"needs Maven .* TVP_BROKER=tansu"):
        apache_kafka.ensure_kafka_jars()


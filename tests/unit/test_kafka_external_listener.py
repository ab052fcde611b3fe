"""The production listener has one definition: what infra/apache_kafka.py starts is what compose declares.

docker-compose.yml spells broker settings as KAFKA_<KEY> environment variables; the secured node of
the integration test writes them as server.properties keys. These tests keep the two equal, and keep
the chambers' grants (infra/chambers.py) to Read and Describe on two prefixes.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kafka.admin import ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourceType

from infra import apache_kafka, chambers

ROOT = Path(__file__).resolve().parents[2]


def compose_kafka_environment() -> dict[str, str]:
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return {key: str(value) for key, value in doc["services"]["kafka"]["environment"].items()}


def as_compose_variable(key: str) -> str:
    return "KAFKA_" + key.upper().replace(".", "_")


def test_compose_declares_the_security_settings_the_secured_node_starts_with():
    environment = compose_kafka_environment()
    for key, value in apache_kafka.SECURITY_SETTINGS.items():
        assert environment.get(as_compose_variable(key)) == value, key
    assert environment["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",").count(
        f"{apache_kafka.EXTERNAL_LISTENER}:SASL_PLAINTEXT") == 1
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_compose_and_the_secured_node_share_the_jaas_file():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    mounts = [volume.split(":")[0] for volume in doc["services"]["kafka"]["volumes"]]
    assert "./" + str(apache_kafka.JAAS_CONFIG.relative_to(ROOT)) in mounts
    assert "ScramLoginModule required" in apache_kafka.JAAS_CONFIG.read_text()


def test_the_secured_node_adds_external_to_the_plaintext_listener(tmp_path):
    node = apache_kafka.secured_single_node(9100, 9300, tmp_path, tmp_path / "log",
                                            admins=(apache_kafka.ScramUser("ops", "pw"),))
    props = node.settings.properties()
    assert props["listeners"].split(",")[0] == "PLAINTEXT://127.0.0.1:9100"
    assert "EXTERNAL://127.0.0.1:9300" in props["listeners"].split(",")
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9100,EXTERNAL://127.0.0.1:9300"
    assert props["inter.broker.listener.name"] == "PLAINTEXT"
    assert props["super.users"] == "User:ANONYMOUS;User:ops"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert f"-Djava.security.auth.login.config={apache_kafka.JAAS_CONFIG}" in node.jvm_options
    assert node.format_arguments() == ["--add-scram", "SCRAM-SHA-512=[name=ops,password=pw]"]


def test_a_plain_node_formats_without_scram_users(tmp_path):
    assert apache_kafka.single_node(9100, tmp_path, tmp_path / "log", 9200).format_arguments() == []


def test_a_chamber_is_granted_read_and_describe_on_two_prefixes_only():
    granted = {(acl.resource_pattern.resource_type, acl.resource_pattern.resource_name,
                acl.resource_pattern.pattern_type, acl.operation) for acl in chambers.chamber_acls("edirne-tso")}
    assert granted == {(kind, name, ACLResourcePatternType.PREFIXED, operation)
                       for kind, name in ((ResourceType.TOPIC, "tvp.public."), (ResourceType.GROUP, "edirne-tso"))
                       for operation in (ACLOperation.READ, ACLOperation.DESCRIBE)}
    assert {acl.permission_type for acl in chambers.chamber_acls("edirne-tso")} == {ACLPermissionType.ALLOW}
    assert {acl.principal for acl in chambers.chamber_acls("edirne-tso")} == {"User:edirne-tso"}


@pytest.mark.parametrize("name", ["", "a,b", "a b", "tso*", "x=y"])
def test_a_chamber_name_that_would_break_an_acl_or_a_scram_argument_is_refused(name):
    with pytest.raises(chambers.ChamberError):
        chambers.chamber_acls(name)

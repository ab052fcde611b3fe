"""`tvp up` where Java is: Apache Kafka by default, keeping the events across runs, so the event logs are not
replayed twice."""
import json

import pytest
import requests

from infra import apache_kafka

from ..support.kafka_read import read_topic
from .test_tvp_command import Up, _env

# A whole `tvp up` stack (or the fault suite's) per test, with boot timeouts: under pytest-xdist these files run
# one after another on one worker (tests/support/parallel.py), so that no two such stacks boot at once.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("whole stacks"),
              pytest.mark.skipif(not apache_kafka.java_available(), reason="Apache Kafka needs java and mvn")]


def organisation_events(bootstrap: str, organisation_id: str, at_least: int | None = None) -> list[dict]:
    """The events about one organisation, read until `at_least` are there (or for 5 s, to see all there are)."""
    def about(records):
        return [e for e in (json.loads(r.value) for r in records) if organisation_id in json.dumps(e)]
    records = read_topic(bootstrap, "tvp.members.organisations", timeout_s=30 if at_least else 5,
                         until=lambda rs: at_least is not None and len(about(rs)) >= at_least)
    return about(records)


def test_apache_kafka_is_the_default_and_a_restart_keeps_the_events_and_replays_nothing(tmp_path):
    env = _env(tmp_path)  # no TVP_BROKER
    bootstrap = f"127.0.0.1:{env['TVP_EMBEDDED_KAFKA_PORT']}"
    members = f"http://127.0.0.1:{env['TVP_MEMBERS_PORT']}"
    up = Up(env)
    try:
        assert "Apache Kafka" in up.wait_for("Kafka: ")
        up.wait_for("ready in")
        token = up.wait_for("admin token").split(": ", 1)[1].strip()
        created = requests.post(f"{members}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"},
                                json={"name": "Edirne TSO", "kind": "chamber", "province": "edirne"}, timeout=10)
        assert created.status_code == 201
        organisation_id = created.json()["id"]
        assert len(organisation_events(bootstrap, organisation_id, at_least=1)) == 1
    finally:
        assert up.stop() == 0
    assert (tmp_path / "var" / "kafka" / "data" / "meta.properties").exists()

    again = Up(env)
    try:
        again.wait_for("ready in")
        assert not any("event logs replayed" in line for line in again.lines), again.lines
        assert len(organisation_events(bootstrap, organisation_id)) == 1, "kept once, not replayed on top"
    finally:
        assert again.stop() == 0

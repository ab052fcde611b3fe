import json

import pytest

from shared.contracts import REGISTRY, topics
from shared.messaging.envelope import CloudEvent
from shared.messaging.registry import InvalidEvent, UnknownEventType

REGISTERED = "tr.tvp.members.organisation.registered.v1"
DATA = {"id": "o1", "name": "Keşan TSO", "kind": "chamber", "province": "Edirne", "region": "TR21",
        "is_sme": False, "status": "applicant"}


def test_build_gives_a_cloudevent_of_the_contract():
    event = REGISTRY.build(REGISTERED, "o1", 3, DATA, correlation_id="c1", causation_id="e0")
    body = json.loads(event.to_json_bytes())
    assert body["specversion"] == "1.0" and body["source"] == "/tvp/members"
    assert body["subject"] == "organisation/o1" and event.aggregate_id == "o1"
    assert body["aggregateversion"] == 3 and body["correlationid"] == "c1" and body["causationid"] == "e0"
    assert body["datacontenttype"] == "application/json"
    assert body["dataschema"] == f"urn:tvp:schema:{REGISTERED}"
    assert body["time"].endswith("+00:00")


def test_causation_defaults_to_the_correlation_id():
    assert REGISTRY.build(REGISTERED, "o1", 1, DATA, correlation_id="c1").causationid == "c1"


def test_build_rejects_an_invalid_payload():
    with pytest.raises(InvalidEvent) as caught:
        REGISTRY.build(REGISTERED, "o1", 1, {**DATA, "kind": "castle"}, correlation_id="c")
    assert "kind" in caught.value.errors


def test_validate_round_trips_and_checks_everything():
    event = REGISTRY.build(REGISTERED, "o1", 1, DATA, correlation_id="c")
    assert REGISTRY.validate(json.loads(event.to_json_bytes())) == event
    with pytest.raises(UnknownEventType):
        REGISTRY.validate({**event.to_dict(), "type": "tr.tvp.members.organisation.vanished.v1"})
    with pytest.raises(InvalidEvent):
        REGISTRY.validate({**event.to_dict(), "aggregateversion": 0})
    with pytest.raises(InvalidEvent):
        REGISTRY.validate({k: v for k, v in event.to_dict().items() if k != "subject"})


def test_every_registered_type_follows_the_naming_rule_and_has_a_contract_topic():
    for spec in REGISTRY:
        assert spec.type.startswith(f"tr.tvp.{spec.source.split('/')[-1]}.") and spec.type[-3:-1] == ".v"
        assert spec.topic in (topics.PUBLIC if spec.public else topics.INTERNAL)


def test_cloudevent_from_dict():
    event = REGISTRY.build(REGISTERED, "o1", 1, DATA, correlation_id="c")
    assert CloudEvent.from_dict(event.to_dict()) == event

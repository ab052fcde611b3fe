"""Upcasters (shared/contracts/upcasting.py) and the registry's hook that makes every reader use them."""
from __future__ import annotations

import pytest

from shared.contracts import REGISTRY
from shared.contracts.deprecation import DEPRECATED, months_after
from shared.contracts.events import SCHEDULED, SCHEDULED_V1
from shared.contracts.upcasting import UPCASTERS, scheduled_v1_to_v2, upcast
from shared.messaging.registry import EventRegistry, InvalidEvent

HOST = {"id": "o1", "key": "o1", "kind": "chamber", "size_class": None, "province": "Edirne", "is_sme": False,
        "member": True}
V1 = {"id": "m1", "kind": "workshop", "title": "Waste", "description": None, "body": None, "sequence": None,
      "host_organisation_id": "o1", "host": HOST, "province": "Edirne", "starts_at": "2026-06-10T10:00:00+03:00",
      "ends_at": "2026-06-10T13:00:00+03:00", "venue": None, "themes": [], "capacity": None, "status": "scheduled"}


def version(type_: str) -> int:
    return int(type_.rsplit(".v", 1)[1])


def test_every_upcaster_goes_one_version_up_within_its_topic():
    for old, (new, _) in UPCASTERS.items():
        assert old.rsplit(".v", 1)[0] == new.rsplit(".v", 1)[0] and version(new) == version(old) + 1
        assert REGISTRY.spec(old).topic == REGISTRY.spec(new).topic


def test_every_deprecated_internal_type_is_upcast_to_its_successor():
    for type_, deprecation in DEPRECATED.items():
        if not REGISTRY.spec(type_).public:
            assert upcast(type_, V1 if type_ == SCHEDULED_V1 else {})[0] == deprecation.successor


@pytest.mark.parametrize("venue, province, location", [
    ({"city": "Çorlu", "province": "Tekirdağ", "address": "OSB"}, "Tekirdağ",
     {"city": "Çorlu", "address": "OSB", "province": "Tekirdağ", "province_source": "venue"}),
    ({"city": "Keşan", "province": None, "address": None}, "Edirne",
     {"city": "Keşan", "address": None, "province": "Edirne", "province_source": "host"}),
    (None, "Edirne", {"city": None, "address": None, "province": "Edirne", "province_source": "host"}),
    (None, None, {"city": None, "address": None, "province": None, "province_source": None}),
])
def test_scheduled_v1_folds_province_and_venue_into_location(venue, province, location):
    data = scheduled_v1_to_v2(dict(V1, venue=venue, province=province))
    assert data["location"] == location and "venue" not in data and "province" not in data
    assert {k: v for k, v in data.items() if k != "location"} == {
        k: v for k, v in V1.items() if k not in ("venue", "province")}


def test_the_registry_reads_a_v1_event_as_v2():
    v1 = REGISTRY.build(SCHEDULED_V1, "m1", 3, V1, correlation_id="c")
    event = REGISTRY.validate(v1.to_dict())
    assert (event.type, event.dataschema) == (SCHEDULED, f"urn:tvp:schema:{SCHEDULED}")
    assert (event.id, event.aggregateversion, event.subject, event.time) == (v1.id, 3, v1.subject, v1.time)
    assert event.data["location"]["province"] == "Edirne"


def test_a_current_event_and_what_is_no_event_pass_unchanged():
    body = REGISTRY.build(SCHEDULED, "m1", 1, scheduled_v1_to_v2(V1), correlation_id="c").to_dict()
    assert REGISTRY.current(body) is body
    for garbage in ([], {"type": SCHEDULED_V1}, {"type": 7, "data": {}}, {"data": {}}):
        assert REGISTRY.current(garbage) is garbage
    with pytest.raises(InvalidEvent):
        REGISTRY.validate({"type": SCHEDULED_V1, "data": V1})  # no envelope: still caught at the door


def test_an_invalid_v1_payload_is_still_refused_after_upcasting():
    body = REGISTRY.build(SCHEDULED_V1, "m1", 1, V1, correlation_id="c").to_dict()
    body["data"] = {k: v for k, v in body["data"].items() if k != "host"}
    with pytest.raises(InvalidEvent):
        REGISTRY.validate(body)


def test_a_payload_the_upcaster_cannot_read_is_an_invalid_event():
    body = REGISTRY.build(SCHEDULED_V1, "m1", 1, V1, correlation_id="c").to_dict()
    body["data"] = dict(body["data"], venue="Çorlu")  # not an object: the upcaster fails on it
    with pytest.raises(InvalidEvent, match="cannot be upcast"):
        REGISTRY.validate(body)


def test_a_registry_without_upcasters_reads_types_as_written():
    registry = EventRegistry()
    assert registry.current({"type": SCHEDULED_V1, "data": V1}) == {"type": SCHEDULED_V1, "data": V1}


def test_the_sunset_is_the_deprecation_period_after_the_successor_appeared():
    deprecation = DEPRECATED[SCHEDULED_V1]
    assert deprecation.sunset == months_after(deprecation.since, 12) > deprecation.since
    from datetime import date
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)

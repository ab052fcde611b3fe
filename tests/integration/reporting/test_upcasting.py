"""meeting.scheduled v1 → v2 end to end: a history that holds both versions gives the same read models as the
same history written in v2 only, through every reader: the consumer runtime, and the rebuild from a journal
written before the change (v1 bodies stored as they came)."""
from __future__ import annotations

import dataclasses

import pytest

from services.reporting.adapters.documents import PROJECTION_DOCUMENTS, ensure_indexes, generation_name
from services.reporting.adapters.repositories import journal_entry
from services.reporting.bootstrap import bus as reporting_bus
from services.reporting.bootstrap import unit_of_work
from services.reporting.entrypoints.rebuild_command import rebuild_with
from shared.contracts import REGISTRY
from shared.contracts.events import SCHEDULED, SCHEDULED_V1
from shared.messaging.consumer import EventConsumer, Record
from shared.messaging.outbox import Outbox

from .conftest import history
from .stream import Stream
from .test_projection import figures

pytestmark = pytest.mark.integration


def with_places(stream: Stream) -> list:
    """The history, plus meetings whose venue names a province, names a city only, or does not exist."""
    events, ids = history(stream)
    host = ids["Keşan TSO"]
    for n, venue in enumerate(({"city": "Çorlu", "province": "Tekirdağ", "address": "OSB"},
                               {"city": "Keşan", "province": None, "address": None}, None)):
        meeting_id, scheduled = stream.schedule("workshop", f"2026-06-1{n}T10:00:00+03:00", host,
                                                themes=["waste_management"], province="Edirne", venue=venue)
        events += [scheduled, stream.attend(meeting_id, stream.ref(host), "female"), stream.held(meeting_id)]
    return events


def as_v1(stream: Stream, event):
    """The same scheduling as the events service wrote it before v2: same id, time and aggregate version."""
    old = stream.scheduled_event(event.aggregate_id, version=1)
    return dataclasses.replace(old, id=event.id, time=event.time)


def read_models(db) -> dict:
    """Every projection collection of the active generation, documents in _id order."""
    number = unit_of_work(db).projections.active().number
    return {document.__name__: list(db[generation_name(document._get_collection_name(), number)].find().sort("_id"))
            for document in PROJECTION_DOCUMENTS}


def consume(client, db, events) -> None:
    """Feed `events` to a reporting database through the real consumer runtime (the worker's path)."""
    ensure_indexes(db)
    bus = reporting_bus(client, db, Outbox(db, REGISTRY))
    dead = []
    consumer = EventConsumer(client, db, REGISTRY, bus.event_handlers(), lambda record, error: dead.append(error),
                             max_retries=1, retry_backoff_s=0.01, batch_handler=bus.batch_handler())
    consumer.process([Record(topic=REGISTRY.spec(e.type).topic, partition=0, offset=n, key=e.aggregate_id.encode(),
                             value=e.to_json_bytes()) for n, e in enumerate(events)])
    assert not dead, dead


@pytest.fixture
def databases(db):
    names = [db.name + suffix for suffix in ("_v2", "_journal")]
    yield [db.client[name] for name in names]
    for name in names:
        db.client.drop_database(name)


def test_a_log_of_v1_and_v2_events_rebuilds_the_read_models_of_a_v2_only_log(app, feed, db, stream, programme,
                                                                              databases):
    only_v2 = with_places(stream)
    scheduled = [e for e in only_v2 if e.type == SCHEDULED]
    assert len(scheduled) >= 9
    old_ones = {e.id for e in scheduled[::2]}  # every other meeting was scheduled before the change
    mixed = [as_v1(stream, e) if e.id in old_ones else e for e in only_v2]
    assert {e.type for e in mixed} >= {SCHEDULED, SCHEDULED_V1}
    v2_db, journal_db = databases
    for other in databases:
        other.programme.insert_one(db.programme.find_one())

    feed(*mixed)                                    # the worker consumes the mixed log (upcast on the way in)
    consume(db.client, v2_db, only_v2)              # the same history, written in v2 only
    ensure_indexes(journal_db)                      # a journal written before the change: v1 bodies as they came
    journal_db.journal.insert_one(journal_entry(mixed, len(mixed)))
    journal_db.projection_state.insert_one({"_id": "projection", "seq": len(mixed), "generation": 0})

    bus = app.extensions["tvp.bus"]
    rebuild_with(bus)
    rebuild_with(reporting_bus(db.client, v2_db, Outbox(v2_db, REGISTRY)))
    rebuild_with(reporting_bus(db.client, journal_db, Outbox(journal_db, REGISTRY)))

    expected = read_models(v2_db)
    sources = {m["location"]["province_source"] for m in expected["MeetingDocument"]}
    assert sources == {"venue", "host"}
    assert read_models(db) == expected
    assert read_models(journal_db) == expected
    assert figures(db) == figures(v2_db) == figures(journal_db)


def test_the_upcast_v1_payload_is_the_v2_payload_the_events_service_writes(stream):
    host, _ = stream.organisation("Keşan TSO", province="Edirne")
    for venue in ({"city": "Çorlu", "province": "Tekirdağ", "address": "OSB"}, {"city": "Keşan", "province": None,
                                                                                "address": None}, None):
        meeting_id, v2 = stream.schedule("workshop", "2026-06-10T10:00:00+03:00", host, province="Edirne",
                                         venue=venue)
        v1 = stream.scheduled_event(meeting_id, version=1)
        upcast = REGISTRY.validate(v1.to_dict())
        assert (upcast.type, upcast.dataschema, upcast.data) == (SCHEDULED, v2.dataschema, v2.data)
        assert upcast.id == v1.id and upcast.aggregateversion == v1.aggregateversion

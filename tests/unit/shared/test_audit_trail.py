"""The audit trail's query (filters, order, pages, the entry shape) on in-memory collections, the actor
recorded beside every event, and the validation of GET /api/v1/audit's parameters."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import mongomock
import pytest
from marshmallow import ValidationError
from mongomock.filtering import filter_applies

from shared.audit.actor import actor_of
from shared.audit.query import AuditQuery, audit_filter, entry_of, record_time
from shared.audit.schemas import AuditQuerySchema
from shared.audit.trail import ACCESS_LOG, AuditTrail
from shared.auth import Principal
from shared.contracts import REGISTRY
from shared.messaging.outbox import ACTOR, Causation, Outbox, published_part
from shared.service_layer.messagebus import MessageBus, system_principal

from ..fake_uow import FakeUnitOfWork

ISTANBUL = timezone(timedelta(hours=3))
ADMIN = {"sub": "admin-1", "role": "platform_admin", "org": None}
CHAMBER = {"sub": "chamber-1", "role": "chamber_admin", "org": "org-1"}
REGISTERED = "tr.tvp.members.person.registered.v1"
UPDATED = "tr.tvp.members.person.updated.v1"


def _logged(n: int, type_=UPDATED, subject="person/p1", actor=ADMIN, topic="tvp.members.people", minute=0):
    time = f"2026-06-01T09:{minute:02d}:00.000+00:00"
    return {"_id": f"e{n}", "topic": topic, "key": subject.split("/")[1], "actor": actor,
            "event": {"id": f"e{n}", "type": type_, "subject": subject, "time": time, "aggregateversion": n,
                      "correlationid": f"c{n}", "data": {"full_name": "Ayşe Yılmaz", "email": "ayse@example.com"}}}


@pytest.fixture
def trail():
    db = mongomock.MongoClient().db
    db.event_log.insert_many([
        _logged(1, REGISTERED, actor=CHAMBER, minute=1),
        _logged(2, minute=2),
        _logged(3, "tr.tvp.members.organisation.registered.v1", "organisation/o1", minute=3),
        _logged(4, "tr.tvp.members.organisation.published.v1", "organisation/o1", topic="tvp.public.members.v1",
                minute=3),
        _logged(5, minute=5, actor=None),  # logged before actors were recorded
    ])
    return AuditTrail(db, Outbox(db, REGISTRY))


def test_entries_are_newest_first_one_per_event_without_public_views_or_payloads(trail):
    page = trail.entries(AuditQuery(page_size=100))
    assert page["total"] == 4
    assert [(e["aggregate"], e["version"]) for e in page["items"]] == [
        ("person/p1", 5), ("organisation/o1", 3), ("person/p1", 2), ("person/p1", 1)]
    assert set(page["items"][0]) == {"at", "actor", "type", "aggregate", "version", "correlation_id"}
    assert page["items"][0]["actor"] is None and page["items"][3]["actor"] == CHAMBER
    assert "Ayşe" not in repr(page) and "ayse@" not in repr(page)


def test_filters(trail):
    def aggregates(**wanted):
        return [(e["aggregate"], e["version"]) for e in trail.entries(AuditQuery(**wanted))["items"]]

    assert aggregates(aggregate="organisation/o1") == [("organisation/o1", 3)]
    assert aggregates(actor="chamber-1") == [("person/p1", 1)]
    assert aggregates(type=REGISTERED) == [("person/p1", 1)]
    # from/to are inclusive and compare as times, whatever the offset they are given in
    since = datetime(2026, 6, 1, 12, 2, tzinfo=ISTANBUL)  # 09:02 UTC
    until = datetime(2026, 6, 1, 12, 3, tzinfo=ISTANBUL)
    assert aggregates(since=since, until=until) == [("organisation/o1", 3), ("person/p1", 2)]
    assert aggregates(aggregate="person/p1", until=until) == [("person/p1", 2), ("person/p1", 1)]
    assert aggregates(actor="nobody") == []


def test_pages_report_the_total(trail):
    pages = [trail.entries(AuditQuery(page=n, page_size=3)) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0] and {p["total"] for p in pages} == {4}


def test_access_requests_join_the_trail_in_order(trail):
    recorded = trail.record_access("members", "p1", CHAMBER, "corr-access")
    assert recorded["type"] == "tr.tvp.members.data_subject.access_requested.v1"
    assert recorded["aggregate"] == "person/p1" and recorded["actor"] == CHAMBER and recorded["version"] is None
    assert trail.db[ACCESS_LOG].count_documents({}) == 1
    naming = trail.naming("person/p1")
    assert [e["type"].split(".")[-2] for e in naming] == ["access_requested", "updated", "updated", "registered"]
    first_four = trail.entries(AuditQuery(page_size=4))["items"]
    assert trail.entries(AuditQuery(page=2, page_size=2))["items"] == first_four[2:]


def test_the_filter_names_only_the_fields_asked_for():
    moment = datetime(2026, 6, 1, 12, 0, 0, 123000, tzinfo=ISTANBUL)
    assert record_time(moment) == "2026-06-01T09:00:00.123+00:00"
    filters = audit_filter(AuditQuery(aggregate="person/p1", actor="a", type=UPDATED, since=moment))
    assert filters["event.subject"] == "person/p1" and filters["actor.sub"] == "a"
    assert filters["event.type"] == UPDATED and filters["event.time"] == {"$gte": "2026-06-01T09:00:00.123+00:00"}
    assert not filter_applies(filters, _logged(9, topic="tvp.public.members.v1", actor={"sub": "a"}))


def test_an_entry_shows_ids_and_the_actor_never_the_payload():
    entry = entry_of(_logged(7, actor={**ADMIN, "extra": "x"}))
    assert entry == {"at": "2026-06-01T09:00:00.000+00:00", "actor": ADMIN, "type": UPDATED,
                     "aggregate": "person/p1", "version": 7, "correlation_id": "c7"}


# -- the actor beside every event ----------------------------------------------------------------------------

def test_the_outbox_keeps_the_actor_beside_the_event_and_the_published_part_leaves_it_out():
    db = mongomock.MongoClient().db
    cause = Causation("corr-1", actor=CHAMBER)
    Outbox(db, REGISTRY).insert("people", {"_id": "p1"}, [(REGISTERED, {
        "id": "p1", "organisation_id": "org-1", "full_name": "Ayşe", "email": "a@example.com", "title": None,
        "phone": None, "gender": None})], cause)
    [entry] = db.people.find_one({"_id": "p1"})["outbox"]
    assert entry[ACTOR] == CHAMBER
    published = published_part(entry)
    assert ACTOR not in published and REGISTRY.validate(published).type == REGISTERED


def test_the_bus_gives_every_command_and_event_the_actor_of_its_principal():
    seen = []
    record = lambda uow, message, principal, cause: seen.append(cause.actor)  # noqa: E731
    bus = MessageBus("events", lambda session=None: FakeUnitOfWork(), {str: record}, {REGISTERED: record})
    bus.handle("a command", Principal("chamber-1", "chamber_admin", "org-1"), Causation("corr-1"))
    event = REGISTRY.build(REGISTERED, "p1", 1, {"id": "p1", "organisation_id": "org-1", "full_name": "A",
                                                 "email": "a@example.com", "title": None, "phone": None,
                                                 "gender": None}, correlation_id="corr-2")
    bus.handle_event(event, session=None)
    assert seen == [CHAMBER, actor_of(system_principal("events"))]
    assert seen[1] == {"sub": "tvp.events.worker", "role": "system", "org": None}


def test_a_cause_keeps_its_actor_down_the_chain():
    cause = Causation("corr-1").acting(ADMIN)
    assert cause.acting(CHAMBER).actor == ADMIN  # an actor once named stays
    follow_up = cause.caused_by("event-1")
    assert (follow_up.correlation_id, follow_up.causation_id, follow_up.actor) == ("corr-1", "event-1", ADMIN)


# -- GET /api/v1/audit's parameters -----------------------------------------------------------------------------

@pytest.mark.parametrize("bad, field", [
    ({"aggregate": "person"}, "aggregate"), ({"aggregate": "person/a b"}, "aggregate"),
    ({"type": "person.updated"}, "type"), ({"from": "yesterday"}, "from"), ({"to": "2026-02-30T10:00:00+03:00"}, "to"),
    ({"from": "2026-06-02T00:00:00+03:00", "to": "2026-06-01T00:00:00+03:00"}, "from"), ({"actor": ""}, "actor"),
    ({"page_size": "500"}, "page_size"), ({"page": "0"}, "page"),
])
def test_bad_parameters_are_refused_naming_the_field(bad, field):
    with pytest.raises(ValidationError) as refused:
        AuditQuerySchema().load(bad)
    assert field in refused.value.messages


def test_good_parameters_load_as_a_query():
    loaded = AuditQuerySchema().load({"aggregate": "meeting/m-1", "actor": "admin-1", "type": UPDATED,
                                      "from": "2026-06-01T00:00:00+03:00", "to": "2026-06-02", "page": "2"})
    query = AuditQuery(**loaded)
    assert query.since == datetime(2026, 5, 31, 21, 0, tzinfo=timezone.utc) and query.page == 2
    assert query.until.utcoffset() == timedelta(0)

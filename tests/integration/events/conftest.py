"""Fixtures for the events service: a fake members' event stream fed through the real consumer runtime."""
from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from shared.contracts import REGISTRY
from shared.messaging.consumer import EventConsumer, Record
from shared.web.bus import EXTENSION as BUS

from ...support.streams import EventStream

ORG = "tr.tvp.members.organisation."
PERSON = "tr.tvp.members.person."
SEAT = "tr.tvp.members.seat."


class MembersStream(EventStream):
    """Members' events with people and seats, as the events service consumes them."""

    def __init__(self, correlation_id: str = "corr-members"):
        super().__init__(correlation_id)
        self.seats: dict[str, dict] = {}

    def person(self, organisation_id, full_name="Ayşe Yılmaz", gender="female", email=None, person_id=None):
        person_id = person_id or uuid.uuid4().hex
        return person_id, self.event(PERSON + "registered.v1", person_id, {
            "id": person_id, "organisation_id": organisation_id, "full_name": full_name,
            "email": email or f"{person_id[:8]}@example.org", "title": None, "phone": None, "gender": gender})

    def erase(self, person_id, organisation_id):
        return self.event(PERSON + "erased.v1", person_id, {
            "id": person_id, "organisation_id": organisation_id, "at": datetime.now(timezone.utc).isoformat()})

    def seat(self, body, person_id, organisation_id, role="member", term_start="2020-01-01", term_end=None):
        seat_id = uuid.uuid4().hex
        data = {"id": seat_id, "body": body, "person_id": person_id, "organisation_id": organisation_id,
                "role": role, "term_start": term_start, "term_end": term_end}
        self.seats[seat_id] = data
        return seat_id, self.event(SEAT + "assigned.v1", seat_id, data)

    def end_seat(self, seat_id, ended_on=None):
        data = dict(self.seats[seat_id], ended_on=ended_on or datetime.now(timezone.utc).date().isoformat(),
                    reason="resigned")
        return self.event(SEAT + "ended.v1", seat_id, data)


class Feeder:
    def __init__(self, app):
        ctx = app.extensions["tvp"]
        self.db = ctx.db
        self.dead = []
        self.consumer = EventConsumer(ctx.client, ctx.db, REGISTRY, app.extensions[BUS].event_handlers(),
                                      dead_letter=lambda record, error: self.dead.append((record, error)),
                                      max_retries=2, retry_backoff_s=0.01)
        self.offsets = itertools.count()

    def records(self, *events):
        return [Record(topic=REGISTRY.spec(e.type).topic, partition=0, offset=next(self.offsets),
                       key=e.aggregate_id.encode(), value=e.to_json_bytes()) for e in events]

    def __call__(self, *events):
        self.consumer.process(self.records(*events))


@pytest.fixture
def stream():
    return MembersStream()


@pytest.fixture
def feed(events_client):
    return Feeder(events_client.application)


@pytest.fixture
def db(events_client):
    return events_client.application.extensions["tvp"].db


@pytest.fixture
def active_chamber(stream, feed):
    def make(name="Kırklareli TSO", province="Kırklareli"):
        organisation_id, registered = stream.organisation(name=name, province=province)
        feed(registered, stream.membership(organisation_id))
        return organisation_id
    return make


def iso(moment: datetime) -> str:
    return moment.isoformat()


def future(days=10, hours=0) -> datetime:
    base = datetime.now(timezone(timedelta(hours=3))).replace(microsecond=0, second=0)
    return base + timedelta(days=days, hours=hours)


def meeting_body(host, kind="workshop", starts=None, hours=3, **extra):
    starts = starts or future()
    body = {"kind": kind, "title": extra.pop("title", f"{kind} on resource efficiency"), "host_organisation_id": host,
            "starts_at": iso(starts), "ends_at": iso(starts + timedelta(hours=hours))}
    body.update(extra)
    return body

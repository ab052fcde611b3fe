"""Transactional outbox kept inside the aggregate's own document.

A state change and the events announcing it are one document write, so they are
atomic without a transaction (measured: a single-document write is about twice
as fast as a two-collection transaction on the embedded server; see
docs/architecture.md). Changes spanning several aggregates pass a session of a
multi-document transaction. The relay removes events from `outbox` once the
broker has acknowledged them and copies them into the `event_log` collection.

Each outbox entry carries, beside the CloudEvent's attributes, the actor who caused
it (`_actor`: `sub`, `role`, `org`). The relay keeps the actor in the event log (the
audit trail, shared/audit/) and never publishes it: it is an internal record of who
did what, not part of the published language (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pymongo.database import Database

from .envelope import CloudEvent
from .registry import EventRegistry

OUTBOX = "outbox"
PENDING = "outbox_pending"
EVENT_LOG = "event_log"
# The actor beside the event in an outbox entry; a leading underscore is no valid CloudEvents attribute name,
# so it can never collide with one. The relay strips it before publishing (published_part).
ACTOR = "_actor"


class ConcurrencyConflict(Exception):
    """The aggregate changed since it was read (stale version)."""


@dataclass
class Causation:
    """Where a change comes from: the request's correlation id, or the event that caused it."""

    correlation_id: str
    causation_id: str | None = None
    # Who caused it ({"sub", "role", "org"}): the request's principal, or a service's system actor. The message
    # bus fills it in (shared/service_layer/messagebus.py); None only where a write bypasses the bus.
    actor: dict | None = None

    def caused_by(self, event_id: str) -> "Causation":
        """The cause of what an event of this change causes in turn: same correlation and actor."""
        return replace(self, causation_id=event_id)

    def acting(self, actor: dict) -> "Causation":
        """This cause with its actor, unless it already names one."""
        return self if self.actor is not None else replace(self, actor=actor)


def outbox_entry(event: CloudEvent, cause: Causation) -> dict:
    """What the outbox keeps of an event: its CloudEvent attributes and, unpublished, its actor."""
    return {**event.to_dict(), ACTOR: cause.actor}


def published_part(entry: dict) -> dict:
    """An outbox entry as it goes to Kafka and into the event log's `event`: without the actor."""
    return {name: value for name, value in entry.items() if name != ACTOR}


class Outbox:
    def __init__(self, db: Database, registry: EventRegistry):
        self.db = db
        self.registry = registry

    def _events(
        self, aggregate_id: str, first_version: int, events: list[tuple[str, dict]], cause: Causation
    ) -> list[CloudEvent]:
        return [
            self.registry.build(
                type_,
                aggregate_id,
                first_version + n,
                data,
                correlation_id=cause.correlation_id,
                causation_id=cause.causation_id,
            )
            for n, (type_, data) in enumerate(events)
        ]

    def _public(
        self, aggregate_id: str, version: int, public: list[tuple[str, dict]] | None, cause: Causation
    ) -> list[CloudEvent]:
        """Public views (`tvp.public.*`) written with the change: they carry the aggregate's version after
        the change and do not count as events of the aggregate (shared/contracts/public.py)."""
        built = []
        for type_, data in public or []:
            if not self.registry.spec(type_).public:
                raise ValueError(f"{type_} is not a public event type")
            built.append(
                self.registry.build(
                    type_,
                    aggregate_id,
                    max(version, 1),
                    data,
                    correlation_id=cause.correlation_id,
                    causation_id=cause.causation_id,
                )
            )
        return built

    def insert(
        self,
        collection: str,
        document: dict,
        events: list[tuple[str, dict]],
        cause: Causation,
        session=None,
        public: list[tuple[str, dict]] | None = None,
    ) -> list[CloudEvent]:
        """Store a new aggregate (version = number of events) with its events (and public views, not returned)."""
        built = self._events(str(document["_id"]), 1, events, cause)
        views = self._public(str(document["_id"]), len(built), public, cause)
        record = dict(document, version=len(built))
        if built or views:
            record[OUTBOX] = [outbox_entry(e, cause) for e in built + views]
            record[PENDING] = True
        self.db[collection].insert_one(record, session=session)
        return built

    def update(
        self,
        collection: str,
        aggregate_id,
        expected_version: int,
        events: list[tuple[str, dict]],
        cause: Causation,
        set_fields: dict | None = None,
        unset_fields: list[str] | None = None,
        push_fields: dict | None = None,
        session=None,
        public: list[tuple[str, dict]] | None = None,
    ) -> list[CloudEvent]:
        """Change an aggregate read at `expected_version`; raises ConcurrencyConflict if it moved on.
        `public` views go into the same write after the events; only the events are returned."""
        built = self._events(str(aggregate_id), expected_version + 1, events, cause)
        views = self._public(str(aggregate_id), expected_version + len(built), public, cause)
        update: dict = {"$inc": {"version": len(built)}}
        if set_fields:
            update["$set"] = dict(set_fields)
        if unset_fields:
            update["$unset"] = {name: "" for name in unset_fields}
        push = dict(push_fields or {})
        if built or views:
            push[OUTBOX] = {"$each": [outbox_entry(e, cause) for e in built + views]}
            update.setdefault("$set", {})[PENDING] = True
        if push:
            update["$push"] = push
        result = self.db[collection].update_one(
            {"_id": aggregate_id, "version": expected_version}, update, session=session
        )
        if result.matched_count != 1:
            raise ConcurrencyConflict(f"{collection}/{aggregate_id} is no longer at version {expected_version}")
        return built


def ensure_outbox_indexes(db: Database, collections: list[str]) -> None:
    for name in collections:
        db[name].create_index(PENDING, sparse=True, name="outbox_pending")
    db[EVENT_LOG].create_index([("logged_at", 1), ("event.aggregateversion", 1)], name="replay_order")


def outbox_backlog(db: Database, collections: list[str]) -> int:
    total = 0
    for name in collections:
        for doc in db[name].find({PENDING: True}, {OUTBOX: 1}):
            total += len(doc.get(OUTBOX, []))
    return total

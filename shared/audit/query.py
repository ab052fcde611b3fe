"""What an audit query asks and how an audit record is shown: pure, no I/O.

Audit records are the event log's documents (`{"event": <CloudEvent>, "actor", "topic", …}`, written by
the relay) and the access log's (access requests, shared/audit/trail.py), which keep the same shape so
that one filter and one order serve both. The public views (`tvp.public.*` topics) are copies of changes
already recorded by their aggregate's event, so they are left out: one entry per event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ..contracts.topics import PUBLIC_PREFIX

# The order of the trail, newest first; `_id` breaks ties between records of the same millisecond.
NEWEST_FIRST = [("event.time", -1), ("event.aggregateversion", -1), ("_id", -1)]
NOT_PUBLIC = {"topic": {"$not": {"$regex": f"^{re.escape(PUBLIC_PREFIX)}"}}}
# Only these fields of a record are read: never the payload (`event.data`), which may carry personal data.
SHOWN_FIELDS = {
    "event.time": 1,
    "event.type": 1,
    "event.subject": 1,
    "event.aggregateversion": 1,
    "event.correlationid": 1,
    "actor": 1,
}


@dataclass(frozen=True)
class AuditQuery:
    aggregate: str | None = None  # a CloudEvent subject, e.g. person/<id>
    actor: str | None = None  # an actor's `sub`
    type: str | None = None
    since: datetime | None = None  # `from`, inclusive
    until: datetime | None = None  # `to`, inclusive
    page: int = 1
    page_size: int = 20


def record_time(moment: datetime) -> str:
    """A moment as the event log writes `time` (UTC, milliseconds, +00:00), so that strings compare as times."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def audit_filter(query: AuditQuery) -> dict:
    """The MongoDB filter of `query` over event-log-shaped records."""
    filters: dict = dict(NOT_PUBLIC)
    if query.aggregate is not None:
        filters["event.subject"] = query.aggregate
    if query.actor is not None:
        filters["actor.sub"] = query.actor
    if query.type is not None:
        filters["event.type"] = query.type
    window = {}
    if query.since is not None:
        window["$gte"] = record_time(query.since)
    if query.until is not None:
        window["$lte"] = record_time(query.until)
    if window:
        filters["event.time"] = window
    return filters


def newest_first_key(record: dict) -> tuple:
    """The sort key of NEWEST_FIRST, for merging records of several collections (reverse=True)."""
    event = record.get("event") or {}
    return event.get("time") or "", event.get("aggregateversion") or 0, str(record.get("_id"))


def entry_of(record: dict) -> dict:
    """An audit entry: who, when, what type of change, on which aggregate; ids only, no payload."""
    event = record.get("event") or {}
    actor = record.get("actor")
    return {
        "at": event.get("time"),
        # Records logged before actors were recorded have none: shown as null (docs/privacy.md).
        "actor": None if actor is None else {name: actor.get(name) for name in ("sub", "role", "org")},
        "type": event.get("type"),
        "aggregate": event.get("subject"),
        "version": event.get("aggregateversion"),
        "correlation_id": event.get("correlationid"),
    }

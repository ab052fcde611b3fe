"""Helpers for read models built from another service's events."""
from __future__ import annotations

from .envelope import CloudEvent


def apply_if_newer(collection, event: CloudEvent, fields: dict, session=None) -> bool:
    """Upsert the view of `event`'s aggregate unless it already reflects a later version.

    Events of one aggregate arrive in order, but a replayed stream can bring an
    old event back after newer ones; the version check makes that harmless.
    """
    aggregate_id = event.aggregate_id
    result = collection.update_one(
        {"_id": aggregate_id, "$or": [{"version": {"$lt": event.aggregateversion}}, {"version": {"$exists": False}}]},
        {"$set": {**fields, "version": event.aggregateversion, "last_event_id": event.id}},
        session=session,
    )
    if result.matched_count:
        return True
    if collection.count_documents({"_id": aggregate_id}, session=session, limit=1):
        return False  # already at or past this version
    collection.insert_one({"_id": aggregate_id, **fields, "version": event.aggregateversion,
                           "last_event_id": event.id}, session=session)
    return True

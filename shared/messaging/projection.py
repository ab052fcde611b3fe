"""Helpers for read models built from another service's events."""

from __future__ import annotations

from pymongo import UpdateOne

from .envelope import CloudEvent


def _newer_wins(event: CloudEvent, fields: dict) -> list:
    """An update pipeline that merges `fields` only if the stored version is older than the event's."""
    update = {**fields, "version": event.aggregateversion, "last_event_id": event.id}
    return [
        {
            "$replaceWith": {
                "$cond": [
                    {"$gt": [event.aggregateversion, {"$ifNull": ["$version", 0]}]},
                    {"$mergeObjects": ["$$ROOT", update]},
                    "$$ROOT",
                ]
            }
        }
    ]


def apply_if_newer(collection, event: CloudEvent, fields: dict, session=None) -> bool:
    """Upsert the view of `event`'s aggregate unless it already reflects a later version.

    Events of one aggregate arrive in order, but a replayed stream can bring an
    old event back after newer ones; the version check makes that harmless. One
    round trip: the check runs inside the update. Returns whether it applied.
    """
    result = collection.update_one(
        {"_id": event.aggregate_id}, _newer_wins(event, fields), upsert=True, session=session
    )
    return bool(result.upserted_id is not None or result.modified_count)


def newer_wins_op(event: CloudEvent, fields: dict) -> UpdateOne:
    """The same as apply_if_newer, as an operation for bulk_write (batch handlers)."""
    return UpdateOne({"_id": event.aggregate_id}, _newer_wins(event, fields), upsert=True)

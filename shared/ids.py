"""Ids of the aggregates and the entities inside them: opaque strings (the contract), random, URL-safe."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """32 hex digits of a random UUID: unguessable, and safe in a URL path and a MongoDB _id."""
    return uuid.uuid4().hex

"""The rebuild of reporting's projections as a command (`tvp rebuild`): the only way in for tools outside
the service, so that they never reach into its service layer or adapters."""
from __future__ import annotations

from typing import Callable

from pymongo import MongoClient
from pymongo.database import Database

from shared.contracts import REGISTRY
from shared.ids import new_id
from shared.messaging.outbox import Causation, Outbox
from shared.service_layer.messagebus import system_principal

from ..bootstrap import bus
from ..service_layer.commands import RebuildProjections


def rebuild_in(client: MongoClient, db: Database, say: Callable[[str], None] | None = None,
               progress: Callable[[int, int], None] | None = None) -> dict:
    """Rebuild the projections of `db`; `say` gets the rebuild's messages, `progress` (events done, events in
    the journal)."""
    command = RebuildProjections(progress=progress, say=say)
    return bus(client, db, Outbox(db, REGISTRY)).handle(command, system_principal("reporting"), Causation(new_id()))


def rebuild_projections(mongo_uri: str, database: str, say: Callable[[str], None] | None = None,
                        progress: Callable[[int, int], None] | None = None) -> dict:
    """Rebuild from the journal of `database` at `mongo_uri`. Raises pymongo's errors as they come: the caller
    decides how to show them."""
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=3000)
    try:
        return rebuild_in(client, client[database], say, progress)
    finally:
        client.close()

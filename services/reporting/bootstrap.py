"""Reporting wired up: the unit of work with reporting's repositories, and the message bus with every
command (class → use case) and every consumed event type (shared/contracts constant → handler)."""
from __future__ import annotations

from contextlib import contextmanager
from functools import partial
from typing import Any, Iterator

from pymongo import MongoClient
from pymongo.database import Database

from shared.contracts import REGISTRY
from shared.messaging.outbox import Outbox
from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import MongoUnitOfWork

from .adapters.repositories import REPOSITORIES
from .domain.rules import EVIDENCE_TYPES, MEETING_TYPES, ORG_TYPES
from .service_layer import commands, expenditures, programme, projector, rebuild, reports, revisions

COMMANDS = {
    commands.UpdateProgramme: programme.update,
    commands.RecordExpenditure: expenditures.record,
    commands.CreateReport: reports.create,
    commands.RecomputeReport: reports.recompute,
    commands.SubmitReport: reports.submit,
    commands.UpdateReport: reports.update,
    commands.ReviseReport: revisions.revise,
    commands.DeleteReport: reports.delete,
    commands.RebuildProjections: rebuild.rebuild,
}

# The projection runs a batch at a time (projector.project_batch); the per-type table names what is consumed
# and serves a runtime that hands over one event at a time.
EVENTS = {event_type: projector.project_one for event_type in ORG_TYPES + MEETING_TYPES + EVIDENCE_TYPES}


def unit_of_work(db: Database, session: Any = None, outbox: Outbox | None = None,
                 client: MongoClient | None = None) -> MongoUnitOfWork:
    """A unit of work on `db` handing out this service's repositories; `session` joins a running transaction."""
    return MongoUnitOfWork(client or db.client, db, outbox or Outbox(db, REGISTRY), REPOSITORIES, session=session)


def bus(client: MongoClient, db: Database, outbox: Outbox) -> MessageBus:
    return MessageBus("reporting", partial(unit_of_work, db, outbox=outbox, client=client), COMMANDS, EVENTS,
                      batch=projector.project_batch)


@contextmanager
def standalone_bus(mongo_uri: str, database: str) -> Iterator[MessageBus]:
    """The bus on a connection of its own, for a tool that runs outside the service (`tvp rebuild`)."""
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=3000)
    try:
        db = client[database]
        yield bus(client, db, Outbox(db, REGISTRY))
    finally:
        client.close()

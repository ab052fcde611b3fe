"""Wires the members service: the message bus with its command and event tables, and the unit of work.

HTTP entrypoints hand every command to `bus.handle`; reads take `bus.unit_of_work()`
directly. Members reacts to no other service's events (it is upstream), so its
event table is empty and its worker subscribes to nothing.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from shared.contracts import REGISTRY
from shared.messaging.outbox import Outbox
from shared.service_layer.messagebus import Handler, MessageBus
from shared.service_layer.unit_of_work import MongoUnitOfWork

from .adapters.repositories import REPOSITORIES
from .service_layer import bodies, commands, organisations, people, retention, seats

SERVICE = "members"

COMMANDS: dict[type, Handler] = {
    commands.RegisterOrganisation: organisations.register_organisation,
    commands.UpdateOrganisation: organisations.update_organisation,
    commands.ChangeMembership: organisations.change_membership,
    commands.RegisterPerson: people.register_person,
    commands.UpdatePerson: people.update_person,
    commands.ErasePerson: people.erase_person,
    commands.CreateWorkingGroup: bodies.create_working_group,
    commands.AssignSeat: seats.assign_seat,
    commands.EndSeat: seats.end_seat,
    retention.RunRetention: retention.run_retention,
}
# Keyed by the event type constants of shared.contracts; none: members consumes nothing.
EVENTS: dict[str, Handler] = {}


def unit_of_work(db: Database, session: Any = None, outbox: Outbox | None = None,
                 client: MongoClient | None = None) -> MongoUnitOfWork:
    """A unit of work on `db` handing out this service's repositories; `session` joins a running transaction."""
    return MongoUnitOfWork(client or db.client, db, outbox or Outbox(db, REGISTRY), REPOSITORIES, session=session)


def bus(client: MongoClient, db: Database, outbox: Outbox) -> MessageBus:
    return MessageBus(SERVICE, partial(unit_of_work, db, outbox=outbox, client=client), COMMANDS, EVENTS)

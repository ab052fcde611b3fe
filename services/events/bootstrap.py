"""Wires the events service: its message bus (command and event tables) and its unit of work.

The HTTP app keeps one bus (`create_app`); the worker makes one around the
database and transaction the consumer hands each event (`consumer_handlers`).
Adding a use case = a command class and its handler in the table below.
"""
from __future__ import annotations

from typing import Any

from shared.contracts import REGISTRY
from shared.messaging.consumer import HandlerContext
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Outbox
from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import MongoUnitOfWork

from .adapters.repositories import REPOSITORIES
from .service_layer import commands, meetings, membership_handlers

COMMANDS = {
    commands.ScheduleMeeting: meetings.schedule,
    commands.RescheduleMeeting: meetings.reschedule,
    commands.CancelMeeting: meetings.cancel,
    commands.CloseMeeting: meetings.close,
    commands.Register: meetings.register,
    commands.CancelRegistration: meetings.cancel_registration,
    commands.RecordAttendance: meetings.record_attendance,
    commands.RecordDecision: meetings.record_decision,
}
EVENTS = membership_handlers.HANDLERS


def bus(client: Any, db: Any, outbox: Outbox) -> MessageBus:
    """The events service's bus; its units of work hand out the repositories of adapters/repositories.py."""
    def unit_of_work(session: Any = None) -> MongoUnitOfWork:
        return MongoUnitOfWork(client, db, outbox, REPOSITORIES, session=session)

    return MessageBus("events", unit_of_work, COMMANDS, EVENTS)


def consumer_handlers() -> dict:
    """The worker's handlers, from the bus's event table.

    The worker's spec is declared before it connects, so the bus is made per event
    around the consumer's database and outbox (HandlerContext): the unit of work is
    joined to the batch transaction and never opens a session, so it needs no client.
    """
    def handle(event: CloudEvent, ctx: HandlerContext) -> None:
        bus(None, ctx.db, ctx.outbox).handle_event(event, ctx.session, ctx.cause)

    return {type_: handle for type_ in EVENTS}


def subscriptions() -> list[str]:
    """The topics the worker consumes: those of the event types the bus handles."""
    return bus(None, None, None).subscriptions(REGISTRY)

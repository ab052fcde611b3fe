"""Wires the events service: its message bus (command and event tables) and its unit of work.

`create_app` and the worker (WorkerSpec.bus) each make one bus on their own connection;
the worker's consumer takes its handlers and subscriptions from the bus's event table.
Adding a use case = a command class and its handler in the table below.
"""
from __future__ import annotations

from typing import Any

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

"""Wires the events service: its message bus (command and event tables) and its unit of work.

`create_app` and the worker (WorkerSpec.bus) each make one bus on their own connection;
the worker's consumer takes its handlers and subscriptions from the bus's event table.
Adding a use case = a command class and its handler in the table below.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from shared.contracts import REGISTRY
from shared.messaging.outbox import Outbox
from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import MongoUnitOfWork

from .adapters.mail import SmtpMailer, smtp_from_environment
from .adapters.repositories import REPOSITORIES
from .service_layer import commands, evidence, meetings, membership_handlers, notifications, retention
from .service_layer.mail_sender import MailSender, SenderPolicy

COMMANDS = {
    commands.ScheduleMeeting: meetings.schedule,
    commands.RescheduleMeeting: meetings.reschedule,
    commands.CancelMeeting: meetings.cancel,
    commands.CloseMeeting: meetings.close,
    commands.Register: meetings.register,
    commands.CancelRegistration: meetings.cancel_registration,
    commands.RecordAttendance: meetings.record_attendance,
    commands.CheckIn: meetings.check_in,
    commands.RecordDecision: meetings.record_decision,
    commands.AttachMeetingEvidence: evidence.attach,
    retention.RunRetention: retention.run_retention,
}
EVENTS = membership_handlers.HANDLERS


def unit_of_work(db: Database, session: Any = None, outbox: Outbox | None = None,
                 client: MongoClient | None = None) -> MongoUnitOfWork:
    """A unit of work on `db` handing out this service's repositories; `session` joins a running transaction."""
    return MongoUnitOfWork(client or db.client, db, outbox or Outbox(db, REGISTRY), REPOSITORIES, session=session)


def bus(client: MongoClient, db: Database, outbox: Outbox) -> MessageBus:
    return MessageBus("events", partial(unit_of_work, db, outbox=outbox, client=client), COMMANDS, EVENTS)


def notifications_bus(client: MongoClient, db: Database, outbox: Outbox) -> MessageBus:
    """The notifications consumer's bus: no commands, the meeting events and person erasures that owe mails."""
    return MessageBus("events", partial(unit_of_work, db, outbox=outbox, client=client), {}, notifications.HANDLERS)


def mail_sender(client: MongoClient, db: Database, settings: Any = None, policy: SenderPolicy | None = None,
                mailer: Any = None) -> MailSender:
    """The worker's mail sender on its connection: SMTP from TVP_SMTP_URL, policy from TVP_MAIL_* (adapters/mail)."""
    smtp, environment_policy = smtp_from_environment()
    return MailSender(partial(unit_of_work, db, client=client), mailer or SmtpMailer(smtp),
                      policy=policy or SenderPolicy(**environment_policy))

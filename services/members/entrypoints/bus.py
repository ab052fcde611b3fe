"""The running app's message bus (made by bootstrap.bus in create_app), for the HTTP entrypoints."""
from __future__ import annotations

from flask import current_app

from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import UnitOfWork

EXTENSION = "tvp.bus"


def current_bus() -> MessageBus:
    return current_app.extensions[EXTENSION]


def reading() -> UnitOfWork:
    """A unit of work for a read: no transaction, no events."""
    return current_bus().unit_of_work()

"""The request's way into the service layer: the app's message bus, and a unit of work for reads."""
from __future__ import annotations

from flask import current_app

from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import UnitOfWork

BUS = "tvp.bus"  # where create_app keeps the bus in app.extensions


def message_bus() -> MessageBus:
    return current_app.extensions[BUS]


def reading() -> UnitOfWork:
    """A unit of work for a query: reads are plain functions over it, outside the bus (nothing to retry)."""
    return message_bus().unit_of_work()

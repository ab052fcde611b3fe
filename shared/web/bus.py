"""The request's way into the service layer: commands through the app's message bus, reads on a unit of work.

`create_service_app(..., bus=bootstrap.bus)` makes the bus once per process (after a gunicorn
fork, with the process's own MongoDB client); HTTP entrypoints parse, call `handle(command)` or a
read function with `reading()`, and render.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..service_layer.messagebus import MessageBus
from ..service_layer.unit_of_work import UnitOfWork
from .http import cause
from .security import current_principal

EXTENSION = "tvp.bus"  # where create_service_app keeps the bus in app.extensions


def message_bus() -> MessageBus:
    return current_app.extensions[EXTENSION]


def handle(command: Any) -> Any:
    """Run `command`'s use case as the request's principal; its events carry the request's correlation id."""
    return message_bus().handle(command, current_principal(), cause())


def reading() -> UnitOfWork:
    """A unit of work for the reads of one request: reads are plain functions over it (nothing to retry)."""
    return message_bus().unit_of_work()

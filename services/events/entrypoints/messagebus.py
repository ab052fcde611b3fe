"""The app's message bus, for the HTTP entrypoints: commands go through it, reads use its unit of work."""
from __future__ import annotations

from typing import Any

from flask import current_app

from shared.service_layer.messagebus import MessageBus
from shared.service_layer.unit_of_work import UnitOfWork
from shared.web.http import cause
from shared.web.security import current_principal

BUS = "tvp.bus"  # the key in app.extensions (create_app)


def bus() -> MessageBus:
    return current_app.extensions[BUS]


def handle(command: Any) -> Any:
    """Run `command`'s use case as the request's principal, its events carrying the request's correlation id."""
    return bus().handle(command, current_principal(), cause())


def reads() -> UnitOfWork:
    """A unit of work for the reads of one request."""
    return bus().unit_of_work()

"""The request's way into the service layer: commands through the app's message bus, reads on a unit of work.

`create_service_app(..., bus=bootstrap.bus)` makes the bus once per process (after a gunicorn
fork, with the process's own MongoDB client); HTTP entrypoints parse, call `handle(command)` or a
read function with `reading()`, and render. Inside `joined_transaction(session)` (a request
protected by an Idempotency-Key, shared/web/idempotency.py) both join that transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from flask import current_app, g

from ..service_layer.messagebus import MessageBus
from ..service_layer.unit_of_work import UnitOfWork
from .http import cause
from .outages import DATABASE_BUDGET_S
from .security import current_principal

EXTENSION = "tvp.bus"  # where create_service_app keeps the bus in app.extensions
_JOINED = "tvp_transaction"  # the request's transaction session in flask.g, while it runs


def message_bus() -> MessageBus:
    return current_app.extensions[EXTENSION]


def handle(command: Any) -> Any:
    """Run `command`'s use case as the request's principal; its events carry the request's correlation id."""
    return message_bus().handle(
        command, current_principal(), cause(), session=g.get(_JOINED), attempt_budget_s=DATABASE_BUDGET_S
    )


def reading() -> UnitOfWork:
    """A unit of work for the reads of one request: reads are plain functions over it (nothing to retry)."""
    return message_bus().unit_of_work(session=g.get(_JOINED))


@contextmanager
def joined_transaction(session: Any) -> Iterator[None]:
    """Commands and reads of the request run in `session`'s transaction, which the caller commits."""
    setattr(g, _JOINED, session)
    try:
        yield
    finally:
        g.pop(_JOINED, None)

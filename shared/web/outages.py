"""MongoDB down or stalled: the request answers 503 with Retry-After within 5 s, never a 500, never a hang.

Every request runs inside one pymongo client-side operation timeout (CSOT): all its database
operations together, server selection, the writes, a transaction's commit or abort, share
REQUEST_BUDGET_S, so a stalled server cannot hold a request longer than that whatever the view
does. What times out or finds no server is an outage of the dependency, not the client's fault:
503 in the contract's body, with Retry-After; the driver's words (with addresses) go to the log.
Kafka is never on a request's path (events wait in the outbox), so it needs nothing here.
"""

from __future__ import annotations

import logging

import pymongo
from flask import Flask
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WTimeoutError

from .errors import error_response, handle_unexpected

log = logging.getLogger(__name__)

REQUEST_BUDGET_S = 3.5  # all database work of one request; with server selection and load, well inside 5 s
RETRY_AFTER_S = 5


def is_outage(exc: BaseException) -> bool:
    """The database did not answer in time or could not be reached (rather than refusing the operation)."""
    if isinstance(exc, (ConnectionFailure, ExecutionTimeout, WTimeoutError)):
        return True
    return isinstance(exc, PyMongoError) and bool(getattr(exc, "timeout", False))


def handle_database_error(exc: PyMongoError):
    if not is_outage(exc):
        return handle_unexpected(exc)
    log.warning("MongoDB unavailable: %s: %s", exc.__class__.__name__, str(exc)[:300])
    response = error_response(503, "the database is unavailable right now; try again shortly")
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


class RequestBudget:
    """WSGI middleware: the whole request inside one `pymongo.timeout`."""

    def __init__(self, wsgi_app, seconds: float = REQUEST_BUDGET_S):
        self.wsgi_app = wsgi_app
        self.seconds = seconds

    def __call__(self, environ, start_response):
        with pymongo.timeout(self.seconds):
            return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.register_error_handler(PyMongoError, handle_database_error)
    app.wsgi_app = RequestBudget(app.wsgi_app)

"""MongoDB down or stalled: the request answers 503 with Retry-After within 5 s, never a 500, never a hang.

Every database operation of a web process is bounded by pymongo's client-side operation timeout
(CSOT, `timeoutMS` on the web's client: shared/db.py), and every attempt of a command shares one
such budget for all its work (server selection, writes, a transaction's commit or abort:
shared/service_layer/retries.py), so a stalled server ends a request within DATABASE_BUDGET_S
(plus, for an Idempotency-Key, its claim). A budget per attempt, not per request: a command that
lost a race under load gets a fresh one for its next attempt (races are retried up to 10 s; an
outage is not retried). What times out or finds no server is an outage of the dependency, not the client's fault:
503 in the contract's body, with Retry-After; the driver's words (with addresses) go to the log.
Kafka is never on a request's path (events wait in the outbox), so it needs nothing here.
"""

from __future__ import annotations

import logging

from flask import Flask
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WTimeoutError

from .errors import error_response, handle_unexpected

log = logging.getLogger(__name__)

DATABASE_BUDGET_S = 3.5  # one operation, or one attempt of a command; with load, well inside 5 s
RETRY_AFTER_S = 5
STARTUP_BUDGET_S = 10.0  # creating indexes when the app starts


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


def init_app(app: Flask) -> None:
    app.register_error_handler(PyMongoError, handle_database_error)

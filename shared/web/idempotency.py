"""`Idempotency-Key` on every POST, PUT, PATCH and DELETE of a service (contract, "Reliability (v2)").

A client that sends the same key again (a retry after a timeout, a lost answer) gets the first
answer again instead of a second copy:

- the key is 1-255 printable ASCII characters (else 422) and belongs to the token's `sub`;
- the request is identified by its method, path with query and body (a JSON body by its
  content, whatever the order of its keys or its spacing);
- first use: the key is claimed ("running"), then the view runs inside one MongoDB transaction
  that the unit of work joins (shared/web/bus.py); a 2xx answer is stored in that same
  transaction (status, body, ETag, Location, Content-Type), so the key and the write it
  protects commit together or not at all. A lost race reruns the whole transaction
  (shared/service_layer/retries.py). An error answer changed nothing: it is not stored, the
  claim is released, and the same key may be sent again;
- again, same request, within 24 h: the stored answer with `Idempotent-Replayed: true`;
  nothing runs;
- again, another method, path or body: 422 naming `Idempotency-Key`;
- again while the first is still running: 409.

A request without the header runs as before. A request whose token is missing or bad runs as
before too: the view answers 401 and no key is looked at.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, ContextManager, Protocol

import pymongo
from apispec import BasePlugin
from flask import Flask, Response, current_app, request
from flask_smorest import abort

from ..adapters.idempotency import Claimed, IdempotencyRecords, LostClaim, OtherRequest, Running, Stored
from ..service_layer.retries import retrying_lost_races
from .bus import joined_transaction
from .outages import DATABASE_BUDGET_S, STARTUP_BUDGET_S, is_outage
from .security import authenticated_principal

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STORED_HEADERS = ("ETag", "Location", "Content-Type")
EXTENSION = "tvp.idempotency"

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]+$"},
    "description": (
        "1-255 printable ASCII characters, scoped to the token's subject. The same key with the same "
        "method, path and body within 24 h answers the first (successful) response again, with "
        "`Idempotent-Replayed: true`, and changes nothing; with another method, path or body: 422; "
        "while the first request still runs: 409."
    ),
}


class Records(Protocol):
    def claim(self, subject: str, key: str, fingerprint: str): ...
    def complete(self, subject: str, key: str, token: str, response: dict, session: Any) -> None: ...
    def release(self, subject: str, key: str, token: str) -> None: ...


@dataclass
class Idempotency:
    records: Records
    transaction: Callable[[], ContextManager[Any]]  # a new transaction, yielding its session


def valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(" " <= char <= "~" for char in key)


def fingerprint(method: str, full_path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path with query, and the body's content."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
    except (ValueError, RecursionError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), full_path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _request_fingerprint() -> str:
    """The request's fingerprint; a multipart body (an upload) by its fields and its files' SHA-256, read
    from the parts werkzeug spooled to disk, so a 20 MiB upload is never read into memory whole."""
    if request.mimetype != "multipart/form-data":
        return fingerprint(request.method, request.full_path.rstrip("?"), request.get_data(cache=True))
    digest = hashlib.sha256()
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(f"{len(name)}:{name}={len(value)}:{value};".encode())
    for name, storage in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        content = hashlib.sha256()
        stream = storage.stream
        stream.seek(0)
        while block := stream.read(256 * 1024):
            content.update(block)
        stream.seek(0)
        digest.update(f"{len(name)}:{name}|{storage.filename}|{content.hexdigest()};".encode())
    return fingerprint(request.method, request.full_path.rstrip("?"), digest.hexdigest().encode())


class _NotStored(Exception):
    """A view's error answer: the transaction is rolled back and the answer given as it is."""

    def __init__(self, response: Response):
        self.response = response


def _stored(response: Response) -> dict:
    return {
        "status": response.status_code,
        "body": response.get_data(),
        "headers": {name: response.headers[name] for name in STORED_HEADERS if name in response.headers},
    }


def _replay(stored: dict) -> Response:
    response = Response(stored["body"], status=stored["status"], headers=stored["headers"])
    response.headers[REPLAYED] = "true"
    return response


def _run_protected(view: Callable, kwargs: dict, subject: str, key: str, token: str) -> Response:
    idempotency: Idempotency = current_app.extensions[EXTENSION]

    def attempt() -> Response:
        try:
            with idempotency.transaction() as session, joined_transaction(session):
                response = current_app.make_response(view(**kwargs))
                if not 200 <= response.status_code < 300:
                    raise _NotStored(response)
                idempotency.records.complete(subject, key, token, _stored(response), session)
                return response
        except _NotStored as answer:
            return answer.response

    return retrying_lost_races(attempt, attempt_budget_s=DATABASE_BUDGET_S)


def _release(records: Records, subject: str, key: str, token: str) -> None:
    with pymongo.timeout(DATABASE_BUDGET_S):  # a transaction too: one budget, like the claim
        records.release(subject, key, token)


def idempotent(view: Callable) -> Callable:
    """`view` honouring Idempotency-Key on its write methods."""

    @wraps(view)
    def wrapper(**kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES:
            return view(**kwargs)
        principal = authenticated_principal()
        if principal is None:
            return view(**kwargs)  # answers 401 before anything else
        if not valid_key(key):
            abort(422, messages={HEADER: ["must be 1 to 255 printable ASCII characters"]})
        records = current_app.extensions[EXTENSION].records
        subject = principal.subject
        # One budget for the whole claim, as for one attempt of a command: it is a transaction now (a statement
        # and a commit), and a stalled database must still be answered within DATABASE_BUDGET_S, not twice that.
        request_fingerprint = _request_fingerprint()
        with pymongo.timeout(DATABASE_BUDGET_S):
            claim = records.claim(subject, key, request_fingerprint)
        if isinstance(claim, Stored):
            return _replay(claim.response)
        if isinstance(claim, OtherRequest):
            abort(422, messages={HEADER: ["was used with another method, path or body; use a new key"]})
        if isinstance(claim, Running):
            abort(
                409,
                message=f"a request with this {HEADER} is still running; try again shortly",
                headers={"Retry-After": "1"},
            )
        assert isinstance(claim, Claimed)
        try:
            response = _run_protected(view, kwargs, subject, key, claim.token)
        except LostClaim:
            abort(409, message=f"a request with this {HEADER} took it over; try again shortly")
        except Exception as exc:
            if not is_outage(exc):  # with the database away, the claim's lease runs out by itself
                _release(records, subject, key, claim.token)
            raise
        if not 200 <= response.status_code < 300:
            _release(records, subject, key, claim.token)
        return response

    return wrapper


# The OpenAPI extension an operation of a view `idempotent_by_content` carries (`@blp.doc(**{BY_CONTENT: True})`).
BY_CONTENT = "x-idempotent-by-content"
PARAMETER_BY_CONTENT = {
    **PARAMETER,
    "description": (
        "Accepted and not looked at: this operation is idempotent by its content (sending the same content "
        "again changes nothing; its description says how)."
    ),
}


class IdempotencyKeyDocs(BasePlugin):
    """apispec plugin: the one PARAMETER documented on every write operation (inline, like If-Match, so a
    reader of one operation sees it without following a reference)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method.upper() in WRITES:
                parameter = PARAMETER_BY_CONTENT if operation.get(BY_CONTENT) else PARAMETER
                operation.setdefault("parameters", []).append(dict(parameter))


def mongo_transactions(client) -> Callable[[], ContextManager[Any]]:
    @contextmanager
    def transaction():
        with client.start_session() as session, session.start_transaction():
            yield session

    return transaction


def idempotent_by_content(view: Callable) -> bool:
    """A view class marked `idempotent_by_content = True` does not look at the key: sending it the same content
    again changes nothing by itself (an import skips what exists), and its work is too long for the one
    transaction that a key's request runs in."""
    return bool(getattr(getattr(view, "view_class", view), "idempotent_by_content", False))


def wrap_write_views(app: Flask) -> None:
    """Every view behind a write method of the API gets `idempotent` (but those idempotent by content)."""
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and (rule.methods or set()) & WRITES
        and not idempotent_by_content(app.view_functions[rule.endpoint])
    }
    for endpoint in endpoints:
        app.view_functions[endpoint] = idempotent(app.view_functions[endpoint])


def init_app(app: Flask, client, db) -> None:
    records = IdempotencyRecords(db)
    try:
        with pymongo.timeout(STARTUP_BUDGET_S):
            records.ensure_indexes()
    except Exception as exc:  # noqa: BLE001 - the app starts; /readyz says why it is not ready
        log.warning("could not prepare the idempotency keys' index yet: %s", exc)
    app.extensions[EXTENSION] = Idempotency(records, mongo_transactions(client))
    wrap_write_views(app)

"""The door of every endpoint: the bearer token, its claims, and the service's access table.

`guarded(blp)` authenticates the request (401 for a missing, bad or malformed token, or a chamber admin's
organisation this service does not know) and lets in only the roles the access table's row for the
request's route admits (403 otherwise); it documents the 401/403 answers in the OpenAPI document.
Which roles may call a route is written once, in each service's access table (shared/access.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from flask import current_app, g, request
from flask_smorest import abort

from ..access import Access, Table, row
from ..auth import InvalidToken, Principal
from .schemas import ErrorSchema

BEARER: dict[str, list[str]] = {"bearerAuth": []}
ACCESS_EXTENSION = "tvp.access"  # where create_service_app keeps the service's access table
KNOWN_ORGANISATIONS_LIMIT = 10_000


class KnownOrganisations:
    """Whether an organisation id names an organisation this service knows (members: its own organisations;
    events and reporting: their projection of the members' stream).

    Found ids are remembered: organisations are never deleted (a withdrawn one is still one), so a yes stays
    true; a no is asked again, since the organisation may be registered or projected a moment later."""

    def __init__(self, db, collection: Callable[[Any], Any]):
        self._db = db
        self._collection = collection  # db -> the collection of organisations now (reporting: its generation)
        self._known: set[str] = set()

    def __contains__(self, organisation_id: str) -> bool:
        if organisation_id in self._known:
            return True
        # organisation_id has passed shared.auth.principal_of: a plain string of id characters.
        found = self._collection(self._db).find_one({"_id": organisation_id}, {"_id": 1}) is not None
        if found and len(self._known) < KNOWN_ORGANISATIONS_LIMIT:
            self._known.add(organisation_id)
        return found


def current_principal() -> Principal:
    return g.principal


def _unauthorized(message: str) -> NoReturn:
    abort(401, message=message)
    raise AssertionError("unreachable")  # flask_smorest.abort raises but is not annotated NoReturn


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _principal(token: str) -> Principal:
    """The token's principal, or InvalidToken: bad signature or claims, or an organisation unknown here."""
    context = current_app.extensions["tvp"]
    principal = context.verifier.verify(token)
    if principal.role == "chamber_admin" and principal.organisation_id not in context.known_organisations:
        # A chamber just registered in members reaches events and reporting through the members' stream
        # (usually within a second): until then its admins are not let in there, rather than let in blind.
        raise InvalidToken(
            f"organisation {principal.organisation_id} is unknown to the {context.settings.service} service "
            "(a new organisation reaches events and reporting through the members' events within moments)"
        )
    return principal


def _authenticate() -> Principal:
    token = _bearer_token()
    if token is None:
        _unauthorized("missing bearer token")
    try:
        return _principal(token)
    except InvalidToken as exc:
        _unauthorized(f"invalid token: {exc}")


def authenticated_principal() -> Principal | None:
    """The request's principal if its bearer token is valid, else None (without answering 401 yet)."""
    token = _bearer_token()
    if token is None:
        return None
    try:
        return _principal(token)
    except InvalidToken:
        return None


def access_of_request() -> Access | None:
    """The access table's row for the route and method being served (None: no row, so nobody passes)."""
    table: Table = current_app.extensions[ACCESS_EXTENSION]
    rule = request.url_rule
    return None if rule is None else row(table, request.method, rule.rule)


def guarded(blp):
    """The door of a view: a valid token of a role the access table admits for this route; documents 401/403."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            g.guarded = True  # its answers, refusals included, are never cached (shared/web/headers.py)
            principal = _authenticate()
            access = access_of_request()
            if access is None or not access.admits(principal.role):
                abort(403, message=f"role {principal.role} may not do this")
            g.principal = principal
            return func(*args, **kwargs)

        wrapper.tvp_guarded = True
        documented = blp.doc(security=[BEARER])(wrapper)
        documented = blp.alt_response(401, schema=ErrorSchema, description="Missing or bad token")(documented)
        return blp.alt_response(403, schema=ErrorSchema, description="Not allowed for this role")(documented)

    return decorator

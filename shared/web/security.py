"""Bearer-token checks for endpoints, documented in the OpenAPI document."""

from __future__ import annotations

from functools import wraps
from typing import NoReturn

from flask import current_app, g, request
from flask_smorest import abort

from ..auth import InvalidToken, Principal
from .schemas import ErrorSchema

BEARER: dict[str, list[str]] = {"bearerAuth": []}


def current_principal() -> Principal:
    return g.principal


def _unauthorized(message: str) -> NoReturn:
    abort(401, message=message)
    raise AssertionError("unreachable")  # flask_smorest.abort raises but is not annotated NoReturn


def _authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        _unauthorized("missing bearer token")
    try:
        return current_app.extensions["tvp"].verifier.verify(token.strip())
    except InvalidToken as exc:
        _unauthorized(f"invalid token: {exc}")


def authenticated_principal() -> Principal | None:
    """The request's principal if its bearer token is valid, else None (without answering 401 yet)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return current_app.extensions["tvp"].verifier.verify(token.strip())
    except InvalidToken:
        return None


def requires(blp, *roles: str):
    """Allow the given roles (platform_admin always); document the 401/403 answers."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            principal = _authenticate()
            if principal.role != "platform_admin" and principal.role not in roles:
                abort(403, message=f"role {principal.role} may not do this")
            g.principal = principal
            return func(*args, **kwargs)

        documented = blp.doc(security=[BEARER])(wrapper)
        documented = blp.alt_response(401, schema=ErrorSchema, description="Missing or bad token")(documented)
        return blp.alt_response(403, schema=ErrorSchema, description="Not allowed for this role")(documented)

    return decorator


READ_ROLES = ("platform_admin", "chamber_admin", "programme_officer", "auditor")

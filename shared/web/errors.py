"""One error format for everything: {"code", "status", "message", "errors"}."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ..errors import DomainError

log = logging.getLogger(__name__)


def error_response(code: int, message: str | None = None, errors: dict | None = None):
    """The contract's error body as a response."""
    body = {"code": code, "status": HTTPStatus(code).phrase}
    if message:
        body["message"] = message
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    return response


def _flatten(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); the contract wants fields at the top."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    errors = _flatten(data["messages"]) if "messages" in data else None
    message = data.get("message") or exc.description
    if exc.code == 422 and errors and not data.get("message"):
        message = "the request is invalid: " + ", ".join(sorted(errors))
    response = error_response(exc.code or 500, message, errors)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on a 405
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def handle_domain_error(exc: DomainError):
    return error_response(exc.status, exc.message, exc.errors or None)


def handle_unexpected(exc: Exception):
    log.exception("unhandled error")
    return error_response(500, "internal error; the correlation id identifies it in the logs")


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)

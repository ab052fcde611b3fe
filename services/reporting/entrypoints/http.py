"""HTTP plumbing of the reporting API: the blueprint class, If-Match and the causation of a request."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort

from shared.errors import PreconditionFailed
from shared.messaging.outbox import Causation

ETAG = {"ETag": {"description": "The version, for If-Match", "schema": {"type": "string"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "The ETag from a GET; when it is stale the answer is 412 and nothing changes"}
OFFICERS = ("platform_admin", "programme_officer")
READERS = ("platform_admin", "programme_officer", "auditor")


class _Parser(FlaskParser):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, exc=error, messages={"json": ["Invalid JSON body."]})


class ReportingBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


def cause() -> Causation:
    return Causation(correlation_id=g.correlation_id)


def if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None or not header.strip() or header.strip() == "*":
        return None
    tag = header.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not (tag.isascii() and tag.isdigit() and len(tag) < 12):
        raise PreconditionFailed(f"If-Match {header[:40]!r} is not an ETag of this resource")
    return int(tag)

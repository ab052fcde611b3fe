"""HTTP plumbing of the members API: the blueprint class, ETag / If-Match and the causation of a request."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort

from shared.messaging.outbox import Causation

from ..domain.versioning import Precondition, etag, parse_if_match

IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "The ETag from a GET; when it is stale the answer is 412 and nothing changes"}
ETAG = {"ETag": {"description": "The version of the resource, for If-Match", "schema": {"type": "string"}}}


class _Parser(FlaskParser):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        # The contract answers every invalid input with 422, a body that is not JSON included.
        abort(422, exc=error, messages={"json": ["Invalid JSON body."]})


class MembersBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


def cause() -> Causation:
    return Causation(correlation_id=g.correlation_id)


def precondition() -> Precondition | None:
    return parse_if_match(request.headers.get("If-Match"))


def with_etag(document: dict):
    """A view's return value: the document and its ETag header."""
    return document, {"ETag": etag(document["version"])}
